import * as fs from 'fs';
import * as path from 'path';
import { JobTarget } from '../../lib/runtime/manifests';
import { TargetTracker } from '../../lib/runtime/tracking';
import { JobLike, JobState } from '../../lib/runtime/verdict';

/** A Job status captured from a local control plane (test/fixtures/jobs-<version>/README.md). */
function captured(name: string, version = '1.37'): JobLike {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', `jobs-${version}`, `${name}.json`), 'utf-8'));
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const GRACE = 15_000;

/** The pod template of a manifest, and the same template as the API server stores it (defaults added). */
const TEMPLATE = { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36.1', command: ['sh', '-c', 'true'], resources: { requests: { cpu: '0.5' } } }] } };
const STORED = { metadata: { labels: { 'job-name': 'migrate' } }, spec: { restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', containers: [{ name: 'main', image: 'busybox:1.36.1', command: ['sh', '-c', 'true'], resources: { requests: { cpu: '500m' } }, terminationMessagePath: '/dev/termination-log' }] } };
const OLD_TEMPLATE = { spec: { ...STORED.spec, containers: [{ ...STORED.spec.containers[0], command: ['sh', '-c', 'echo old'] }] } };

/** A captured Job as a run of `migrate`: its uid, creation time and template. */
function run(fixture: string, uid: string, createdAt: number, template: object = STORED, version = '1.37'): JobLike {
  const job = captured(fixture, version);
  return { ...job, metadata: { ...job.metadata, name: 'migrate', namespace: 'ns', uid, creationTimestamp: new Date(createdAt).toISOString() }, spec: { ...job.spec, template } } as JobLike;
}

function tracker(target: Partial<JobTarget> = {}): TargetTracker {
  return new TargetTracker({ name: 'migrate', namespace: 'ns', template: TEMPLATE, ...target }, { startedAt: T0, replacementGraceMs: GRACE });
}

describe('TargetTracker: a Job replaced under its name', () => {
  test('follows a run deleted while running to its successor, and names the run it replaced', () => {
    // GIVEN a running run
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-a', T0 - 60_000), T0);
    expect(t.verdict(T0).state).toBe(JobState.RUNNING);

    // WHEN it is deleted (Argo CD Replace=true) and, 3 s later, re-created; the new run completes
    t.onJob('DELETED', run('resumed', 'uid-a', T0 - 60_000), T0 + 1000);
    const between = t.verdict(T0 + 2000);
    t.onJob('ADDED', run('resumed', 'uid-b', T0 + 3000), T0 + 3000);
    t.onJob('MODIFIED', run('complete', 'uid-b', T0 + 3000), T0 + 8000);

    // THEN it waited, judged the new run, and kept the old one as an earlier run
    expect(between).toMatchObject({ state: JobState.MISSING, terminal: false, reason: 'Replacing', message: 'deleted while running; waiting up to 15 s for a new run under its name' });
    expect(t.verdict(T0 + 8000)).toMatchObject({ state: JobState.COMPLETE, terminal: true });
    expect(t.current?.uid).toBe('uid-b');
    expect(t.earlier).toEqual({ runs: [{ uid: 'uid-a', createdAt: new Date(T0 - 60_000).toISOString(), state: JobState.RUNNING, endedBy: 'deleted' }], omitted: 0 });
  });

  test('a re-list after a watch gap that shows the new run before the old one\'s deletion judges the new run', () => {
    // GIVEN a running run
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-a', T0 - 60_000), T0);

    // WHEN the re-list emits the successor (ADDED) and then the predecessor's DELETED
    t.onJob('ADDED', run('resumed', 'uid-b', T0 + 3000), T0 + 10_000);
    t.onJob('DELETED', run('resumed', 'uid-a', T0 - 60_000), T0 + 10_000);
    // and a late event of the old object arrives after all
    t.onJob('MODIFIED', run('deadline-exceeded', 'uid-a', T0 - 60_000), T0 + 10_100);

    // THEN the new run is the one judged, and nothing of the old one's fate lands on it
    expect(t.verdict(T0 + 10_100)).toMatchObject({ state: JobState.RUNNING, terminal: false });
    expect(t.current?.uid).toBe('uid-b');
    expect(t.earlier.runs).toEqual([{ uid: 'uid-a', createdAt: new Date(T0 - 60_000).toISOString(), state: JobState.RUNNING, endedBy: 'replaced' }]);
  });

  test('an older object seen after a newer one is not its successor', () => {
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-new', T0), T0);
    t.onJob('MODIFIED', run('complete', 'uid-old', T0 - 60_000), T0 + 100);
    expect(t.current?.uid).toBe('uid-new');
    expect(t.verdict(T0 + 100).state).toBe(JobState.RUNNING);
  });

  test('a Complete run whose template is not the manifest\'s is outdated, never the answer; its failing replacement is the verdict', () => {
    // GIVEN a run of an earlier sync that completed
    const t = tracker();
    t.onJob('ADDED', run('complete', 'uid-a', T0 - 600_000, OLD_TEMPLATE), T0);

    // THEN it is outdated, naming the difference
    expect(t.verdict(T0)).toEqual({
      state: JobState.OUTDATED, terminal: false, reason: 'TemplateDiffers', early: false,
      message: 'the Job under this name is an earlier run (complete): spec.template.spec.containers[name=main].command[2]: the manifest has "true", the Job has "echo old"; waiting for the run of this change',
    });

    // WHEN the sync replaces it 2 s in with a run of this change that fails
    t.onJob('DELETED', run('complete', 'uid-a', T0 - 600_000, OLD_TEMPLATE), T0 + 2000);
    t.onJob('ADDED', run('resumed', 'uid-b', T0 + 2000), T0 + 2000);
    t.onJob('MODIFIED', run('deadline-exceeded', 'uid-b', T0 + 2000), T0 + 9000);

    // THEN the verdict is the failure
    expect(t.verdict(T0 + 9000)).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'DeadlineExceeded' });
    expect(t.earlier.runs).toEqual([expect.objectContaining({ uid: 'uid-a', state: JobState.COMPLETE, endedBy: 'deleted', outdated: expect.stringContaining('command[2]') })]);
  });

  test('a run created after verification began is this change\'s, whatever its template (a webhook may rewrite it)', () => {
    const t = tracker();
    t.onJob('ADDED', run('complete', 'uid-a', T0 + 2000, OLD_TEMPLATE), T0 + 2000);
    expect(t.verdict(T0 + 2000)).toMatchObject({ state: JobState.COMPLETE, terminal: true });
  });

  test('the template is read before dropTemplate() only: the target keeps none, and a run first seen after it is not compared', () => {
    // GIVEN a target whose template is dropped (the verifier does it once the first lists are in)
    const compared = tracker();
    const dropped = tracker();
    dropped.dropTemplate();

    // WHEN an old run with another template is first seen
    compared.onJob('ADDED', run('complete', 'uid-a', T0 - 600_000, OLD_TEMPLATE), T0);
    dropped.onJob('ADDED', run('complete', 'uid-a', T0 - 600_000, OLD_TEMPLATE), T0);

    // THEN only the target that still had its template calls it outdated; neither keeps it in `target`
    expect([compared.verdict(T0).state, dropped.verdict(T0).state]).toEqual([JobState.OUTDATED, JobState.COMPLETE]);
    expect([compared.target, dropped.target]).toEqual([{ name: 'migrate', namespace: 'ns' }, { name: 'migrate', namespace: 'ns' }]);
  });

  test('with checkTemplate false, no run is outdated', () => {
    const t = new TargetTracker({ name: 'migrate', namespace: 'ns', template: TEMPLATE }, { startedAt: T0, replacementGraceMs: GRACE, checkTemplate: false });
    t.onJob('ADDED', run('complete', 'uid-a', T0 - 600_000, OLD_TEMPLATE), T0);
    expect(t.verdict(T0)).toMatchObject({ state: JobState.COMPLETE, terminal: true });
  });

  test('a run deleted while running with no successor within the grace period is deleted', () => {
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-a', T0), T0);
    t.onJob('DELETED', run('resumed', 'uid-a', T0), T0 + 1000);
    expect(t.nextChange(T0 + 1000)).toBe(T0 + 1000 + GRACE);
    expect(t.verdict(T0 + 1000 + GRACE - 1).terminal).toBe(false);
    expect(t.verdict(T0 + 1000 + GRACE)).toEqual({
      state: JobState.DELETED, terminal: true, reason: 'DeletedBeforeFinished', early: false,
      message: 'deleted while running, and no new run came under its name within 15 s',
    });
  });

  test('a run its TTL deletes after it completed keeps its verdict', () => {
    const t = tracker();
    t.onJob('ADDED', run('complete', 'uid-a', T0), T0 + 5000);
    t.onJob('DELETED', run('complete', 'uid-a', T0), T0 + 6000);
    expect(t.verdict(T0 + 60_000)).toMatchObject({ state: JobState.COMPLETE, terminal: true });
    expect(t.earlier.runs).toEqual([]);
  });

  test('keeps at most 10 earlier runs and counts the rest', () => {
    const t = tracker();
    for (let i = 0; i < 13; i++) t.onJob('ADDED', run('resumed', `uid-${i}`, T0 + i * 1000), T0 + i * 1000);
    expect(t.earlier.runs.map(r => r.uid)).toEqual(['uid-2', 'uid-3', 'uid-4', 'uid-5', 'uid-6', 'uid-7', 'uid-8', 'uid-9', 'uid-10', 'uid-11']);
    expect(t.earlier.omitted).toBe(2);
  });
});

describe('TargetTracker: the verdict and the pods of a run', () => {
  test('an early verdict (SuccessCriteriaMet) stays early when Complete follows', () => {
    const t = tracker();
    t.onJob('ADDED', run('success-criteria-met', 'uid-a', T0), T0 + 1000);
    t.onJob('MODIFIED', run('success-policy', 'uid-a', T0), T0 + 6000);
    expect(t.verdict(T0 + 6000)).toMatchObject({ state: JobState.COMPLETE, terminal: true, early: true });
    expect(t.current?.verdictAt).toBe(T0 + 1000);
  });

  test('pods seen before their Job (the two watches are not ordered) count once the Job is seen', () => {
    // GIVEN a running pod of a run whose Job event has not arrived yet
    const t = tracker();
    const pod = {
      metadata: { uid: 'pod-1', name: 'migrate-x', namespace: 'ns', labels: { 'job-name': 'migrate' }, ownerReferences: [{ kind: 'Job', uid: 'uid-a', name: 'migrate', apiVersion: 'batch/v1' }], creationTimestamp: new Date(T0) },
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: new Date(T0 + 500) } } }] },
    };
    expect(t.onPod('ADDED', pod as any, T0 + 600)).toBe(false);

    // WHEN the Job comes
    t.onJob('ADDED', run('resumed', 'uid-a', T0), T0 + 700);

    // THEN the pod is the run's
    expect([t.current?.pods?.attempts.size, t.current?.pods?.maxRunning]).toEqual([1, 1]);
  });

  test('pods of a replaced run are not the new run\'s', () => {
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-a', T0), T0);
    t.onJob('ADDED', run('resumed', 'uid-b', T0 + 5000), T0 + 5000);
    const pod = { metadata: { uid: 'pod-old', name: 'migrate-o', namespace: 'ns', labels: { 'job-name': 'migrate' }, ownerReferences: [{ kind: 'Job', uid: 'uid-a', name: 'migrate', apiVersion: 'batch/v1' }] }, status: { phase: 'Running' } };
    expect(t.onPod('MODIFIED', pod as any, T0 + 6000)).toBe(false);
    expect(t.current?.pods?.attempts.size ?? 0).toBe(0);
  });
});

