import { Construct } from 'constructs';
import { PatternPod } from '../../lib/core/job-options';
import { checkServiceName } from '../../lib/core/errors';
import { GitOpsPolicy } from '../../lib/core/gitops';
import { contentHash } from '../../lib/core/hash';
import { JobIdentity } from '../../lib/core/identity';
import { JobPatternAnnotations } from '../../lib/core/labels';
import {
  checkNotEmpty, checkPort, IWorkQueue, QueueBindOptions, queueEnvVariables, WorkQueueAddress,
} from './queue';
import { RedisQueue, RedisQueueOptions } from './redis-queue';
import { TicketQueue, TicketQueueOptions } from './ticket-queue';

/**
 * The queue a `WorkQueueJob`'s workers consume: bring your own (`fromAddress`), or let the
 * WorkQueueJob create one (`ticket`, `redis`). A queue the library creates is named after the
 * worker Job (`<name>-queue`, `<name>-filler`) and ordered before it, in the YAML and in Argo CD
 * sync waves.
 *
 * @example
 * WorkQueue.fromAddress({ host: 'rabbitmq.messaging.svc', port: 5672, name: 'thumbnails' })
 * WorkQueue.ticket({ serviceName: 'queue' })
 * WorkQueue.redis({ items: WorkItems.fromList(['apple', 'banana', 'cherry']) })
 */
export abstract class WorkQueue {
  /**
   * A queue that already runs, in the cluster or outside: workers get its address, nothing is
   * created and nothing is ordered before them.
   */
  public static fromAddress(address: WorkQueueAddress): WorkQueue {
    return new ExternalQueue(address);
  }

  /**
   * The seeds' ticket queue: a one-replica Deployment that hands out 1, 2, 3, ... one number per
   * TCP connection on port 1080, behind a Service. It never runs empty, so the workers decide when
   * they are done (the seeds' multiplier stops at 101).
   */
  public static ticket(options: TicketQueueOptions = {}): WorkQueue {
    return new TicketSource(options);
  }

  /**
   * A Redis list filled with `items` by a filler Job, as in the Kubernetes docs' "Fine parallel
   * processing using a work queue". Workers wait (init container) until the list is complete.
   */
  public static redis(options: RedisQueueOptions): WorkQueue {
    return new RedisSource(options);
  }

  /** How many work items the library loads into the queue (undefined: it does not load it). */
  public abstract readonly itemCount?: number;

  /**
   * What each worker of the Job `workers` needs in its pod: the queue's address in its environment
   * (`QUEUE_HOST`, `QUEUE_PORT`, `QUEUE_NAME`), the init containers that wait for the queue (with
   * that environment), and for a queue the library fills under a policy that replaces the Job on
   * change, the hash of its items (new items are a new worker spec). Decides nothing new: the same
   * identity always gives the same pod.
   * @internal
   */
  public _workerPod(workers: JobIdentity): PatternPod {
    return { env: queueEnvVariables(this._address(workers)) };
  }

  /**
   * Checks the options, naming `scope` and `queue.<option>`, and creates the queue's objects
   * under `scope`, named after `workers`. Called once, by the WorkQueueJob `scope`.
   * @internal
   */
  public abstract _bind(scope: Construct, workers: JobIdentity, options: QueueBindOptions): IWorkQueue;

  /**
   * The address the workers of `workers` use.
   * @internal
   */
  protected abstract _address(workers: JobIdentity): WorkQueueAddress;
}

class ExternalQueue extends WorkQueue {
  public readonly itemCount = undefined;

  constructor(private readonly given: WorkQueueAddress) {
    super();
  }

  public _bind(scope: Construct): IWorkQueue {
    checkNotEmpty(scope, 'queue.host', this.given.host, 'Pass the queue\'s Service name or DNS name to WorkQueue.fromAddress().');
    checkPort(scope, 'queue.port', this.given.port);
    checkNotEmpty(scope, 'queue.name', this.given.name, 'Pass the name of the queue on the server to WorkQueue.fromAddress().');
    return { address: this.given };
  }

