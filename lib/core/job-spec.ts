import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { mountsTmp } from './defaults';
import { toManifestJson } from './k8s-json';

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
 * @internal
 */
export function renderJobSpec(template: { readonly metadata: unknown; readonly pod: kplus.k8s.PodSpec }, fields: JobSpecFields): unknown {
  const seccomp = fields.podSeccompProfileType;
  const pulls = fields.imagePullSecrets;
  const withTmp = withTmpVolume(pulls === undefined ? template.pod : { ...template.pod, imagePullSecrets: pulls.map(name => ({ name })) }, fields.tmpVolume);
  const pod = seccomp === undefined ? withTmp : {
    ...withTmp,
    securityContext: { ...withTmp.securityContext, seccompProfile: { type: seccomp } },
  };
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
    template: { metadata: template.metadata, spec: withContainerPolicies(toManifestJson(pod, 'io.k8s.api.core.v1.PodSpec') as Record<string, unknown>, fields) },
    ttlSecondsAfterFinished: fields.ttlSecondsAfterFinished,
  };
  for (const key of Object.keys(spec)) {
    if (spec[key] === undefined) delete spec[key];
  }
  return spec;
}

/** `pod` with `tmp` mounted in each container that mounts nothing at its path (and the volume, if one does). */
function withTmpVolume(pod: kplus.k8s.PodSpec, tmp: JobSpecFields['tmpVolume']): kplus.k8s.PodSpec {
  if (tmp === undefined) return pod;
  let used = false;
  const mount = (containers: kplus.k8s.Container[] | undefined) => containers?.map(c => {
    const own = c.volumeMounts ?? [];
    if (mountsTmp(own.map(m => m.mountPath))) return c;
    used = true;
    return { ...c, volumeMounts: [...own, { name: tmp.name, mountPath: tmp.mountPath }] };
  });
  const containers = mount(pod.containers)!;
  const initContainers = mount(pod.initContainers);
  if (!used) return pod;
  // In mebibytes, as cdk8s-plus writes an emptyDir's size limit (the queue server's volume is its).
  const volume = { name: tmp.name, emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString(`${tmp.sizeLimit.toMebibytes()}Mi`) } };
  return { ...pod, containers, initContainers, volumes: [...pod.volumes ?? [], volume] };
}

/** The containers of a rendered pod spec, with the pull policy left to Kubernetes where the user set none. */
function withContainerPolicies(pod: Record<string, unknown>, fields: JobSpecFields): Record<string, unknown> {
  const own = fields.imagePullPolicySetFor ?? new Set<string>();
  const policy = fields.terminationMessagePolicy === undefined ? {} : { terminationMessagePolicy: fields.terminationMessagePolicy };
  // A loop, not `{ imagePullPolicy, ...rest }`: V8's object rest is slow, and this runs for every container of every Job.
  const render = (containers: unknown) => (containers as Array<Record<string, unknown>> | undefined)?.map(c => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(c)) {
      if (key !== 'imagePullPolicy') out[key] = c[key];
    }
    if (own.has(c.name as string)) out.imagePullPolicy = c.imagePullPolicy;
    return Object.assign(out, policy);
  });
  return {
    ...pod,
    containers: render(pod.containers),
    ...(pod.initContainers ? { initContainers: render(pod.initContainers) } : {}),
  };
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
