/**
 * How Argo CD judges a Job, so the verifier can show where Argo CD will disagree with its own
 * verdict. Pure functions: no client, no clock.
 */
import { JobLike, JobState, JobVerdict } from './verdict';

/** Argo CD's health status codes that a Job can get. */
export enum ArgoCdHealthStatus {
  /** Finished with Complete, or with a Suspended condition that is not True (a resumed Job). */
  HEALTHY = 'Healthy',
  /** No Complete, Failed or Suspended condition yet (or the Job is being deleted). */
  PROGRESSING = 'Progressing',
  /** A Failed condition. */
  DEGRADED = 'Degraded',
  /** A Suspended condition with status True. */
  SUSPENDED = 'Suspended',
}

/** Argo CD's health of one Job. */
export interface ArgoCdHealth {
  readonly status: ArgoCdHealthStatus;
  /** The message Argo CD shows next to the status ('' when none). */
  readonly message: string;
}

/**
 * Argo CD's health of a Job, as gitops-engine computes it (`pkg/health/health.go` and
 * `pkg/health/health_job.go`):
 *
 * - a Job with `metadata.deletionTimestamp` is Progressing, "Pending deletion";
 * - otherwise the conditions are walked in order, whatever their status: Failed sets failed and
 *   complete (message: its message), Complete sets complete, Suspended sets complete and, only
 *   when its status is True, suspended (Complete and Suspended both set the message, the last one wins);
 * - not complete: Progressing; failed: Degraded; suspended: Suspended; otherwise Healthy.
 *
 * So FailureTarget and SuccessCriteriaMet are ignored (Progressing until Failed or Complete
 * arrives), and a resumed Job (Suspended=False, reason JobResumed) is Healthy while it still runs.
 * A Resource Health customization (Lua) in `argocd-cm` replaces this assessment. Follows
 * gitops-engine at commit 7ee0bef; older releases showed no message for a Suspended Job
 * (they returned the empty failure message) and, before the Suspended case was added, called a
 * suspended Job Progressing.
 */
export function argoCdJobHealth(job: JobLike): ArgoCdHealth {
  if (job.metadata?.deletionTimestamp !== undefined && job.metadata.deletionTimestamp !== null) {
    return { status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion' };
  }
  let failed = false;
  let failMessage = '';
  let complete = false;
  let message = '';
  let suspended = false;
  for (const condition of job.status?.conditions ?? []) {
    switch (condition.type) {
      case 'Failed':
        failed = true;
        complete = true;
        failMessage = condition.message ?? '';
        break;
      case 'Complete':
        complete = true;
        message = condition.message ?? '';
        break;
      case 'Suspended':
        complete = true;
        message = condition.message ?? '';
        if (condition.status === 'True') {
          suspended = true;
        }
        break;
    }
  }
  if (!complete) {
    return { status: ArgoCdHealthStatus.PROGRESSING, message };
  }
  if (failed) {
    return { status: ArgoCdHealthStatus.DEGRADED, message: failMessage };
  }
  if (suspended) {
    return { status: ArgoCdHealthStatus.SUSPENDED, message };
  }
  return { status: ArgoCdHealthStatus.HEALTHY, message };
}

/** What an Argo CD hook's state is, given the hook Job's health (gitops-engine sync: Healthy succeeds, Degraded fails, the rest keeps running). */
export enum ArgoCdHookPhase {
  /** Healthy. */
  SUCCEEDED = 'Succeeded',
  /** Progressing or Suspended: the sync waits. */
  RUNNING = 'Running',
  /** Degraded: the sync fails. */
  FAILED = 'Failed',
}

/** The phase Argo CD gives a hook Job of this health. A Suspended hook stays Running: the sync never ends. */
export function argoCdHookPhase(health: ArgoCdHealth): ArgoCdHookPhase {
  switch (health.status) {
    case ArgoCdHealthStatus.HEALTHY: return ArgoCdHookPhase.SUCCEEDED;
    case ArgoCdHealthStatus.DEGRADED: return ArgoCdHookPhase.FAILED;
    default: return ArgoCdHookPhase.RUNNING;
  }
}

/** The Argo CD health that agrees with each of our states (none for a Job not seen or deleted). */
const AGREEING: Partial<Record<JobState, ArgoCdHealthStatus>> = {
  [JobState.PENDING]: ArgoCdHealthStatus.PROGRESSING,
  [JobState.RUNNING]: ArgoCdHealthStatus.PROGRESSING,
  [JobState.SUSPENDED]: ArgoCdHealthStatus.SUSPENDED,
  [JobState.COMPLETE]: ArgoCdHealthStatus.HEALTHY,
  [JobState.FAILED]: ArgoCdHealthStatus.DEGRADED,
};

/**
 * Where Argo CD's health of a Job disagrees with our verdict, in one sentence; undefined when they
 * agree or there is nothing to compare (the Job was never seen, or was deleted before it finished).
 */
export function argoCdDisagreement(verdict: JobVerdict, health: ArgoCdHealth | undefined): string | undefined {
  const agreeing = AGREEING[verdict.state];
  if (health === undefined || agreeing === undefined || agreeing === health.status) {
    return undefined;
  }
  const ours = `${verdict.state}${verdict.reason ? ` (${verdict.reason})` : ''}`;
  if (health.status === ArgoCdHealthStatus.HEALTHY && (verdict.state === JobState.RUNNING || verdict.state === JobState.PENDING)) {
    return `Argo CD shows Healthy while the Job is ${ours}: it counts a Suspended condition of any status (a resumed Job) as finished`;
  }
  if (health.status === ArgoCdHealthStatus.PROGRESSING && verdict.early) {
    return `Argo CD shows Progressing while the Job is ${ours}: it ignores ${verdict.state === JobState.FAILED ? 'FailureTarget' : 'SuccessCriteriaMet'} and waits for the ${verdict.state === JobState.FAILED ? 'Failed' : 'Complete'} condition`;
  }
  if (health.status === ArgoCdHealthStatus.PROGRESSING && verdict.state === JobState.SUSPENDED) {
    return `Argo CD shows Progressing while the Job is ${ours}: the controller has not written the Suspended condition yet`;
  }
  return `Argo CD shows ${health.status}${health.message ? ` ("${health.message}")` : ''} while the Job is ${ours}`;
}