  protected _address(): WorkQueueAddress {
    return this.given;
  }
}

class TicketSource extends WorkQueue {
  public readonly itemCount = undefined;

  constructor(private readonly options: TicketQueueOptions) {
    super();
  }

  public _bind(scope: Construct, workers: JobIdentity, options: QueueBindOptions): IWorkQueue {
    const address = this._address(workers);
    checkServiceName(scope, 'queue.serviceName', address.host, 'the queue\'s Service', serviceNameFix('ticket'));
    checkPort(scope, 'queue.port', address.port);
    return new TicketQueue(scope, 'Queue', {
      serviceName: address.host,
      port: address.port,
      image: this.options.image ?? TicketQueue.DEFAULT_IMAGE,
      syncWave: options.queueWave,
      partOf: options.partOf,
      gitOps: workers.gitOps,
      omitDefaults: options.omitDefaults,
    });
  }

  protected _address(workers: JobIdentity): WorkQueueAddress {
    return {
      host: this.options.serviceName ?? workers.childName('queue'),
      port: this.options.port ?? TicketQueue.DEFAULT_PORT,
      name: TicketQueue.QUEUE_NAME,
    };
  }
}

class RedisSource extends WorkQueue {
  public readonly itemCount: number;

  constructor(private readonly options: RedisQueueOptions) {
    super();
    this.itemCount = options.items.length;
  }

  public _workerPod(workers: JobIdentity): PatternPod {
    const env = queueEnvVariables(this._address(workers));
    const wait = RedisQueue.waitContainer(this.image);
    return {
      env,
      initContainers: [{ ...wait, envVariables: { ...env, ...wait.envVariables } }],
      podAnnotations: this.podAnnotations(workers.gitOps),
    };
  }

  public _bind(scope: Construct, workers: JobIdentity, options: QueueBindOptions): IWorkQueue {
    const address = this._address(workers);
    this.options.items._check(scope, 'queue.items');
    checkServiceName(scope, 'queue.serviceName', address.host, 'the queue\'s Service', serviceNameFix('redis'));
    checkPort(scope, 'queue.port', address.port);
    checkNotEmpty(scope, 'queue.key', address.name, 'Name the Redis list, or leave key unset for \'items\'.');
    return new RedisQueue(scope, 'Queue', {
      items: this.options.items,
      key: address.name,
      serviceName: address.host,
      fillerName: workers.childName('filler'),
      port: address.port,
      image: this.image,
      queueWave: options.queueWave,
      fillerWave: options.fillerWave,
      partOf: options.partOf,
      omitDefaults: options.omitDefaults,
      gitOps: workers.gitOps,
      kueue: options.kueue,
      podAnnotations: this.podAnnotations(workers.gitOps),
    });
  }

  protected _address(workers: JobIdentity): WorkQueueAddress {
    return {
      host: this.options.serviceName ?? workers.childName('queue'),
      port: this.options.port ?? RedisQueue.DEFAULT_PORT,
      name: this.options.key ?? RedisQueue.DEFAULT_KEY,
    };
  }

  /**
   * Pod-template annotations of the workers and of Redis: the items' hash when a changed spec
   * replaces the Job, so new items are a new worker spec and restart Redis empty.
   */
  private podAnnotations(gitOps: GitOpsPolicy): Record<string, string> {
    return gitOps.replacesOnChange ? { [JobPatternAnnotations.QUEUE_ITEMS]: this.itemsHash } : {};
  }

  /** A hash of the items (a change restarts Redis empty and replaces the workers and the filler). */
  private get itemsHash(): string {
    return contentHash(this.options.items.items.map(item => item.params));
  }

  private get image(): string {
    return this.options.image ?? RedisQueue.DEFAULT_IMAGE;
  }
}

function serviceNameFix(factory: string): string {
  return `Set serviceName in WorkQueue.${factory}({ serviceName }) to a name that starts with a letter, or give the WorkQueueJob a metadata.name that does.`;
}
