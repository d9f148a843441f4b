/**
 * How Argo CD judges a Job, so the verifier can show where Argo CD will disagree with its own
 * verdict. Pure functions: no client, no clock.
 */
import { JobLike, JobState, JobVerdict } from './verdict';

/** Argo CD's health status codes that a Job can get. */
export enum ArgoCdHealthStatus {
  /** Finished with Complete, or with a Suspended condition that is not True (a resumed Job). */
  HEALTHY = 'Healthy',
  /** No Complete, Failed or Suspended condition yet (or the Job is being deleted, unless it is an Argo CD hook). */
  PROGRESSING = 'Progressing',
  /** A Failed condition. */
  DEGRADED = 'Degraded',
  /** A Suspended condition with status True. */
  SUSPENDED = 'Suspended',
}

/** Argo CD's health of one Job. */
export interface ArgoCdHealth {
  /** The health status Argo CD shows for the Job. */
  readonly status: ArgoCdHealthStatus;
  /** The message Argo CD shows next to the status ('' when none). */
  readonly message: string;
}

/** The finalizer Argo CD puts on every hook it creates (gitops-engine `pkg/sync/hook`). */
export const ARGOCD_HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

/**
 * The Argo CD release whose rules {@link argoCdJobHealth} follows. The Job health rules changed in
 * Argo CD 3.6.0; releases checked against gitops-engine's code: 3.2-3.5 (the gitops-engine that
 * Argo CD 3.2.12 ships, pseudo-version v0.7.1-0.20260512161450-ff8d2f5207dc) and 3.6.1
 * (`github.com/argoproj/argo-cd/gitops-engine/v3` v3.6.1, also run for real by the project's
 * Argo CD end-to-end suite). Releases before 3.2 were not checked and get the 3.2 rules.
 */
export class ArgoCdVersion {
  /** Argo CD 3.2 to 3.5: no message on a Suspended Job; a Job being deleted is "Pending deletion". */
  public static readonly V3_2 = new ArgoCdVersion(3, 2);
  /**
   * Argo CD 3.6 (argo-cd PR 28738): a Suspended Job shows its condition's message ("Job
   * suspended"); a Job being deleted names the finalizers that block it.
   */
  public static readonly V3_6 = new ArgoCdVersion(3, 6);
  /** The newest release line checked: the default. */
  public static readonly NEWEST = ArgoCdVersion.V3_6;

  /**
   * The release line of a version as Argo CD prints it: `'3.5.4'`, `'v3.6.1'`, `'3.6'`.
   * @throws if `version` does not start with `<major>.<minor>`
   */
  public static of(version: string): ArgoCdVersion {
    const match = /^v?(\d+)\.(\d+)(\.\d+)?([-+].*)?$/.exec(version.trim());
    if (!match) {
      throw new Error(`ArgoCdVersion.of: 'version' must be an Argo CD version such as '3.6.1' or 'v3.5', got '${version}'. Pass the version \`argocd version\` prints for the server.`);
    }
    return new ArgoCdVersion(Number(match[1]), Number(match[2]));
  }

  private constructor(
    /** The major version: 3 in 3.6. */
    public readonly major: number,
    /** The minor version: 6 in 3.6. */
    public readonly minor: number,
  ) {}

  /** True when this release line is `other` or newer. */
  public isAtLeast(other: ArgoCdVersion): boolean {
    return this.major > other.major || (this.major === other.major && this.minor >= other.minor);
  }

