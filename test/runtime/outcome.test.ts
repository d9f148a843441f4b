import { decide, Judged, timedOut } from '../../lib/runtime/outcome';
import { TargetTracker } from '../../lib/runtime/tracking';
import { JobLike, JobState, JobVerdict } from '../../lib/runtime/verdict';
import { VerifyOutcome } from '../../lib/runtime/verify-result';

// Deciding (lib/runtime/outcome.ts): verdicts in, outcome and summary out.

const T0 = Date.parse('2026-12-01T10:00:00Z');

function tracker(name: string, job?: JobLike): TargetTracker {
  const t = new TargetTracker({ name, namespace: 'ns' }, { startedAt: T0, replacementGraceMs: 15_000 });
  if (job) t.onJob('ADDED', { ...job, metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: new Date(T0).toISOString(), ...job.metadata } }, T0);
  return t;
}

const verdict = (state: JobState, terminal: boolean, reason?: string): JobVerdict => ({ state, terminal, early: false, ...(reason ? { reason } : {}) });
const judged = (name: string, state: JobState, terminal: boolean, reason?: string): Judged => ({ t: tracker(name), v: verdict(state, terminal, reason) });

describe('decide', () => {
  test('goes on while a target is not terminal', () => {
    expect(decide([judged('a', JobState.COMPLETE, true), judged('b', JobState.RUNNING, false)], {})).toBeUndefined();
  });

  test('converged when every target completed', () => {
    expect(decide([judged('a', JobState.COMPLETE, true), judged('b', JobState.COMPLETE, true)], {})).toEqual([VerifyOutcome.CONVERGED, '2 Job(s) converged']);
  });

  test('failed, naming the Jobs that did not converge; deleted ones count as failed', () => {
    expect(decide([judged('a', JobState.COMPLETE, true), judged('b', JobState.FAILED, true, 'BackoffLimitExceeded'), judged('c', JobState.DELETED, true, 'DeletedBeforeFinished')], {}))
      .toEqual([VerifyOutcome.FAILED, '2 of 3 Job(s) did not converge: b failed (BackoffLimitExceeded), c deleted (DeletedBeforeFinished)']);
  });

  test('unverifiable when a target is gone and none failed', () => {
    expect(decide([judged('a', JobState.COMPLETE, true), judged('b', JobState.GONE, true, 'DeletedAfterCompleted')], {}))
      .toEqual([VerifyOutcome.UNVERIFIABLE, '1 of 2 Job(s) cannot be verified: b gone (DeletedAfterCompleted)']);
  });

  test('allowSuspended: queued and suspended targets settle, and the summary names them and those that never ran', () => {
    const all = [judged('a', JobState.COMPLETE, true), judged('b', JobState.QUEUED, false), judged('c', JobState.SUSPENDED, false)];
    expect(decide(all, {})).toBeUndefined();
    expect(decide(all, { allowSuspended: true })).toEqual([VerifyOutcome.CONVERGED,
      '3 Job(s) converged, 2 of them only because --allow-suspended counts them (b queued, c suspended); 1 never ran']);
  });

  test('expectJobs: waits until that many Jobs were seen', () => {
    expect(decide([judged('a', JobState.COMPLETE, true)], { expectJobs: 2 })).toBeUndefined();
    expect(decide([judged('a', JobState.COMPLETE, true), judged('b', JobState.COMPLETE, true)], { expectJobs: 2 })?.[0]).toBe(VerifyOutcome.CONVERGED);
  });

  test('failFast: the first failed Job ends it while others run', () => {
    expect(decide([judged('a', JobState.RUNNING, false), judged('b', JobState.FAILED, true, 'DeadlineExceeded')], { failFast: true }))
      .toEqual([VerifyOutcome.FAILED, 'Job b failed (DeadlineExceeded)']);
  });

  test('failFast: a stuck pod ends it', () => {
    // GIVEN a running Job whose pod cannot pull its image
    const t = tracker('a', { spec: { completions: 1 }, status: { active: 1, startTime: new Date(T0).toISOString() } });
    t.onPod('ADDED', {
      metadata: { name: 'a-x', namespace: 'ns', uid: 'p', labels: { 'job-name': 'a' }, creationTimestamp: new Date(T0) as never },
      status: { phase: 'Pending', containerStatuses: [{ name: 'main', image: 'nope', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    }, T0);

    // THEN
    expect(decide([{ t, v: t.verdict(T0) }], { failFast: true })).toEqual([VerifyOutcome.FAILED, 'pod a-x of Job a is stuck: ImagePullBackOff']);
    expect(decide([{ t, v: t.verdict(T0) }], {})).toBeUndefined();
  });
});

describe('timedOut', () => {
  test('names what is still awaited (five, and how many more), and an outage that lasts', () => {
    // GIVEN a queued Job in a Kueue queue, a Job never seen, and five more running
    const queued = tracker('q', {
      metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } },
      spec: { suspend: true },
      status: { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', lastTransitionTime: new Date(T0).toISOString() }] },
    });
    const running = ['r1', 'r2', 'r3', 'r4', 'r5'].map(n => tracker(n, { spec: {}, status: { active: 1, startTime: new Date(T0).toISOString() } }));
    const outage = { watch: 'ns/jobs', from: new Date(T0 + 50_000).toISOString(), failures: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:6443' };

    // WHEN
    const [outcome, summary] = timedOut([queued, tracker('m'), ...running], T0 + 60_000, 60_000, [outage]);

    // THEN
    expect(outcome).toBe(VerifyOutcome.TIMEOUT);
    expect(summary).toBe('timed out after 60 s, still waiting for q queued in Kueue LocalQueue team-a since 2026-12-01T10:00:00.000Z (never admitted or resumed); '
      + 'm missing: never seen (not synced yet? its Events show nothing either); r1 running; r2 running; r3 running and 2 more, '
      + 'with the API server unreachable for the last 10 s (connect ECONNREFUSED 127.0.0.1:6443)');
  });

  test('an outage that ended is not mentioned', () => {
    const outage = { watch: 'ns/jobs', from: new Date(T0).toISOString(), to: new Date(T0 + 5000).toISOString(), failures: 1, lastError: 'x' };
    expect(timedOut([], T0 + 10_000, 10_000, [outage])).toEqual([VerifyOutcome.TIMEOUT, 'timed out after 10 s']);
  });
});
