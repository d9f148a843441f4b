import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { mountsTmp } from './defaults';
import { NOT_PLAIN, sortedPlain, toManifestJson, toSortedManifestJson } from './k8s-json';

/** A rule of a Job's `podFailurePolicy` (batch/v1, Kubernetes 1.28). */
export interface PodFailurePolicyRule {
  /** What to do when the rule matches. */
  readonly action: PodFailurePolicyAction;
  /** Match by the exit codes of a container. Exactly one of onExitCodes and onPodConditions. */
  readonly onExitCodes?: PodFailurePolicyOnExitCodes;
  /** Match by pod conditions (for example `DisruptionTarget`). */
  readonly onPodConditions?: PodFailurePolicyOnPodCondition[];
}

/** Exit-code matcher of a pod failure policy rule. */
export interface PodFailurePolicyOnExitCodes {
  /** Only this container's exit codes count. @default - every container */
  readonly containerName?: string;
  /** How the values are compared. */
  readonly operator: PodFailurePolicyOperator;
  /** Exit codes; 0 is not allowed with `In`. */
  readonly values: number[];
}

/** Pod-condition matcher of a pod failure policy rule. */
export interface PodFailurePolicyOnPodCondition {
  /** The condition type, for example `DisruptionTarget`. */
  readonly type: string;
  /** The condition status. @default 'True' */
  readonly status?: string;
}

/** Actions of a pod failure policy rule. */
export enum PodFailurePolicyAction {
  /** Fail the whole Job at once. */
  FAIL_JOB = 'FailJob',
  /** Fail the pod's index (needs `backoffLimitPerIndex`). */
  FAIL_INDEX = 'FailIndex',
  /** Do not count the failure against the backoff limit. */
  IGNORE = 'Ignore',
  /** Count the failure as usual. */
  COUNT = 'Count',
}

/** Operators of a pod failure policy exit-code matcher. */
export enum PodFailurePolicyOperator {
  /** The exit code is one of the values. */
  IN = 'In',
  /** The exit code is none of the values. */
  NOT_IN = 'NotIn',
}

/** `completionMode` of a Job. */
export enum CompletionMode {
  /** Pods are interchangeable; the Job completes after `completions` successes. */
  NON_INDEXED = 'NonIndexed',
  /** Each pod gets an index 0..completions-1 (`JOB_COMPLETION_INDEX`); each index must succeed once. */
  INDEXED = 'Indexed',
}

/** A rule of a Job's `successPolicy`: the Job succeeds once the rule is met. */
export interface SuccessPolicyRule {
  /**
   * Indexes that must have succeeded, as intervals: `'0,2-3'`.
   *
   * @default - any indexes
   */
  readonly succeededIndexes?: string;

  /**
   * How many of them (of `succeededIndexes`, else of all) must have succeeded.
   *
   * @default - all of `succeededIndexes`
   */
  readonly succeededCount?: number;
}

/** `podReplacementPolicy` of a Job (alpha on Kubernetes 1.28). */
export enum PodReplacementPolicy {
  /** Replace a pod as soon as it is terminating or failed. */
  TERMINATING_OR_FAILED = 'TerminatingOrFailed',
  /** Replace a pod only once it has fully failed. */
  FAILED = 'Failed',
}

/**
 * The Job's own fields (cdk8s-plus-28 renders only the first three). Undefined fields are not written.
 * @internal
 */
