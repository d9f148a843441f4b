import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JobPattern, PATTERN_CATALOGUE } from './catalogue';
import { JobDefault, JOB_DEFAULTS, withContainerDefaults, withPodSecurityDefaults } from './defaults';
import { DefaultFlag, JobPatternDefaults } from './default-flags';
import { checkDuration, checkInteger, constructSite, propError } from './errors';
import {
  CompletionMode, PodFailurePolicyAction, PodFailurePolicyRule, PodReplacementPolicy, renderJobSpec, SuccessPolicyRule,
} from './job-spec';
import { ArgoCdAnnotations, GitOpsMode, GitOpsPolicy, JobApiObject, syncWaveOf } from './gitops';
import { JobIdentity } from './identity';
import { checkPropsOf, PROP_NAMES_OF_BATCH_JOB } from './props';
import { JobPatternAnnotations, standardLabels } from './labels';
import { isDnsLabel, MAX_JOB_NAME_LENGTH } from './names';
import { ManifestValidation } from '../validation/validate';

/**
 * What every pattern's Job accepts: the pod, its container and the Job's failure handling.
 */
export interface JobOptions {
  /**
   * The Job's metadata. `name` is also the value of the pods' `job-name` label, so it must be a
   * DNS-1123 label of at most 63 characters. Under `GitOpsPolicy.runOncePerSpec()` (the default)
   * the manifest's name is `<name>-<8 hex of the spec>`, the name cut to 54 characters if longer.
   *
   * @default - a name cdk8s generates from the construct path (stable while the construct stays where it is)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Labels and annotations for the pod template. Keep them free of values that change between
   * syncs: the template of a deployed Job is immutable.
   *
   * @default - the library's `app.kubernetes.io/*` labels only
   */
  readonly podMetadata?: ApiObjectMetadata;

  /**
   * The main container. The library's resource and security defaults are applied underneath
   * whatever it sets itself.
   */
  readonly container: kplus.ContainerProps;

  /**
   * Init containers; they get the same defaults as `container`.
   *
   * @default - none
   */
  readonly initContainers?: kplus.ContainerProps[];

  /**
   * Volumes of the pod.
   *
   * @default - none
   */
  readonly volumes?: kplus.Volume[];

  /**
   * The pod's DNS settings (cdk8s-plus' own): `hostname`, `subdomain` (the headless Service its
   * pods are found through), `policy`, nameservers, searches and options.
   *
   * @default - the cluster's DNS (`dnsPolicy: ClusterFirst`); an Indexed Job's pods are named `<job>-<index>`
   */
  readonly dns?: kplus.PodDnsProps;

  /**
   * What the kubelet does when a container exits: `Never` (a failed attempt becomes a new pod, its
   * logs stay readable) or `OnFailure` (the container restarts in the same pod). `Always` is not
   * allowed for Jobs.
   *
   * @default RestartPolicy.NEVER
   */
  readonly restartPolicy?: kplus.RestartPolicy;

  /**
   * How many failed attempts are retried before the Job fails with BackoffLimitExceeded.
   * Retries wait 10 s, 20 s, 40 s, ... (at most 6 min).
   *
   * @default 3
   */
  readonly backoffLimit?: number;

  /**
   * How long the Job may be active before it is stopped with DeadlineExceeded. Wins over
   * `backoffLimit`.
   *
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;

  /**
   * How long a finished Job (and, through the garbage collector, its pods) is kept. Argo CD
   * re-creates (and so re-runs) a Git-tracked Job that its TTL deleted, so it is only allowed
   * under `GitOpsPolicy.hook()` and `GitOpsPolicy.none()`; setting it under `runOncePerSpec()`
   * (the default) or `recreateOnChange()` is an error.
   *
   * @default - Duration.days(1) under `GitOpsPolicy.hook()` and `GitOpsPolicy.none()`; no TTL under `runOncePerSpec()` and `recreateOnChange()`
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * How the Job behaves when Argo CD syncs it from Git: a new Job for each version of the spec
   * (`runOncePerSpec()`: `<name>-<8 hex of the spec>`, no TTL), an Argo CD hook that runs on
   * every sync (`hook({ phase, deletePolicy })`), a Job Argo CD deletes and re-creates when the
   * spec changes (`recreateOnChange()`), or none of that for users without Argo CD (`none()`).
   *
   * @default GitOpsPolicy.runOncePerSpec()
   */
  readonly gitOps?: GitOpsPolicy;

