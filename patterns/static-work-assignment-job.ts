import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions } from '../lib/core/job-options';
import { propError, rejectReservedEnv } from '../lib/core/errors';
import { nameWithHash } from '../lib/core/hash';
import { JobIdentity } from '../lib/core/identity';
import { PatternResource } from '../lib/core/pattern-resource';
import { WorkItems } from '../lib/core/work-items';

/** This pattern's row of the catalogue: its fixed shape and its default parallelism. */
const PATTERN = PATTERN_CATALOGUE[JobPattern.STATIC_WORK_ASSIGNMENT];

/** The API server rejects a ConfigMap whose keys and values add up to more than 1 MiB. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/** The annotation the Job controller writes each pod's index to (and reads JOB_COMPLETION_INDEX from). */
const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/**
 * Properties of a {@link StaticWorkAssignmentJob}.
 */
export interface StaticWorkAssignmentJobProps extends JobOptions {
  /**
   * The work items: item `i` goes to the pod with index `i`. `completions` is their number.
   * A string item is written as it is; a record as JSON (`{"city":"paris","day":"mon"}`).
   */
  readonly items: WorkItems;

  /**
   * How many pods may run at once (>= 0; 0 pauses the Job).
   *
   * @default - the number of items, at most 10
   */
  readonly parallelism?: number;

  /**
   * Retries per index before that index fails (the others go on). Alpha on Kubernetes 1.28:
   * a synth warning says so.
   *
   * @default - no per-index limit (failures count against backoffLimit)
   */
  readonly backoffLimitPerIndex?: number;

  /**
   * Failed indexes tolerated before the Job fails (needs `backoffLimitPerIndex`).
   *
   * @default - no limit
   */
  readonly maxFailedIndexes?: number;

  /**
   * Where the work-items ConfigMap is mounted (read-only) in the main container. The pod with
   * index `i` reads its item from `<mountPath>/<i>`, which is also in `WORK_ITEM_FILE`.
   *
   * @default '/etc/work-items'
   */
  readonly mountPath?: string;
}

/**
 * Static work assignment: one Indexed Job whose pod `i` works on item `i` (the seeds' "Single
 * Job with Static Work Assignment" pattern: completions W, parallelism any).
 *
 * The items go into a ConfigMap (`<job base name>-work-items`, one key per index: `0`, `1`, ...;
 * under `GitOpsPolicy.runOncePerSpec()` and `recreateOnChange()` with a hash of the items appended,
 * so that new items are a new Job spec), mounted read-only at `/etc/work-items` in the main container. The container gets
 * `JOB_COMPLETION_INDEX` (its index, as the Job controller would set it) and `WORK_ITEM_FILE`
 * (`/etc/work-items/<index>`), so the worker only reads a file: `cat "$WORK_ITEM_FILE"`.
 *
 * @example
 * new StaticWorkAssignmentJob(chart, 'render', {
 *   metadata: { name: 'render' },
 *   items: WorkItems.fromList(['frame-001', 'frame-002', 'frame-003']),
 *   container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo rendering $(cat "$WORK_ITEM_FILE")'] },
 * });
 */
export class StaticWorkAssignmentJob extends BatchJob {
  /** The env var that holds the path of the pod's work item file. */
  public static readonly WORK_ITEM_FILE_ENV = 'WORK_ITEM_FILE';
  /** The env var that holds the pod's index (the Job controller's own name for it). */
  public static readonly COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
  /** The default `mountPath`. */
  public static readonly DEFAULT_MOUNT_PATH = '/etc/work-items';

