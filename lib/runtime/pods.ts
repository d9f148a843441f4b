import type { V1Pod } from '@kubernetes/client-node';

/** A run of a container that exited non-zero (a restarted container has one per failed run). */
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
   * The failed runs its status shows, oldest first: each container's previous run (`lastState`,
   * restartPolicy OnFailure) and current one. Native sidecars are left out (see {@link sidecarNames}).
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

/**
 * One ended run of a container that exited non-zero, with what tells it apart from the
 * container's other runs (a status shows two at most: `lastState` and `state`).
 *
 * @internal
 */
export interface ContainerRun extends ContainerExit {
  /** The run's identity within its container: its container ID, start, end and exit code. */
  readonly key: string;
  /** When it ended (ms since the epoch), when the status says. */
  readonly finishedAt?: number;
}

/**
 * The failed runs a pod's status shows, oldest first: for each container (ordinary init
 * containers, then the others) its previous run (`lastState`) and its current one (`state`).
 * Native sidecars are left out (see {@link sidecarNames}).
 *
 * @internal
 */
export function failedRuns(pod: V1Pod): ContainerRun[] {
  const sidecars = sidecarNames(pod);
  const statuses = [...(pod.status?.initContainerStatuses ?? []).filter(s => !sidecars.has(s.name)), ...(pod.status?.containerStatuses ?? [])];
  const runs: ContainerRun[] = [];
  for (const s of statuses) {
    for (const terminated of [s.lastState?.terminated, s.state?.terminated]) {
      if (!terminated || terminated.exitCode === 0) continue;
      const finishedAt = ms(terminated.finishedAt);
      runs.push({
        container: s.name,
        exitCode: terminated.exitCode,
        reason: terminated.reason,
        message: terminated.message,
        key: `${terminated.containerID ?? ''}|${ms(terminated.startedAt) ?? ''}|${finishedAt ?? ''}|${terminated.exitCode}`,
        ...(finishedAt !== undefined ? { finishedAt } : {}),
      });
    }
  }
  return runs;
}

/** Why a pod failed, said by the pod rather than by a container's exit. */
export interface PodFailureReason {
  /** `status.reason` of a Failed pod (Evicted, OutOfcpu, NodeAffinity, UnexpectedAdmissionError, DeadlineExceeded, ...), or the reason of its DisruptionTarget condition (EvictionByEvictionAPI, PreemptionByScheduler, DeletionByTaintManager, TerminationByKubelet, DeletionByPodGC). */
  readonly reason: string;
  /** The message that goes with it. */
  readonly message?: string;
}

/**
 * Why a pod failed, when the pod itself says: a Failed pod's `status.reason` (the kubelet's
 * eviction, `Evicted`, or its refusal at admission, `OutOfcpu`, `NodeAffinity`, ..., none of
 * which leaves a container exit code), else the `DisruptionTarget` condition that the Eviction
 * API, the scheduler's preemption, the taint manager, the kubelet or the pod GC set before they
 * kill a pod, once the pod is Failed or being deleted. Its containers may still show the
 * SIGTERM they got (exit 143): this says why they got it.
 *
 * @internal
 */
export function podFailureReason(pod: V1Pod): PodFailureReason | undefined {
  const status = pod.status;
  if (status?.phase === 'Succeeded') return undefined;
  if (status?.phase === 'Failed' && status.reason) {
    return { reason: status.reason, ...(status.message ? { message: status.message } : {}) };
  }
  if (status?.phase !== 'Failed' && pod.metadata?.deletionTimestamp === undefined) return undefined;
  const disruption = status?.conditions?.find(c => c.type === 'DisruptionTarget' && c.status === 'True');
  if (!disruption) return undefined;
  return { reason: disruption.reason ?? 'DisruptionTarget', ...(disruption.message ? { message: disruption.message } : {}) };
}

/** Summarizes a pod for the verifier. @internal */
export function summarizePod(pod: V1Pod): PodSummary {
  const sidecars = sidecarNames(pod);
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  const containerStatuses = pod.status?.containerStatuses ?? [];
  const failures: ContainerExit[] = failedRuns(pod).map(({ key: _key, finishedAt: _at, ...exit }) => exit);
  const restarts = [...initStatuses.filter(i => !sidecars.has(i.name)), ...containerStatuses].reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
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
  /** Phase Failed: a container exited non-zero (`exitCode`), or the pod says why (`reason`: Evicted, OutOfcpu, ...). */
  FAILED = 'failed',
  /**
   * Deleted before it ended by itself: by the deadline, by the Job controller after the back-off
   * limit, with its Job, or disrupted (`reason`: EvictionByEvictionAPI, PreemptionByScheduler, ...).
   */
  KILLED = 'killed',
}

/** At most this many restart times are kept per pod (the count goes on). */
const MAX_RESTART_TIMES = 50;

/**
 * One pod of a Job on the timeline, as the report gives it. Times are ISO 8601, from the API
 * server's timestamps (whole seconds), except `endedAt` of a pod that vanished without one (the
 * verifier's clock).
 */