  /**
   * Create the Job suspended: no pods start until `spec.suspend` is set to false.
   *
   * @default false
   */
  readonly suspend?: boolean;

  /**
   * Rules that decide, from exit codes or pod conditions, whether a failed pod fails the Job at
   * once, is ignored, or counts against `backoffLimit`. Needs `restartPolicy: Never`.
   *
   * @default - every failure counts against `backoffLimit`
   */
  readonly podFailurePolicy?: PodFailurePolicyRule[];

  /**
   * When failed or terminating pods are replaced. Alpha on Kubernetes 1.28 (feature gate
   * JobPodReplacementPolicy): a synth warning says so.
   *
   * @default - the cluster's behaviour (replace when terminating or failed)
   */
  readonly podReplacementPolicy?: PodReplacementPolicy;

  /**
   * The controller that runs the Job instead of Kubernetes' own Job controller, as a
   * domain-prefixed path (`kueue.x-k8s.io/multikueue`). Kubernetes 1.32+ (on by default; GA in
   * 1.35): validation refuses it for an older target, where the built-in controller would run the
   * Job as well.
   *
   * @default - Kubernetes' Job controller
   */
  readonly managedBy?: string;

  /**
   * Containers that run beside the main one for the pod's whole life (native sidecars: init
   * containers with `restartPolicy: Always`, started first and stopped once the main container
   * ended, so the Job still finishes). They get the library's defaults. Kubernetes 1.29+ (GA in
   * 1.33): validation refuses them for 1.28, where the API server drops the restart policy and
   * the sidecar never ends.
   *
   * @default - none
   */
  readonly sidecars?: kplus.ContainerProps[];

  /**
   * Pod security context settings, applied on top of the restricted-profile defaults.
   *
   * @default - runAsNonRoot, uid and gid 65532, fsGroup 65532, seccomp RuntimeDefault
   */
  readonly securityContext?: kplus.PodSecurityContextProps;

  /**
   * The service account the pod runs as. Its token is mounted only when
   * `automountServiceAccountToken` is true.
   *
   * @default - the namespace's default service account, without a mounted token
   */
  readonly serviceAccount?: kplus.IServiceAccount;

  /**
   * Mount the service account token into the pod.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * The `app.kubernetes.io/part-of` label of the Job and its pods.
   *
   * @default - no part-of label
   */
  readonly partOf?: string;

  /**
   * Library defaults to leave out entirely. A default that is left out must not also be set.
   *
   * @default - every default applies
   */
  readonly omitDefaults?: JobDefault[];
}

/**
 * Properties of a {@link BatchJob}: the Job options plus the fields that shape its pods.
 */
export interface BatchJobProps extends JobOptions {
  /**
   * How many pods must succeed. Unset means "any one success once all pods ended" (work queue).
   *
   * @default - unset (the cluster treats it as 1 unless `parallelism` > 1)
   */
  readonly completions?: number;

  /**
   * How many pods may run at once; 0 pauses the Job.
   *
   * @default - unset (the cluster's 1)
   */
  readonly parallelism?: number;

  /**
   * `NonIndexed` or `Indexed` (needs `completions`).
   *
   * @default - unset (the cluster's NonIndexed)
   */
  readonly completionMode?: CompletionMode;

  /**
   * Retries per index of an Indexed Job. Alpha on Kubernetes 1.28 (feature gate
   * JobBackoffLimitPerIndex): a synth warning says so.
   *
   * @default - no per-index limit
   */
  readonly backoffLimitPerIndex?: number;

  /**
   * How many indexes may fail before the whole Job fails. Needs `backoffLimitPerIndex`.
   *
   * @default - no limit on failed indexes
   */
  readonly maxFailedIndexes?: number;

  /**
   * When an Indexed Job succeeds before all its indexes did: each rule names indexes
   * (`succeededIndexes: '0,2-3'`) and/or how many must succeed (`succeededCount`). Needs
   * completionMode Indexed. Kubernetes 1.31+ (on by default; GA in 1.33).
   *
   * @default - the Job succeeds when every index succeeded
   */
  readonly successPolicy?: SuccessPolicyRule[];

  /**
   * The pattern this Job implements, written to the `job-patterns.cdk8s.io/pattern` annotation.
   *
   * @default JobPattern.CUSTOM
   */
  readonly pattern?: JobPattern;