  /**
   * The ConfigMap that holds the items, one key per index. Its data are the items: change them
   * through `items`, not afterwards.
   */
  public readonly configMap: kplus.IConfigMap;
  /** The ConfigMap's volume, mounted at {@link mountPath}. */
  public readonly volume: kplus.Volume;
  /** The work items. */
  public readonly items: WorkItems;
  /** Effective `mountPath`. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, props: StaticWorkAssignmentJobProps) {
    super(scope, id, {
      ...props,
      // An empty list is reported by items._check() below, once `this` exists; at least 1 here
      // keeps BatchJob from reporting it as a completions error first.
      completions: Math.max(props.items?.length ?? 0, 1),
      parallelism: props.parallelism ?? Math.min(props.items?.length ?? 0, PATTERN.maxDefaultParallelism!),
      ...PATTERN.fixed,
      pattern: JobPattern.STATIC_WORK_ASSIGNMENT,
    });
    props.items._check(this, 'items');
    this.items = props.items;
    this.mountPath = props.mountPath ?? StaticWorkAssignmentJob.DEFAULT_MOUNT_PATH;
    this.checkMountPath();
    this.checkReservedEnv(props.container);

    const data: Record<string, string> = {};
    for (const [index, item] of this.items.items.entries()) {
      data[String(index)] = this.items._source === 'fromList' ? item.params[WorkItems.ITEM_PARAM] : JSON.stringify(item.params);
    }
    this.checkSize(data);
    this.configMap = new PatternResource(this, 'WorkItems', 'configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: this.identity.childMetadata(workItemsName(this.identity, data), 'work-items'),
      data,
      // As cdk8s-plus' ConfigMap wrote it, which this pattern used until 0.3: the YAML stays the same.
      immutable: false,
    });
    // Written before the Job, so `kubectl apply -f` creates it first.
    this.apiObject.addDependency(ApiObject.of(this.configMap));
    this.volume = kplus.Volume.fromConfigMap(this, 'WorkItemsVolume', this.configMap, { name: 'work-items' });

    const main = this.containers[0];
    main.mount(this.mountPath, this.volume, { readOnly: true });
    // Set here so WORK_ITEM_FILE, which comes after it, can refer to it: the controller appends its
    // own JOB_COMPLETION_INDEX (same source) only to containers that lack one, after the others.
    main.env.addVariable(StaticWorkAssignmentJob.COMPLETION_INDEX_ENV,
      kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_ANNOTATION, { key: COMPLETION_INDEX_ANNOTATION }));
    main.env.addVariable(StaticWorkAssignmentJob.WORK_ITEM_FILE_ENV,
      kplus.EnvValue.fromValue(`${this.mountPath}/$(${StaticWorkAssignmentJob.COMPLETION_INDEX_ENV})`));
  }

  private checkMountPath(): void {
    if (!this.mountPath.startsWith('/') || this.mountPath.length < 2 || this.mountPath.endsWith('/') || this.mountPath.includes(':')) {
      propError(this, {
        prop: 'mountPath',
        value: this.mountPath,
        allowed: "must be an absolute directory path, not '/', without a trailing '/' or ':'",
        fix: `Use a path such as '${StaticWorkAssignmentJob.DEFAULT_MOUNT_PATH}'.`,
      });
    }
  }

  private checkReservedEnv(container: kplus.ContainerProps): void {
    rejectReservedEnv(this, 'container', container.envVariables, [StaticWorkAssignmentJob.COMPLETION_INDEX_ENV, StaticWorkAssignmentJob.WORK_ITEM_FILE_ENV],
      'is set by StaticWorkAssignmentJob (the pod\'s index and the path of its work item)',
      `Remove it; the worker reads its item from the file named in ${StaticWorkAssignmentJob.WORK_ITEM_FILE_ENV}.`);
  }

  private checkSize(data: Record<string, string>): void {
    let bytes = 0;
    for (const [key, value] of Object.entries(data)) {
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (bytes > MAX_CONFIG_MAP_BYTES) {
      propError(this, {
        prop: 'items',
        value: `${bytes} bytes`,
        allowed: `must fit in one ConfigMap (at most ${MAX_CONFIG_MAP_BYTES} bytes of keys and values)`,
        fix: 'Pass references (object-store keys, URLs) instead of contents, or split the items over several Jobs.',
      });
    }
  }
}

/**
 * `<job base name>-work-items`, and when a changed spec replaces the Job (`runOncePerSpec()`,
 * `recreateOnChange()`) `<...>-<8 hex of the items>`: the Job spec names the ConfigMap, so new
 * items are a new spec (a new Job, or a re-created one) that reads a ConfigMap of its own.
 */
function workItemsName(job: JobIdentity, data: Record<string, string>): string {
  const name = job.childName('work-items');
  if (!job.gitOps.replacesOnChange) {
    return name;
  }
  // One hash of the full name and the items: two long names that share their first 54 characters stay apart.
  // Keys written in sorted order: canonicalJson then takes the native JSON.stringify (the hash is the same either way).
  return nameWithHash(name, { data, name });
}
