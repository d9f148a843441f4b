import { IConstruct } from 'constructs';
import { ArgoCdAnnotations } from './labels';
import { JobDefault } from './defaults';
import { checkDuration, checkInteger, propError } from './errors';
import { GitOpsMode, GitOpsPolicy } from './gitops';
import { BatchJobProps } from './job-options';
import { brokenInvariants, JobFields } from './job-rules';
import { KUEUE, KueueQueue } from './kueue';
import { PodFailurePolicyAction } from './job-spec';
import { isDnsLabel, MAX_JOB_NAME_LENGTH } from './names';

// What a BatchJob's constructor checks in its props before anything is built: the rulebook's
// invariants (job-rules.ts, shared with the validator), and what only props can be wrong about
// (integer ranges, omitted defaults that are also set, annotations the GitOps policy writes).

/** The effective values the checks read besides the props. */
export interface EffectiveJob {
  readonly restartPolicy: string;
  readonly gitOps: GitOpsPolicy;
}

/** The fields the rulebook reads, as the Job will render them. */
export function jobFieldsOf(props: BatchJobProps, job: EffectiveJob): JobFields {
  return {
    restartPolicy: job.restartPolicy,
    completions: props.completions,
    parallelism: props.parallelism,
    completionMode: props.completionMode,
    backoffLimitPerIndex: props.backoffLimitPerIndex,
    maxFailedIndexes: props.maxFailedIndexes,
    podFailurePolicy: props.podFailurePolicy !== undefined,
    suspend: props.suspend,
    // Queued through the prop, or by a label the user wrote: Kueue reads the label either way.
    queueName: props.kueue instanceof KueueQueue ? props.kueue.name : props.metadata?.labels?.[KUEUE.QUEUE_NAME_LABEL],
    hookTypes: job.gitOps.mode === GitOpsMode.HOOK ? [job.gitOps.hookPhase!] : [],
  };
}

/** Throws the first contradiction in `props` (a `JobPatternsError` naming the construct, the prop, the value and the fix). */
export function checkJobProps(scope: IConstruct, props: BatchJobProps, job: EffectiveJob): void {
  checkOmittedDefaults(scope, props);
  checkGitOpsAnnotations(scope, props, job.gitOps);
  checkNumbers(scope, props);
  const fields = jobFieldsOf(props, job);
  for (const invariant of brokenInvariants(fields)) {
    const value = invariant.prop === 'podFailurePolicy' ? props.podFailurePolicy?.map(r => r.action)
      : invariant.prop === 'restartPolicy' ? job.restartPolicy : invariant.prop === 'kueue' ? fields.queueName : props[invariant.prop as keyof BatchJobProps];
    propError(scope, { prop: invariant.prop, value, ...invariant.breach(fields, `${job.gitOps}`) });
  }
  checkPolicies(scope, props);
}

/** Throws unless the Job's base name can be its pods' `job-name` label. */
export function checkJobName(scope: IConstruct, baseName: string): void {
  if (!isDnsLabel(baseName)) {
    propError(scope, {
      prop: 'metadata.name',
      value: baseName,
      allowed: `must be a DNS-1123 label of at most ${MAX_JOB_NAME_LENGTH} characters (lower-case letters, digits and '-', starting and ending with a letter or digit), because it is also the pods' job-name label`,
      fix: 'Choose a shorter name made of lower-case letters, digits and dashes.',
    });
  }
}

function checkOmittedDefaults(scope: IConstruct, props: BatchJobProps): void {
  // The user's own omissions only: a default left out by the app's pinned version can be set.
  const omitted = new Set(props.omitDefaults ?? []);
  const setWhileOmitted: Array<[JobDefault, unknown]> = [
    [JobDefault.BACKOFF_LIMIT, props.backoffLimit],
    [JobDefault.ACTIVE_DEADLINE, props.activeDeadline],
    [JobDefault.TTL_AFTER_FINISHED, props.ttlAfterFinished],
  ];
  for (const [which, value] of setWhileOmitted) {
    if (omitted.has(which) && value !== undefined) {
      propError(scope, {
        prop: which,
        value,
        allowed: `cannot be set while omitDefaults contains JobDefault.${enumKey(which)}`,
        fix: `Either remove '${which}' or remove JobDefault.${enumKey(which)} from omitDefaults.`,
      });
    }
  }
}

