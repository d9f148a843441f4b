import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { canonicalJson, GitOpsPolicy } from '../../core/gitops';
import { JobPatternLabels } from '../../core/labels';
import { shortHash } from '../../core/names';
import {
  checkNotEmpty, checkPort, checkServiceName, derivedName, IWorkQueue, QueueBindOptions, WorkQueueAddress,
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
   * The address workers use when the worker Job is named `baseName`.
   * @internal
   */
  public abstract _address(baseName: string): WorkQueueAddress;

  /**
   * Init containers each worker runs before it may consume (they get the queue's environment).
   * @internal
   */
  public abstract _workerInitContainers(): kplus.ContainerProps[];

  /**
   * Pod-template annotations of the workers under `gitOps`: a queue the library fills names its
   * items' hash when a changed spec replaces the Job, so new items are a new worker spec.
   * @internal
   */
  public _workerPodAnnotations(_gitOps: GitOpsPolicy): Record<string, string> {
    return {};
  }

  /**
   * Checks the options, naming `scope` and `queue.<option>`, and creates the queue's objects
   * under `scope`. Called once, by the WorkQueueJob `scope`.
   * @internal
   */
  public abstract _bind(scope: Construct, options: QueueBindOptions): IWorkQueue;
}

class ExternalQueue extends WorkQueue {
  public readonly itemCount = undefined;

  constructor(private readonly address: WorkQueueAddress) {
    super();
  }

  public _address(): WorkQueueAddress {
    return this.address;
  }

  public _workerInitContainers(): kplus.ContainerProps[] {
    return [];
  }

  public _bind(scope: Construct): IWorkQueue {
    checkNotEmpty(scope, 'queue.host', this.address.host, 'Pass the queue\'s Service name or DNS name to WorkQueue.fromAddress().');
    checkPort(scope, 'queue.port', this.address.port);
    checkNotEmpty(scope, 'queue.name', this.address.name, 'Pass the name of the queue on the server to WorkQueue.fromAddress().');
    return { address: this.address };
  }
}

class TicketSource extends WorkQueue {
  public readonly itemCount = undefined;

  constructor(private readonly options: TicketQueueOptions) {
    super();
  }

  public _address(baseName: string): WorkQueueAddress {
    return {
      host: this.options.serviceName ?? derivedName(baseName, 'queue'),
      port: this.options.port ?? TicketQueue.DEFAULT_PORT,
      name: TicketQueue.QUEUE_NAME,
    };
  }

  public _workerInitContainers(): kplus.ContainerProps[] {
    return [];
  }

  public _bind(scope: Construct, options: QueueBindOptions): IWorkQueue {
    const address = this._address(options.baseName);
    checkServiceName(scope, 'queue.serviceName', address.host, serviceNameFix('ticket'));
    checkPort(scope, 'queue.port', address.port);
    return new TicketQueue(scope, 'Queue', {
      serviceName: address.host,
      port: address.port,
      image: this.options.image ?? TicketQueue.DEFAULT_IMAGE,
      syncWave: options.queueWave,
      partOf: options.partOf,
      gitOps: options.gitOps,
    });
  }
}

class RedisSource extends WorkQueue {
  public readonly itemCount: number;

  constructor(private readonly options: RedisQueueOptions) {
    super();
    this.itemCount = options.items.length;
  }

  public _address(baseName: string): WorkQueueAddress {
    return {
      host: this.options.serviceName ?? derivedName(baseName, 'queue'),
      port: this.options.port ?? RedisQueue.DEFAULT_PORT,
      name: this.options.key ?? RedisQueue.DEFAULT_KEY,
    };
  }

  public _workerInitContainers(): kplus.ContainerProps[] {
    return [RedisQueue.waitContainer(this.image)];
  }

  public _workerPodAnnotations(gitOps: GitOpsPolicy): Record<string, string> {
    return gitOps.replacesOnChange ? { [JobPatternLabels.QUEUE_ITEMS]: this.itemsHash } : {};
  }

  public _bind(scope: Construct, options: QueueBindOptions): IWorkQueue {
    const address = this._address(options.baseName);
    this.options.items.check(scope, 'queue.items');
    checkServiceName(scope, 'queue.serviceName', address.host, serviceNameFix('redis'));
    checkPort(scope, 'queue.port', address.port);
    checkNotEmpty(scope, 'queue.key', address.name, 'Name the Redis list, or leave key unset for \'items\'.');
    return new RedisQueue(scope, 'Queue', {
      items: this.options.items,
      key: address.name,
      serviceName: address.host,
      fillerName: derivedName(options.baseName, 'filler'),
      port: address.port,
      image: this.image,
      queueWave: options.queueWave,
      fillerWave: options.fillerWave,
      partOf: options.partOf,
      omitDefaults: options.omitDefaults,
      gitOps: options.gitOps,
      podAnnotations: this._workerPodAnnotations(options.gitOps),
    });
  }

  /** A hash of the items (a change restarts Redis empty and replaces the workers and the filler). */
  private get itemsHash(): string {
    return shortHash(canonicalJson(this.options.items.items.map(item => item.params)), GitOpsPolicy.HASH_LENGTH);
  }

  private get image(): string {
    return this.options.image ?? RedisQueue.DEFAULT_IMAGE;
  }
}

function serviceNameFix(factory: string): string {
  return `Set serviceName in WorkQueue.${factory}({ serviceName }) to a name that starts with a letter, or give the WorkQueueJob a metadata.name that does.`;
}
