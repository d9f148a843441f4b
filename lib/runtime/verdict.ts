/**
 * Judging one Job from what the API server says about it. Pure functions: no client, no clock.
 */

/** The parts of a batch/v1 Job the verdict reads (a V1Job satisfies it). */
export interface JobLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string>; readonly labels?: Record<string, string>; readonly deletionTimestamp?: Date | string; readonly finalizers?: readonly string[] };
  readonly spec?: { readonly completions?: number; readonly parallelism?: number; readonly completionMode?: string; readonly suspend?: boolean; readonly backoffLimit?: number };
  readonly status?: {
    readonly active?: number;
    readonly succeeded?: number;
    readonly failed?: number;
    readonly ready?: number;
    readonly terminating?: number;
    readonly startTime?: Date | string;
    readonly completionTime?: Date | string;
    readonly completedIndexes?: string;
    readonly failedIndexes?: string;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string; readonly lastTransitionTime?: Date | string }>;
  };
}

/** Where a Job stands. */
export enum JobState {
  /** Not seen yet (not created, not synced, or deleted before it was ever seen). */
  MISSING = 'missing',
  /** Created, no pod started yet. */
  PENDING = 'pending',
  /** Pods are running. */
  RUNNING = 'running',
  /** `spec.suspend` is true and the controller reports Suspended. */
  SUSPENDED = 'suspended',
  /** Succeeded: the Complete condition (or, on 1.30+, SuccessCriteriaMet while pods terminate). */
  COMPLETE = 'complete',
  /** Failed: the Failed condition (or, on 1.28+, FailureTarget while pods terminate). */
  FAILED = 'failed',
  /** Deleted (for example by its TTL) before it was ever seen Complete or Failed. */
  DELETED = 'deleted',
}

/** The judgement of one Job. */
export interface JobVerdict {
  readonly state: JobState;
  /** True when the state can no longer change (complete or failed, or deleted). */
  readonly terminal: boolean;
  /** The condition reason: BackoffLimitExceeded, DeadlineExceeded, PodFailurePolicy, ... */
  readonly reason?: string;
  /** The condition message. */
  readonly message?: string;
  /**
   * True when the verdict comes from SuccessCriteriaMet / FailureTarget, i.e. before the
   * controller added Complete / Failed (it does so only after every pod terminated, from 1.31).
   */
  readonly early: boolean;
  /** Indexed Jobs: the completed indexes, as the API reports them ("0-3,5"). */
  readonly completedIndexes?: string;
  /** Indexed Jobs with backoffLimitPerIndex: the failed indexes. */
  readonly failedIndexes?: string;
}

function condition(job: JobLike, type: string) {
  return job.status?.conditions?.find(c => c.type === type && c.status === 'True');
}

/**
 * Judges a Job by its conditions and status.
 *
 * - Complete=True -> complete; Failed=True -> failed with its reason (they never coexist).
 * - SuccessCriteriaMet=True (1.30+) / FailureTarget=True (1.28+) -> the same verdict, marked early:
 *   the outcome is decided while pods still terminate.
 * - Suspended=True -> suspended (a Job resumed later shows Suspended=False and is running again).
 * - otherwise running when pods are active, else pending.
 */
export function judgeJob(job: JobLike): JobVerdict {
  const indexes = {
    ...(job.status?.completedIndexes ? { completedIndexes: job.status.completedIndexes } : {}),
    ...(job.status?.failedIndexes ? { failedIndexes: job.status.failedIndexes } : {}),
  };
  const complete = condition(job, 'Complete');
  if (complete) {
    return { state: JobState.COMPLETE, terminal: true, reason: complete.reason, message: complete.message, early: false, ...indexes };
  }
  const failed = condition(job, 'Failed');
  if (failed) {
    return { state: JobState.FAILED, terminal: true, reason: failed.reason, message: failed.message, early: false, ...indexes };
  }
  const successCriteria = condition(job, 'SuccessCriteriaMet');
  if (successCriteria) {
    return { state: JobState.COMPLETE, terminal: true, reason: successCriteria.reason, message: successCriteria.message, early: true, ...indexes };
  }
  const failureTarget = condition(job, 'FailureTarget');
  if (failureTarget) {
    return { state: JobState.FAILED, terminal: true, reason: failureTarget.reason, message: failureTarget.message, early: true, ...indexes };
  }
  const suspended = condition(job, 'Suspended');
  if (suspended || (job.spec?.suspend === true && !(job.status?.active))) {
    return { state: JobState.SUSPENDED, terminal: false, reason: suspended?.reason ?? 'JobSuspended', message: suspended?.message, early: false, ...indexes };
  }
  // startTime stays set once pods started (a resumed Job gets a new one), so the state never flips back to pending.
  const started = job.status?.startTime !== undefined || (job.status?.active ?? 0) > 0;
  return { state: started ? JobState.RUNNING : JobState.PENDING, terminal: false, early: false, ...indexes };
}

/**
 * The verdict of a Job that was deleted while watched: the last state seen if it was terminal
 * (a TTL deletes finished Jobs), otherwise DELETED. Never success without having seen it.
 */
export function judgeDeleted(last: JobVerdict | undefined): JobVerdict {
  if (last?.terminal) {
    return last;
  }
  return { state: JobState.DELETED, terminal: true, reason: 'DeletedBeforeFinished', message: `deleted while ${last?.state ?? 'never seen'}`, early: false };
}

/** Expands an index list such as "0-3,5" into [0, 1, 2, 3, 5]. */
export function expandIndexes(list: string | undefined): number[] {
  if (!list) return [];
  return list.split(',').flatMap(part => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined ? [from] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}
