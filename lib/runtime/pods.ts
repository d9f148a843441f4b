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
  /** Terminated containers with a non-zero exit code, including earlier restarts (OnFailure). */
  readonly failures: ContainerExit[];
  /** Container restarts (restartPolicy OnFailure retries in the same pod). */
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

/** Summarizes a pod for the verifier. */
export function summarizePod(pod: V1Pod): PodSummary {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const failures: ContainerExit[] = [];
  let restarts = 0;
  let stuck: PodSummary['stuck'];
  for (const s of statuses) {
    restarts += s.restartCount ?? 0;
    for (const terminated of [s.state?.terminated, s.lastState?.terminated]) {
      if (terminated && terminated.exitCode !== 0) {
        failures.push({ container: s.name, exitCode: terminated.exitCode, reason: terminated.reason, message: terminated.message });
      }
    }
    const waiting = s.state?.waiting;
    if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
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
