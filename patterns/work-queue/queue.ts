import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { BatchJob } from '../../lib/core/batch-job';
import { KueueQueue } from '../../lib/core/kueue';
import { JobDefault, JOB_DEFAULTS, mountsTmp, withContainerDefaults, withPodSecurityDefaults } from '../../lib/core/defaults';
import { DefaultFlag, JobPatternDefaults } from '../../lib/core/default-flags';
import { propError } from '../../lib/core/errors';
import { patchPodTemplate } from '../../lib/core/job-spec';
import { GitOpsPolicy } from '../../lib/core/gitops';
import { ArgoCdAnnotations, JobPatternLabels, standardLabels } from '../../lib/core/labels';

/** Where workers reach a work queue. */
export interface WorkQueueAddress {
  /** The host workers connect to: a Service name in the workers' namespace, or any DNS name. */
  readonly host: string;
  /** The TCP port. */
  readonly port: number;
  /** The queue's name on that server (a Redis list key, a RabbitMQ queue, ...). */
  readonly name: string;
}

/**
 * A work queue as bound to the workers that consume it: its address, and the objects the library
 * created for it (none for a queue given by its address).
 */
export interface IWorkQueue {
  /** Where workers reach the queue; they find it in `QUEUE_HOST`, `QUEUE_PORT` and `QUEUE_NAME`. */
  readonly address: WorkQueueAddress;
  /** How many work items the library loads into the queue (undefined: it does not load it). */
  readonly itemCount?: number;
  /** The queue server's Deployment (one replica), when the library runs the queue. */
  readonly deployment?: kplus.Deployment;
  /** The Service in front of the queue server; its name is `address.host`. */
  readonly service?: kplus.Service;
  /** The Job that loads the work items into the queue, when the library fills it. */
  readonly filler?: BatchJob;
}

/** The environment variables in which workers find their queue's address. */
export class WorkQueueEnv {
  /** `QUEUE_HOST`: {@link WorkQueueAddress.host}. */
  public static readonly HOST = 'QUEUE_HOST';
  /** `QUEUE_PORT`: {@link WorkQueueAddress.port}, as a decimal string. */
  public static readonly PORT = 'QUEUE_PORT';
  /** `QUEUE_NAME`: {@link WorkQueueAddress.name}. */
  public static readonly NAME = 'QUEUE_NAME';

  private constructor() {}
}

/**
 * Argo CD's sync wave annotation: a wave is applied, and must be healthy, before the next starts.
 * @internal
 */
export const SYNC_WAVE_ANNOTATION = ArgoCdAnnotations.SYNC_WAVE;

/** The `app.kubernetes.io/component` of a queue's server (part of its Deployment's immutable selector). */
const QUEUE_COMPONENT = 'queue';

/**
 * What a queue needs to know when a WorkQueueJob creates it.
 * @internal
 */
export interface QueueBindOptions {
  /** Sync wave of the queue server (Deployment and Service). */
  readonly queueWave: number;
  /** Sync wave of the filler Job. */
  readonly fillerWave: number;
  /** `app.kubernetes.io/part-of` of everything created. */
  readonly partOf?: string;
  /** The workers' `omitDefaults`, applied to the filler Job as well. */
  readonly omitDefaults?: JobDefault[];
  /** The workers' Kueue queue: the filler Job waits in it too (the queue server, a Deployment, is not queued). */
  readonly kueue?: KueueQueue;
}

/**
 * The workers' environment variables for `address`, in a fixed order.
 * @internal
 */
export function queueEnvVariables(address: WorkQueueAddress): Record<string, kplus.EnvValue> {
  return {
    [WorkQueueEnv.HOST]: kplus.EnvValue.fromValue(address.host),
    [WorkQueueEnv.PORT]: kplus.EnvValue.fromValue(`${address.port}`),
    [WorkQueueEnv.NAME]: kplus.EnvValue.fromValue(address.name),
  };
}

/**
 * Rejects a port outside 1..65535.
 * @internal
 */
export function checkPort(scope: IConstruct, prop: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    propError(scope, {
      prop,
      value: port,
      allowed: 'must be a whole number from 1 to 65535',
      fix: 'Give the TCP port the queue listens on.',
    });
  }
}

/**
 * Rejects an empty string.
 * @internal
 */
export function checkNotEmpty(scope: IConstruct, prop: string, value: string, fix: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    propError(scope, { prop, value, allowed: 'must be a non-empty string', fix });
  }
}

/**
 * Properties of a {@link QueueServer}.
 * @internal
 */
