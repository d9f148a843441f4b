import { IConstruct } from 'constructs';
import { JobPattern } from './catalogue';
import { ConstructSite, propError } from './errors';
import { isLabelValue } from './names';

/**
 * What Kueue (kubernetes-sigs/kueue, v0.17) reads on a Job, and which patterns may run with fewer
 * pods than they asked for: the one place these facts live. The constructors, the validator's
 * `kueue/*` rules and the docs (docs/kueue.md) read them from here.
 */
export const KUEUE = {
  /** The LocalQueue a Job waits in: a label on the Job (Kueue reads no annotation and nothing on the pod template). */
  QUEUE_NAME_LABEL: 'kueue.x-k8s.io/queue-name',
  /** The WorkloadPriorityClass of the Job's Workload: a label on the Job. */
  PRIORITY_CLASS_LABEL: 'kueue.x-k8s.io/priority-class',
  /** Partial admission: the fewest pods Kueue may start the Job with (an integer from 1 to parallelism - 1). */
  MIN_PARALLELISM_ANNOTATION: 'kueue.x-k8s.io/job-min-parallelism',
  /**
   * The field manager of Kueue's writes to a Job on admission and eviction (`spec.suspend`, a
   * lowered `spec.parallelism`, the pod template's labels, annotation and node selector): seen in
   * the Job's `metadata.managedFields` with Kueue v0.17.0 (operation Update).
   */
  FIELD_MANAGER: 'kueue',
  /**
   * The patterns whose Jobs still do their work with fewer pods at once (only slower): fixed
   * completion count, both work queues and static work assignment. Not a single batch or a
   * controller pod (one pod), not template expansion (one pod per Job), not pod-to-pod (every
   * peer must run at the same time).
   */
  PARTIAL_ADMISSION: new Set<string>([
    JobPattern.FIXED_COMPLETION,
    JobPattern.WORK_QUEUE_POD_PER_ITEM,
    JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT,
    JobPattern.STATIC_WORK_ASSIGNMENT,
  ]),
} as const;

/** Options of a Kueue queue. */
export interface KueueQueueOptions {
  /**
   * The `WorkloadPriorityClass` of the Job's Workload (`kueue.x-k8s.io/priority-class`): which
   * Jobs Kueue admits first, and which it may preempt.
   * @default - the LocalQueue's default priority
   */
  readonly priorityClass?: string;
  /**
   * Partial admission: when the quota is short, Kueue may start the Job with as few as this many
   * pods (`kueue.x-k8s.io/job-min-parallelism`), from 1 to parallelism - 1. Only for patterns that
   * do their work with fewer pods at once: fixed completion count, work queues, static work
   * assignment.
   * @default - all of parallelism, or wait
   */
  readonly minParallelism?: number;
}

/**
 * The Kueue LocalQueue a pattern's Jobs wait in before they run. Kueue's webhook suspends each
 * Job at creation and resumes it when the queue's ClusterQueue admits it, so the YAML carries no
 * `suspend` (docs/kueue.md):
 *
 * ```ts
 * new FixedCompletionJob(chart, 'render', { completions: 8, parallelism: 4, kueue: KueueQueue.localQueue('team-a'), container });
 * ```
 */
export class KueueQueue {
  /** The LocalQueue `name` in the Job's namespace. */
  public static localQueue(name: string, options: KueueQueueOptions = {}): KueueQueue {
    return new KueueQueue(name, options.priorityClass, options.minParallelism);
  }

  /**
   * What an Argo CD Application that syncs queued Jobs needs: {@link argoCdKueueSettings}, as a
   * static method so that Python, Java and Go apps have it too (jsii carries no free functions).
   */
  public static argoCdSettings(): ArgoCdKueueSettings {
    return argoCdKueueSettings();
  }

  /** The LocalQueue's name. */
  public readonly name: string;
  /** The WorkloadPriorityClass, if one was given. */
  public readonly priorityClass?: string;
  /** The fewest pods Kueue may start the Job with, if partial admission was asked for. */
  public readonly minParallelism?: number;

  private constructor(name: string, priorityClass: string | undefined, minParallelism: number | undefined) {
    this.name = name;
    this.priorityClass = priorityClass;
    this.minParallelism = minParallelism;
  }

