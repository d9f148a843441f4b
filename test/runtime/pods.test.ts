import type { V1Pod } from '@kubernetes/client-node';
import { failedRuns, podAttempt, podFailureReason, PodOutcome, sidecarNames, summarizePod } from '../../lib/runtime/pods';
import { evictedByApi, evictedByKubelet, iso, pod, rejectedAtAdmission, T0 } from './pod-builders';

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

// Native sidecars (Kubernetes 1.29+): their restarts and exits are not the Job's failed attempts.

const ended = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } });

/** A Job pod with a native sidecar `proxy`, an ordinary init container `setup` and the container `main`. */
function sidecarPod(status: Partial<NonNullable<V1Pod['status']>>): V1Pod {
  return {
    metadata: { uid: 'u1', name: 'job-abc', namespace: 'ns', labels: { 'batch.kubernetes.io/job-name': 'job' } },
    spec: {
      initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'busybox', restartPolicy: 'Always' }],
      containers: [{ name: 'main', image: 'busybox' }],
    },
    status: { phase: 'Succeeded', ...status },
  };
}

describe('summarizePod', () => {
  test('native sidecars are the init containers with restartPolicy Always', () => {
    expect([...sidecarNames(sidecarPod({}))]).toEqual(['proxy']);
  });

  test("a sidecar's restarts and its exit at pod end are not failures", () => {
    // GIVEN a pod that succeeded; its sidecar was restarted twice (exit 1) and stopped with SIGTERM (143)
    const summary = summarizePod(sidecarPod({
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: ended(0) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: ended(143), lastState: ended(1) },
      ],
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: ended(0) }],
    }));
    // THEN
    expect([summary.failures, summary.restarts, summary.stuck]).toEqual([[], 0, undefined]);
  });

  test('an ordinary init container and the main container still count', () => {
    const summary = summarizePod(sidecarPod({
      phase: 'Failed',
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 1, state: ended(0), lastState: ended(2) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 1, state: ended(143), lastState: ended(1) },
      ],
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: ended(3) }],
    }));
    expect(summary.failures).toEqual([
      { container: 'setup', exitCode: 2, reason: 'Error', message: undefined },
      { container: 'main', exitCode: 3, reason: 'Error', message: undefined },
    ]);
    expect(summary.restarts).toBe(1);
  });

  test('a restarted container: its previous run first, then its current one', () => {
    const summary = summarizePod(sidecarPod({
      phase: 'Failed',
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 1, state: ended(1), lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    }));
    expect(summary.failures).toEqual([
      { container: 'main', exitCode: 137, reason: 'OOMKilled', message: undefined },
      { container: 'main', exitCode: 1, reason: 'Error', message: undefined },
    ]);
  });

  test('a sidecar whose image cannot be pulled makes the pod stuck; one in CrashLoopBackOff does not', () => {
    const waiting = (reason: string) => sidecarPod({
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: ended(0) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason } } },
      ],
    });
    expect(summarizePod(waiting('ImagePullBackOff')).stuck).toEqual({ reason: 'ImagePullBackOff', message: undefined });
    expect(summarizePod(waiting('CrashLoopBackOff')).stuck).toBeUndefined();
  });
});