  /**
   * The `app.kubernetes.io/component` label of the Job and its pods.
   *
   * @default - the pattern's component in the pattern catalogue: `job` (`worker` for work queues, `controller` for a controller pod)
   */
  readonly component?: string;
}

/**
 * What a pattern adds to its Job's pod once the Job's identity is known (see
 * {@link BatchJob.patternPod}): it comes before what the user wrote.
 */
export interface PatternPod {
  /**
   * Environment variables of the main container, before its own (which can refer to them as
   * `$(NAME)`).
   *
   * @default - none
   */
  readonly env?: Record<string, kplus.EnvValue>;

  /**
   * Init containers that run before the user's. They get the library's defaults.
   *
   * @default - none
   */
  readonly initContainers?: kplus.ContainerProps[];

  /**
   * Annotations of the pod template.
   *
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;

  /**
   * The pods' `subdomain`: the headless Service they are found through as `<hostname>.<subdomain>`.
   * It replaces `dns.subdomain`.
   *
   * @default - `dns.subdomain`
   */
  readonly subdomain?: string;
}

/**
 * A Kubernetes Job with the library's defaults: the base of every pattern.
 *
 * It is a cdk8s-plus pod (`kplus.AbstractPod`: containers, init containers, volumes, security
 * context, service account, DNS, host aliases, and `scheduling` for node affinity and tolerations)
 * that renders itself as one `batch/v1` Job: its API object is the child `Resource` (also
 * `node.defaultChild`, so `ApiObject.of(batchJob)` returns it). It does not wrap a `kplus.Job`:
 * that construct costs three times a plain API object to synthesize (see the README's
 * benchmarks), and it lacks most Job fields (completions, parallelism, completionMode, ...), which
 * are rendered here directly.
 */
export class BatchJob extends kplus.AbstractPod {
  /** The Job's API object. Its `name` is {@link baseName}; the manifest's is {@link name}. */
  public readonly apiObject: ApiObject;
  /** The API resource type of a Job (`jobs`), as cdk8s-plus resources name theirs. */
  public readonly resourceType = 'jobs';
  /** Labels and annotations of the pod template. */
  public readonly podMetadata: ApiObjectMetadataDefinition;
  /** Where the pods may run: node affinity, pod (anti-)affinity, tolerations. */
  public readonly scheduling: kplus.PodScheduling;
  /**
   * The Job's name without the spec hash: `metadata.name`, or the name cdk8s generates from the
   * construct path. The `app.kubernetes.io/name` label and the names of the objects a pattern
   * creates for the Job (ConfigMap, RBAC, queue) are derived from it, never from the hash.
   */
  public readonly baseName: string;
  /**
   * Who the Job is (base name, GitOps policy, labels, namespace, sync wave), decided once when it
   * is constructed: the objects a pattern creates for the Job take their names and metadata from it.
   */
  public readonly identity: JobIdentity;
  /** Effective `gitOps` policy. */
  public readonly gitOps: GitOpsPolicy;
  /** The pattern written to the `job-patterns.cdk8s.io/pattern` annotation. */
  public readonly pattern: JobPattern;
  /** Effective `restartPolicy`. */
  declare public readonly restartPolicy: kplus.RestartPolicy;
  /** Effective `backoffLimit` (undefined when the default was omitted and none was set). */
  public readonly backoffLimit?: number;
  /** Effective `activeDeadline`. */
  public readonly activeDeadline?: Duration;
  /** Effective `ttlAfterFinished`. */
  public readonly ttlAfterFinished?: Duration;
  /** `completions` as written (undefined: unset). */
  public readonly completions?: number;
  /** `parallelism` as written (undefined: unset). */
  public readonly parallelism?: number;
  /** `completionMode` as written (undefined: unset). */
  public readonly completionMode?: CompletionMode;
  /** `suspend`. */
  public readonly suspend: boolean;
  /** Labels on the Job and on its pod template. */
  public readonly labels: Record<string, string>;

