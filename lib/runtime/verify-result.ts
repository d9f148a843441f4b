import type { ExitCount, FailedPod } from './diagnosis';
import type { PodAttempt } from './pods';
import type { EarlierRun } from './tracking';
import { JobState, JobVerdict } from './verdict';
import type { ArgoCdHealth } from './argocd-health';
import type { KueueReport } from './kueue';

/** Per-Job statistics. */
export interface JobStats {
  /** Pods the Job created (distinct pods seen, or the controller's counts if higher). */
  readonly podsCreated: number;
  /** Most of its pods seen running at once (pods being deleted are not counted: see maxTerminating). */
  readonly maxRunning: number;
  /**
   * Most of its pods seen terminating at once: deleted (by the Job controller after the verdict,
   * past a deadline, or by anyone) but not yet ended. With `podReplacementPolicy: Failed` the
   * controller creates no replacement until they end.
   */
  readonly maxTerminating: number;
  /** Failed pods plus container restarts (restartPolicy OnFailure). */
  readonly failedAttempts: number;
  /** From the Job's start to its end (or to now), in ms (the API server's times have whole seconds). */
  readonly durationMs?: number;
}

/** What a timeline of the Job's pods needs (see `htmlReport`). Times in ISO 8601, durations in ms. */
export interface JobTimeline {
  /** The Job's `status.startTime`. */
  readonly startedAt?: string;
  /** `spec.activeDeadlineSeconds`, in ms. */
  readonly activeDeadlineMs?: number;
  /** `spec.completionMode` (`Indexed` or `NonIndexed`). */
  readonly completionMode?: string;
  /** `spec.completions` (none for a work queue without a fixed count). */
  readonly completions?: number;
  /** `spec.parallelism`. */
  readonly parallelism?: number;
  /** When each condition the verdict reads turned True: Complete, Failed, SuccessCriteriaMet, FailureTarget, Suspended. */
  readonly conditions: ReadonlyArray<{ readonly type: string; readonly reason?: string; readonly at: string }>;
  /** Every pod the Job created, in creation order. */
  readonly pods: readonly PodAttempt[];
}

/** The verifier's report on one Job. */
export interface JobReport {
  /** The Job's `metadata.name`. */
  readonly name: string;
  /** The Job's namespace. */
  readonly namespace: string;
  /** The Job's `job-patterns.cdk8s.io/pattern` annotation, when present. */
  readonly pattern?: string;
  /** The Job's template-expansion group (`job-patterns.cdk8s.io/group` label), when present. */
  readonly group?: string;
  /** The work queue the Job reads (see {@link JobTarget.queue}). */
  readonly queue?: string;
  /**
   * Where the run of this change stands: `missing` until a Job of the name is seen, `outdated`
   * while the Job under the name is an earlier run, then the run's own state. A run replaced by a
   * newer Job object of the same name is listed in `earlierRuns`, and the newer one is judged.
   */
  readonly verdict: JobVerdict;
  /** The `metadata.uid` of the run judged (the Job object), once seen. */
  readonly uid?: string;
  /** Runs under the name that were replaced by a newer object or deleted before they finished, oldest first (at most 10). */
  readonly earlierRuns: readonly EarlierRun[];
  /** Earlier runs left out of `earlierRuns`. */
  readonly earlierRunsOmitted: number;
  /** True when the run had finished before verification began: it matches the manifest, but nothing was watched happening. */
  readonly finishedBeforeVerification?: boolean;
  /** `spec.managedBy`, when another controller than the built-in one manages the Job (it writes the status judged). */
  readonly managedBy?: string;
  /** For a queued or suspended Job: since when (ISO 8601), and the Kueue LocalQueue it waits in (label `kueue.x-k8s.io/queue-name`). */
  readonly suspension?: { readonly since?: string; readonly kueueQueue?: string };
  /**
   * What Kueue says of the Job, read from its Workload (`kueue.x-k8s.io/v1beta2`, owned by the
   * Job): its LocalQueue and ClusterQueue, where it stands (`pending` with why, `admitted`,
   * `evicted`, `finished`; `not-installed` when the cluster has no Kueue), when it was admitted,
   * how long it waited, and its evictions. Only for a Job that carries the queue label
   * `kueue.x-k8s.io/queue-name` or was suspended (the only Jobs Kueue's API is asked about).
   */
  readonly kueue?: KueueReport;
  /** Counts of its pods, and its duration. */
  readonly stats: JobStats;
  /**
   * Failed pods of the judged run (a container exited non-zero, or the pod was evicted, disrupted
   * or refused), at most 20, with the log tails of the first 5 when read in time. Only in the final
   * result, for a Job that did not complete (read again from the API server after the verdict):
   * empty in `onProgress` reports.
   */
  readonly failedPods: readonly FailedPod[];
  /** Failed pods seen beyond those in `failedPods` (they are counted in `exitCounts`). */
  readonly failedPodsOmitted: number;
  /**
   * Failed runs by exit code (per container) and failed pods by pod-level reason (Evicted,
   * EvictionByEvictionAPI, ...), over every failed pod seen, listed or not; most frequent first.
   */
  readonly exitCounts: readonly ExitCount[];
  /** Pods stuck in ImagePullBackOff, CrashLoopBackOff, Unschedulable, ... */
  readonly stuckPods: ReadonlyArray<{ readonly name: string; readonly reason: string; readonly message?: string }>;
  /** When the controller set the terminal condition. */
  readonly terminalAt?: string;
  /** When the verifier reached its verdict. */
  readonly verdictAt?: string;
  /**
   * Argo CD's health of the Job ({@link argoCdJobHealth}) from the last Job object seen (kept
   * after the Job was deleted); undefined when it was never seen. It can disagree with `verdict`:
   * a resumed Job is Healthy to Argo CD while it still runs.
   */
  readonly argoCdHealth?: ArgoCdHealth;
  /** The Job's pods over time. */
  readonly timeline: JobTimeline;
}