function checkGitOpsAnnotations(scope: IConstruct, props: BatchJobProps, policy: GitOpsPolicy): void {
  if (!policy.allowsTtl && props.ttlAfterFinished !== undefined) {
    propError(scope, {
      prop: 'ttlAfterFinished',
      value: props.ttlAfterFinished,
      allowed: `must not be set under gitOps ${policy}${policy.mode === GitOpsMode.RUN_ONCE_PER_SPEC ? ' (the default)' : ''}: Argo CD tracks the Job, and once the TTL deletes it, auto-sync re-creates it and it runs again`,
      fix: 'Remove ttlAfterFinished (Argo CD prunes the Job when it leaves Git), or use gitOps: GitOpsPolicy.hook() to run it on every sync with a TTL, or GitOpsPolicy.none() without Argo CD.',
    });
  }
  for (const key of [ArgoCdAnnotations.HOOK, ArgoCdAnnotations.HOOK_DELETE_POLICY, ArgoCdAnnotations.HELM_HOOK]) {
    const own = props.metadata?.annotations?.[key];
    if (own !== undefined) {
      propError(scope, {
        prop: `metadata.annotations['${key}']`,
        value: own,
        allowed: 'is written by the gitOps policy',
        fix: "Remove the annotation and use gitOps: GitOpsPolicy.hook({ phase, deletePolicy }).",
      });
    }
  }
}

function checkNumbers(scope: IConstruct, props: BatchJobProps): void {
  checkInteger(scope, 'backoffLimit', props.backoffLimit, 0, 'Set backoffLimit to 0 (no retries) or more.');
  checkDuration(scope, 'activeDeadline', props.activeDeadline, 1, 'Use a deadline of at least Duration.seconds(1), or omitDefaults: [JobDefault.ACTIVE_DEADLINE] for none.');
  checkDuration(scope, 'ttlAfterFinished', props.ttlAfterFinished, 0, 'Use Duration.seconds(0) (delete at once) or more, or omitDefaults: [JobDefault.TTL_AFTER_FINISHED] to keep finished Jobs.');
  checkInteger(scope, 'completions', props.completions, 1, 'Set completions to 1 or more, or leave it unset for a work queue.');
  checkInteger(scope, 'parallelism', props.parallelism, 0, 'Set parallelism to 0 (paused) or more.');
  checkInteger(scope, 'backoffLimitPerIndex', props.backoffLimitPerIndex, 0);
  checkInteger(scope, 'maxFailedIndexes', props.maxFailedIndexes, 0);
}

/** The success and pod failure policies, managedBy, and maxFailedIndexes against completions. */
function checkPolicies(scope: IConstruct, props: BatchJobProps): void {
  if (props.successPolicy !== undefined && props.completionMode !== 'Indexed') {
    propError(scope, {
      prop: 'successPolicy',
      value: props.successPolicy,
      allowed: "needs completionMode 'Indexed'",
      fix: 'Set completionMode: CompletionMode.INDEXED, or remove successPolicy.',
    });
  }
  for (const [i, rule] of (props.successPolicy ?? []).entries()) {
    if (rule.succeededIndexes === undefined && rule.succeededCount === undefined) {
      propError(scope, {
        prop: `successPolicy[${i}]`,
        value: rule,
        allowed: 'must name succeededIndexes, succeededCount or both',
        fix: "Give the indexes that must succeed (succeededIndexes: '0,2-3') and/or how many (succeededCount: 1).",
      });
    }
  }
  if (props.managedBy !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[^/]+$/.test(props.managedBy)) {
    propError(scope, {
      prop: 'managedBy',
      value: props.managedBy,
      allowed: 'must be a domain-prefixed path of the controller that runs the Job',
      fix: "Name the controller as its docs say, e.g. 'kueue.x-k8s.io/multikueue'.",
    });
  }
  if (props.maxFailedIndexes !== undefined && props.completions !== undefined && props.maxFailedIndexes > props.completions) {
    propError(scope, {
      prop: 'maxFailedIndexes',
      value: props.maxFailedIndexes,
      allowed: `must not exceed completions (${props.completions})`,
      fix: `Set maxFailedIndexes to at most ${props.completions}.`,
    });
  }
  for (const [i, rule] of (props.podFailurePolicy ?? []).entries()) {
    const matchers = (rule.onExitCodes ? 1 : 0) + (rule.onPodConditions ? 1 : 0);
    if (matchers !== 1) {
      propError(scope, {
        prop: `podFailurePolicy[${i}]`,
        value: rule,
        allowed: 'must have exactly one of onExitCodes and onPodConditions',
        fix: 'Split the rule in two, or add the matcher it lacks.',
      });
    }
    if (rule.action === PodFailurePolicyAction.FAIL_INDEX && props.backoffLimitPerIndex === undefined) {
      propError(scope, {
        prop: `podFailurePolicy[${i}].action`,
        value: rule.action,
        allowed: 'needs backoffLimitPerIndex',
        fix: 'Set backoffLimitPerIndex (Indexed Jobs only), or use another action.',
      });
    }
  }
}

function enumKey(value: JobDefault): string {
  return Object.entries(JobDefault).find(([, v]) => v === value)![0];
}
