import { Construct } from 'constructs';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions } from '../lib/core/job-options';
import { CompletionMode, SuccessPolicyRule } from '../lib/core/job-spec';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';

/** What the constructor writes unless the props say otherwise (`parallelism` 1, `NonIndexed`). */
const DEFAULTS = PATTERN_CATALOGUE[JobPattern.FIXED_COMPLETION].defaults;

/**
 * Properties of a {@link FixedCompletionJob}.
 */
export interface FixedCompletionJobProps extends JobOptions {
  /** How many pods must succeed (>= 1). */
  readonly completions: number;

  /**
   * How many pods may run at once (>= 0; 0 pauses the Job). More than `completions` is legal but
   * pointless: the controller never runs more pods than completions remain, and a synth warning
   * says so.
   *
   * @default 1
   */
  readonly parallelism?: number;

  /**
   * `Indexed` gives each pod an index 0..completions-1 (`JOB_COMPLETION_INDEX` and the annotation
   * `batch.kubernetes.io/job-completion-index`); each index must succeed once.
   *
   * @default CompletionMode.NON_INDEXED
   */
  readonly completionMode?: CompletionMode;

  /**
   * Retries per index (Indexed only). Alpha on Kubernetes 1.28.
   *
   * @default - no per-index limit
   */
  readonly backoffLimitPerIndex?: number;

  /**
   * Failed indexes tolerated before the Job fails (needs `backoffLimitPerIndex`).
   *
   * @default - no limit
   */
  readonly maxFailedIndexes?: number;

  /**
   * When the Job succeeds before every index did (Indexed only; Kubernetes 1.31+): each rule names
   * indexes (`succeededIndexes: '0,2-3'`) and/or how many must succeed (`succeededCount`).
   *
   * @default - the Job succeeds when every index succeeded
   */
  readonly successPolicy?: SuccessPolicyRule[];
}

/**
 * A Job with a fixed completion count: it succeeds once `completions` pods have succeeded,
 * running at most `parallelism` at once (the seeds' even-seconds: completions 6, parallelism 2).
 *
 * @example
 * new FixedCompletionJob(chart, 'even-seconds', {
 *   completions: 6,
 *   parallelism: 2,
 *   container: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2'] },
 * });
 */
export class FixedCompletionJob extends BatchJob {
  constructor(scope: Construct, id: string, props: FixedCompletionJobProps) {
    super(scope, id, {
      ...props,
      parallelism: props.parallelism ?? DEFAULTS.parallelism,
      completionMode: props.completionMode ?? DEFAULTS.completionMode,
      pattern: JobPattern.FIXED_COMPLETION,
    });
  }
}
