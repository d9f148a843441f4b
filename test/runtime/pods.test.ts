import type { V1Pod } from '@kubernetes/client-node';
import { sidecarNames, summarizePod } from '../../lib/runtime/pods';

const terminated = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } });

/** A Job pod with a native sidecar `proxy`, an ordinary init container `setup` and the container `main`. */
function pod(status: Partial<NonNullable<V1Pod['status']>>): V1Pod {
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
    expect([...sidecarNames(pod({}))]).toEqual(['proxy']);
  });

  test("a sidecar's restarts and its exit at pod end are not failures", () => {
    // GIVEN a pod that succeeded; its sidecar was restarted twice (exit 1) and stopped with SIGTERM (143)
    const summary = summarizePod(pod({
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: terminated(0) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: terminated(143), lastState: terminated(1) },
      ],
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: terminated(0) }],
    }));
    // THEN
    expect([summary.failures, summary.restarts, summary.stuck]).toEqual([[], 0, undefined]);
  });

  test('an ordinary init container and the main container still count', () => {
    const summary = summarizePod(pod({
      phase: 'Failed',
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 1, state: terminated(0), lastState: terminated(2) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 1, state: terminated(143), lastState: terminated(1) },
      ],
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: terminated(3) }],
    }));
    expect(summary.failures).toEqual([
      { container: 'setup', exitCode: 2, reason: 'Error', message: undefined },
      { container: 'main', exitCode: 3, reason: 'Error', message: undefined },
    ]);
    expect(summary.restarts).toBe(1);
  });

  test('a sidecar whose image cannot be pulled makes the pod stuck; one in CrashLoopBackOff does not', () => {
    const waiting = (reason: string) => pod({
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: terminated(0) },
        { name: 'proxy', image: 'busybox', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason } } },
      ],
    });
    expect(summarizePod(waiting('ImagePullBackOff')).stuck).toEqual({ reason: 'ImagePullBackOff', message: undefined });
    expect(summarizePod(waiting('CrashLoopBackOff')).stuck).toBeUndefined();
  });

});