describe('TargetTracker: queued, suspended and managed elsewhere are states to wait in', () => {
  test('a Job suspended before it ran is queued, with its Kueue LocalQueue and since when', () => {
    const job = run('suspended', 'uid-a', T0);
    const t = tracker();
    t.onJob('ADDED', { ...job, metadata: { ...job.metadata, labels: { 'kueue.x-k8s.io/queue-name': 'user-queue' } } }, T0);
    expect(t.verdict(T0)).toMatchObject({ state: JobState.QUEUED, terminal: false, reason: 'JobSuspended' });
    expect(t.suspension()).toEqual({ since: '2026-11-29T05:22:48.000Z', kueueQueue: 'user-queue' });
  });

  test('a Job suspended again after its pods ran (preempted) is suspended, not queued', () => {
    const t = tracker();
    t.onJob('ADDED', run('resumed', 'uid-a', T0), T0);
    // From 1.35 a suspend clears startTime: the tracker remembers that it ran.
    const suspended = run('suspended', 'uid-a', T0);
    t.onJob('MODIFIED', suspended, T0 + 5000);
    expect(judgeState(suspended)).toBe(JobState.QUEUED);
    expect(t.verdict(T0 + 5000)).toMatchObject({ state: JobState.SUSPENDED, terminal: false });
  });

  test('managedBy another controller waits for its manager, then judges the status it wrote', () => {
    const t = tracker();
    const managed = run('managed-by', 'uid-a', T0);
    t.onJob('ADDED', managed, T0);
    expect(t.verdict(T0)).toMatchObject({ state: JobState.MANAGED_ELSEWHERE, terminal: false, reason: 'ManagedByOtherController' });
    const complete = run('complete', 'uid-a', T0);
    t.onJob('MODIFIED', { ...complete, spec: { ...complete.spec, managedBy: managed.spec?.managedBy } }, T0 + 5000);
    expect(t.verdict(T0 + 5000)).toMatchObject({ state: JobState.COMPLETE, terminal: true });
  });
});

