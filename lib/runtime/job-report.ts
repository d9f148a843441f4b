/**
 * A target's report (`JobReport`) from what its tracker knows: pure, so that the report of every
 * state a Job can be in is unit-tested (test/runtime/job-report.test.ts).
 */
import type { JobDiagnosis } from './diagnosis';
import { reportedAttempt } from './pods';
import type { TargetTracker } from './tracking';
import { JobState } from './verdict';
import type { JobReport, JobTimeline } from './verify-result';

const TIMELINE_CONDITIONS = ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget', 'Suspended'];

/**
 * The report of target `t` at `now`, for a verification that began at `startedAt`; with the
 * diagnosis read after the verdict, if any.
 *
 * @internal
 */
export function jobReport(t: TargetTracker, now: number, startedAt: number, diagnosis?: JobDiagnosis): JobReport {
  const run = t.current;
  const verdict = t.verdict(now);
  const s = run?.job.status ?? {};
  const pods = run?.pods;
  const restarts = [...(pods?.restarts.values() ?? [])].reduce((a, b) => a + b, 0);
  // Pods the controller saw end but has not counted yet (it counts them once their tracking
  // finalizer is removed; an early verdict can come before that).
  const failed = (s.failed ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
  const succeeded = (s.succeeded ?? 0) + (s.uncountedTerminatedPods?.succeeded?.length ?? 0);
  const terminalCondition = s.conditions?.find(c => ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget'].includes(c.type) && c.status === 'True');
  const end = s.completionTime ?? terminalCondition?.lastTransitionTime;
  const start = s.startTime;
  const terminalAt = terminalCondition?.lastTransitionTime ? new Date(terminalCondition.lastTransitionTime).getTime() : undefined;
  const earlier = t.earlier;
  const managedBy = run?.job.spec?.managedBy;
  const suspended = verdict.state === JobState.QUEUED || verdict.state === JobState.SUSPENDED;
  const kueue = t.kueue(now);
  return {
    name: t.target.name,
    namespace: t.target.namespace,
    ...(t.target.pattern ? { pattern: t.target.pattern } : {}),
    ...(t.target.group ? { group: t.target.group } : {}),
    ...(t.target.queue ? { queue: t.target.queue } : {}),
    verdict,
    ...(run ? { uid: run.uid } : {}),
    earlierRuns: earlier.runs,
    earlierRunsOmitted: earlier.omitted,
    // The API server's timestamps have whole seconds: a run that ended in the verifier's first second is not "before".
    ...(verdict.terminal && terminalAt !== undefined && terminalAt < startedAt - 1000 ? { finishedBeforeVerification: true } : {}),
    ...(managedBy && verdict.state !== JobState.MISSING ? managedByField(managedBy) : {}),
    ...(suspended ? { suspension: t.suspension() ?? {} } : {}),
    ...(kueue ? { kueue } : {}),
    stats: {
      podsCreated: Math.max(pods?.attempts.size ?? 0, succeeded + failed + (s.active ?? 0)),
      maxRunning: pods?.maxRunning ?? 0,
      maxTerminating: pods?.maxTerminating ?? 0,
      failedAttempts: failed + restarts,
      ...(start ? { durationMs: (end ? new Date(end).getTime() : now) - new Date(start).getTime() } : {}),
    },
    failedPods: diagnosis?.failedPods ?? [],
    failedPodsOmitted: diagnosis?.failedPodsOmitted ?? 0,
    exitCounts: diagnosis?.exitCounts ?? [],
    stuckPods: [...(pods?.stuck.values() ?? [])],
    ...(terminalAt !== undefined ? { terminalAt: new Date(terminalAt).toISOString() } : {}),
    ...(run?.verdictAt !== undefined && verdict.terminal ? { verdictAt: new Date(run.verdictAt).toISOString() } : {}),
    ...(run?.argoCdHealth ? { argoCdHealth: run.argoCdHealth } : {}),
    timeline: timeline(t),
  };
}

function managedByField(managedBy: string): { managedBy?: string } {
  return managedBy === 'kubernetes.io/job-controller' ? {} : { managedBy };
}

function timeline(t: TargetTracker): JobTimeline {
  const run = t.current;
  const spec = run?.job.spec ?? {};
  const status = run?.job.status;
  const at = (time: Date | string | undefined) => new Date(time!).toISOString();
  const conditions = (status?.conditions ?? [])
    .filter(c => c.status === 'True' && TIMELINE_CONDITIONS.includes(c.type) && c.lastTransitionTime !== undefined)
    .map(c => ({ type: c.type, ...(c.reason ? { reason: c.reason } : {}), at: at(c.lastTransitionTime)! }));
  return {
    ...(status?.startTime ? { startedAt: at(status.startTime) } : {}),
    ...(spec.activeDeadlineSeconds !== undefined ? { activeDeadlineMs: spec.activeDeadlineSeconds * 1000 } : {}),
    ...(spec.completionMode ? { completionMode: spec.completionMode } : {}),
    ...(spec.completions !== undefined && spec.completions !== null ? { completions: spec.completions } : {}),
    ...(spec.parallelism !== undefined && spec.parallelism !== null ? { parallelism: spec.parallelism } : {}),
    conditions,
    pods: [...(run?.pods?.attempts.values() ?? [])].sort((a, b) => a.createdAt - b.createdAt).map(reportedAttempt),
  };
}