  /**
   * The Job's labels and annotations for this queue, after checking them against what Kueue's
   * webhook accepts (the same checks as the rules `kueue/*`) and against the pattern.
   * @internal
   */
  public _metadataFor(site: IConstruct | ConstructSite, pattern: string, parallelism: number | undefined, completions: number | undefined): KueueMetadata {
    const name = this.name as unknown;
    if (typeof name !== 'string' || !isKueueObjectName(name)) {
      throw propError(site, {
        prop: 'kueue',
        value: name,
        allowed: 'must name a LocalQueue: a DNS-1123 subdomain of at most 63 characters (it is a label value)',
        fix: "Give the LocalQueue's name as `kubectl get localqueues` shows it, e.g. KueueQueue.localQueue('team-a').",
      });
    }
    const priorityClass = this.priorityClass as unknown;
    if (priorityClass !== undefined && (typeof priorityClass !== 'string' || !isKueueObjectName(priorityClass))) {
      throw propError(site, {
        prop: 'kueue.priorityClass',
        value: priorityClass,
        allowed: 'must name a WorkloadPriorityClass: a DNS-1123 subdomain of at most 63 characters',
        fix: 'Give the name `kubectl get workloadpriorityclasses` shows, or leave priorityClass out for the default priority.',
      });
    }
    const labels: Record<string, string> = { [KUEUE.QUEUE_NAME_LABEL]: name };
    if (priorityClass !== undefined) labels[KUEUE.PRIORITY_CLASS_LABEL] = priorityClass as string;
    const annotations: Record<string, string> = {};
    const min = this.minParallelism as unknown;
    if (min !== undefined) {
      if (!KUEUE.PARTIAL_ADMISSION.has(pattern)) {
        throw propError(site, {
          prop: 'kueue.minParallelism',
          value: min,
          allowed: `is for patterns that do their work with fewer pods at once (${[...KUEUE.PARTIAL_ADMISSION].join(', ')}), not ${pattern}`,
          fix: 'Leave minParallelism out: Kueue then admits the Job with all its pods or makes it wait.',
        });
      }
      const pods = Math.min(parallelism ?? 1, completions ?? Number.POSITIVE_INFINITY);
      if (typeof min !== 'number' || !Number.isInteger(min) || min < 1 || min >= pods) {
        throw propError(site, {
          prop: 'kueue.minParallelism',
          value: min,
          allowed: `must be an integer from 1 to ${pods - 1} (Kueue's webhook refuses anything else for a Job of ${pods} pod${pods === 1 ? '' : 's'} at once)`,
          fix: pods > 1 ? `Give a number below ${pods}, or leave minParallelism out.` : 'Raise parallelism above 1, or leave minParallelism out.',
        });
      }
      annotations[KUEUE.MIN_PARALLELISM_ANNOTATION] = String(min);
    }
    return { labels, annotations };
  }
}

/** What a queue adds to a Job's metadata. @internal */
export interface KueueMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Kueue's webhook validates the queue name (and the priority class) as an object name (a DNS-1123
 * subdomain), and as a label value it has at most 63 characters.
 */
export function isKueueObjectName(name: string): boolean {
  return DNS_1123_SUBDOMAIN.test(name) && isLabelValue(name);
}

/** One entry of an Argo CD Application's `spec.ignoreDifferences`. */
export interface ArgoCdIgnoreDifferences {
  /** The API group of the resources (`batch`). */
  readonly group: string;
  /** Their kind (`Job`). */
  readonly kind: string;
  /** The field managers whose fields are not drift when they differ from Git. */
  readonly managedFieldsManagers: string[];
}

/** The Application settings of {@link argoCdKueueSettings}. */
export interface ArgoCdKueueSettings {
  /** For the Application's `spec.ignoreDifferences`. */
  readonly ignoreDifferences: ArgoCdIgnoreDifferences[];
  /** For the Application's `spec.syncPolicy.syncOptions`. */
  readonly syncOptions: string[];
}

/**
 * What an Argo CD Application that syncs Jobs queued by Kueue needs, so that Kueue's admission is
 * not drift and no sync writes Git's values back over Kueue's (docs/kueue.md#argo-cd):
 *
 * - `ignoreDifferences`: the fields of batch/v1 Jobs that Kueue's field manager owns
 *   (`managedFieldsManagers: [kueue]`): a `parallelism` lowered by partial admission is the
 *   difference Argo CD would otherwise show, and self-heal would re-apply Git's value to the
 *   running Job;
 * - `syncOptions: [RespectIgnoreDifferences=true]`: a sync (a new commit, a retry) applies the
 *   Job with Kueue's values for those fields instead of Git's.
 *
 * Proven with Argo CD 3.6.1 and Kueue v0.17.0 (test/argocd/argocd-kueue.test.ts). Merge them with
 * the Application's own entries:
 *
 * ```ts
 * const kueue = argoCdKueueSettings();
 * const spec = { ignoreDifferences: [...kueue.ignoreDifferences], syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [...kueue.syncOptions] } };
 * ```
 */
export function argoCdKueueSettings(): ArgoCdKueueSettings {
  return {
    ignoreDifferences: [{ group: 'batch', kind: 'Job', managedFieldsManagers: [KUEUE.FIELD_MANAGER] }],
    syncOptions: ['RespectIgnoreDifferences=true'],
  };
}
