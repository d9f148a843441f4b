import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchJob, CompletionMode, JobDefault, PodFailurePolicyAction, PodFailurePolicyOperator } from '../../index';
import { chart, CONTAINER } from '../util';

// What a BatchJob's constructor refuses (lib/core/job-checks.ts), each with its exact message. The
// rulebook's invariants among them are checked against the validator in job-rules.test.ts.

describe('BatchJob errors (job-checks.ts)', () => {
  const cases: Array<[string, any, string]> = [
    ['fails when restartPolicy is Always', { restartPolicy: kplus.RestartPolicy.ALWAYS },
      "test/job (BatchJob): 'restartPolicy' must be 'Never' or 'OnFailure' for a Job, got 'Always'. Use RestartPolicy.NEVER (the default) or RestartPolicy.ON_FAILURE; a Job's pods must end."],
    ['fails when podFailurePolicy is used with OnFailure', { restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: [{ action: PodFailurePolicyAction.FAIL_JOB, onExitCodes: { operator: PodFailurePolicyOperator.IN, values: [1] } }] },
      "test/job (BatchJob): 'podFailurePolicy' needs restartPolicy 'Never' (restartPolicy is 'OnFailure'), got [\"FailJob\"]. Remove restartPolicy: RestartPolicy.ON_FAILURE, or remove podFailurePolicy."],
    ['fails when backoffLimit is negative', { backoffLimit: -1 },
      "test/job (BatchJob): 'backoffLimit' must be a whole number >= 0, got -1. Set backoffLimit to 0 (no retries) or more."],
    ['fails when backoffLimit is not a whole number', { backoffLimit: 1.5 },
      "test/job (BatchJob): 'backoffLimit' must be a whole number >= 0, got 1.5. Set backoffLimit to 0 (no retries) or more."],
    ['fails when completions is 0', { completions: 0 },
      "test/job (BatchJob): 'completions' must be a whole number >= 1, got 0. Set completions to 1 or more, or leave it unset for a work queue."],
    ['fails when parallelism is negative', { parallelism: -2 },
      "test/job (BatchJob): 'parallelism' must be a whole number >= 0, got -2. Set parallelism to 0 (paused) or more."],
    ['fails when activeDeadline is under a second', { activeDeadline: Duration.millis(500) },
      "test/job (BatchJob): 'activeDeadline' must be a whole number of seconds >= 1, got 0.5 seconds. Use a deadline of at least Duration.seconds(1), or omitDefaults: [JobDefault.ACTIVE_DEADLINE] for none."],
    ['fails when Indexed has parallelism but no completions', { completionMode: CompletionMode.INDEXED, parallelism: 2 },
      "test/job (BatchJob): 'completions' must be set when completionMode is 'Indexed' and parallelism is set (parallelism is 2; with neither, Kubernetes runs one index), got undefined. Set completions to the number of indexes."],
    ['fails when backoffLimitPerIndex is used without Indexed', { completions: 2, backoffLimitPerIndex: 1 },
      "test/job (BatchJob): 'backoffLimitPerIndex' needs completionMode 'Indexed', got 1. Set completionMode: CompletionMode.INDEXED, or remove backoffLimitPerIndex."],
    ['fails when maxFailedIndexes is used without backoffLimitPerIndex', { completions: 2, completionMode: CompletionMode.INDEXED, maxFailedIndexes: 1 },
      "test/job (BatchJob): 'maxFailedIndexes' needs backoffLimitPerIndex, got 1. Set backoffLimitPerIndex as well, or remove maxFailedIndexes."],
    ['fails when maxFailedIndexes exceeds completions', { completions: 2, completionMode: CompletionMode.INDEXED, backoffLimitPerIndex: 1, maxFailedIndexes: 3 },
      "test/job (BatchJob): 'maxFailedIndexes' must not exceed completions (2), got 3. Set maxFailedIndexes to at most 2."],
    ['fails when a pod failure rule has no matcher', { podFailurePolicy: [{ action: PodFailurePolicyAction.IGNORE }] },
      "test/job (BatchJob): 'podFailurePolicy[0]' must have exactly one of onExitCodes and onPodConditions, got {\"action\":\"Ignore\"}. Split the rule in two, or add the matcher it lacks."],
    ['fails when FailIndex is used without backoffLimitPerIndex', { podFailurePolicy: [{ action: PodFailurePolicyAction.FAIL_INDEX, onExitCodes: { operator: PodFailurePolicyOperator.IN, values: [3] } }] },
      "test/job (BatchJob): 'podFailurePolicy[0].action' needs backoffLimitPerIndex, got 'FailIndex'. Set backoffLimitPerIndex (Indexed Jobs only), or use another action."],
    ['fails when an omitted default is also set', { omitDefaults: [JobDefault.TTL_AFTER_FINISHED], ttlAfterFinished: Duration.minutes(5) },
      "test/job (BatchJob): 'ttlAfterFinished' cannot be set while omitDefaults contains JobDefault.TTL_AFTER_FINISHED, got 300 seconds. Either remove 'ttlAfterFinished' or remove JobDefault.TTL_AFTER_FINISHED from omitDefaults."],
    ['fails when the name is not a DNS-1123 label', { metadata: { name: 'Pi_Job' } },
      "test/job (BatchJob): 'metadata.name' must be a DNS-1123 label of at most 63 characters (lower-case letters, digits and '-', starting and ending with a letter or digit), because it is also the pods' job-name label, got 'Pi_Job'. Choose a shorter name made of lower-case letters, digits and dashes."],
    ['fails when the name is longer than 63 characters', { metadata: { name: 'x'.repeat(64) } },
      `test/job (BatchJob): 'metadata.name' must be a DNS-1123 label of at most 63 characters (lower-case letters, digits and '-', starting and ending with a letter or digit), because it is also the pods' job-name label, got '${'x'.repeat(64)}'. Choose a shorter name made of lower-case letters, digits and dashes.`],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const c = chart();
    expect(() => new BatchJob(c, 'job', { container: CONTAINER, ...props })).toThrow(message);
  });
});
