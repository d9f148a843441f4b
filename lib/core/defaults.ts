import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * The defaults this library adds to every Job, each of which can be left out with
 * `omitDefaults` (see the README's table of defaults).
 */
export enum JobDefault {
  /** `backoffLimit: 3` instead of the cluster's implicit 6. */
  BACKOFF_LIMIT = 'backoffLimit',
  /** `activeDeadlineSeconds: 3600`. */
  ACTIVE_DEADLINE = 'activeDeadline',
  /** `ttlSecondsAfterFinished: 86400`. */
  TTL_AFTER_FINISHED = 'ttlAfterFinished',
  /** Requests of 100m cpu and 128Mi memory and a 256Mi memory limit on containers that set none. */
  RESOURCES = 'resources',
  /**
   * The Pod Security Standards "restricted" security context: uid/gid 65532, runAsNonRoot,
   * no privilege escalation, all capabilities dropped, seccomp RuntimeDefault.
   */
  SECURITY_CONTEXT = 'securityContext',
  /**
   * `terminationMessagePolicy: FallbackToLogsOnError` on every container: a failed container's
   * last log lines become its termination message, in the pod's status, so the verifier can show
   * them without permission to read logs (and after the node is gone). Since 0.2: left out for an
   * app pinned to 0.1 (`DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS`).
   */
  TERMINATION_MESSAGE_POLICY = 'terminationMessagePolicy',
  /**
   * A writable `emptyDir` mounted at `/tmp` in every container (one volume of the pod,
   * `job-patterns-tmp`, on the node's disk, at most 1Gi): the root file system is read-only
   * (`SECURITY_CONTEXT`), and a program that writes a temporary file would otherwise fail with
   * "Read-only file system" on a real node. A container that mounts something at `/tmp` itself
   * keeps its own mount. Since 0.3: left out for an app pinned to 0.2 or older
   * (`DefaultFlag.TMP_VOLUME`).
   */
  TMP_VOLUME = 'tmpVolume',
}

/**
 * The values of the defaults, in one place. Tests pin each of them, and the README's table lists
 * them: change both together, in a commit of its own. A change that alters the YAML of an existing
 * app is a new `DefaultFlag` (lib/core/default-flags.ts), off for apps pinned to an older release.
 */
export const JOB_DEFAULTS = {
  /** Pods of a Job are never restarted in place, so every attempt keeps its own logs. */
  restartPolicy: kplus.RestartPolicy.NEVER,
  /** Three retries: 10 s + 20 s + 40 s of back-off, well inside the deadline. */
  backoffLimit: 3,
  /** A Job that hangs is stopped after an hour (DeadlineExceeded). */
  activeDeadline: Duration.hours(1),
  /** A finished Job (and its pods) is deleted a day later: time enough to read its logs. */
  ttlAfterFinished: Duration.days(1),
  /** The uid and gid pods run as: the conventional "nonroot" id of distroless images. */
  runAsUser: 65532,
  /** @see runAsUser */
  runAsGroup: 65532,
  /** What a failed container leaves in the pod's status: its log tail, when it wrote no message of its own. */
  terminationMessagePolicy: 'FallbackToLogsOnError',
  /** Requests that let the scheduler place the pod, a memory limit that protects the node, no cpu limit (no throttling). */
  resources: {
    cpu: { request: kplus.Cpu.millis(100) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
  } as kplus.ContainerResources,
  /**
   * The writable `/tmp` of every container. On the node's disk, not `Memory`: a tmpfs would count
   * against the container's 256Mi memory limit, so a large temporary file would get it OOMKilled.
   * The size limit keeps a runaway write from filling the node: past it the kubelet evicts the pod,
   * and the verifier reports the eviction's message. The name is the library's, so it cannot
   * collide with a volume of the user's.
   */
  tmpVolume: { name: 'job-patterns-tmp', mountPath: '/tmp', sizeLimit: Size.gibibytes(1) },
} as const;

/**
 * True when one of `paths` (where a container mounts its volumes) is the path of the library's
 * `/tmp` volume (`/tmp/` too): the container then keeps its own mount instead.
 */
export function mountsTmp(paths: readonly string[]): boolean {
  return paths.some(p => p.replace(/\/+$/, '') === JOB_DEFAULTS.tmpVolume.mountPath);
}

/**
 * `container` with the library's resource and security defaults underneath its own settings,
 * less those in `omitted`: what every container of every pod the library makes gets (Jobs, init
 * containers, queue servers).
 */
export function withContainerDefaults(container: kplus.ContainerProps, omitted: ReadonlySet<JobDefault>): kplus.ContainerProps {
  return {
    ...container,
    resources: container.resources ?? (omitted.has(JobDefault.RESOURCES) ? {} : JOB_DEFAULTS.resources),
    securityContext: omitted.has(JobDefault.SECURITY_CONTEXT) ? container.securityContext : restrictedContainerSecurityContext(container.securityContext),
  };
}

/** The pod security context the library gives a pod: the restricted profile under `own`, unless omitted. */
export function withPodSecurityDefaults(own: kplus.PodSecurityContextProps | undefined, omitted: ReadonlySet<JobDefault>): kplus.PodSecurityContextProps | undefined {
  return omitted.has(JobDefault.SECURITY_CONTEXT) ? own : restrictedPodSecurityContext(own);
}

/** The restricted-profile container security context, with the user's own settings on top. */
export function restrictedContainerSecurityContext(own: kplus.ContainerSecurityContextProps = {}): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    ...own,
  };
}

/** The restricted-profile pod security context, with the user's own settings on top. */
export function restrictedPodSecurityContext(own: kplus.PodSecurityContextProps = {}): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: JOB_DEFAULTS.runAsUser,
    group: JOB_DEFAULTS.runAsGroup,
    fsGroup: JOB_DEFAULTS.runAsGroup,
    ...own,
  };
}
