// What the synth benchmark builds: which patterns, how many of each, and the implementations it
// compares. Imports nothing, so that any case can load it.

/** The patterns of the synth benchmark. */
export type PatternId = 'expansion' | 'single' | 'fixed' | 'queue' | 'static' | 'controller';

/** A workload: one pattern in an app of its own, or every pattern together in one app (`all`). */
export type WorkloadId = PatternId | 'all';

/** The ways of producing the same Jobs. */
export type ImplId = 'ours' | 'raw' | 'kplus' | 'yaml' | 'floor';

/** What a case measures: construct + toJson of every object, or the full `app.synth()` to disk. */
export type ModeId = 'json' | 'synth';

export interface PatternSpec {
  readonly id: PatternId;
  /** Our construct. */
  readonly construct: string;
  /** How many Jobs (instances) by default. */
  readonly count: number;
  /** Objects per instance besides the Job. */
  readonly extra: string;
}

export const PATTERNS: readonly PatternSpec[] = [
  { id: 'expansion', construct: 'JobTemplateExpansion', count: 10_000, extra: '' },
  { id: 'single', construct: 'SingleBatchJob', count: 1_000, extra: '' },
  { id: 'fixed', construct: 'FixedCompletionJob', count: 1_000, extra: '' },
  { id: 'queue', construct: 'WorkQueueJob (fromAddress)', count: 1_000, extra: '' },
  { id: 'static', construct: 'StaticWorkAssignmentJob', count: 1_000, extra: '+ ConfigMap each' },
  { id: 'controller', construct: 'ControllerPodJob', count: 1_000, extra: '+ SA, Role, RoleBinding each' },
];

/** The patterns of a workload of `count` Jobs, with their counts (`all` splits `count` as PATTERNS do). */
export function parts(workload: WorkloadId, count: number): Array<[PatternId, number]> {
  if (workload !== 'all') return [[workload, count]];
  const total = PATTERNS.reduce((a, p) => a + p.count, 0);
  return PATTERNS.map(p => [p.id, Math.max(1, Math.round(p.count * count / total))]);
}

/** The default number of Jobs of a workload. */
export function defaultCount(workload: WorkloadId): number {
  return workload === 'all' ? PATTERNS.reduce((a, p) => a + p.count, 0) : PATTERNS.find(p => p.id === workload)!.count;
}

export const IMPLS: Readonly<Record<ImplId, string>> = {
  ours: 'our constructs',
  raw: 'raw cdk8s ApiObject',
  kplus: 'plain kplus.Job',
  yaml: 'yaml stringify (floor)',
  floor: 'validated floor: the literals as objects the library renders once, validated',
};