describe('TargetTracker: targets that cannot appear', () => {
  test('a Job its Events show completed and deleted before verification is gone after the grace period', () => {
    const t = tracker();
    t.setEvidence({ uid: 'uid-a', lastReason: 'Completed', lastAt: T0 - 120_000, ended: { complete: true, reason: 'Completed', at: T0 - 120_000 } });
    expect(t.verdict(T0 + 1000)).toMatchObject({ state: JobState.MISSING, terminal: false });
    expect(t.nextChange(T0 + 1000)).toBe(T0 + GRACE);
    expect(t.verdict(T0 + GRACE)).toEqual({
      state: JobState.GONE, terminal: true, reason: 'DeletedAfterCompleted', early: false,
      message: 'never seen: its Events say it completed at 2026-12-01T09:58:00.000Z (uid uid-a), and it was deleted before verification began, by its TTL (ttlSecondsAfterFinished) or by hand; its run cannot be judged: start verify while the sync runs',
    });
  });

  test('a hook that failed and was deleted by its delete policy says so', () => {
    const t = tracker({ argoCdHook: { hook: 'PostSync', deletePolicy: 'HookFailed' } });
    t.setEvidence({ lastReason: 'BackoffLimitExceeded', lastAt: T0 - 5000, ended: { complete: false, reason: 'BackoffLimitExceeded', at: T0 - 5000 } });
    expect(t.verdict(T0 + GRACE)).toMatchObject({ state: JobState.GONE, reason: 'DeletedAfterFailed', message: expect.stringContaining('failed (BackoffLimitExceeded) at 2026-12-01T09:59:55.000Z, and it was deleted before verification began, by its hook delete policy (HookFailed)') });
  });

  test('a hook with hook: Skip is gone at once', () => {
    const t = tracker({ argoCdHook: { hook: 'Skip' } });
    expect(t.verdict(T0)).toMatchObject({ state: JobState.GONE, terminal: true, reason: 'SkippedHook' });
  });

  test('a target never seen and with no Events stays missing', () => {
    const t = tracker();
    expect(t.verdict(T0 + 10 * GRACE)).toEqual({ state: JobState.MISSING, terminal: false, early: false });
    expect(t.nextChange(T0)).toBeUndefined();
  });
});

function judgeState(job: JobLike): JobState {
  const t = tracker();
  t.onJob('ADDED', job, T0);
  return t.verdict(T0).state;
}
