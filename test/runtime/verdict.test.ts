import * as fs from 'fs';
import * as path from 'path';
import { expandIndexes, JobLike, JobState, judgeDeleted, judgeJob } from '../../lib/runtime/verdict';

/** A Job status captured from the local 1.28.15 control plane (test/fixtures/jobs-1.28/README.md). */
function captured(name: string): JobLike {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'jobs-1.28', `${name}.json`), 'utf-8'));
}

describe('judgeJob on statuses captured from Kubernetes 1.28', () => {
  test('Complete', () => {
    expect(judgeJob(captured('complete'))).toEqual({ state: JobState.COMPLETE, terminal: true, early: false, reason: undefined, message: undefined });
  });

  test('Failed with BackoffLimitExceeded', () => {
    expect(judgeJob(captured('backoff-limit-exceeded'))).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'BackoffLimitExceeded', early: false });
  });

  test('Failed with DeadlineExceeded', () => {
    expect(judgeJob(captured('deadline-exceeded'))).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'DeadlineExceeded' });
  });

  test('Failed by the pod failure policy (FailureTarget and Failed both present)', () => {
    expect(judgeJob(captured('pod-failure-policy'))).toMatchObject({ state: JobState.FAILED, reason: 'PodFailurePolicy', early: false });
  });

  test('FailureTarget alone (pods still terminating) is an early failure', () => {
    const job = captured('pod-failure-policy');
    const early = { ...job, status: { ...job.status, conditions: job.status!.conditions!.filter(c => c.type === 'FailureTarget') } };
    expect(judgeJob(early)).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'PodFailurePolicy', early: true });
  });

  test('SuccessCriteriaMet alone (1.31+, pods still terminating) is an early success', () => {
    const job = captured('running');
    const early = { ...job, status: { ...job.status, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' }] } };
    expect(judgeJob(early)).toMatchObject({ state: JobState.COMPLETE, terminal: true, reason: 'CompletionsReached', early: true });
  });

  test('Suspended', () => {
    expect(judgeJob(captured('suspended'))).toMatchObject({ state: JobState.SUSPENDED, terminal: false, reason: 'JobSuspended' });
  });

  test('resumed (Suspended=False, JobResumed) is running, not suspended', () => {
    expect(judgeJob(captured('resumed'))).toMatchObject({ state: JobState.RUNNING, terminal: false });
  });

  test('running', () => {
    expect(judgeJob(captured('running'))).toEqual({ state: JobState.RUNNING, terminal: false, early: false });
  });

  test('an Indexed Job reports its completed indexes', () => {
    expect(judgeJob(captured('indexed'))).toMatchObject({ state: JobState.COMPLETE, completedIndexes: '0-2' });
  });

  test('a Job without status is pending', () => {
    expect(judgeJob({ metadata: { name: 'x' } })).toEqual({ state: JobState.PENDING, terminal: false, early: false });
  });
});

describe('judgeJob and spec.managedBy', () => {
  test('another controller: managed elsewhere, at once, with the reason and the fix', () => {
    const job = captured('running');
    expect(judgeJob({ ...job, spec: { ...job.spec, managedBy: 'kueue.x-k8s.io/multikueue' } })).toEqual({
      state: JobState.MANAGED_ELSEWHERE, terminal: true, early: false, reason: 'ManagedByOtherController',
      message: "spec.managedBy is 'kueue.x-k8s.io/multikueue', so the built-in Job controller does not run this Job; verify it where 'kueue.x-k8s.io/multikueue' runs it, or remove spec.managedBy",
    });
  });

  test('the built-in controller named explicitly is judged as usual', () => {
    const job = captured('running');
    expect(judgeJob({ ...job, spec: { ...job.spec, managedBy: 'kubernetes.io/job-controller' } }).state).toBe(JobState.RUNNING);
  });

  test('a status the other controller wrote (Complete) is read first', () => {
    const job = captured('complete');
    expect(judgeJob({ ...job, spec: { ...job.spec, managedBy: 'kueue.x-k8s.io/multikueue' } }).state).toBe(JobState.COMPLETE);
  });
});

describe('judgeDeleted', () => {
  test('keeps a terminal verdict (a TTL deletes finished Jobs)', () => {
    const complete = judgeJob(captured('complete'));
    expect(judgeDeleted(complete)).toBe(complete);
  });

  test('a Job deleted while running is not a success', () => {
    expect(judgeDeleted(judgeJob(captured('running')))).toEqual({
      state: JobState.DELETED, terminal: true, reason: 'DeletedBeforeFinished', message: 'deleted while running', early: false,
    });
  });

  test('a Job never seen is not a success either', () => {
    expect(judgeDeleted(undefined)).toMatchObject({ state: JobState.DELETED, message: 'deleted while never seen' });
  });
});

test('expandIndexes', () => {
  expect(expandIndexes('0-3,5,7-8')).toEqual([0, 1, 2, 3, 5, 7, 8]);
  expect(expandIndexes(undefined)).toEqual([]);
});
