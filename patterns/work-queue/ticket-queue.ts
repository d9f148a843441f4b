import { Construct } from 'constructs';
import { JobDefault } from '../../lib/core/defaults';
import { GitOpsPolicy } from '../../lib/core/gitops';
import { QueueServer, WorkQueueAddress, IWorkQueue } from './queue';
import * as kplus from 'cdk8s-plus-28';

/** Options of {@link WorkQueue.ticket}. */
export interface TicketQueueOptions {
  /**
   * Name of the queue's Deployment and Service: the host workers connect to (`QUEUE_HOST`).
   *
   * @default - `<worker Job name>-queue`
   */
  readonly serviceName?: string;

  /**
   * The TCP port tickets are handed out on.
   *
   * @default 1080
   */
  readonly port?: number;

  /**
   * An image with a POSIX shell and a BusyBox `nc` that listens with `nc -l -p <port>`.
   *
   * @default 'alpine:3.20.3'
   */
  readonly image?: string;
}

/**
 * Properties of a {@link TicketQueue}: its options with every default resolved. A `WorkQueueJob`
 * creates the queue from `WorkQueue.ticket(...)`; they are public because the queue's
 * constructor is (its type declarations must name them).
 */
export interface TicketQueueProps {
  readonly serviceName: string;
  readonly port: number;
  readonly image: string;
  readonly syncWave: number;
  readonly partOf?: string;
  readonly gitOps: GitOpsPolicy;
  readonly omitDefaults?: JobDefault[];
}

/**
 * The seeds' ticket queue: a pod that hands out consecutive integers (1, 2, 3, ...), one per TCP
 * connection, like the ticket machine at a post office. Read one with
 * `sleep 1 | nc -w 1 $QUEUE_HOST $QUEUE_PORT`: a connection takes a ticket whether or not it is read,
 * and BusyBox nc with an empty stdin (a pod's) may close before its ticket arrives.
 *
 * It has no readiness probe: a TCP probe would take a ticket. A restarted queue starts again at 1.
 * Created by {@link WorkQueue.ticket} when a `WorkQueueJob` binds it.
 */
export class TicketQueue extends Construct implements IWorkQueue {
  /** The `QUEUE_NAME` of a ticket queue: it has one queue. */
  public static readonly QUEUE_NAME = 'tickets';
  /** The port of the seed's queue. */
  public static readonly DEFAULT_PORT = 1080;
  /** Alpine (the seed's image), pinned. */
  public static readonly DEFAULT_IMAGE = 'alpine:3.20.3';

  /** The address workers use. */
  public readonly address: WorkQueueAddress;
  /** The queue server's Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service workers connect to. */
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: TicketQueueProps) {
    super(scope, id);
    this.address = { host: props.serviceName, port: props.port, name: TicketQueue.QUEUE_NAME };
    const server = new QueueServer(this, 'Server', {
      name: props.serviceName,
      port: props.port,
      syncWave: props.syncWave,
      partOf: props.partOf,
      gitOps: props.gitOps,
      omitDefaults: props.omitDefaults,
      container: {
        name: 'tickets',
        image: props.image,
        command: ['/bin/sh', '-c', `i=1; while true; do echo -n "$i" | nc -l -p ${props.port}; i=$((i+1)); done`],
      },
    });
    this.deployment = server.deployment;
    this.service = server.service;
  }
}
