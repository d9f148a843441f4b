import type { V1Pod } from '@kubernetes/client-node';
import { podAttempt, PodOutcome } from '../../lib/runtime/pods';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000) as unknown as Date;

/** A pod as the API returns it (dates parsed), created at T0. */
function pod(status: V1Pod['status'], metadata: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u', creationTimestamp: iso(0), ...metadata }, status };
}
const terminated = (exitCode: number, at: number) => ({ name: 'main', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, startedAt: iso(1), finishedAt: iso(at) } } });

describe('podAttempt', () => {
  test('a pending pod, then running, then succeeded: created, started and ended from the pod\'s timestamps', () => {
    // GIVEN / WHEN
    const pending = podAttempt(undefined, pod({ phase: 'Pending' }), false, T0 + 500);
    const running = podAttempt(pending, pod({ phase: 'Running', containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: iso(1) } } }] }), false, T0 + 1500);
    const done = podAttempt(running, pod({ phase: 'Succeeded', containerStatuses: [terminated(0, 4)] }), false, T0 + 9000);
    // THEN
    expect(pending).toEqual({ name: 'p', createdAt: T0, outcome: PodOutcome.PENDING, restarts: 0, restartsAt: [] });
    expect(running).toMatchObject({ outcome: PodOutcome.RUNNING, startedAt: T0 + 1000 });
    expect(done).toEqual({ name: 'p', createdAt: T0, startedAt: T0 + 1000, endedAt: T0 + 4000, outcome: PodOutcome.SUCCEEDED, restarts: 0, restartsAt: [] });
  });

  test('a failed pod keeps its exit code and index; its later deletion does not change the outcome', () => {
    const failed = podAttempt(undefined, pod({ phase: 'Failed', containerStatuses: [terminated(3, 2)] }, { annotations: { 'batch.kubernetes.io/job-completion-index': '4' } }), false, T0 + 2500);
    expect(failed).toMatchObject({ outcome: PodOutcome.FAILED, exitCode: 3, index: 4, endedAt: T0 + 2000 });
    const deleted = podAttempt(failed, pod({ phase: 'Failed', containerStatuses: [terminated(3, 2)] }, { deletionTimestamp: iso(50) }), true, T0 + 50_000);
    expect(deleted).toEqual(failed);
  });

  test('a running pod whose deletion was requested is killed at the request time (deletionTimestamp minus the grace period)', () => {
    const running = podAttempt(undefined, pod({ phase: 'Running' }), false, T0 + 1000);
    const killed = podAttempt(running, pod({ phase: 'Running' }, { deletionTimestamp: iso(130), deletionGracePeriodSeconds: 30 }), false, T0 + 100_500);
    expect(killed).toMatchObject({ outcome: PodOutcome.KILLED, endedAt: T0 + 100_000 });
  });

  test('a running pod that vanished without a deletion timestamp is killed at the verifier\'s clock', () => {
    const killed = podAttempt(undefined, pod({ phase: 'Running' }), true, T0 + 7000);
    expect(killed).toMatchObject({ outcome: PodOutcome.KILLED, endedAt: T0 + 7000 });
  });

  test('OnFailure restarts in place: one restart time per restart, from lastState.terminated.finishedAt', () => {
    const restarted = (count: number, at: number): V1Pod => pod({
      phase: 'Running',
      containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: true, restartCount: count, lastState: { terminated: { exitCode: 1, finishedAt: iso(at) } }, state: { running: { startedAt: iso(at) } } }],
    });
    let attempt = podAttempt(undefined, restarted(1, 3), false, T0 + 3100);
    attempt = podAttempt(attempt, restarted(1, 3), false, T0 + 3200);
    attempt = podAttempt(attempt, restarted(2, 6), false, T0 + 6100);
    expect(attempt).toMatchObject({ outcome: PodOutcome.RUNNING, restarts: 2, restartsAt: [T0 + 3000, T0 + 6000] });
  });
});
