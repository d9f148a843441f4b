import * as fs from 'fs';
import * as path from 'path';
import { expandIndexes, JobLike, JobState, judgeDeleted, judgeJob } from '../../lib/runtime/verdict';

/** A Job status captured from the local 1.28.15 control plane (test/fixtures/jobs-1.28/README.md). */
function captured(name: string, version = '1.28'): JobLike {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', `jobs-${version}`, `${name}.json`), 'utf-8'));
}

/** A Job status captured from the local 1.37.2 control plane (test/fixtures/jobs-1.37/README.md). */
const captured137 = (name: string) => captured(name, '1.37');

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

  test('Suspended before any pod ran: queued, not terminal', () => {
    expect(judgeJob(captured('suspended'))).toMatchObject({ state: JobState.QUEUED, terminal: false, reason: 'JobSuspended' });
  });

  test('Suspended after pods ended (preempted or suspended by hand): suspended, not terminal', () => {
    const job = captured('suspended');
    expect(judgeJob({ ...job, status: { ...job.status, failed: 1 } })).toMatchObject({ state: JobState.SUSPENDED, terminal: false, reason: 'JobSuspended' });
  });

  test('just resumed (spec.suspend false, the status still Suspended=True) is pending, not suspended', () => {
    // The verifier may read the Job between the resume and the controller's next status update.
    const job = captured('suspended');
    expect(judgeJob({ ...job, spec: { ...job.spec, suspend: false } })).toEqual({ state: JobState.PENDING, terminal: false, early: false });
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

describe('judgeJob on statuses captured from Kubernetes 1.37', () => {
  test('SuccessCriteriaMet while pods still terminate is an early success (successPolicy)', () => {
    expect(judgeJob(captured137('success-criteria-met'))).toEqual({
      state: JobState.COMPLETE, terminal: true, early: true, reason: 'SuccessPolicy', message: 'Matched rules at index 0', completedIndexes: '0',
    });
  });

  test('SuccessCriteriaMet and Complete: the same success, no longer early', () => {
    expect(judgeJob(captured137('success-policy'))).toMatchObject({ state: JobState.COMPLETE, early: false, reason: 'SuccessPolicy', completedIndexes: '0' });
    expect(judgeJob(captured137('complete'))).toMatchObject({ state: JobState.COMPLETE, early: false, reason: 'CompletionsReached' });
  });

  test('FailureTarget while the killed pod still terminates is an early failure (deadline)', () => {
    expect(judgeJob(captured137('failure-target-deadline'))).toEqual({
      state: JobState.FAILED, terminal: true, early: true, reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline',
    });
  });

  test('FailureTarget and Failed: the same failure, no longer early', () => {
    expect(judgeJob(captured137('deadline-exceeded'))).toMatchObject({ state: JobState.FAILED, early: false, reason: 'DeadlineExceeded' });
  });

  test('maxFailedIndexes exceeded: failed, with the failed and completed indexes', () => {
    expect(judgeJob(captured137('max-failed-indexes'))).toMatchObject({
      state: JobState.FAILED, reason: 'MaxFailedIndexesExceeded', failedIndexes: '1,2', completedIndexes: '0,3',
    });
  });

  test('an index failed by the FailIndex action: failed with FailedIndexes once the others completed', () => {
    expect(judgeJob(captured137('failed-indexes'))).toMatchObject({ state: JobState.FAILED, reason: 'FailedIndexes', failedIndexes: '1', completedIndexes: '0,2' });
  });

  test('suspended, then resumed (Suspended=False, JobResumed) is running', () => {
    expect(judgeJob(captured137('suspended'))).toMatchObject({ state: JobState.QUEUED, terminal: false, reason: 'JobSuspended' });
    expect(judgeJob(captured137('resumed'))).toEqual({ state: JobState.RUNNING, terminal: false, early: false });
  });

  test('managedBy another controller, no status: managed elsewhere, waiting for its manager', () => {
    expect(judgeJob(captured137('managed-by'))).toMatchObject({ state: JobState.MANAGED_ELSEWHERE, terminal: false, reason: 'ManagedByOtherController' });
  });
});

describe('judgeJob and spec.managedBy', () => {
  test('another controller: managed elsewhere, not terminal, naming who writes the status', () => {
    const job = captured('running');
    expect(judgeJob({ ...job, spec: { ...job.spec, managedBy: 'kueue.x-k8s.io/multikueue' } })).toEqual({
      state: JobState.MANAGED_ELSEWHERE, terminal: false, early: false, reason: 'ManagedByOtherController',
      message: "spec.managedBy is 'kueue.x-k8s.io/multikueue': the built-in Job controller leaves this Job alone and 'kueue.x-k8s.io/multikueue' writes its status; waiting for it to report Complete or Failed",
    });
  });

  test('another controller that wrote Complete: complete (MultiKueue mirrors the worker\'s status)', () => {
    const job = captured137('complete');
    expect(judgeJob({ ...job, spec: { ...job.spec, managedBy: 'kueue.x-k8s.io/multikueue' } })).toMatchObject({ state: JobState.COMPLETE, terminal: true });
  });

  test('a FailureTarget written by Argo CD\'s terminate action, or a named pod failure policy rule (1.38), is an early failure with its reason', () => {
    const job = captured('running');
    for (const reason of ['ManuallyTerminated', 'PodFailurePolicy_fatal-exit']) {
      const terminated = { ...job, status: { ...job.status, conditions: [{ type: 'FailureTarget', status: 'True', reason }] } };
      expect(judgeJob(terminated)).toMatchObject({ state: JobState.FAILED, terminal: true, early: true, reason });
    }
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
