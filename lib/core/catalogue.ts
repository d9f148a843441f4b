import { CompletionMode } from './job-spec';

/** The documented Job patterns. The value is written to the `job-patterns.cdk8s.io/pattern` annotation. */
export enum JobPattern {
  /** One pod runs to completion (non-parallel Job). */
  SINGLE_BATCH = 'single-batch',
  /** A fixed number of successful pods (`completions` N, `parallelism` P). */
  FIXED_COMPLETION = 'fixed-completion',
  /** Queue with pod per work item: `completions` = number of items. */
  WORK_QUEUE_POD_PER_ITEM = 'work-queue-pod-per-item',
  /** Queue with variable pod count: `completions` unset, workers exit 0 when the queue is drained. */
  WORK_QUEUE_VARIABLE_POD_COUNT = 'work-queue-variable-pod-count',
  /** Template expansion: one Job per work item. */
  TEMPLATE_EXPANSION = 'template-expansion',
  /** Static work assignment: one Indexed Job, one index per work item. */
  STATIC_WORK_ASSIGNMENT = 'static-work-assignment',
  /** A single controller pod that creates and manages other pods or Jobs. */
  CONTROLLER_POD = 'controller-pod',
  /** Pod-to-pod communication: an Indexed Job whose pods all run at once and find each other through a headless Service. */
  POD_TO_POD = 'pod-to-pod',
  /** A `BatchJob` used directly, with no pattern rules beyond the Job's own. */
  CUSTOM = 'custom',
}

/** The fields of a Job spec that make a pattern's shape, as a manifest has them. */
export interface JobShape {
  readonly completions?: number;
  readonly parallelism?: number;
  readonly completionMode?: string;
}

/** The shape fields a pattern's construct fixes, as `BatchJobProps`. */
export interface FixedShape {
  readonly completions?: number;
  readonly parallelism?: number;
  readonly completionMode?: CompletionMode;
}

/** One pattern: what it is called, which construct makes it, and the shape its Job must have. */
export interface PatternEntry {
  /** Its name in the Kubernetes docs (the job-patterns table, or the page's own words). */
  readonly title: string;
  /** The construct that makes it, as the README's pattern table shows it. */
  readonly construct: string;
  /** Its page of the docs, `docs/patterns/<page>.md`, which the README's pattern table links. */
  readonly page: string;
  /** `completions` as the README's pattern table shows it. */
  readonly completions: string;
  /** `parallelism` as the README's pattern table shows it. */
  readonly parallelism: string;
  /** The `app.kubernetes.io/component` of its Job (its pods do the pattern's work). */
  readonly component: string;
  /** Fields its construct always writes (the pattern fixes them). */
  readonly fixed: FixedShape;
  /** Fields its construct writes unless the user sets them (its defaults; a test pins each). */
  readonly defaults: FixedShape;
  /**
   * The most pods its construct runs at once unless `parallelism` is set, when the default is the
   * number of work items (a static work assignment): `min(items, maxDefaultParallelism)`.
   */
  readonly maxDefaultParallelism?: number;
  /** What its Job's spec must have, in words (for the message of `job/pattern-shape`). */
  readonly shape: string;
  /** True when a Job spec has that shape (the rule `job/pattern-shape`). */
  matches(spec: JobShape): boolean;
}

const unsetOrOne = (value: number | undefined) => value === undefined || value === 1;
const ONE_POD = (spec: JobShape) => unsetOrOne(spec.completions) && unsetOrOne(spec.parallelism);

/** `parallelism` of the patterns whose user picks it, unless set: one pod at a time, as Kubernetes does. */
const DEFAULT_PARALLELISM = 1;
/** The default `parallelism` of a static work assignment is the number of items, at most this. */
const MAX_DEFAULT_PARALLELISM_OF_ITEMS = 10;
/** The README's text of a `parallelism` the user picks, with its default. */
const userParallelism = (defaultText: string | number) => `P (default ${defaultText})`;

/**
 * Every pattern, in one table: the constructors take their fixed fields, their defaults and their
 * component from it, the rule `job/pattern-shape` checks Jobs against it (`shape`, `matches`), and
 * the README's pattern table is tested against it (`title`, `page`, `construct`, `completions`,
 * `parallelism`, whose text is built from the same values). A new pattern starts with a row here
 * (and a `JobPattern` value).
 * @internal
 */