  /** The props the Job was made with (a pattern narrows their type with `declare`). */
  protected readonly props: BatchJobProps;
  private readonly omitted: ReadonlySet<JobDefault>;
  /**
   * Names of the containers whose `imagePullPolicy` is written: those the user set it for
   * (cdk8s-plus writes `Always` for every other), or all of them for an app pinned before
   * `DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES`.
   */
  private readonly pullPolicySetFor = new Set<string>();
  /** False for an app pinned before `DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES`: cdk8s-plus' `Always` stays. */
  private readonly pullPolicyFromKubernetes: boolean;
  /** What {@link patternPod} returned: the parts of the pod the pattern decided. */
  private readonly patternParts: PatternPod;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    // JavaScript callers may pass nothing: the props check below then says what is missing.
    props = props ?? ({} as BatchJobProps);
    // Before anything reads them. A pattern passes its own props on, with the Job fields it fixes: those are known too.
    checkPropsOf(constructSite(scope, id, new.target.name), new.target.name, props, PROP_NAMES_OF_BATCH_JOB);
    // The app's pinned defaults: a default whose flag is off is left out as if omitted.
    const defaults = JobPatternDefaults.of(scope);
    const omitted = defaults._omitted(props.omitDefaults);
    const restartPolicy = props.restartPolicy ?? JOB_DEFAULTS.restartPolicy;
    super(scope, id, {
      restartPolicy,
      securityContext: withPodSecurityDefaults(props.securityContext, omitted),
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      volumes: props.volumes,
      dns: props.dns,
    });
    this.omitted = omitted;
    this.pullPolicyFromKubernetes = defaults.has(DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES);
    this.props = props;
    ManifestValidation.enable(this);
    this.checkOmittedDefaults(props);
    this.gitOps = JobIdentity.gitOpsOf(props);
    this.checkGitOps(props);

    this.pattern = props.pattern ?? JobPattern.CUSTOM;
    this.backoffLimit = props.backoffLimit ?? this.defaultUnlessOmitted(JobDefault.BACKOFF_LIMIT, JOB_DEFAULTS.backoffLimit);
    this.activeDeadline = props.activeDeadline ?? this.defaultUnlessOmitted(JobDefault.ACTIVE_DEADLINE, JOB_DEFAULTS.activeDeadline);
    // A tracked Job's TTL makes Argo CD re-run it: the default applies only where a TTL is allowed.
    this.ttlAfterFinished = props.ttlAfterFinished
      ?? (this.gitOps.allowsTtl ? this.defaultUnlessOmitted(JobDefault.TTL_AFTER_FINISHED, JOB_DEFAULTS.ttlAfterFinished) : undefined);
    this.completions = props.completions;
    this.parallelism = props.parallelism;
    this.completionMode = props.completionMode;
    this.suspend = props.suspend ?? false;
    this.checkProps(props);