export interface PodAttempt {
  /** The pod's name. */
  readonly name: string;
  /** Its `metadata.creationTimestamp` (the verifier's clock when it has none). */
  readonly createdAt: string;
  /** When its first container started running. */
  readonly startedAt?: string;
  /** When it succeeded, failed, or its deletion was requested. */
  readonly endedAt?: string;
  /** How it ended, or where it stands while it has not. */
  readonly outcome: PodOutcome;
  /** The non-zero exit code of a failed pod: its first container that exited non-zero (native sidecars left out). */
  readonly exitCode?: number;
  /**
   * Why a failed or killed pod ended, when the pod says (see {@link PodFailureReason}): Evicted,
   * OutOfcpu, EvictionByEvictionAPI, PreemptionByScheduler, ...
   */
  readonly reason?: string;
  /** Indexed Jobs: the pod's completion index. */
  readonly index?: number;
  /** Container restarts in place (restartPolicy OnFailure); native sidecars' restarts are not counted here. */
  readonly restarts: number;
  /** When each restart happened (the restarted run's end), at most the first 50. */
  readonly restartsAt: readonly string[];
  /**
   * Restarts of its native sidecars (init containers with `restartPolicy: Always`), when any: the
   * kubelet restarts a sidecar whenever it exits, which is not a failed attempt of the Job.
   */
  readonly sidecarRestarts?: number;
}

/**
 * One pod of a Job as the verifier keeps it: a few numbers, so memory stays small. The same as
 * {@link PodAttempt}, its form in the report, with times in ms since the epoch.
 *
 * @internal
 */
export interface PodRecord extends Omit<PodAttempt, 'createdAt' | 'startedAt' | 'endedAt' | 'restartsAt'> {
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly restartsAt: readonly number[];
}

/** A pod as the report gives it: its times in ISO 8601. @internal */
export function reportedAttempt(pod: PodRecord): PodAttempt {
  const { createdAt, startedAt, endedAt, restartsAt, ...rest } = pod;
  return {
    ...rest,
    createdAt: iso(createdAt),
    ...(startedAt !== undefined ? { startedAt: iso(startedAt) } : {}),
    ...(endedAt !== undefined ? { endedAt: iso(endedAt) } : {}),
    restartsAt: restartsAt.map(iso),
  };
}

/** A pod of the report with its times in ms since the epoch again, for drawing. @internal */
export function recordOf(pod: PodAttempt): PodRecord {
  const { createdAt, startedAt, endedAt, restartsAt, ...rest } = pod;
  return {
    ...rest,
    createdAt: Date.parse(createdAt),
    ...(startedAt !== undefined ? { startedAt: Date.parse(startedAt) } : {}),
    ...(endedAt !== undefined ? { endedAt: Date.parse(endedAt) } : {}),
    restartsAt: restartsAt.map(t => Date.parse(t)),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
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
export function podAttempt(previous: PodRecord | undefined, pod: V1Pod, deleted: boolean, now: number): PodRecord {
  const sidecars = sidecarNames(pod);
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  // The pod's own runs: its main containers and ordinary init containers. Its sidecars' restarts
  // are counted apart, and their exit at the pod's end (SIGTERM, 143) is not the pod's exit.
  const main = statuses.filter(s => !sidecars.has(s.name));
  const restartsOf = (of: typeof statuses) => of.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const restarts = Math.max(previous?.restarts ?? 0, restartsOf(main));
  const sidecarRestarts = Math.max(previous?.sidecarRestarts ?? 0, restartsOf(statuses.filter(s => sidecars.has(s.name))));
  const restartsAt = [...(previous?.restartsAt ?? [])];
  const lastRestart = Math.max(0, ...main.map(s => ms(s.lastState?.terminated?.finishedAt) ?? 0)) || now;
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
    ...(sidecarRestarts > 0 ? { sidecarRestarts } : {}),
  };
  if (previous && previous.outcome !== PodOutcome.PENDING && previous.outcome !== PodOutcome.RUNNING) {
    return { ...previous, restarts, restartsAt, ...(sidecarRestarts > 0 ? { sidecarRestarts } : {}) };
  }
  const phase = pod.status?.phase;
  const reason = podFailureReason(pod)?.reason;
  if (phase === 'Succeeded' || phase === 'Failed') {
    // The pod ends when its last container does, sidecars included (they are stopped last).
    const finished = Math.max(0, ...statuses.map(s => ms(s.state?.terminated?.finishedAt) ?? 0)) || now;
    const exit = main.map(s => s.state?.terminated?.exitCode).find(code => code !== undefined && code !== 0);
    return {
      ...base,
      endedAt: finished,
      outcome: phase === 'Succeeded' ? PodOutcome.SUCCEEDED : PodOutcome.FAILED,
      ...(phase === 'Failed' && exit !== undefined ? { exitCode: exit } : {}),
      ...(reason !== undefined ? { reason } : {}),
    };
  }
  const deletion = ms(pod.metadata?.deletionTimestamp);
  if (deleted || deletion !== undefined) {
    // deletionTimestamp is the request time plus the grace period.
    const requested = deletion !== undefined ? deletion - (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000 : now;
    return { ...base, endedAt: Math.min(requested, now), outcome: PodOutcome.KILLED, ...(reason !== undefined ? { reason } : {}) };
  }
  return { ...base, outcome: phase === 'Running' ? PodOutcome.RUNNING : PodOutcome.PENDING };
}
