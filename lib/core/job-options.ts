import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { JobPattern } from './catalogue';
import { JobDefault } from './defaults';
import { CompletionMode, PodFailurePolicyRule, PodReplacementPolicy, SuccessPolicyRule } from './job-spec';
import { GitOpsPolicy } from './gitops';
import { KueueQueue } from './kueue';

// The props of a Job: `JobOptions`, what every pattern accepts (each pattern's props extend it, as
// aws-ecs' service props extend `BaseServiceOptions`), and `BatchJobProps`, those plus the fields
// that give a Job its shape (completions, parallelism, completion mode, ...), which a pattern
// decides itself and a plain `BatchJob` takes from the user.

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
   * Queue the Job in a Kueue LocalQueue before it runs: `KueueQueue.localQueue('team-a')` writes
   * the labels Kueue reads on the Job (never on the pod template) and no `suspend`: Kueue's webhook
   * suspends the Job at creation and resumes it when its ClusterQueue admits it (docs/kueue.md).
   * Every container needs resource requests (the library's defaults give them).
   *
   * @default - not queued: the Job controller starts the Job at once
   */
  readonly kueue?: KueueQueue;

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
   * Secrets holding the credentials of private registries the pod pulls its images from
   * (`kubernetes.io/dockerconfigjson` Secrets, e.g. `kplus.Secret.fromSecretName(this, 'Pull',
   * 'registry-auth')`), written as the pod's `imagePullSecrets` in the given order.
   *
   * @default - none (the service account's own image pull secrets, if any)
   */
  readonly imagePullSecrets?: kplus.ISecret[];

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
   * `NonIndexed` or `Indexed` (needs `completions` when `parallelism` is set; with neither, one index).
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
