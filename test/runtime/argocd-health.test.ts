import * as fs from 'fs';
import * as path from 'path';
import {
  ARGOCD_HOOK_FINALIZER, argoCdDisagreement, ArgoCdHealthStatus, argoCdOperationPhase, ArgoCdOperationPhase, argoCdJobHealth, ArgoCdVersion,
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
  ['suspended', ArgoCdHealthStatus.SUSPENDED, 'Job suspended', JobState.QUEUED],
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
      'Argo CD shows Healthy while the Job is running: it counts a Complete, Failed or Suspended condition of any status (a resumed Job has Suspended=False) as finished');
  });

  test.each(EXPECTED.filter(e => e[0] !== 'resumed').map(e => e[0]))('%s: Argo CD agrees with the verdict', name => {
    const job = captured(name);
    expect(argoCdDisagreement(judgeJob(job), argoCdJobHealth(job))).toBeUndefined();
  });
});

describe('argoCdJobHealth beyond the captured statuses', () => {
  const deleting = (name: string, finalizers?: string[]) => {
    const job = captured(name);
    return { ...job, metadata: { ...job.metadata, deletionTimestamp: '2026-11-22T15:30:00Z', ...(finalizers ? { finalizers } : {}) } };
  };

  test('a Job being deleted is Progressing, "Pending deletion", whatever its conditions', () => {
    expect(argoCdJobHealth(deleting('complete'))).toEqual({ status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion' });
    expect(argoCdJobHealth(deleting('complete'), { version: ArgoCdVersion.V3_2 })).toEqual({ status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion' });
  });

  test('a Job being deleted with finalizers: 3.6 names them, 3.2-3.5 do not', () => {
    const job = deleting('complete', ['example.com/keep', 'foregroundDeletion']);
    expect(argoCdJobHealth(job)).toEqual({
      status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion; blocked by finalizers: example.com/keep, foregroundDeletion',
    });
    expect(argoCdJobHealth(job, { version: ArgoCdVersion.of('3.5.4') })).toEqual({ status: ArgoCdHealthStatus.PROGRESSING, message: 'Pending deletion' });
  });

  test('a hook Job being deleted (TTL, delete policy) keeps its health: Argo CD\'s hook finalizer exempts it', () => {
    for (const version of [ArgoCdVersion.V3_2, ArgoCdVersion.V3_6]) {
      const done = argoCdJobHealth(deleting('complete', [ARGOCD_HOOK_FINALIZER]), { version });
      expect(done).toEqual({ status: ArgoCdHealthStatus.HEALTHY, message: '' });
      expect(argoCdOperationPhase(done)).toBe(ArgoCdOperationPhase.SUCCEEDED);
      const failed = argoCdJobHealth(deleting('backoff-limit-exceeded', ['foregroundDeletion', ARGOCD_HOOK_FINALIZER]), { version });
      expect(failed).toEqual({ status: ArgoCdHealthStatus.DEGRADED, message: 'Job has reached the specified backoff limit' });
      expect(argoCdOperationPhase(failed)).toBe(ArgoCdOperationPhase.FAILED);
    }
  });

  test('a Suspended Job: 3.6 shows the condition\'s message, 3.2-3.5 none', () => {
    expect(argoCdJobHealth(captured('suspended'))).toEqual({ status: ArgoCdHealthStatus.SUSPENDED, message: 'Job suspended' });
    expect(argoCdJobHealth(captured('suspended'), { version: ArgoCdVersion.of('v3.2.12') })).toEqual({ status: ArgoCdHealthStatus.SUSPENDED, message: '' });
  });

  test('ArgoCdVersion.of reads the release line; newer lines follow 3.6, older ones 3.2', () => {
    expect(ArgoCdVersion.of('3.6.1').toString()).toBe('3.6');
    expect(ArgoCdVersion.of('v3.7.0-rc1').isAtLeast(ArgoCdVersion.V3_6)).toBe(true);
    expect(ArgoCdVersion.of('4.0').isAtLeast(ArgoCdVersion.V3_6)).toBe(true);
    expect(ArgoCdVersion.of('2.14.9').isAtLeast(ArgoCdVersion.V3_6)).toBe(false);
    expect(ArgoCdVersion.NEWEST).toBe(ArgoCdVersion.V3_6);
  });

  test('fails when ArgoCdVersion.of gets something that is not a version', () => {
    expect(() => ArgoCdVersion.of('latest')).toThrow(
      "ArgoCdVersion.of: 'version' must be an Argo CD version such as '3.6.1' or 'v3.5', got 'latest'. Pass the version `argocd version` prints for the server.");
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
    expect(argoCdOperationPhase(argoCdJobHealth(captured('suspended')))).toBe(ArgoCdOperationPhase.RUNNING);
    expect(argoCdOperationPhase(argoCdJobHealth(captured('running')))).toBe(ArgoCdOperationPhase.RUNNING);
    expect(argoCdOperationPhase(argoCdJobHealth(captured('complete')))).toBe(ArgoCdOperationPhase.SUCCEEDED);
    expect(argoCdOperationPhase(argoCdJobHealth(captured('deadline-exceeded')))).toBe(ArgoCdOperationPhase.FAILED);
  });

  test('nothing to compare for a Job never seen or deleted before it finished', () => {
    expect(argoCdDisagreement({ state: JobState.MISSING, terminal: false, early: false }, undefined)).toBeUndefined();
    expect(argoCdDisagreement({ state: JobState.DELETED, terminal: true, early: false }, argoCdJobHealth(captured('running')))).toBeUndefined();
  });
});

describe('argoCdJobHealth on Jobs as the real Argo CD 3.6.1 judged them', () => {
  const ARGOCD_FIXTURES = path.join(__dirname, '..', 'fixtures', 'argocd-3.6.1');
  const judged = (name: string): { argoCd: { version: string; health: { status: string; message: string } }; job: JobLike } =>
    JSON.parse(fs.readFileSync(path.join(ARGOCD_FIXTURES, `${name}.json`), 'utf-8'));
  const NAMES = fs.readdirSync(ARGOCD_FIXTURES).filter(f => f.endsWith('.json')).map(f => f.replace(/\.json$/, '')).sort();

  test('the captures cover every case the version rules and the hook finalizer decide', () => {
    expect(NAMES).toEqual([
      'complete', 'deleted-by-ttl', 'deletion-blocked-by-finalizer', 'failed', 'hook-complete', 'hook-deleted-by-ttl',
      'hook-failed', 'hook-running', 'kueue-admitted-running', 'kueue-hook-admitted-running', 'kueue-queued', 'running', 'suspended',
    ]);
  });

  test('a Job Kueue queues (Kubernetes 1.37.2, Kueue v0.17.0): Suspended while it waits, as our verdict; Healthy once admitted, while its pods run', () => {
    // GIVEN the Jobs as the real Argo CD judged them (test/argocd/argocd-kueue.test.ts)
    const queued = judged('kueue-queued').job;
    const running = judged('kueue-admitted-running').job;
    const hook = judged('kueue-hook-admitted-running').job;
    // THEN while queued: Suspended, our verdict queued, no disagreement; a hook keeps the sync waiting
    expect(queued.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBe('user-queue');
    expect(argoCdJobHealth(queued)).toEqual({ status: ArgoCdHealthStatus.SUSPENDED, message: 'Job suspended' });
    expect(judgeJob(queued).state).toBe(JobState.QUEUED);
    expect(argoCdDisagreement(judgeJob(queued), argoCdJobHealth(queued))).toBeUndefined();
    expect(argoCdOperationPhase(argoCdJobHealth(queued))).toBe(ArgoCdOperationPhase.RUNNING);
    // THEN once admitted (Suspended=False, JobResumed) with a pod running: Healthy, which the verifier
    // reports, and a hook succeeds before it ran
    for (const job of [running, hook]) {
      expect(job.status?.active).toBe(1);
      expect(argoCdJobHealth(job)).toEqual({ status: ArgoCdHealthStatus.HEALTHY, message: 'Job resumed' });
      expect(judgeJob(job).state).toBe(JobState.RUNNING);
      expect(argoCdDisagreement(judgeJob(job), argoCdJobHealth(job))).toBe(
        'Argo CD shows Healthy while the Job is running: it counts a Complete, Failed or Suspended condition of any status (a resumed Job has Suspended=False) as finished');
    }
    expect(hook.metadata?.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    expect(argoCdOperationPhase(argoCdJobHealth(hook))).toBe(ArgoCdOperationPhase.SUCCEEDED);
  });

  test.each(NAMES)('%s: argoCdJobHealth() says what Argo CD 3.6.1 said', name => {
    const { argoCd, job } = judged(name);
    expect(argoCd.version).toBe('3.6.1');
    expect(argoCdJobHealth(job, { version: ArgoCdVersion.of(argoCd.version) })).toEqual(argoCd.health);
    expect(argoCdJobHealth(job)).toEqual(argoCd.health);
  });

  test('a hook deleted by its TTL while Argo CD\'s finalizer holds it succeeded, as Argo CD says', () => {
    const { job } = judged('hook-deleted-by-ttl');
    expect(job.metadata?.deletionTimestamp).toBeDefined();
    expect(job.metadata?.finalizers).toEqual([ARGOCD_HOOK_FINALIZER]);
    expect(argoCdOperationPhase(argoCdJobHealth(job))).toBe(ArgoCdOperationPhase.SUCCEEDED);
  });

  test.each([
    ['deleted-by-ttl', 'Pending deletion'],
    ['deletion-blocked-by-finalizer', 'Pending deletion'],
    ['suspended', ''],
  ])('%s: Argo CD 3.2-3.5 word it "%s"', (name, message) => {
    const { argoCd, job } = judged(name);
    expect(argoCdJobHealth(job, { version: ArgoCdVersion.V3_2 })).toEqual({ status: argoCd.health.status, message });
  });
});
