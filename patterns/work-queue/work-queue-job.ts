import { Construct } from 'constructs';
import { BatchJob } from '../../lib/core/batch-job';
import { JobOptions, PatternPod } from '../../lib/core/job-options';
import { constructSite, propError, rejectReservedEnv } from '../../lib/core/errors';
import { checkedProps, checkPropsOf, PROP_NAMES_OF_BATCH_JOB } from '../../lib/core/props';
import { JobPattern, PATTERN_CATALOGUE } from '../../lib/core/catalogue';
import { JobPatternAnnotations } from '../../lib/core/labels';
import { IWorkQueue, SYNC_WAVE_ANNOTATION, WorkQueueEnv } from './queue';
import { WorkQueue } from './work-queue';

// The queue API is part of this pattern's public surface.

/** The two queue patterns of the Kubernetes job-patterns table. */
export enum WorkQueueMode {
  /**
   * Queue with pod per work item: `completions` = W, the number of items. Each worker takes one
   * item, processes it and exits 0; the Job completes after W successes.
   */
  POD_PER_ITEM = 'pod-per-item',
  /**
   * Queue with variable pod count: `completions` unset. Each worker takes items until the queue is
   * empty and only then exits 0; the Job completes once any pod succeeded and all pods ended.
   */
  VARIABLE_POD_COUNT = 'variable-pod-count',
}

/**
 * Properties of a {@link WorkQueueJob}.
 */
export interface WorkQueueJobProps extends JobOptions {
  /**
   * The queue the workers consume: `WorkQueue.fromAddress(...)` for one that already runs,
   * `WorkQueue.ticket()` or `WorkQueue.redis({ items })` for one this construct creates.
   */
  readonly queue: WorkQueue;

  /**
   * Which queue pattern the workers implement. The workers' program decides it (one item and exit,
   * or drain the queue); the default follows what Kubernetes' own fields mean.
   *
   * @default - `POD_PER_ITEM` when the number of items is known (`completions` is set, or the queue
   * is filled by the library), `VARIABLE_POD_COUNT` otherwise
   */
  readonly mode?: WorkQueueMode;

  /**
   * `POD_PER_ITEM` only: the number of work items W, for a queue that cannot tell (a queue given by
   * its address, or the ticket queue). Must be unset with `VARIABLE_POD_COUNT`.
   *
   * @default - the number of items the library loads into the queue; unset with `VARIABLE_POD_COUNT`
   */
  readonly completions?: number;

  /**
   * How many workers run at once (0 pauses the Job). With `POD_PER_ITEM`, more than `completions`
   * is legal but pointless, and a synth warning says so.
   *
   * @default 1
   */
  readonly parallelism?: number;

  /**
   * The Argo CD sync wave (`argocd.argoproj.io/sync-wave`) of the worker Job. A queue this
   * construct creates gets `syncWave - 2`, its filler Job `syncWave - 1`: each wave is synced and
   * healthy (the filler complete) before the next starts.
   *
   * @default 0
   */
  readonly syncWave?: number;
}

/**
 * Workers that consume a work queue: the "queue with pod per work item" and "queue with variable
 * pod count" patterns, with the queue's address wired in and the queue ordered before the workers.
 *
 * **Success.** With `POD_PER_ITEM` the Job completes when `completions` (W) pods succeeded. With
 * `VARIABLE_POD_COUNT` `completions` is unset, and the Job completes as soon as **any** pod has
 * succeeded and all pods have terminated; no new worker starts after the first success. So a worker
 * must exit 0 only once the queue is drained (it found it empty), and non-zero on any error (an
 * unreachable queue is not an empty one), or the Job "succeeds" with work left in the queue.
 *
 * **Wiring.** The main container gets `QUEUE_HOST`, `QUEUE_PORT` and `QUEUE_NAME` (before its own
 * environment variables, so they can refer to them as `$(QUEUE_HOST)`). A queue the library
 * fills adds an init container that waits until it is filled.
 *
 * **Ordering.** A queue the library creates comes before the workers in the synthesized YAML
 * (queue Deployment and Service, then the filler Job, then the workers) and in Argo CD sync waves
 * (`syncWave - 2`, `syncWave - 1`, `syncWave`). Its objects are named after the worker Job's
 * base name (its `metadata.name`, or the name cdk8s generates for it): `<name>-queue`, `<name>-filler`. The filler gets the
 * workers' `gitOps` policy; under `GitOpsPolicy.hook()` the queue's Deployment and Service are hooks
 * of the same phase too (in their waves), re-created empty on each sync. The workers name their
 * queue's host in the annotation `job-patterns.cdk8s.io/queue`, and the queue's objects carry the
 * label of the same name, so the rule `gitops/queue-wave-order` can check the order from the YAML.
 *
 * @example
 * // The seeds' multiplier: three workers double tickets until one reads >= 101.
 * new WorkQueueJob(chart, 'multiplier', {
 *   metadata: { name: 'multiplier' },
 *   queue: WorkQueue.ticket({ serviceName: 'queue' }),
 *   parallelism: 3,
 *   container: {
 *     image: 'alpine:3.20.3',
 *     command: ['/bin/sh', '-c', 'm=0; while [ $m -lt 30 ]; do n=$(sleep 1 | nc -w 1 $QUEUE_HOST $QUEUE_PORT); '
 *       + 'if [ -n "$n" ]; then m=0; [ "$n" -ge 101 ] && exit 0; echo $((n * 2)); else m=$((m + 1)); sleep 1; fi; done; exit 1'],
 *   },
 * });
 *
 * // The Kubernetes docs' Redis queue, one pod per item (completions 3, derived from the items).
 * new WorkQueueJob(chart, 'fruit', {
 *   queue: WorkQueue.redis({ items: WorkItems.fromList(['apple', 'banana', 'cherry']) }),
 *   container: { image: 'example.com/fruit-worker:1.0.0' },
 * });
 */
