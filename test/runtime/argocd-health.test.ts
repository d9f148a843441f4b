import * as fs from 'fs';
import * as path from 'path';
import {
  argoCdDisagreement, ArgoCdHealthStatus, argoCdHookPhase, ArgoCdHookPhase, argoCdJobHealth,
} from '../../lib/runtime/argocd-health';
import { JobLike, JobState, judgeJob } from '../../lib/runtime/verdict';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'jobs-1.28');

/** A Job status captured from the local 1.28.15 control plane (test/fixtures/jobs-1.28/README.md). */
function captured(name: string): JobLike {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf-8'));
}

// What gitops-engine's getBatchv1JobHealth (pkg/health/health_job.go) makes of each captured Job,
// worked out from its conditions, and our own verdict next to it.
// [fixture, Argo CD status, Argo CD message, our state]
const EXPECTED: Array<[string, ArgoCdHealthStatus, string, JobState]> = [
  // Failed: failed and complete, the Failed condition's message.
  ['backoff-limit-exceeded', ArgoCdHealthStatus.DEGRADED, 'Job has reached the specified backoff limit', JobState.FAILED],
  // Complete without a message.
  ['complete', ArgoCdHealthStatus.HEALTHY, '', JobState.COMPLETE],
  ['deadline-exceeded', ArgoCdHealthStatus.DEGRADED, 'Job was active longer than specified deadline', JobState.FAILED],
  ['indexed', ArgoCdHealthStatus.HEALTHY, '', JobState.COMPLETE],
  // FailureTarget is ignored; the Failed condition that follows it decides.
  ['pod-failure-policy', ArgoCdHealthStatus.DEGRADED, 'Container main for pod capture/pod-failure-policy-xc4d5 failed with exit code 42 matching FailJob rule at index 0', JobState.FAILED],
  // Suspended=False (JobResumed) counts as complete, and not suspended: Healthy, while its pod still runs.
  ['resumed', ArgoCdHealthStatus.HEALTHY, 'Job resumed', JobState.RUNNING],
  // No condition at all: not complete.
  ['running', ArgoCdHealthStatus.PROGRESSING, '', JobState.RUNNING],
  // Suspended=True.
  ['suspended', ArgoCdHealthStatus.SUSPENDED, 'Job suspended', JobState.SUSPENDED],
];

describe('argoCdJobHealth on statuses captured from Kubernetes 1.28', () => {
  test('every captured status has an expected result', () => {
    const fixtures = fs.readdirSync(FIXTURES).filter(f => f.endsWith('.json')).map(f => f.replace(/\.json$/, '')).sort();
    expect(EXPECTED.map(e => e[0]).sort()).toEqual(fixtures);
  });

  test.each(EXPECTED)('%s: Argo CD says %s', (name, status, message, ours) => {
    const job = captured(name);
    expect(argoCdJobHealth(job)).toEqual({ status, message });
    expect(judgeJob(job).state).toBe(ours);
  });

  test('the resumed Job: Argo CD shows Healthy while it runs, and we say where it disagrees', () => {
    const job = captured('resumed');
    expect(argoCdDisagreement(judgeJob(job), argoCdJobHealth(job))).toBe(
      'Argo CD shows Healthy while the Job is running: it counts a Suspended condition of any status (a resumed Job) as finished');
  });

  test.each(EXPECTED.filter(e => e[0] !== 'resumed').map(e => e[0]))('%s: Argo CD agrees with the verdict', name => {
    const job = captured(name);
    expect(argoCdDisagreement(judgeJob(job), argoCdJobHealth(job))).toBeUndefined();
  });
});

describe('argoCdJobHealth beyond the captured statuses', () => {
  test('a Job being deleted is Progressing, "Pending deletion", whatever its conditions', () => {
    const job = captured('complete');
    expect(argoCdJobHealth({ ...job, metadata: { ...job.metadata, deletionTimestamp: '2026-11-22T15:30:00Z' } }))
      .toEqual({ status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion' });
  });

  test('FailureTarget alone (pods still terminating) is Progressing: Argo CD waits for Failed', () => {
    const job = captured('pod-failure-policy');
    const early = { ...job, status: { ...job.status, conditions: job.status!.conditions!.filter(c => c.type === 'FailureTarget') } };
    expect(argoCdJobHealth(early)).toEqual({ status: ArgoCdHealthStatus.PROGRESSING, message: '' });
    expect(argoCdDisagreement(judgeJob(early), argoCdJobHealth(early))).toBe(
      'Argo CD shows Progressing while the Job is failed (PodFailurePolicy): it ignores FailureTarget and waits for the Failed condition');
  });

  test('SuccessCriteriaMet alone (1.31+) is Progressing: Argo CD waits for Complete', () => {
    const job = captured('running');
    const early = { ...job, status: { ...job.status, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' }] } };
    expect(argoCdJobHealth(early).status).toBe(ArgoCdHealthStatus.PROGRESSING);
    expect(argoCdDisagreement(judgeJob(early), argoCdJobHealth(early))).toContain('it ignores SuccessCriteriaMet and waits for the Complete condition');
  });

  test('the condition status of Complete and Failed is not read; the last message of Complete or Suspended wins', () => {
    const job = captured('resumed');
    const done = { ...job, status: { ...job.status, conditions: [...job.status!.conditions!, { type: 'Complete', status: 'False', message: 'not really' }] } };
    expect(argoCdJobHealth(done)).toEqual({ status: ArgoCdHealthStatus.HEALTHY, message: 'not really' });
  });

  test('a suspended hook keeps running, so the sync waits; Healthy succeeds, Degraded fails', () => {
    expect(argoCdHookPhase(argoCdJobHealth(captured('suspended')))).toBe(ArgoCdHookPhase.RUNNING);
    expect(argoCdHookPhase(argoCdJobHealth(captured('running')))).toBe(ArgoCdHookPhase.RUNNING);
    expect(argoCdHookPhase(argoCdJobHealth(captured('complete')))).toBe(ArgoCdHookPhase.SUCCEEDED);
    expect(argoCdHookPhase(argoCdJobHealth(captured('deadline-exceeded')))).toBe(ArgoCdHookPhase.FAILED);
  });

  test('nothing to compare for a Job never seen or deleted before it finished', () => {
    expect(argoCdDisagreement({ state: JobState.MISSING, terminal: false, early: false }, undefined)).toBeUndefined();
    expect(argoCdDisagreement({ state: JobState.DELETED, terminal: true, early: false }, argoCdJobHealth(captured('running')))).toBeUndefined();
  });
});
