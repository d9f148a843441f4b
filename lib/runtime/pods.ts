import type { V1Pod } from '@kubernetes/client-node';

/** How one container of a pod ended (or last ended, for a restarted container). */
export interface ContainerExit {
  /** The container's name. */
  readonly container: string;
  /** Its exit code (never 0: only failed runs are kept). */
  readonly exitCode: number;
  /** The kubelet's reason: `Error`, `OOMKilled`, ... */
  readonly reason?: string;
  /** Its termination message: the file at `terminationMessagePath`, or the log's end (`FallbackToLogsOnError`). */
  readonly message?: string;
}

/** What the verifier keeps of a pod: small, so memory stays bounded. */
export interface PodSummary {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  /** The Job that owns it (label `job-name`). */
  readonly jobName: string;
  readonly phase: string;
  /**
   * Terminated containers with a non-zero exit code, including earlier restarts (OnFailure).
   * Native sidecars are left out (see {@link sidecarNames}).
   */
  readonly failures: ContainerExit[];
  /** Container restarts (restartPolicy OnFailure retries in the same pod); native sidecars' restarts are left out. */
  readonly restarts: number;
  /** Why the pod is stuck, if it is: ImagePullBackOff, CrashLoopBackOff, Unschedulable, ... */
  readonly stuck?: { readonly reason: string; readonly message?: string };
}