export interface QueueServerProps {
  /** Name of the Deployment and the Service. */
  readonly name: string;
  /** The port the container listens on and the Service exposes. */
  readonly port: number;
  /** The server container; resources and the restricted security context are added. */
  readonly container: kplus.ContainerProps;
  /** Volumes of the pod. */
  readonly volumes?: kplus.Volume[];
  /** Argo CD sync wave of the Deployment and the Service. */
  readonly syncWave: number;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
  /** The workers' GitOps policy: under a hook, the Deployment and the Service are hooks of the same phase. */
  readonly gitOps: GitOpsPolicy;
  /** Annotations of the server's pod template (a change restarts the server). */
  readonly podAnnotations?: Record<string, string>;
  /** The workers' `omitDefaults`: the server's pod leaves out the same defaults. */
  readonly omitDefaults?: JobDefault[];
}

/**
 * A queue server: a Deployment of one replica and a Service in front of it, with the library's
 * resources and restricted-profile security context (less the defaults the workers omit).
 *
 * A Deployment rather than a bare Pod, so an evicted or lost queue pod is replaced; `Recreate`,
 * so an update never runs two queues behind one Service. The selector and the pod labels are
 * derived from the name, never from the construct path.
 * @internal
 */
export class QueueServer extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service. */
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: QueueServerProps) {
    super(scope, id);
    // Not JobIdentity.childMetadata(): the queue is an application of its own (its name label is
    // the queue's, its wave its own), and a Deployment's selector is immutable, so a change here
    // would make every deployed queue fail to sync. Its labels are the library's standard set.
    const labels = standardLabels({ name: props.name, component: QUEUE_COMPONENT, partOf: props.partOf });
    const selector = { [JobPatternLabels.NAME]: props.name, [JobPatternLabels.COMPONENT]: QUEUE_COMPONENT };
    // On the objects only, not the pod template: the rule gitops/queue-wave-order finds them by it.
    const objectLabels = { ...labels, [JobPatternLabels.QUEUE]: props.name };
    const annotations = { [SYNC_WAVE_ANNOTATION]: `${props.syncWave}`, ...props.gitOps._dependencyAnnotations(props.syncWave) };
    // The workers' omissions, and the defaults the app's pinned version does not have.
    const defaults = JobPatternDefaults.of(this);
    const omitted = defaults._omitted(props.omitDefaults);

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, labels: objectLabels, annotations },
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      select: false,
      securityContext: withPodSecurityDefaults(undefined, omitted),
      automountServiceAccountToken: false,
      volumes: props.volumes,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    for (const [key, value] of Object.entries(labels)) {
      this.deployment.podMetadata.addLabel(key, value);
    }
    for (const [key, value] of Object.entries(props.podAnnotations ?? {})) {
      this.deployment.podMetadata.addAnnotation(key, value);
    }
    // The library's writable /tmp, as the Jobs' (which add it when they render): the queue's
    // container is complete here, so it is added now, unless the container mounts its own.
    const ownMounts = props.container.volumeMounts ?? [];
    const tmp = omitted.has(JobDefault.TMP_VOLUME) || mountsTmp(ownMounts.map(m => m.path)) ? [] : [{
      path: JOB_DEFAULTS.tmpVolume.mountPath,
      volume: kplus.Volume.fromEmptyDir(this, 'Tmp', JOB_DEFAULTS.tmpVolume.name, { sizeLimit: JOB_DEFAULTS.tmpVolume.sizeLimit }),
    }];
    this.deployment.addContainer(withContainerDefaults({ ...props.container, ports: [{ number: props.port }], volumeMounts: [...ownMounts, ...tmp] }, omitted));
    if (!omitted.has(JobDefault.TERMINATION_MESSAGE_POLICY)) {
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/terminationMessagePolicy', JOB_DEFAULTS.terminationMessagePolicy));
    }
    // Its pod-template fields apply to any pod template: pod-level seccomp, and no path-derived label.
    patchPodTemplate(ApiObject.of(this.deployment), {
      podSeccompProfileType: omitted.has(JobDefault.SECURITY_CONTEXT) ? undefined : kplus.SeccompProfileType.RUNTIME_DEFAULT,
      removeTemplateLabels: [kplus.Pod.ADDRESS_LABEL],
      // cdk8s-plus writes Always; the Jobs leave the pull policy to Kubernetes, and so does the queue.
      removeContainerFields: defaults.has(DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES) ? ['imagePullPolicy'] : [],
    });

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: props.name, labels: objectLabels, annotations },
      ports: [{ port: props.port, targetPort: props.port }],
    });
    for (const [key, value] of Object.entries(selector)) {
      this.service.selectLabel(key, value);
    }
  }
}
