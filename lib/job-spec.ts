import { ApiObject, JsonPatch } from 'cdk8s';

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

/** `podReplacementPolicy` of a Job (alpha on Kubernetes 1.28). */
export enum PodReplacementPolicy {
  /** Replace a pod as soon as it is terminating or failed. */
  TERMINATING_OR_FAILED = 'TerminatingOrFailed',
  /** Replace a pod only once it has fully failed. */
  FAILED = 'Failed',
}

/**
 * The Job fields cdk8s-plus-28's `Job` does not render. Undefined fields are not written.
 * @internal
 */
export interface JobSpecExtras {
  readonly completions?: number;
  readonly parallelism?: number;
  readonly completionMode?: CompletionMode;
  readonly suspend?: boolean;
  readonly podFailurePolicy?: { readonly rules: unknown[] };
  readonly backoffLimitPerIndex?: number;
  readonly maxFailedIndexes?: number;
  readonly podReplacementPolicy?: PodReplacementPolicy;
  /** Pod-level `seccompProfile.type`; cdk8s-plus only renders it per container. */
  readonly podSeccompProfileType?: string;
  /** Pod template labels to remove after cdk8s-plus rendered them. */
  readonly removeTemplateLabels?: string[];
}

/**
 * The ONE place that writes Job fields cdk8s-plus-28 lacks. Each field is a JSON patch on the
 * synthesized Job, so it survives cdk8s' import-schema filtering; a test reads every one of them
 * back from `Testing.synth`.
 * @internal
 */
export function patchJobSpec(job: ApiObject, extras: JobSpecExtras): void {
  const specFields: Array<keyof JobSpecExtras> = [
    'completions', 'parallelism', 'completionMode', 'suspend', 'podFailurePolicy',
    'backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy',
  ];
  for (const field of specFields) {
    const value = extras[field];
    if (value !== undefined) {
      job.addJsonPatch(JsonPatch.add(`/spec/${field}`, value));
    }
  }
  if (extras.podSeccompProfileType !== undefined) {
    job.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: extras.podSeccompProfileType }));
  }
  for (const label of extras.removeTemplateLabels ?? []) {
    job.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${label.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
}