export interface JobSpecFields {
  readonly activeDeadlineSeconds?: number;
  readonly backoffLimit?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly completions?: number;
  readonly parallelism?: number;
  readonly completionMode?: CompletionMode;
  readonly suspend?: boolean;
  /** As JSON. */
  readonly podFailurePolicy?: { readonly rules: unknown[] };
  readonly backoffLimitPerIndex?: number;
  readonly maxFailedIndexes?: number;
  readonly podReplacementPolicy?: PodReplacementPolicy;
  /** As JSON. */
  readonly successPolicy?: { readonly rules: unknown[] };
  readonly managedBy?: string;
  /** Pod-level `seccompProfile.type`; cdk8s-plus only renders it per container. */
  readonly podSeccompProfileType?: string;
  /**
   * The containers whose `imagePullPolicy` the user set. cdk8s-plus writes `Always` on every
   * container; for the others it is left out, so Kubernetes applies its own default
   * (`IfNotPresent` for a tagged image, `Always` for `:latest` or no tag).
   */
  readonly imagePullPolicySetFor?: ReadonlySet<string>;
  /** Names of the Secrets of the pod's `imagePullSecrets`, in order (cdk8s-plus takes one at most). */
  readonly imagePullSecrets?: readonly string[];
  /** `terminationMessagePolicy` of every container (cdk8s-plus writes none). */
  readonly terminationMessagePolicy?: string;
  /**
   * An `emptyDir` mounted in every container (init containers and sidecars too) that mounts
   * nothing at its path: the library's writable `/tmp`. Added when the Job renders, so a mount the
   * user adds after construction (`container.mount('/tmp', ...)`) is seen.
   */
  readonly tmpVolume?: { readonly name: string; readonly mountPath: string; readonly sizeLimit: Size };
}

/**
 * The ONE place that writes the Job fields cdk8s-plus-28 lacks: the Job's `spec` as the manifest's
 * JSON, from the pod template cdk8s-plus renders (`metadata` already JSON, `pod` in its typed
 * model) and the Job's fields. The pod is converted by {@link toManifestJson} (what
 * `k8s.toJson_PodSpec` does, faster); the Job level is written directly (its JSON names are the
 * model's). A test reads every field back from `Testing.synth`.
 *
 * This is the spec as cdk8s reads it from the Job's props (keys in the order written, for
 * `CDK8S_DISABLE_SORT`); {@link renderSortedJobSpec} is the same spec as cdk8s renders it.
 * @internal
 */
export function renderJobSpec(template: { readonly metadata: unknown; readonly pod: kplus.k8s.PodSpec }, fields: JobSpecFields): unknown {
  const spec: Record<string, unknown> = {
    activeDeadlineSeconds: fields.activeDeadlineSeconds,
    backoffLimit: fields.backoffLimit,
    backoffLimitPerIndex: fields.backoffLimitPerIndex,
    completionMode: fields.completionMode,
    completions: fields.completions,
    maxFailedIndexes: fields.maxFailedIndexes,
    parallelism: fields.parallelism,
    podFailurePolicy: fields.podFailurePolicy,
    podReplacementPolicy: fields.podReplacementPolicy,
    managedBy: fields.managedBy,
    successPolicy: fields.successPolicy,
    suspend: fields.suspend,
    template: { metadata: template.metadata, spec: toManifestJson(podOf(template.pod, fields), 'io.k8s.api.core.v1.PodSpec') },
    ttlSecondsAfterFinished: fields.ttlSecondsAfterFinished,
  };
  for (const key of Object.keys(spec)) {
    if (spec[key] === undefined) delete spec[key];
  }
  return spec;
}

/**
 * {@link renderJobSpec} as cdk8s renders it (`resolve`, then `sanitizeValue`: keys sorted, null and
 * undefined members left out), in one pass; `metadata` must be rendered so already.
 * {@link NOT_PLAIN} when the spec holds a value cdk8s' resolvers could change: the caller then
 * lets cdk8s render {@link renderJobSpec}.
 * @internal
 */
export function renderSortedJobSpec(template: { readonly metadata: unknown; readonly pod: kplus.k8s.PodSpec }, fields: JobSpecFields): unknown {
  const pod = toSortedManifestJson(podOf(template.pod, fields), 'io.k8s.api.core.v1.PodSpec');
  const podFailurePolicy = sortedPlain(fields.podFailurePolicy);
  const successPolicy = sortedPlain(fields.successPolicy);
  if (pod === NOT_PLAIN || podFailurePolicy === NOT_PLAIN || successPolicy === NOT_PLAIN) return NOT_PLAIN;
  // The keys in order, as renderJobSpec's once sorted. Assigned one by one, never deleted: an object
  // a key was deleted from turns into a slow dictionary for V8, and the hash, validation and YAML read it.
  const spec: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) spec[key] = value;
  };
  set('activeDeadlineSeconds', fields.activeDeadlineSeconds);
  set('backoffLimit', fields.backoffLimit);
  set('backoffLimitPerIndex', fields.backoffLimitPerIndex);
  set('completionMode', fields.completionMode);
  set('completions', fields.completions);
  set('managedBy', fields.managedBy);
  set('maxFailedIndexes', fields.maxFailedIndexes);
  set('parallelism', fields.parallelism);
  set('podFailurePolicy', podFailurePolicy);
  set('podReplacementPolicy', fields.podReplacementPolicy);
  set('successPolicy', successPolicy);
  set('suspend', fields.suspend);
  spec.template = template.metadata === undefined ? { spec: pod } : { metadata: template.metadata, spec: pod };
  set('ttlSecondsAfterFinished', fields.ttlSecondsAfterFinished);
  return spec;
}