describe('podAttempt and native sidecars', () => {
  const at = (s: number) => ({ startedAt: iso(s - 1), finishedAt: iso(s) });
  /** The pod at its end: the sidecar restarted twice (exit 1) and was stopped with SIGTERM (143) after `main` ended with `mainExit`. */
  const endedWithSidecar = (phase: string, mainExit: number): V1Pod => ({
    ...sidecarPod({
      phase,
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', ...at(1) } } },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: { terminated: { exitCode: 143, reason: 'Error', ...at(6) } }, lastState: { terminated: { exitCode: 1, reason: 'Error', ...at(3) } } },
      ],
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: mainExit, reason: mainExit === 0 ? 'Completed' : 'Error', ...at(5) } } }],
    }),
    metadata: { name: 'job-abc', namespace: 'ns', uid: 'u1', creationTimestamp: iso(0) },
  });

  test("a pod that succeeded: its sidecar's exit 143 is no exit of the pod, its restarts are no OnFailure restarts", () => {
    // WHEN
    const attempt = podAttempt(undefined, endedWithSidecar('Succeeded', 0), false, T0 + 10_000);
    // THEN
    expect(attempt).toEqual({ name: 'job-abc', createdAt: T0, startedAt: T0, endedAt: T0 + 6000, outcome: PodOutcome.SUCCEEDED, restarts: 0, restartsAt: [], sidecarRestarts: 2 });
  });

  test("a pod that failed: the pod's exit code is its main container's, not its sidecar's 143", () => {
    const attempt = podAttempt(undefined, endedWithSidecar('Failed', 3), false, T0 + 10_000);
    expect([attempt.outcome, attempt.exitCode, attempt.restarts, attempt.sidecarRestarts]).toEqual([PodOutcome.FAILED, 3, 0, 2]);
  });
});

describe('podFailureReason', () => {
  test("a Failed pod's status.reason: evicted by the kubelet, refused at admission", () => {
    expect(podFailureReason(evictedByKubelet())).toEqual({ reason: 'Evicted', message: evictedByKubelet().status!.message });
    expect(podFailureReason(rejectedAtAdmission())).toEqual({ reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 500, capacity: 2000" });
  });

  test('a DisruptionTarget condition, once the pod is being deleted or Failed', () => {
    expect(podFailureReason(evictedByApi(false))).toBeUndefined();
    expect(podFailureReason(evictedByApi())).toEqual({ reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    const gc = pod({ phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }] });
    expect(podFailureReason(gc)).toEqual({ reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  });

  test('none for a pod that failed by its exit code, or succeeded', () => {
    expect(podFailureReason(pod({ phase: 'Failed', containerStatuses: [terminated(1, 2)] }))).toBeUndefined();
    expect(podFailureReason({ ...evictedByApi(), status: { ...evictedByApi().status, phase: 'Succeeded' } })).toBeUndefined();
  });
});

describe('podAttempt of a pod that failed without an exit code', () => {
  test('evicted by the kubelet: failed, with the reason', () => {
    expect(podAttempt(undefined, evictedByKubelet(), false, T0 + 10_000)).toMatchObject({ outcome: PodOutcome.FAILED, reason: 'Evicted' });
    expect(podAttempt(undefined, evictedByKubelet(), false, T0 + 10_000).exitCode).toBeUndefined();
  });

  test('evicted through the Eviction API: killed, with the reason', () => {
    const running = podAttempt(undefined, evictedByApi(false), false, T0 + 5000);
    expect(podAttempt(running, evictedByApi(), false, T0 + 6000)).toMatchObject({ outcome: PodOutcome.KILLED, reason: 'EvictionByEvictionAPI', endedAt: T0 + 5000 });
  });
});

describe('failedRuns', () => {
  test('each failed run once, told apart by container ID and times', () => {
    // GIVEN an OnFailure pod restarted once: run 0 OOMKilled, run 1 exited 1
    const status = pod({
      phase: 'Running',
      containerStatuses: [{
        name: 'main', image: 'i', imageID: '', ready: false, restartCount: 1,
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', containerID: 'containerd://aa', startedAt: iso(1), finishedAt: iso(4) } },
        state: { terminated: { exitCode: 1, reason: 'Error', containerID: 'containerd://bb', startedAt: iso(5), finishedAt: iso(8) } },
      }],
    });
    // WHEN
    const runs = failedRuns(status);
    // THEN
    expect(runs.map(r => [r.container, r.exitCode, r.reason, r.finishedAt])).toEqual([['main', 137, 'OOMKilled', T0 + 4000], ['main', 1, 'Error', T0 + 8000]]);
    expect(new Set(runs.map(r => r.key)).size).toBe(2);
  });
});
