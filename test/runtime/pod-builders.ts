/**
 * Job pods as the API server shows them (dates parsed by the client), for the tests of the pod
 * summaries, the timeline and the diagnosis. Times in seconds from T0.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** The pods' creation in these tests (the Jobs' start in report-builders.ts). */
export const T0 = Date.parse('2026-11-29T10:00:00Z');

/** `seconds` after T0, as the client parses a timestamp. */
export const iso = (seconds: number) => new Date(T0 + seconds * 1000) as unknown as Date;

/** A pod as the API returns it, created at T0. */
export function pod(status: V1Pod['status'], metadata: Partial<NonNullable<V1Pod['metadata']>> = {}, spec?: V1Pod['spec']): V1Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u', creationTimestamp: iso(0), ...metadata }, ...(spec ? { spec } : {}), status };
}

/** A container's run that ended with `exitCode` at `at` s, having started a second before. */
export function ran(exitCode: number, at: number, reason = exitCode === 0 ? 'Completed' : 'Error', containerID?: string) {
  return { terminated: { exitCode, reason, startedAt: iso(at - 1), finishedAt: iso(at), ...(containerID ? { containerID } : {}) } };
}

/** A container status. */
export function container(name: string, restartCount: number, state: V1ContainerStatus['state'], lastState?: V1ContainerStatus['lastState']): V1ContainerStatus {
  return { name, image: 'busybox', imageID: '', ready: state?.running !== undefined, restartCount, state, ...(lastState ? { lastState } : {}) };
}

/** Evicted by the kubelet under node pressure: phase Failed, reason Evicted, no container exit. */
export function evictedByKubelet(metadata: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  const message = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container main was using 1900Mi, request is 0, has larger consumption of memory. ';
  return pod({
    phase: 'Failed', reason: 'Evicted', message, startTime: iso(0),
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: iso(9) }],
  }, metadata);
}

/** Refused by the kubelet at admission: phase Failed, reason OutOfcpu, never ran. */
export function rejectedAtAdmission(metadata: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  return pod({ phase: 'Failed', reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 500, capacity: 2000", startTime: iso(0) }, metadata);
}

/** Evicted through the Eviction API while it ran: the DisruptionTarget condition, then (`deleting`) the deletion. */
export function evictedByApi(deleting = true, metadata: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  return pod({
    phase: 'Running',
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: iso(5) }],
    containerStatuses: [container('main', 0, { running: { startedAt: iso(1) } })],
  }, { ...(deleting ? { deletionTimestamp: iso(35), deletionGracePeriodSeconds: 30 } : {}), ...metadata });
}
