import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BatchJob } from '../../lib/core/batch-job';
import { KueueQueue } from '../../lib/core/kueue';
import { JobDefault } from '../../lib/core/defaults';
import { DefaultFlag, JobPatternDefaults } from '../../lib/core/default-flags';
import { GitOpsPolicy } from '../../lib/core/gitops';
import { JobPattern, PATTERN_CATALOGUE } from '../../lib/core/catalogue';
import { JobPatternLabels } from '../../lib/core/labels';
import { WorkItems } from '../../lib/core/work-items';
import { IWorkQueue, QueueServer, queueEnvVariables, SYNC_WAVE_ANNOTATION, WorkQueueAddress, WorkQueueEnv } from './queue';

/** Options of {@link WorkQueue.redis}. */
export interface RedisQueueOptions {
  /**
   * The work items, pushed in order to the Redis list `key` (so `LPOP` takes them in order).
   * A `WorkItems.fromList` item is pushed as its string; a `WorkItems.fromRecords` item as the
   * JSON of its record. They are written into the filler Job, so keep to a few thousand.
   */
  readonly items: WorkItems;

  /**
   * The Redis list holding the items: the workers' `QUEUE_NAME`. The filler also sets the key
   * `<key>:filled` once the list is complete.
   *
   * @default 'items'
   */
  readonly key?: string;

  /**
   * Name of the Redis Deployment and Service: the host workers connect to (`QUEUE_HOST`).
   *
   * @default - `<worker Job name>-queue`
   */
  readonly serviceName?: string;

  /**
   * The port Redis listens on.
   *
   * @default 6379
   */
  readonly port?: number;

  /**
   * The Redis image; the filler and the workers' wait container use its `redis-cli` and `sh`.
   *
   * @default 'redis:7.2.5'
   */
  readonly image?: string;
}

/**
 * Properties of a {@link RedisQueue}: its options with every default resolved. A `WorkQueueJob`
 * creates the queue from `WorkQueue.redis(...)`; they are public because the queue's
 * constructor is (its type declarations must name them).
 */
export interface RedisQueueProps {
  readonly items: WorkItems;
  readonly key: string;
  readonly serviceName: string;
  readonly fillerName: string;
  readonly port: number;
  readonly image: string;
  readonly queueWave: number;
  readonly fillerWave: number;
  readonly partOf?: string;
  readonly omitDefaults?: JobDefault[];
  readonly gitOps: GitOpsPolicy;
  /** The workers' Kueue queue, which the filler Job waits in too. */
  readonly kueue?: KueueQueue;
  /** Pod-template annotations of the Redis server (the items' hash: new items restart it empty). */
  readonly podAnnotations?: Record<string, string>;
}

/** Atomic and run-once: a second run (a retry, or Argo CD re-creating a deleted filler) pushes nothing. */
const FILL_LUA = 'if redis.call("EXISTS", KEYS[2]) == 1 then return 0 end'
  + ' redis.call("DEL", KEYS[1])'
  + ' for i = 1, #ARGV do redis.call("RPUSH", KEYS[1], ARGV[i]) end'
  + ' redis.call("SET", KEYS[2], #ARGV)'
  + ' return #ARGV';

const CLI = `redis-cli -h "$${WorkQueueEnv.HOST}" -p "$${WorkQueueEnv.PORT}"`;

/**
 * A Redis list as the work queue, as in the Kubernetes docs' "Fine parallel processing using a
 * work queue": Redis behind a Service (wave `queueWave`), and a filler Job (wave `fillerWave`,
 * after Redis in the YAML) that pushes the items and then sets `<key>:filled`. Workers get an
 * init container that waits for that key, so they never see a half-filled queue, with or without
 * Argo CD.
 *
 * Redis runs with the restricted profile (uid 65532, read-only root filesystem): its data
 * (append-only file, so a restarted container keeps the queue) lives in an emptyDir at `/data`.
 * Created by {@link WorkQueue.redis} when a `WorkQueueJob` binds it.
 */
export class RedisQueue extends Construct implements IWorkQueue {
  /** Suffix of the key the filler sets once the list is complete. */
  public static readonly FILLED_SUFFIX = ':filled';
  /** The default list key. */
  public static readonly DEFAULT_KEY = 'items';
  /** Redis' port. */
  public static readonly DEFAULT_PORT = 6379;
  /** Redis, pinned. */
  public static readonly DEFAULT_IMAGE = 'redis:7.2.5';