  /** `3.6`. */
  public toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

/** Options of {@link argoCdJobHealth}. */
export interface ArgoCdHealthOptions {
  /**
   * The Argo CD release to follow (its words differ between releases).
   *
   * @default ArgoCdVersion.NEWEST (3.6)
   */
  readonly version?: ArgoCdVersion;
}

/**
 * Argo CD's health of a Job, as gitops-engine computes it (`pkg/health/health.go` and
 * `pkg/health/health_job.go`) in the release `options.version`:
 *
 * - a Job with `metadata.deletionTimestamp` is Progressing, "Pending deletion" (3.6: "Pending
 *   deletion; blocked by finalizers: a, b" when it has finalizers), unless it carries Argo CD's
 *   hook finalizer ({@link ARGOCD_HOOK_FINALIZER}, on every hook Argo CD creates): such a hook Job
 *   deleted by its TTL or delete policy keeps the health its conditions give;
 * - otherwise the conditions are walked in order, whatever their status: Failed sets failed and
 *   complete (message: its message), Complete sets complete, Suspended sets complete and, only
 *   when its status is True, suspended (Complete and Suspended both set the message, the last one wins);
 * - not complete: Progressing; failed: Degraded; suspended: Suspended (3.6: with the message;
 *   3.2-3.5: none, they return the empty failure message); otherwise Healthy.
 *
 * So FailureTarget and SuccessCriteriaMet are ignored (Progressing until Failed or Complete
 * arrives), and a resumed Job (Suspended=False, reason JobResumed) is Healthy while it still runs.
 * A Resource Health customization (Lua) in `argocd-cm` replaces this assessment.
 */
export function argoCdJobHealth(job: JobLike, options: ArgoCdHealthOptions = {}): ArgoCdHealth {
  const version = options.version ?? ArgoCdVersion.NEWEST;
  const finalizers = job.metadata?.finalizers ?? [];
  if (job.metadata?.deletionTimestamp !== undefined && job.metadata.deletionTimestamp !== null
    && !finalizers.includes(ARGOCD_HOOK_FINALIZER)) {
    const blocked = version.isAtLeast(ArgoCdVersion.V3_6) && finalizers.length > 0 ? `; blocked by finalizers: ${finalizers.join(', ')}` : '';
    return { status: ArgoCdHealthStatus.PROGRESSING, message: `Pending deletion${blocked}` };
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
    return { status: ArgoCdHealthStatus.SUSPENDED, message: version.isAtLeast(ArgoCdVersion.V3_6) ? message : failMessage };
  }
  return { status: ArgoCdHealthStatus.HEALTHY, message };
}

/**
 * The operation phase Argo CD gives a hook's run (gitops-engine `OperationPhase`), from the hook Job's
 * health: Healthy succeeds, Degraded fails, the rest keeps running. Not the hook's sync phase
 * (`PreSync`, `Sync`, ...: `HookPhase` of the construct library).
 */
export enum ArgoCdOperationPhase {
  /** Healthy. */
  SUCCEEDED = 'Succeeded',
  /** Progressing or Suspended: the sync waits. */
  RUNNING = 'Running',
  /** Degraded: the sync fails. */
  FAILED = 'Failed',
}

/** The operation phase Argo CD gives a hook Job of this health. A Suspended hook stays Running: the sync never ends. */
export function argoCdOperationPhase(health: ArgoCdHealth): ArgoCdOperationPhase {
  switch (health.status) {
    case ArgoCdHealthStatus.HEALTHY: return ArgoCdOperationPhase.SUCCEEDED;
    case ArgoCdHealthStatus.DEGRADED: return ArgoCdOperationPhase.FAILED;
    default: return ArgoCdOperationPhase.RUNNING;
  }
}

/** The Argo CD health that agrees with each of our states (none for a Job not seen or deleted). */
const AGREEING: Partial<Record<JobState, ArgoCdHealthStatus>> = {
  [JobState.PENDING]: ArgoCdHealthStatus.PROGRESSING,
  [JobState.RUNNING]: ArgoCdHealthStatus.PROGRESSING,
  [JobState.QUEUED]: ArgoCdHealthStatus.SUSPENDED,
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
    return `Argo CD shows Healthy while the Job is ${ours}: it counts a Complete, Failed or Suspended condition of any status (a resumed Job has Suspended=False) as finished`;
  }
  if (health.status === ArgoCdHealthStatus.PROGRESSING && verdict.early) {
    return `Argo CD shows Progressing while the Job is ${ours}: it ignores ${verdict.state === JobState.FAILED ? 'FailureTarget' : 'SuccessCriteriaMet'} and waits for the ${verdict.state === JobState.FAILED ? 'Failed' : 'Complete'} condition`;
  }
  if (health.status === ArgoCdHealthStatus.PROGRESSING && (verdict.state === JobState.SUSPENDED || verdict.state === JobState.QUEUED)) {
    return `Argo CD shows Progressing while the Job is ${ours}: the controller has not written the Suspended condition yet`;
  }
  return `Argo CD shows ${health.status}${health.message ? ` ("${health.message}")` : ''} while the Job is ${ours}`;
}
