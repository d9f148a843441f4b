/**
 * Judging one Job from what the API server says about it. Pure functions: no client, no clock.
 */

/** The parts of a batch/v1 Job that {@link judgeJob} and `argoCdJobHealth` take (a V1Job satisfies it); each field says what is read. */
export interface JobLike {
  /** The Job's `metadata`: Argo CD's health (`argoCdJobHealth`) reads `deletionTimestamp` and `finalizers`. */
  readonly metadata?: {
    readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly creationTimestamp?: Date | string;
    readonly annotations?: Record<string, string>; readonly labels?: Record<string, string>; readonly deletionTimestamp?: Date | string; readonly finalizers?: readonly string[];
  };
  /** The Job's `spec`: {@link judgeJob} reads `suspend` and `managedBy`. */
  readonly spec?: { readonly completions?: number; readonly parallelism?: number; readonly completionMode?: string; readonly suspend?: boolean; readonly backoffLimit?: number; readonly managedBy?: string; readonly activeDeadlineSeconds?: number };
  /**
   * The Job's `status`: {@link judgeJob} reads the conditions, `active`, `startTime` and the
   * indexes; `argoCdJobHealth`, the conditions.
   */
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
    readonly uncountedTerminatedPods?: { readonly succeeded?: readonly string[]; readonly failed?: readonly string[] };
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
  /**
   * Suspended before any pod ran: waiting to be admitted (Kueue suspends every Job it queues) or
   * resumed. A state, not a verdict: the verifier waits for it.
   */
  QUEUED = 'queued',
  /**
   * Suspended again after its pods had run (Kueue's preemption or eviction, or by hand): waiting
   * to be resumed. A state, not a verdict: the verifier waits for it.
   */
  SUSPENDED = 'suspended',
  /** Succeeded: the Complete condition (or SuccessCriteriaMet while pods terminate, from 1.31). */
  COMPLETE = 'complete',
  /** Failed: the Failed condition (or FailureTarget while pods terminate, from 1.31). */
  FAILED = 'failed',
  /**
   * `spec.managedBy` names another controller than the built-in one (MultiKueue, for example):
   * the built-in Job controller leaves the Job alone and its manager writes its status. Waiting
   * for the manager to write Complete or Failed, which are then judged as usual.
   */
  MANAGED_ELSEWHERE = 'managed-elsewhere',
  /**
   * A Job under the target's name whose pod template is not the manifest's: an earlier run, about
   * to be replaced (Argo CD `Replace=true`, `recreateOnChange()`, a hook). Never the answer: the
   * verifier waits for the run of this change.
   */
  OUTDATED = 'outdated',
  /** Deleted before it finished, and no new run came under its name (see `VerifyOptions.replacementGraceMs`). */
  DELETED = 'deleted',
  /**
   * Never seen, and it never will be: it finished and was deleted before verification began (its
   * Events say so: a TTL, a hook delete policy), or it is an Argo CD hook that is never applied
   * (`hook: Skip`). Its run cannot be judged (exit code 4).
   */
  GONE = 'gone',
}

/** The judgement of one Job. */
export interface JobVerdict {
  /** Where the Job stands. */
  readonly state: JobState;
  /** True when the state can no longer change (complete, failed, deleted or gone). */
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

/** The value of `spec.managedBy` that means the built-in Job controller (also the default). */
export const BUILT_IN_JOB_CONTROLLER = 'kubernetes.io/job-controller';

function condition(job: JobLike, type: string) {
  return job.status?.conditions?.find(c => c.type === type && c.status === 'True');
}

/**
 * Judges a Job by its conditions and status.
 *
 * - Complete=True -> complete; Failed=True -> failed with its reason (they never coexist).
 * - SuccessCriteriaMet=True / FailureTarget=True -> the same verdict, marked early: the outcome is
 *   decided while pods still terminate (from 1.31 the controller adds Complete / Failed only after
 *   every pod terminated).
 * - otherwise, `spec.managedBy` naming another controller -> managed elsewhere, not terminal: its
 *   manager writes the status, whose Complete / Failed the rules above read first.
 * - Suspended=True -> queued when no pod ever ended (Kueue suspends the Jobs it queues), else
 *   suspended (preempted, evicted, or suspended by hand); neither is terminal. A Job resumed later
 *   shows Suspended=False and is running again; one whose spec.suspend was just set to false
 *   while the status still says Suspended=True is not suspended either: the controller is about
 *   to resume it.
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
  const managedBy = job.spec?.managedBy;
  if (managedBy !== undefined && managedBy !== BUILT_IN_JOB_CONTROLLER) {
    return {
      state: JobState.MANAGED_ELSEWHERE, terminal: false, reason: 'ManagedByOtherController',
      message: `spec.managedBy is '${managedBy}': the built-in Job controller leaves this Job alone and '${managedBy}' writes its status; waiting for it to report Complete or Failed`,
      early: false, ...indexes,
    };
  }
  // spec.suspend false with Suspended=True still in the status: just resumed, the controller has
  // not caught up yet; the Job is about to run, not suspended.
  const suspended = job.spec?.suspend === false ? undefined : condition(job, 'Suspended');
  if (suspended || (job.spec?.suspend === true && !(job.status?.active))) {
    // From 1.35 a suspend clears startTime, so the counts say whether pods ever ended.
    const ran = (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0) > 0 || job.status?.startTime !== undefined;
    return { state: ran ? JobState.SUSPENDED : JobState.QUEUED, terminal: false, reason: suspended?.reason ?? 'JobSuspended', message: suspended?.message, early: false, ...indexes };
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
