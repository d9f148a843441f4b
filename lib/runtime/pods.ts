import type { V1Pod } from '@kubernetes/client-node';

/** How one container of a pod ended (or last ended, for a restarted container). */
export interface ContainerExit {
  readonly container: string;
  readonly exitCode: number;
  readonly reason?: string;
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

/** The Job a pod belongs to, from the labels the Job controller sets. */
export function jobNameOf(pod: V1Pod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  return labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
}

/**
 * The pod's native sidecars: init containers with `restartPolicy: Always` (Kubernetes 1.29+ by
 * default, GA in 1.33). The kubelet restarts them whenever they exit and stops them (SIGTERM, so
 * often exit 143) after the main containers ended; neither is a failed attempt of the Job: the
 * pod's phase, and so the Job controller's count, ignores them.
 */
export function sidecarNames(pod: V1Pod): Set<string> {
  return new Set((pod.spec?.initContainers ?? []).filter(c => c.restartPolicy === 'Always').map(c => c.name));
}

/** Summarizes a pod for the verifier. */
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
