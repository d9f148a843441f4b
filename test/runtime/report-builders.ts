/**
 * Small builders of verifier results for the report tests: Jobs described by their pods' times
 * in seconds from the Job's start.
 */
import { KueueReport, kueueSentence, KueueStatus, KueueWait } from '../../lib/runtime/kueue';
import { PodAttempt, PodOutcome } from '../../lib/runtime/pods';
import { JobState, JobVerdict } from '../../lib/runtime/verdict';
import { JobReport, JobTimeline, VerifyOutcome, VerifyResult } from '../../lib/runtime/verify';

/** The Jobs' start in these tests. */
export const T0 = Date.parse('2026-11-29T10:00:00Z');
/** The time `seconds` after T0, in ISO 8601 (as the report gives times). */
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** A pod attempt created at `from` s and ended at `to` s (undefined: still running). */
export function attempt(name: string, from: number, to: number | undefined, outcome: PodOutcome, extra: Partial<Omit<PodAttempt, 'restartsAt'>> & { restartsAt?: number[] } = {}): PodAttempt {
  return {
    name,
    createdAt: at(from),
    startedAt: at(from),
    ...(to !== undefined ? { endedAt: at(to) } : {}),
    outcome,
    restarts: extra.restartsAt?.length ?? 0,
    ...extra,
    restartsAt: (extra.restartsAt ?? []).map(at),
  };
}

/** A Job's report with the given pods, verdict and timeline fields. */
export function jobReport(name: string, pods: PodAttempt[], verdict: Partial<JobVerdict> = {}, timeline: Partial<JobTimeline> = {}, extra: Partial<JobReport> = {}): JobReport {
  const state = verdict.state ?? JobState.COMPLETE;
  const ends = pods.map(p => (p.endedAt ? Date.parse(p.endedAt) : T0));
  return {
    name,
    namespace: 'ns',
    verdict: { state, terminal: state === JobState.COMPLETE || state === JobState.FAILED, early: false, ...verdict },
    stats: {
      podsCreated: pods.length,
      maxRunning: 1,
      maxTerminating: 0,
      failedAttempts: pods.filter(p => p.outcome === PodOutcome.FAILED || p.outcome === PodOutcome.KILLED).length + pods.reduce((n, p) => n + p.restarts, 0),
      durationMs: Math.max(T0, ...ends) - T0,
    },
    earlierRuns: [],
    earlierRunsOmitted: 0,
    failedPods: [],
    failedPodsOmitted: 0,
    exitCounts: [],
    stuckPods: [],
    timeline: { startedAt: at(0), conditions: [], pods, ...timeline },
    ...extra,
  };
}

/** A verify result of the given Jobs, ended `endedAfter` s after T0. */
export function verifyResult(jobs: JobReport[], endedAfter = 120, outcome = VerifyOutcome.CONVERGED): VerifyResult {
  return {
    outcome,
    exitCode: 0,
    summary: `${jobs.length} Job(s) converged`,
    jobs,
    groups: [],
    outages: [],
    requests: { lists: 2, watches: 2, logs: 0 },
    durationMs: endedAfter * 1000,
    finishedAt: at(endedAfter),
  };
}

/** The seed "unlucky" (restartPolicy Never, backoffLimit 3): four attempts exit 1, back-off 10 s, 20 s, 40 s. */
export function unluckyNever(): JobReport {
  const pods = [
    attempt('unlucky-a', 0, 1, PodOutcome.FAILED, { exitCode: 1 }),
    attempt('unlucky-b', 11, 12, PodOutcome.FAILED, { exitCode: 1 }),
    attempt('unlucky-c', 32, 33, PodOutcome.FAILED, { exitCode: 1 }),
    attempt('unlucky-d', 73, 74, PodOutcome.FAILED, { exitCode: 1 }),
  ];
  return jobReport('unlucky', pods, { state: JobState.FAILED, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
    { activeDeadlineMs: 3_600_000, conditions: [{ type: 'FailureTarget', reason: 'BackoffLimitExceeded', at: at(74) }, { type: 'Failed', reason: 'BackoffLimitExceeded', at: at(74) }] });
}

/** The seed "even-seconds": 6 completions, 2 at a time, 1 s each. */
export function evenSeconds(): JobReport {
  const pods = [0, 0, 1, 1, 2, 2].map((from, i) => attempt(`even-${i}`, from, from + 1, PodOutcome.SUCCEEDED));
  return jobReport('even-seconds', pods, {}, { completions: 6, parallelism: 2, conditions: [{ type: 'Complete', at: at(3) }] });
}

/**
 * A Job Kueue preempted, as the real Kueue of test/e2e/kueue-verify.test.ts did: admitted at once,
 * its pod killed at 2 s after the eviction at 1 s, back in the queue from 2 s to its re-admission at
 * 10 s, its new pod succeeding from 10 s to 22 s.
 */
export function preempted(): JobReport {
  const pods = [attempt('low-a', 0, 2, PodOutcome.KILLED), attempt('low-b', 10, 22, PodOutcome.SUCCEEDED)];
  const kueue: KueueReport = {
    status: KueueStatus.FINISHED, localQueue: 'user-queue', clusterQueue: 'team', workload: 'job-low-c0e2e', reason: 'Succeeded',
    message: 'Reached expected number of succeeded pods', admittedAt: at(10), waitedMs: 8000,
    waits: [{ queuedAt: at(0), admittedAt: at(0), durationMs: 0 }, { queuedAt: at(2), admittedAt: at(10), durationMs: 8000 }],
    evictions: [{ at: at(1), reason: 'Preempted', preemption: 'InClusterQueue', message: 'Preempted to accommodate a workload (UID: w, JobUID: j) due to prioritization in the ClusterQueue' }],
  };
  return jobReport('low', pods, { reason: 'CompletionsReached' }, { startedAt: at(10), conditions: [{ type: 'Complete', reason: 'CompletionsReached', at: at(22) }] }, { kueue });
}

/** A Job still waiting in Kueue's queue 30 s after its creation (at 0 s), for quota. */
export function queuedForQuota(): JobReport {
  const kueue: KueueReport = {
    status: KueueStatus.PENDING, localQueue: 'user-queue', clusterQueue: 'team', workload: 'job-train-8ce2b', waitingFor: KueueWait.QUOTA, reason: 'Pending',
    message: "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 1 more needed",
    waitedMs: 30_000, waits: [{ queuedAt: at(0), durationMs: 30_000 }], evictions: [],
  };
  const report = jobReport('train', [], {
    state: JobState.QUEUED, terminal: false, reason: 'Pending', message: kueueSentence(kueue),
  }, { startedAt: undefined }, { kueue });
  return { ...report, stats: { ...report.stats, durationMs: undefined } };
}
