import { ApiObject, ApiObjectMetadataDefinition, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { enableAppValidation, renderedInPass } from './app-validation';
import { syncWaveOf } from './argo-cd';
import { JobPattern, PATTERN_CATALOGUE } from './catalogue';
import { JobDefault, JOB_DEFAULTS, withContainerDefaults, withPodSecurityDefaults } from './defaults';
import { DefaultFlag, JobPatternDefaults } from './default-flags';
import { constructSite } from './errors';
import { GitOpsPolicy } from './gitops';
import { JobIdentity } from './identity';
import { checkJobName, checkJobProps } from './job-checks';
import { JobApiObject } from './job-name';
import { metadataJson } from './metadata-json';
import { BatchJobProps, PatternPod } from './job-options';
import { CompletionMode, JobSpecFields, PodFailurePolicyRule, renderJobSpec, renderSortedJobSpec } from './job-spec';
import { ArgoCdAnnotations, JobPatternAnnotations, standardLabels } from './labels';
import { checkPropsOf, PROP_NAMES_OF_BATCH_JOB } from './props';

/**
 * A Kubernetes Job with the library's defaults: the base of every pattern.
 *
 * It is a cdk8s-plus pod (`kplus.AbstractPod`: containers, init containers, volumes, security
 * context, service account, DNS, host aliases, and `scheduling` for node affinity and tolerations)
 * that renders itself as one `batch/v1` Job: its API object is the child `Resource` (also
 * `node.defaultChild`, so `ApiObject.of(batchJob)` returns it). It does not wrap a `kplus.Job`:
 * that construct costs three times a plain API object to construct and render (see
 * docs/benchmarks.md), and it lacks most Job fields (completions, parallelism, completionMode, ...), which
 * are rendered here directly.
 */
export class BatchJob extends kplus.AbstractPod {
  /**
   * The Job's API object (protected, as in every cdk8s-plus resource: `ApiObject.of(job)` returns
   * it). Its `name` is {@link baseName}; the manifest's is {@link name}.
   */
  protected readonly apiObject: ApiObject;
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
  public readonly props: BatchJobProps;
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
    enableAppValidation(this);
    this.gitOps = JobIdentity._gitOpsOf(props);
    checkJobProps(this, props, { restartPolicy, gitOps: this.gitOps });

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

    // Named when rendered, after the spec as written: containers and patches added later are covered.
    this.apiObject = new JobApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => renderJobSpec(...this.specParts()) }),
    }, this.gitOps, () => renderSortedJobSpec(...this.specParts(metadataJson)));
    this.node.defaultChild = this.apiObject;
    this.podMetadata = new ApiObjectMetadataDefinition({ ...props.podMetadata, apiObject: this.apiObject });
    this.scheduling = new kplus.PodScheduling(this);
    this.baseName = this.apiObject.name;
    checkJobName(this, this.baseName);

    this.labels = standardLabels({ name: this.baseName, component: props.component ?? PATTERN_CATALOGUE[this.pattern].component, partOf: props.partOf });
    for (const [key, value] of Object.entries(this.labels)) {
      this.apiObject.metadata.addLabel(key, value);
      this.podMetadata.addLabel(key, value);
    }
    this.identity = new JobIdentity(this.baseName, this.gitOps, this.labels, syncWaveOf(props.metadata?.annotations), props.metadata?.namespace);
    this.apiObject.metadata.addAnnotation(JobPatternAnnotations.PATTERN, this.pattern);
    if (props.kueue !== undefined) {
      // Kueue reads the Job's own labels (and annotations), never the pod template's. (The props
      // check above has refused a JavaScript caller's kueue that is not a KueueQueue.)
      const queued = props.kueue._metadataFor(this, this.pattern, this.parallelism, this.completions);
      for (const [key, value] of Object.entries(queued.labels)) this.apiObject.metadata.addLabel(key, value);
      for (const [key, value] of Object.entries(queued.annotations)) this.apiObject.metadata.addAnnotation(key, value);
    }
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
    // Read while validation renders every object (an object that names this Job, such as
    // PodToPodJob's Service): the manifest that pass rendered, instead of a second rendering.
    return (renderedInPass(this.apiObject) ?? this.apiObject.toJson()).metadata.name;
  }

  /**
   * Selects the pods of every run of this Job by its labels ({@link labels}), for a
   * `kplus.NetworkPolicy` peer or a pod (anti-)affinity. cdk8s-plus' own selector reads the label
   * `cdk8s.io/metadata.addr`, which the library does not write (a pod template must not change when
   * a construct moves), and would throw.
   */
  public toPodSelectorConfig(): kplus.PodSelectorConfig {
    return {
      labelSelector: kplus.LabelSelector.of({ labels: { ...this.labels } }),
      namespaces: this.metadata.namespace ? { names: [this.metadata.namespace] } : undefined,
    };
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
   * What the Job's `spec` is made of: the pod cdk8s-plus renders, its metadata (rendered by
   * `metadata`), and the Job fields cdk8s-plus lacks. Read when the Job is rendered, so everything
   * added after construction is in it.
   */
  private specParts(metadata: (m: ApiObjectMetadataDefinition) => unknown = m => m.toJson()): [{ metadata: unknown; pod: kplus.k8s.PodSpec }, JobSpecFields] {
    const scheduling = this.scheduling._toKube();
    const props = this.props;
    // Fresh from cdk8s-plus at every call: changed in place rather than copied.
    const pod: { -readonly [K in keyof kplus.k8s.PodSpec]: kplus.k8s.PodSpec[K] } = this._toPodSpec();
    pod.affinity = scheduling.affinity;
    pod.nodeName = scheduling.nodeName;
    pod.subdomain = this.patternParts.subdomain ?? pod.subdomain;
    pod.tolerations = scheduling.tolerations;
    return [{ metadata: metadata(this.podMetadata), pod }, {
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
      imagePullSecrets: props.imagePullSecrets?.map(secret => secret.name),
      podSeccompProfileType: this.omitted.has(JobDefault.SECURITY_CONTEXT) ? undefined : kplus.SeccompProfileType.RUNTIME_DEFAULT,
      imagePullPolicySetFor: this.pullPolicySetFor,
      terminationMessagePolicy: this.defaultUnlessOmitted(JobDefault.TERMINATION_MESSAGE_POLICY, JOB_DEFAULTS.terminationMessagePolicy),
      tmpVolume: this.defaultUnlessOmitted(JobDefault.TMP_VOLUME, JOB_DEFAULTS.tmpVolume),
    }];
  }

  private defaultUnlessOmitted<T>(which: JobDefault, value: T): T | undefined {
    return this.omitted.has(which) ? undefined : value;
  }
}

function renderRule(rule: PodFailurePolicyRule): unknown {
  if (rule.onExitCodes) {
    const { containerName, operator, values } = rule.onExitCodes;
    return { action: rule.action, onExitCodes: { ...(containerName ? { containerName } : {}), operator, values } };
  }
  return { action: rule.action, onPodConditions: rule.onPodConditions!.map(c => ({ type: c.type, status: c.status ?? 'True' })) };
}