    // Named when rendered, after the spec as written: containers and patches added later are covered.
    this.apiObject = new JobApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    }, this.gitOps);
    this.node.defaultChild = this.apiObject;
    this.podMetadata = new ApiObjectMetadataDefinition({ ...props.podMetadata, apiObject: this.apiObject });
    this.scheduling = new kplus.PodScheduling(this);
    this.baseName = this.apiObject.name;
    this.checkName();

    this.labels = standardLabels({ name: this.baseName, component: props.component ?? PATTERN_CATALOGUE[this.pattern].component, partOf: props.partOf });
    for (const [key, value] of Object.entries(this.labels)) {
      this.apiObject.metadata.addLabel(key, value);
      this.podMetadata.addLabel(key, value);
    }
    this.identity = new JobIdentity(this.baseName, this.gitOps, this.labels, props.metadata?.namespace, syncWaveOf(props.metadata?.annotations));
    this.apiObject.metadata.addAnnotation(JobPatternAnnotations.PATTERN, this.pattern);
    this.apiObject.metadata.addAnnotation(JobPatternAnnotations.GITOPS_POLICY, this.gitOps.mode);
    for (const [key, value] of Object.entries(this.gitOps._jobAnnotations())) {
      const own = props.metadata?.annotations?.[key];
      // The user's own sync options (Prune=false, ServerSideApply=true, ...) are kept alongside.
      this.apiObject.metadata.addAnnotation(key, own !== undefined && key === ArgoCdAnnotations.SYNC_OPTIONS ? `${own},${value}` : value);
    }

    // The pod: what the pattern adds for this identity first, then what the user wrote.
    const pattern = this.patternPod();
    this.patternParts = pattern;
    for (const [key, value] of Object.entries(pattern.podAnnotations ?? {})) {
      this.podMetadata.addAnnotation(key, value);
    }
    // Sidecars start first, so the pattern's and the user's init containers can use them.
    for (const sidecar of props.sidecars ?? []) {
      this.addInitContainer({ ...sidecar, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS });
    }
    for (const init of [...pattern.initContainers ?? [], ...props.initContainers ?? []]) {
      this.addInitContainer(init);
    }
    this.addContainer(pattern.env === undefined
      ? props.container
      : { ...props.container, envVariables: { ...pattern.env, ...props.container.envVariables } });
  }

  /**
   * The Job's name as written to the manifest (also its pods' `job-name` label): {@link baseName},
   * or under `GitOpsPolicy.runOncePerSpec()` `<baseName>-<8 hex of the spec>`. Computed from the
   * spec as it renders now: read it after the last change to the Job.
   */
  public get name(): string {
    return this.apiObject.toJson().metadata.name;
  }

  /**
   * What the pattern adds to the pod. `BatchJob`'s constructor calls it once, after {@link identity}
   * is decided and before it adds the user's containers, so a pattern can name things after the
   * Job without computing its name itself. It may read {@link identity} and {@link props} only: the
   * pattern's own fields are not set yet. A plain `BatchJob` adds nothing.
   */
  protected patternPod(): PatternPod {
    return {};
  }

  /**
   * Adds a container to the pod with the library's resource and security defaults underneath its
   * own settings.
   */
  public addContainer(container: kplus.ContainerProps): kplus.Container {
    return this.ownPullPolicy(super.addContainer(withContainerDefaults(container, this.omitted)), container);
  }

  /**
   * Adds an init container with the same defaults as {@link addContainer}.
   */
  public addInitContainer(container: kplus.ContainerProps): kplus.Container {
    return this.ownPullPolicy(super.addInitContainer(withContainerDefaults(container, this.omitted)), container);
  }

  /** Remembers the containers whose `imagePullPolicy` is written: the others leave it to Kubernetes. */
  private ownPullPolicy(added: kplus.Container, props: kplus.ContainerProps): kplus.Container {
    if (props.imagePullPolicy !== undefined || !this.pullPolicyFromKubernetes) this.pullPolicySetFor.add(added.name);
    return added;
  }

  /**
   * The Job's `spec`: the pod cdk8s-plus renders, and the Job fields it lacks. Called when the Job
   * is rendered, so everything added after construction is in it.
   */
  private renderSpec(): unknown {
    const scheduling = this.scheduling._toKube();
    const props = this.props;
    const pod = this._toPodSpec();
    return renderJobSpec({
      metadata: this.podMetadata.toJson(),
      pod: {
        ...pod,
        affinity: scheduling.affinity,
        nodeName: scheduling.nodeName,
        subdomain: this.patternParts.subdomain ?? pod.subdomain,
        tolerations: scheduling.tolerations,
      },
    }, {
      activeDeadlineSeconds: this.activeDeadline?.toSeconds(),
      backoffLimit: this.backoffLimit,
      ttlSecondsAfterFinished: this.ttlAfterFinished?.toSeconds(),
      completions: props.completions,
      parallelism: props.parallelism,
      completionMode: props.completionMode,
      suspend: props.suspend,
      podFailurePolicy: props.podFailurePolicy ? { rules: props.podFailurePolicy.map(renderRule) } : undefined,
      backoffLimitPerIndex: props.backoffLimitPerIndex,
      maxFailedIndexes: props.maxFailedIndexes,
      podReplacementPolicy: props.podReplacementPolicy,
      successPolicy: props.successPolicy ? { rules: props.successPolicy.map(r => ({ ...r })) } : undefined,
      managedBy: props.managedBy,
      podSeccompProfileType: this.omitted.has(JobDefault.SECURITY_CONTEXT) ? undefined : kplus.SeccompProfileType.RUNTIME_DEFAULT,
      imagePullPolicySetFor: this.pullPolicySetFor,
      terminationMessagePolicy: this.defaultUnlessOmitted(JobDefault.TERMINATION_MESSAGE_POLICY, JOB_DEFAULTS.terminationMessagePolicy),
      tmpVolume: this.defaultUnlessOmitted(JobDefault.TMP_VOLUME, JOB_DEFAULTS.tmpVolume),
    });
  }

  private defaultUnlessOmitted<T>(which: JobDefault, value: T): T | undefined {
    return this.omitted.has(which) ? undefined : value;
  }

  private checkOmittedDefaults(props: BatchJobProps): void {
    // The user's own omissions only: a default left out by the app's pinned version can be set.
    const omitted = new Set(props.omitDefaults ?? []);
    const setWhileOmitted: Array<[JobDefault, unknown]> = [
      [JobDefault.BACKOFF_LIMIT, props.backoffLimit],
      [JobDefault.ACTIVE_DEADLINE, props.activeDeadline],
      [JobDefault.TTL_AFTER_FINISHED, props.ttlAfterFinished],
    ];
    for (const [which, value] of setWhileOmitted) {
      if (omitted.has(which) && value !== undefined) {
        propError(this, {
          prop: which,
          value,
          allowed: `cannot be set while omitDefaults contains JobDefault.${enumKey(which)}`,
          fix: `Either remove '${which}' or remove JobDefault.${enumKey(which)} from omitDefaults.`,
        });
      }
    }
  }

  private checkGitOps(props: BatchJobProps): void {
    const policy = this.gitOps;
    if (!policy.allowsTtl && props.ttlAfterFinished !== undefined) {
      propError(this, {
        prop: 'ttlAfterFinished',
        value: props.ttlAfterFinished,
        allowed: `must not be set under gitOps ${policy}${policy.mode === GitOpsMode.RUN_ONCE_PER_SPEC ? ' (the default)' : ''}: Argo CD tracks the Job, and once the TTL deletes it, auto-sync re-creates it and it runs again`,
        fix: 'Remove ttlAfterFinished (Argo CD prunes the Job when it leaves Git), or use gitOps: GitOpsPolicy.hook() to run it on every sync with a TTL, or GitOpsPolicy.none() without Argo CD.',
      });
    }
    if (policy.mode === GitOpsMode.HOOK && props.suspend === true) {
      propError(this, {
        prop: 'suspend',
        value: props.suspend,
        allowed: `must not be true under gitOps ${policy}: Argo CD counts a suspended hook as running, so the sync waits for it forever`,
        fix: 'Remove suspend, or use another gitOps policy for a Job that something else resumes.',
      });
    }
    for (const key of [ArgoCdAnnotations.HOOK, ArgoCdAnnotations.HOOK_DELETE_POLICY, ArgoCdAnnotations.HELM_HOOK]) {
      const own = props.metadata?.annotations?.[key];
      if (own !== undefined) {
        propError(this, {
          prop: `metadata.annotations['${key}']`,
          value: own,
          allowed: 'is written by the gitOps policy',
          fix: "Remove the annotation and use gitOps: GitOpsPolicy.hook({ phase, deletePolicy }).",
        });
      }
    }
  }

  private checkProps(props: BatchJobProps): void {
    if (this.restartPolicy !== kplus.RestartPolicy.NEVER && this.restartPolicy !== kplus.RestartPolicy.ON_FAILURE) {
      propError(this, {
        prop: 'restartPolicy',
        value: this.restartPolicy,
        allowed: "must be 'Never' or 'OnFailure' for a Job",
        fix: 'Use RestartPolicy.NEVER (the default) or RestartPolicy.ON_FAILURE; a Job\'s pods must end.',
      });
    }
    checkInteger(this, 'backoffLimit', props.backoffLimit, 0, 'Set backoffLimit to 0 (no retries) or more.');
    checkDuration(this, 'activeDeadline', props.activeDeadline, 1, 'Use a deadline of at least Duration.seconds(1), or omitDefaults: [JobDefault.ACTIVE_DEADLINE] for none.');
    checkDuration(this, 'ttlAfterFinished', props.ttlAfterFinished, 0, 'Use Duration.seconds(0) (delete at once) or more, or omitDefaults: [JobDefault.TTL_AFTER_FINISHED] to keep finished Jobs.');
    checkInteger(this, 'completions', props.completions, 1, 'Set completions to 1 or more, or leave it unset for a work queue.');
    checkInteger(this, 'parallelism', props.parallelism, 0, 'Set parallelism to 0 (paused) or more.');
    checkInteger(this, 'backoffLimitPerIndex', props.backoffLimitPerIndex, 0);
    checkInteger(this, 'maxFailedIndexes', props.maxFailedIndexes, 0);

    if (props.podFailurePolicy !== undefined && this.restartPolicy !== kplus.RestartPolicy.NEVER) {
      propError(this, {
        prop: 'podFailurePolicy',
        value: props.podFailurePolicy.map(r => r.action),
        allowed: `needs restartPolicy 'Never' (restartPolicy is '${this.restartPolicy}')`,
        fix: 'Remove restartPolicy: RestartPolicy.ON_FAILURE, or remove podFailurePolicy.',
      });
    }
    if (props.completionMode === CompletionMode.INDEXED && props.completions === undefined) {
      propError(this, {
        prop: 'completions',
        value: props.completions,
        allowed: "must be set when completionMode is 'Indexed'",
        fix: 'Set completions to the number of indexes.',
      });
    }
    if (props.backoffLimitPerIndex !== undefined && props.completionMode !== CompletionMode.INDEXED) {
      propError(this, {
        prop: 'backoffLimitPerIndex',
        value: props.backoffLimitPerIndex,
        allowed: "needs completionMode 'Indexed'",
        fix: 'Set completionMode: CompletionMode.INDEXED, or remove backoffLimitPerIndex.',
      });
    }
    if (props.successPolicy !== undefined && props.completionMode !== CompletionMode.INDEXED) {
      propError(this, {
        prop: 'successPolicy',
        value: props.successPolicy,
        allowed: "needs completionMode 'Indexed'",
        fix: 'Set completionMode: CompletionMode.INDEXED, or remove successPolicy.',
      });
    }
    for (const [i, rule] of (props.successPolicy ?? []).entries()) {
      if (rule.succeededIndexes === undefined && rule.succeededCount === undefined) {
        propError(this, {
          prop: `successPolicy[${i}]`,
          value: rule,
          allowed: 'must name succeededIndexes, succeededCount or both',
          fix: "Give the indexes that must succeed (succeededIndexes: '0,2-3') and/or how many (succeededCount: 1).",
        });
      }
    }
    if (props.managedBy !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[^/]+$/.test(props.managedBy)) {
      propError(this, {
        prop: 'managedBy',
        value: props.managedBy,
        allowed: 'must be a domain-prefixed path of the controller that runs the Job',
        fix: "Name the controller as its docs say, e.g. 'kueue.x-k8s.io/multikueue'.",
      });
    }
    if (props.maxFailedIndexes !== undefined && props.backoffLimitPerIndex === undefined) {
      propError(this, {
        prop: 'maxFailedIndexes',
        value: props.maxFailedIndexes,
        allowed: 'needs backoffLimitPerIndex',
        fix: 'Set backoffLimitPerIndex as well, or remove maxFailedIndexes.',
      });
    }
    if (props.maxFailedIndexes !== undefined && props.completions !== undefined && props.maxFailedIndexes > props.completions) {
      propError(this, {
        prop: 'maxFailedIndexes',
        value: props.maxFailedIndexes,
        allowed: `must not exceed completions (${props.completions})`,
        fix: `Set maxFailedIndexes to at most ${props.completions}.`,
      });
    }
    for (const [i, rule] of (props.podFailurePolicy ?? []).entries()) {
      const matchers = (rule.onExitCodes ? 1 : 0) + (rule.onPodConditions ? 1 : 0);
      if (matchers !== 1) {
        propError(this, {
          prop: `podFailurePolicy[${i}]`,
          value: rule,
          allowed: 'must have exactly one of onExitCodes and onPodConditions',
          fix: 'Split the rule in two, or add the matcher it lacks.',
        });
      }
      if (rule.action === PodFailurePolicyAction.FAIL_INDEX && props.backoffLimitPerIndex === undefined) {
        propError(this, {
          prop: `podFailurePolicy[${i}].action`,
          value: rule.action,
          allowed: 'needs backoffLimitPerIndex',
          fix: 'Set backoffLimitPerIndex (Indexed Jobs only), or use another action.',
        });
      }
    }
  }

  private checkName(): void {
    if (!isDnsLabel(this.baseName)) {
      propError(this, {
        prop: 'metadata.name',
        value: this.baseName,
        allowed: `must be a DNS-1123 label of at most ${MAX_JOB_NAME_LENGTH} characters (lower-case letters, digits and '-', starting and ending with a letter or digit), because it is also the pods' job-name label`,
        fix: 'Choose a shorter name made of lower-case letters, digits and dashes.',
      });
    }
  }
}

function renderRule(rule: PodFailurePolicyRule): unknown {
  if (rule.onExitCodes) {
    const { containerName, operator, values } = rule.onExitCodes;
    return { action: rule.action, onExitCodes: { ...(containerName ? { containerName } : {}), operator, values } };
  }
  return { action: rule.action, onPodConditions: rule.onPodConditions!.map(c => ({ type: c.type, status: c.status ?? 'True' })) };
}

function enumKey(value: JobDefault): string {
  return Object.entries(JobDefault).find(([, v]) => v === value)![0];
}