/** A template-expansion group: converged when every member completed. */
export interface GroupReport {
  /** The group's name (`job-patterns.cdk8s.io/group` label). */
  readonly group: string;
  /** The namespace of its Jobs: a group is counted per namespace. */
  readonly namespace: string;
  /** Its Jobs that were verified. */
  readonly members: number;
  /** Members whose state is `complete`. */
  readonly complete: number;
  /** Members whose state is `failed`. */
  readonly failed: number;
  /** Members deleted before they finished (state `deleted`). */
  readonly deleted: number;
  /** Members that cannot be judged (state `gone`). */
  readonly gone: number;
  /** Members still on their way: missing, outdated, queued, suspended, managed elsewhere, pending or running. `complete + failed + deleted + gone + unfinished = members`. */
  readonly unfinished: number;
  /** True when every member is complete. */
  readonly converged: boolean;
}

/** How verification ended. */
export enum VerifyOutcome {
  /** Every Job converged. Exit code 0. */
  CONVERGED = 'converged',
  /** A Job failed, or was deleted before finishing and not replaced. Exit code 1. */
  FAILED = 'failed',
  /** Time ran out: a Job still runs, waits in a queue, or was never seen. Exit code 2. */
  TIMEOUT = 'timeout',
  /** The cluster could not be reached until the timeout, or nothing matched. Exit code 3. */
  ERROR = 'error',
  /**
   * No Job failed, but a Job's run cannot be judged: it finished and was deleted before
   * verification began (its TTL, a hook delete policy), or it is a hook Argo CD skips. Exit code 4.
   */
  UNVERIFIABLE = 'unverifiable',
}

/** Exit codes of the CLI, by outcome. */
export const EXIT_CODES: Record<VerifyOutcome, number> = {
  [VerifyOutcome.CONVERGED]: 0,
  [VerifyOutcome.FAILED]: 1,
  [VerifyOutcome.TIMEOUT]: 2,
  [VerifyOutcome.ERROR]: 3,
  [VerifyOutcome.UNVERIFIABLE]: 4,
};

/** A time the verifier could not reach the API server (its watches and re-lists failed). */
export interface Outage {
  /**
   * What it watched or read: `<namespace>/jobs`, `<namespace>/pods`, `<namespace>/events`; for Jobs
   * Kueue may explain, `kueue.x-k8s.io/v1beta2` (whether the cluster serves Kueue's API),
   * `<namespace>/workloads` and `<namespace>/localqueues`.
   */
  readonly watch: string;
  /** When the first request failed (ISO 8601). */
  readonly from: string;
  /** When a re-list succeeded again (ISO 8601); undefined while it lasts. */
  readonly to?: string;
  /** Failed requests in it. */
  readonly failures: number;
  /** The last error, as the client said it. */
  readonly lastError: string;
}

/** The result of a verification. */
export interface VerifyResult {
  /** How verification ended. */
  readonly outcome: VerifyOutcome;
  /** The CLI's exit code for `outcome` ({@link EXIT_CODES}). */
  readonly exitCode: number;
  /** Why it ended that way, in one sentence. */
  readonly summary: string;
  /** A report per Job, in the order of `targets` (with `selector`: as first seen). */
  readonly jobs: readonly JobReport[];
  /** A report per template-expansion group among the Jobs (none when no Job has a group). */
  readonly groups: readonly GroupReport[];
  /** API requests made: lists (with Kueue's discovery and LocalQueue reads, for Jobs Kueue may explain) and watches (and log reads for failed pods). */
  readonly requests: { readonly lists: number; readonly watches: number; readonly logs: number };
  /** The times the API server could not be reached while watching (restarts, network), in order. */
  readonly outages: readonly Outage[];
  /** How long verification took, in ms (counted from the verifier's creation, like the timeout). */
  readonly durationMs: number;
  /** When verification ended (ISO 8601): the timeline's "now" for pods still running. */
  readonly finishedAt: string;
}

/** A report per template-expansion group (per namespace) among the Jobs: its members counted by where they stand. @internal */
export function groupReports(jobs: readonly JobReport[]): GroupReport[] {
  const groups = new Map<string, GroupReport>();
  for (const job of jobs.filter(j => j.group !== undefined)) {
    const key = `${job.namespace}/${job.group}`;
    const g = groups.get(key) ?? { group: job.group!, namespace: job.namespace, members: 0, complete: 0, failed: 0, deleted: 0, gone: 0, unfinished: 0, converged: false };
    const state = job.verdict.state;
    const next = {
      ...g,
      members: g.members + 1,
      complete: g.complete + (state === JobState.COMPLETE ? 1 : 0),
      failed: g.failed + (state === JobState.FAILED ? 1 : 0),
      deleted: g.deleted + (state === JobState.DELETED ? 1 : 0),
      gone: g.gone + (state === JobState.GONE ? 1 : 0),
      unfinished: g.unfinished + (job.verdict.terminal ? 0 : 1),
    };
    groups.set(key, { ...next, converged: next.complete === next.members });
  }
  return [...groups.values()];
}