export class WorkQueueJob extends BatchJob {
  /** Effective `mode`. */
  public readonly mode: WorkQueueMode;
  /** The queue, as bound to these workers: its address and what was created for it. */
  public readonly queue: IWorkQueue;
  /** Effective `syncWave` of the worker Job. */
  public readonly syncWave: number;

  constructor(scope: Construct, id: string, props: WorkQueueJobProps) {
    // Checked before they are read here (a JavaScript caller's `metadata: 'x'` would be spread).
    checkPropsOf(constructSite(scope, id, new.target.name), 'WorkQueueJob', props, PROP_NAMES_OF_BATCH_JOB);
    // `queue?.`: a JavaScript caller may leave it out; BatchJob's props check then names it.
    const mode = props.mode ?? (props.completions !== undefined || props.queue?.itemCount !== undefined
      ? WorkQueueMode.POD_PER_ITEM
      : WorkQueueMode.VARIABLE_POD_COUNT);
    const syncWave = props.syncWave ?? 0;
    const pattern = mode === WorkQueueMode.POD_PER_ITEM ? JobPattern.WORK_QUEUE_POD_PER_ITEM : JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT;
    super(scope, id, checkedProps({
      ...props,
      // The Job's own wave, so that its identity (and every child's wave) knows it.
      metadata: { ...props.metadata, annotations: { ...props.metadata?.annotations, [SYNC_WAVE_ANNOTATION]: `${syncWave}` } },
      // Contradictions are rejected below; until then BatchJob only gets what it may check itself.
      completions: mode === WorkQueueMode.POD_PER_ITEM ? props.completions ?? positive(props.queue?.itemCount) : undefined,
      parallelism: props.parallelism ?? PATTERN_CATALOGUE[pattern].defaults.parallelism,
      pattern,
    }));
    this.mode = mode;
    this.syncWave = syncWave;
    this.checkWorkQueueProps(props);

    this.queue = props.queue._bind(this, this.identity, {
      queueWave: this.syncWave - 2,
      fillerWave: this.syncWave - 1,
      partOf: props.partOf,
      omitDefaults: props.omitDefaults,
      kueue: props.kueue,
    });
    this.apiObject.metadata.addAnnotation(JobPatternAnnotations.QUEUE, this.queue.address.host);
    for (const before of [this.queue.deployment, this.queue.service, this.queue.filler]) {
      if (before !== undefined) {
        this.apiObject.addDependency(before);
      }
    }
  }

  /** The queue's address in the workers' environment, and what they wait on (see `WorkQueue`). */
  protected patternPod(): PatternPod {
    return (this.props as WorkQueueJobProps).queue._workerPod(this.identity);
  }

  private checkWorkQueueProps(props: WorkQueueJobProps): void {
    const itemCount = props.queue.itemCount;
    if (this.mode === WorkQueueMode.VARIABLE_POD_COUNT && props.completions !== undefined) {
      propError(this, {
        prop: 'completions',
        value: props.completions,
        allowed: 'must be unset when mode is WorkQueueMode.VARIABLE_POD_COUNT (the Job completes once any pod succeeded and all pods ended)',
        fix: 'Remove completions, or use mode: WorkQueueMode.POD_PER_ITEM for one pod per work item.',
      });
    }
    if (this.mode === WorkQueueMode.POD_PER_ITEM && props.completions === undefined && itemCount === undefined) {
      propError(this, {
        prop: 'completions',
        value: props.completions,
        allowed: 'must be set when mode is WorkQueueMode.POD_PER_ITEM and the queue does not know its number of items',
        fix: 'Set completions to the number of work items, or use mode: WorkQueueMode.VARIABLE_POD_COUNT.',
      });
    }
    if (props.completions !== undefined && itemCount !== undefined && props.completions !== itemCount) {
      propError(this, {
        prop: 'completions',
        value: props.completions,
        allowed: `must equal the number of work items the queue is filled with (${itemCount})`,
        fix: 'Remove completions: it is derived from the queue\'s items.',
      });
    }
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) {
      propError(this, {
        prop: 'syncWave',
        value: props.syncWave,
        allowed: 'must be a whole number (Argo CD sync waves are integers, negative ones included)',
        fix: 'Use a whole number such as 0 or -1.',
      });
    }
    rejectReservedEnv(this, 'container', props.container.envVariables, [WorkQueueEnv.HOST, WorkQueueEnv.PORT, WorkQueueEnv.NAME],
      'is set by the WorkQueueJob from the queue\'s address',
      'Remove it; to reach another queue, pass it as queue: WorkQueue.fromAddress({ host, port, name }).');
  }
}

/** `n` when it is a valid completions count, undefined otherwise (an empty queue is rejected when bound). */
function positive(n: number | undefined): number | undefined {
  return n !== undefined && n >= 1 ? n : undefined;
}