export const PATTERN_CATALOGUE: Readonly<Record<JobPattern, PatternEntry>> = {
  [JobPattern.SINGLE_BATCH]: {
    title: 'Non-parallel Job (single batch)', construct: '`SingleBatchJob`', page: 'single-batch', completions: '1', parallelism: '1',
    component: 'job', fixed: { completions: 1, parallelism: 1 }, defaults: {},
    shape: 'completions 1 and parallelism 1', matches: ONE_POD,
  },
  [JobPattern.FIXED_COMPLETION]: {
    title: 'Fixed completion count', construct: '`FixedCompletionJob`', page: 'fixed-completion', completions: 'N', parallelism: userParallelism(DEFAULT_PARALLELISM),
    component: 'job', fixed: {}, defaults: { parallelism: DEFAULT_PARALLELISM, completionMode: CompletionMode.NON_INDEXED },
    shape: 'completions set to the number of successes (work items)', matches: spec => spec.completions !== undefined,
  },
  [JobPattern.WORK_QUEUE_POD_PER_ITEM]: {
    title: 'Queue with pod per work item', construct: '`WorkQueueJob` (`WorkQueueMode.POD_PER_ITEM`)', page: 'work-queue', completions: 'W (derived from the items)', parallelism: userParallelism(DEFAULT_PARALLELISM),
    component: 'worker', fixed: {}, defaults: { parallelism: DEFAULT_PARALLELISM },
    shape: 'completions set to the number of successes (work items)', matches: spec => spec.completions !== undefined,
  },
  [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT]: {
    title: 'Queue with variable pod count', construct: '`WorkQueueJob` (`WorkQueueMode.VARIABLE_POD_COUNT`)', page: 'work-queue', completions: 'unset', parallelism: userParallelism(DEFAULT_PARALLELISM),
    component: 'worker', fixed: {}, defaults: { parallelism: DEFAULT_PARALLELISM },
    shape: 'completions unset (any success ends the Job once all pods ended)', matches: spec => spec.completions === undefined,
  },
  [JobPattern.TEMPLATE_EXPANSION]: {
    title: 'Job template expansion', construct: '`JobTemplateExpansion` (one Job per item)', page: 'template-expansion', completions: '1 each', parallelism: '1 each',
    component: 'job', fixed: { completions: 1, parallelism: 1 }, defaults: {},
    shape: 'completions 1 and parallelism 1', matches: ONE_POD,
  },
  [JobPattern.STATIC_WORK_ASSIGNMENT]: {
    title: 'Single Job with static work assignment', construct: '`StaticWorkAssignmentJob` (Indexed)', page: 'static-work-assignment', completions: 'W (derived from the items)', parallelism: userParallelism(`W, at most ${MAX_DEFAULT_PARALLELISM_OF_ITEMS}`),
    component: 'job', fixed: { completionMode: CompletionMode.INDEXED }, defaults: {}, maxDefaultParallelism: MAX_DEFAULT_PARALLELISM_OF_ITEMS,
    shape: "completionMode 'Indexed' and completions set to the number of work items",
    matches: spec => spec.completions !== undefined && spec.completionMode === CompletionMode.INDEXED,
  },
  [JobPattern.CONTROLLER_POD]: {
    title: 'Single Job starts a controller pod', construct: '`ControllerPodJob`', page: 'controller-pod', completions: '1', parallelism: '1',
    component: 'controller', fixed: { completions: 1, parallelism: 1 }, defaults: {},
    shape: 'completions 1 and parallelism 1', matches: ONE_POD,
  },
  [JobPattern.POD_TO_POD]: {
    title: 'Job with pod-to-pod communication', construct: '`PodToPodJob` (Indexed, headless Service)', page: 'pod-to-pod', completions: 'N', parallelism: 'N (all at once)',
    component: 'peer', fixed: { completionMode: CompletionMode.INDEXED }, defaults: {},
    shape: "completionMode 'Indexed' and parallelism equal to completions (every pod runs at once)",
    matches: spec => spec.completions !== undefined && spec.completionMode === CompletionMode.INDEXED && spec.parallelism === spec.completions,
  },
  [JobPattern.CUSTOM]: {
    title: 'Any other shape', construct: '`BatchJob`', page: 'batch-job', completions: 'any', parallelism: 'any',
    component: 'job', fixed: {}, defaults: {},
    shape: 'any shape', matches: () => true,
  },
};

/** The catalogue's row of `pattern`, or undefined for a value that names no pattern. */
export function patternEntry(pattern: string): PatternEntry | undefined {
  return (PATTERN_CATALOGUE as Record<string, PatternEntry | undefined>)[pattern];
}