  /**
   * The init container every worker runs first: it waits until the filler set `<key>:filled`.
   * It expects the queue's environment variables.
   */
  public static waitContainer(image: string): kplus.ContainerProps {
    return {
      name: 'wait-for-queue',
      image,
      command: ['/bin/sh', '-c',
        `until ${CLI} EXISTS "$${WorkQueueEnv.NAME}${RedisQueue.FILLED_SUFFIX}" | grep -qx 1; `
        + `do echo "waiting until $${WorkQueueEnv.NAME} is filled"; sleep 2; done`],
    };
  }

  /** The address workers use. */
  public readonly address: WorkQueueAddress;
  /** How many items the filler pushes. */
  public readonly itemCount: number;
  /** The key the filler sets (to the number of items) once the list is complete. */
  public readonly filledKey: string;
  /** Redis' Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service workers connect to. */
  public readonly service: kplus.Service;
  /** The Job that fills the list. */
  public readonly filler: BatchJob;

  constructor(scope: Construct, id: string, props: RedisQueueProps) {
    super(scope, id);
    this.address = { host: props.serviceName, port: props.port, name: props.key };
    this.itemCount = props.items.length;
    this.filledKey = `${props.key}${RedisQueue.FILLED_SUFFIX}`;

    const data = kplus.Volume.fromEmptyDir(this, 'Data', 'data');
    const server = new QueueServer(this, 'Server', {
      name: props.serviceName,
      port: props.port,
      syncWave: props.queueWave,
      partOf: props.partOf,
      gitOps: props.gitOps,
      podAnnotations: props.podAnnotations,
      omitDefaults: props.omitDefaults,
      volumes: [data],
      container: {
        name: 'redis',
        image: props.image,
        // Without a configuration file Redis starts in protected mode and refuses other pods (a fix, so a flag).
        command: ['redis-server', '--port', `${props.port}`, '--appendonly', 'yes',
          ...(JobPatternDefaults.of(scope).has(DefaultFlag.REDIS_ACCEPTS_PODS) ? ['--protected-mode', 'no'] : [])],
        workingDir: '/data',
        volumeMounts: [{ path: '/data', volume: data }],
        readiness: kplus.Probe.fromTcpSocket({ port: props.port }),
      },
    });
    this.deployment = server.deployment;
    this.service = server.service;

    this.filler = new BatchJob(this, 'Filler', {
      metadata: { name: props.fillerName, annotations: { [SYNC_WAVE_ANNOTATION]: `${props.fillerWave}` } },
      pattern: JobPattern.SINGLE_BATCH,
      component: 'filler',
      ...PATTERN_CATALOGUE[JobPattern.SINGLE_BATCH].fixed,
      partOf: props.partOf,
      omitDefaults: props.omitDefaults,
      gitOps: props.gitOps,
      kueue: props.kueue === undefined ? undefined : KueueQueue.localQueue(props.kueue.name, { priorityClass: props.kueue.priorityClass }),
      container: {
        name: 'fill',
        image: props.image,
        envVariables: queueEnvVariables(this.address),
        command: ['/bin/sh', '-c',
          `until ${CLI} PING | grep -qx PONG; do echo "waiting for Redis at $${WorkQueueEnv.HOST}:$${WorkQueueEnv.PORT}"; sleep 2; done\n`
          + `echo "items pushed to $${WorkQueueEnv.NAME} (0: it was filled before):"\n`
          + `exec ${CLI} -e EVAL '${FILL_LUA}' 2 "$${WorkQueueEnv.NAME}" "$${WorkQueueEnv.NAME}${RedisQueue.FILLED_SUFFIX}" "$@"`],
        // $0, then one argument per item; `$` doubled so Kubernetes does not expand `$(VAR)` in an item.
        args: ['fill', ...props.items.items.map(item => itemValue(props.items, item.params).replace(/\$/g, '$$$$'))],
      },
    });
    ApiObject.of(this.filler).metadata.addLabel(JobPatternLabels.QUEUE, props.serviceName);
    ApiObject.of(this.filler).addDependency(this.deployment, this.service);
  }
}

function itemValue(items: WorkItems, params: Readonly<Record<string, string>>): string {
  return items._source === 'fromList' ? params[WorkItems.ITEM_PARAM] : JSON.stringify(params);
}