/** Waiting reasons that will not fix themselves before the deadline. */
export const STUCK_REASONS = new Set([
  'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CrashLoopBackOff',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

/** The Job a pod belongs to, from the labels the Job controller sets. @internal */
export function jobNameOf(pod: V1Pod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  return labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
}

/**
 * The pod's native sidecars: init containers with `restartPolicy: Always` (Kubernetes 1.29+ by
 * default, GA in 1.33). The kubelet restarts them whenever they exit and stops them (SIGTERM, so
 * often exit 143) after the main containers ended; neither is a failed attempt of the Job: the
 * pod's phase, and so the Job controller's count, ignores them.
 *
 * @internal
 */
export function sidecarNames(pod: V1Pod): Set<string> {
  return new Set((pod.spec?.initContainers ?? []).filter(c => c.restartPolicy === 'Always').map(c => c.name));
}

/** Summarizes a pod for the verifier. @internal */
export function summarizePod(pod: V1Pod): PodSummary {
  const sidecars = sidecarNames(pod);
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  const containerStatuses = pod.status?.containerStatuses ?? [];
  const failures: ContainerExit[] = [];
  let restarts = 0;
  for (const s of [...initStatuses.filter(i => !sidecars.has(i.name)), ...containerStatuses]) {
    restarts += s.restartCount ?? 0;
    for (const terminated of [s.state?.terminated, s.lastState?.terminated]) {
      if (terminated && terminated.exitCode !== 0) {
        failures.push({ container: s.name, exitCode: terminated.exitCode, reason: terminated.reason, message: terminated.message });
      }
    }
  }
  // A sidecar that cannot start (its image cannot be pulled) blocks the pod as much as any
  // container; a sidecar in CrashLoopBackOff is only being restarted.
  let stuck: PodSummary['stuck'];
  for (const s of [...initStatuses, ...containerStatuses]) {
    const waiting = s.state?.waiting;
    const restarting = sidecars.has(s.name) && initStatuses.includes(s) && waiting?.reason === 'CrashLoopBackOff';
    if (waiting?.reason && STUCK_REASONS.has(waiting.reason) && !restarting) {
      stuck = { reason: waiting.reason, message: waiting.message };
    }
  }
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    stuck = { reason: 'Unschedulable', message: scheduled.message };
  }
  return {
    uid: pod.metadata?.uid ?? '',
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    jobName: jobNameOf(pod) ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    failures,
    restarts,
    ...(stuck ? { stuck } : {}),
  };
}

/** How a pod attempt ended, for the timeline. */
export enum PodOutcome {
  /** Created, not running yet. */
  PENDING = 'pending',
  /** Running (still, when the verification ended). */
  RUNNING = 'running',
  /** Phase Succeeded. */
  SUCCEEDED = 'succeeded',
  /** Phase Failed: a container exited non-zero (`exitCode`). */
  FAILED = 'failed',
  /** Deleted before it ended by itself: by the deadline, by the Job controller after the back-off limit, or with its Job. */
  KILLED = 'killed',
}

/** At most this many restart times are kept per pod (the count goes on). */
const MAX_RESTART_TIMES = 50;

/**
 * One pod of a Job on the timeline: a few numbers, so memory stays small. Times are milliseconds
 * since the epoch, from the API server's timestamps (whole seconds), except `endedAt` of a pod
 * that vanished without one (the verifier's clock).
 */
export interface PodAttempt {
  /** The pod's name. */
  readonly name: string;
  /** Its `metadata.creationTimestamp` (the verifier's clock when it has none). */
  readonly createdAt: number;
  /** When its first container started running. */
  readonly startedAt?: number;
  /** When it succeeded, failed, or its deletion was requested. */
  readonly endedAt?: number;
  /** How it ended, or where it stands while it has not. */
  readonly outcome: PodOutcome;
  /** The non-zero exit code of a failed pod. */
  readonly exitCode?: number;
  /** Indexed Jobs: the pod's completion index. */
  readonly index?: number;
  /** Container restarts in place (restartPolicy OnFailure). */
  readonly restarts: number;
  /** When each restart happened (the restarted run's end), at most the first 50. */
  readonly restartsAt: readonly number[];
}

function ms(time: Date | string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const value = new Date(time).getTime();
  return Number.isNaN(value) ? undefined : value;
}

/**
 * The timeline entry of a pod from its latest state, given what was recorded before. An ended
 * attempt keeps its outcome; `deleted` says the pod is gone (a watch DELETED event), `now` is
 * the verifier's clock for an end the pod does not say.
 *
 * @internal
 */
export function podAttempt(previous: PodAttempt | undefined, pod: V1Pod, deleted: boolean, now: number): PodAttempt {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const restarts = Math.max(previous?.restarts ?? 0, statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0));
  const restartsAt = [...(previous?.restartsAt ?? [])];
  const lastRestart = Math.max(0, ...statuses.map(s => ms(s.lastState?.terminated?.finishedAt) ?? 0)) || now;
  while (restartsAt.length < Math.min(restarts, MAX_RESTART_TIMES)) restartsAt.push(lastRestart);
  const index = pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
  const started = Math.min(...statuses.map(s => ms(s.state?.running?.startedAt ?? s.state?.terminated?.startedAt) ?? Infinity));
  const base = {
    name: pod.metadata?.name ?? '',
    createdAt: previous?.createdAt ?? ms(pod.metadata?.creationTimestamp) ?? now,
    ...(previous?.startedAt !== undefined ? { startedAt: previous.startedAt } : Number.isFinite(started) ? { startedAt: started } : {}),
    ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}),
    restarts,
    restartsAt,
  };
  if (previous && previous.outcome !== PodOutcome.PENDING && previous.outcome !== PodOutcome.RUNNING) {
    return { ...previous, restarts, restartsAt };
  }
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    const finished = Math.max(0, ...statuses.map(s => ms(s.state?.terminated?.finishedAt) ?? 0)) || now;
    const exit = statuses.map(s => s.state?.terminated?.exitCode).find(code => code !== undefined && code !== 0);
    return {
      ...base,
      endedAt: finished,
      outcome: phase === 'Succeeded' ? PodOutcome.SUCCEEDED : PodOutcome.FAILED,
      ...(phase === 'Failed' && exit !== undefined ? { exitCode: exit } : {}),
    };
  }
  const deletion = ms(pod.metadata?.deletionTimestamp);
  if (deleted || deletion !== undefined) {
    // deletionTimestamp is the request time plus the grace period.
    const requested = deletion !== undefined ? deletion - (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000 : now;
    return { ...base, endedAt: Math.min(requested, now), outcome: PodOutcome.KILLED };
  }
  return { ...base, outcome: phase === 'Running' ? PodOutcome.RUNNING : PodOutcome.PENDING };
}