/**
 * The pod of the template in cdk8s-plus' model, with what the library adds and changes in it:
 * `rendered` itself, changed in place (it is the caller's own, fresh from `_toPodSpec()`), its
 * containers copied once. Copies of the whole pod at every step were a tenth of rendering a Job.
 */
function podOf(rendered: kplus.k8s.PodSpec, fields: JobSpecFields): kplus.k8s.PodSpec {
  const pod = rendered as { -readonly [K in keyof kplus.k8s.PodSpec]: kplus.k8s.PodSpec[K] };
  if (fields.imagePullSecrets !== undefined) pod.imagePullSecrets = fields.imagePullSecrets.map(name => ({ name }));
  const tmp = fields.tmpVolume;
  const tmpMount = tmp === undefined ? undefined : { name: tmp.name, mountPath: tmp.mountPath };
  let mounted = false;
  // The containers' keys in the order written before (the mount where cdk8s-plus put volumeMounts,
  // or last; the pull policy and the termination message policy last), for CDK8S_DISABLE_SORT.
  const own = fields.imagePullPolicySetFor ?? new Set<string>();
  const policy = fields.terminationMessagePolicy;
  const render = (c: kplus.k8s.Container) => {
    const model = c as unknown as Record<string, unknown>;
    const mounts = c.volumeMounts ?? [];
    // The library's writable /tmp, in each container that mounts nothing at its path.
    const addTmp = tmpMount !== undefined && !mountsTmp(mounts.map(m => m.mountPath));
    if (addTmp) mounted = true;
    const out: Record<string, unknown> = {};
    // A loop, not `{ imagePullPolicy, ...rest }`: V8's object rest is slow, and this runs for every container of every Job.
    for (const key in model) {
      if (key === 'volumeMounts' && addTmp) out.volumeMounts = [...mounts, tmpMount];
      else if (key !== 'imagePullPolicy' && model[key] !== undefined) out[key] = model[key];
    }
    if (addTmp && !('volumeMounts' in model)) out.volumeMounts = [tmpMount];
    if (own.has(c.name)) out.imagePullPolicy = c.imagePullPolicy;
    if (policy !== undefined) out.terminationMessagePolicy = policy;
    return out as unknown as kplus.k8s.Container;
  };
  pod.containers = pod.containers.map(render);
  if (pod.initContainers !== undefined) pod.initContainers = pod.initContainers.map(render);
  if (mounted) {
    // In mebibytes, as cdk8s-plus writes an emptyDir's size limit (the queue server's volume is its).
    pod.volumes = [...pod.volumes ?? [], { name: tmp!.name, emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString(`${tmp!.sizeLimit.toMebibytes()}Mi`) } }];
  }
  if (fields.podSeccompProfileType !== undefined) {
    pod.securityContext = { ...pod.securityContext, seccompProfile: { type: fields.podSeccompProfileType } };
  }
  return pod;
}

/**
 * What the library changes in the pod template of a cdk8s-plus workload it does not render itself
 * (the work queue's Deployment): the pod-level seccomp profile, and labels to remove (the
 * construct-path label). JSON patches on the synthesized object.
 * @internal
 */
export function patchPodTemplate(workload: ApiObject, changes: { readonly podSeccompProfileType?: string; readonly removeTemplateLabels?: string[]; readonly removeContainerFields?: string[] }): void {
  if (changes.podSeccompProfileType !== undefined) {
    workload.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: changes.podSeccompProfileType }));
  }
  for (const field of changes.removeContainerFields ?? []) {
    // The workloads it patches have one container.
    workload.addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/${field}`));
  }
  for (const label of changes.removeTemplateLabels ?? []) {
    workload.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${label.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
}
