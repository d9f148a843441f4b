/**
 * The label keys this library writes, in one place (the annotations are {@link JobPatternAnnotations}).
 *
 * All of them are derived from the Job's name and the pattern, never from the construct path, so a
 * construct that moves in the tree does not change its pod template (which is immutable on a
 * deployed Job).
 */
export class JobPatternLabels {
  /**
   * `app.kubernetes.io/name`: the Job's base name, without the spec hash a `runOncePerSpec` Job's
   * name ends in (for a template expansion: the group's name), so the pod template never depends
   * on its own hash.
   */
  public static readonly NAME = 'app.kubernetes.io/name';
  /** `app.kubernetes.io/component`: the role of the object in its pattern (`job`, `worker`, `queue`, ...). */
  public static readonly COMPONENT = 'app.kubernetes.io/component';
  /** `app.kubernetes.io/part-of`: set when the user gives `partOf`. */
  public static readonly PART_OF = 'app.kubernetes.io/part-of';
  /** `app.kubernetes.io/managed-by`: always `cdk8s-job-patterns`. */
  public static readonly MANAGED_BY = 'app.kubernetes.io/managed-by';
  /** The value of `app.kubernetes.io/managed-by`. */
  public static readonly MANAGED_BY_VALUE = 'cdk8s-job-patterns';
  /** Label shared by every Job of one template expansion, so the group can be listed and watched. */
  public static readonly GROUP = 'job-patterns.cdk8s.io/group';
  /** Label naming the work item of one Job in a template expansion. */
  public static readonly ITEM = 'job-patterns.cdk8s.io/item';
  /**
   * Label on the objects a WorkQueueJob creates for its queue: the queue's host (its Service name).
   * The workers name the same host in the annotation {@link JobPatternAnnotations.QUEUE}; the rule
   * `gitops/queue-wave-order` reads both to check that the queue syncs before its workers.
   */
  public static readonly QUEUE = 'job-patterns.cdk8s.io/queue';

  private constructor() {}
}

/** The annotation keys this library writes, in one place (the labels are {@link JobPatternLabels}). */
export class JobPatternAnnotations {
  /** On every Job: its pattern (a `JobPattern` value); the verifier reads it to judge convergence. */
  public static readonly PATTERN = 'job-patterns.cdk8s.io/pattern';
  /**
   * On every Job: its GitOps policy (`run-once-per-spec`, `hook`, `recreate-on-change`, `none`);
   * the rule `gitops/ttl-on-tracked-job` leaves `none` alone.
   */
  public static readonly GITOPS_POLICY = 'job-patterns.cdk8s.io/gitops-policy';
  /**
   * On a work-queue Job: the queue's host (its Service name when it runs in the cluster). The
   * queue's own objects carry the label {@link JobPatternLabels.QUEUE} of the same value.
   */
  public static readonly QUEUE = 'job-patterns.cdk8s.io/queue';
  /**
   * On the pod template of a Redis queue's server and of its workers under
   * `GitOpsPolicy.runOncePerSpec()` and `recreateOnChange()`: a hash of the items the filler loads.
   * New items restart the queue empty (its data is in an emptyDir) and make the workers a new spec.
   */
  public static readonly QUEUE_ITEMS = 'job-patterns.cdk8s.io/queue-items';

  private constructor() {}
}

/** What the standard labels of an object are made of. */
export interface StandardLabelsOptions {
  /** `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`, when the user gave one. */
  readonly partOf?: string;
}

/**
 * The standard labels of every object the library writes, in the order they are written:
 * `app.kubernetes.io/name`, `component`, `part-of` (when given) and `managed-by`. Jobs and their
 * pods, and a queue's Deployment, Service and pods, all take theirs from here.
 * @internal
 */
export function standardLabels(options: StandardLabelsOptions): Record<string, string> {
  return {
    [JobPatternLabels.NAME]: options.name,
    [JobPatternLabels.COMPONENT]: options.component,
    ...(options.partOf !== undefined ? { [JobPatternLabels.PART_OF]: options.partOf } : {}),
    [JobPatternLabels.MANAGED_BY]: JobPatternLabels.MANAGED_BY_VALUE,
  };
}

/** The Argo CD annotation and label keys this library writes or reads, in one place. */
export class ArgoCdAnnotations {
  /** `argocd.argoproj.io/hook`: the sync phase(s) a hook runs in (`PreSync`, `Sync`, `PostSync`, `SyncFail`, `Skip`). */
  public static readonly HOOK = 'argocd.argoproj.io/hook';
  /** `argocd.argoproj.io/hook-delete-policy`: when a hook is deleted (comma-separated policies). */
  public static readonly HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
  /** `argocd.argoproj.io/sync-options`, e.g. `Force=true,Replace=true`. */
  public static readonly SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
  /** `argocd.argoproj.io/sync-wave`: an integer, default 0; a wave must be synced and healthy before the next starts. */
  public static readonly SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
  /** `helm.sh/hook`: Argo CD also honours Helm hooks (pre-install and pre-upgrade run as PreSync, post-* as PostSync). */
  public static readonly HELM_HOOK = 'helm.sh/hook';
  /** `helm.sh/hook-weight`: the sync wave of a Helm hook without an Argo CD sync wave. */
  public static readonly HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
  /** The label Argo CD's label-based resource tracking writes (its default `application.instanceLabelKey`). */
  public static readonly INSTANCE_LABEL = 'app.kubernetes.io/instance';
  /** The sync options of {@link GitOpsPolicy.recreateOnChange}: delete and re-create instead of patching. */
  public static readonly FORCE_REPLACE = 'Force=true,Replace=true';

  private constructor() {}
}
