import * as kplus from 'cdk8s-plus-28';
import {
  BatchJob, BatchJobProps, CompletionMode, GitOpsPolicy, HookPhase, JobPatternsError, KueueQueue, PodFailurePolicyAction, PodFailurePolicyOperator, validateManifests,
} from '../../index';
import { JOB_INVARIANTS } from '../../lib/core/job-rules';
import { chart, CONTAINER, job, Manifest } from '../util';

// The rulebook (lib/core/job-rules.ts) is read by both sides: a BatchJob's constructor refuses the
// props, and the validator reports the same Job written by hand. Each row is one Job, once as props
// and once as the manifest those props would render; both sides must give the same answer.

const RULE_IDS = new Set<string>(Object.values(JOB_INVARIANTS).map(i => i.ruleId));
const KUEUE_QUEUE = { 'kueue.x-k8s.io/queue-name': 'batch' };
const HOOK = { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' };
const EXIT_CODE_RULE = { action: PodFailurePolicyAction.FAIL_JOB, onExitCodes: { operator: PodFailurePolicyOperator.IN, values: [42] } };

interface Row {
  /** The Job's props (besides its container). */
  readonly props: Partial<BatchJobProps>;
  /** The same Job as Kubernetes writes it: its spec fields, and its metadata. */
  readonly spec: Record<string, unknown>;
  readonly metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** The pod's restartPolicy in the manifest (the props' own, or the default Never). */
  readonly restartPolicy?: string;
  /** The rule both refuse it by (the constructor names the rule's prop), or undefined: both accept it. */
  readonly refused?: keyof typeof JOB_INVARIANTS;
  /** Rules the Job breaks after `refused`: the validator reports them too, the constructor stops at the first. */
  readonly alsoBroken?: ReadonlyArray<keyof typeof JOB_INVARIANTS>;
}

const ROWS: Array<[string, Row]> = [
  ['Indexed with parallelism but no completions', { props: { completionMode: CompletionMode.INDEXED, parallelism: 2 }, spec: { completionMode: 'Indexed', parallelism: 2 }, refused: 'INDEXED_NEEDS_COMPLETIONS' }],
  ['Indexed with neither completions nor parallelism (one index)', { props: { completionMode: CompletionMode.INDEXED }, spec: { completionMode: 'Indexed' } }],
  ['Indexed with completions', { props: { completionMode: CompletionMode.INDEXED, completions: 3, parallelism: 2 }, spec: { completionMode: 'Indexed', completions: 3, parallelism: 2 } }],
  ['a pod failure policy with restartPolicy OnFailure', {
    props: { restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: [EXIT_CODE_RULE] },
    spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } },
    restartPolicy: 'OnFailure',
    refused: 'POD_FAILURE_POLICY_NEEDS_NEVER',
  }],
  ['a pod failure policy with restartPolicy Never', { props: { podFailurePolicy: [EXIT_CODE_RULE] }, spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } } }],
  ['backoffLimitPerIndex without Indexed', { props: { completions: 3, backoffLimitPerIndex: 1 }, spec: { completions: 3, backoffLimitPerIndex: 1 }, refused: 'PER_INDEX_NEEDS_INDEXED' }],
  ['maxFailedIndexes without backoffLimitPerIndex', {
    props: { completionMode: CompletionMode.INDEXED, completions: 3, maxFailedIndexes: 1 },
    spec: { completionMode: 'Indexed', completions: 3, maxFailedIndexes: 1 },
    refused: 'MAX_FAILED_NEEDS_PER_INDEX',
  }],
  ['restartPolicy Always (from JavaScript)', { props: { restartPolicy: kplus.RestartPolicy.ALWAYS }, spec: {}, restartPolicy: 'Always', refused: 'RESTART_POLICY' }],
  ['a suspended Argo CD hook', { props: { suspend: true, gitOps: GitOpsPolicy.hook({ phase: HookPhase.SYNC }) }, spec: { suspend: true }, metadata: { annotations: HOOK }, refused: 'SUSPENDED_HOOK' }],
  ['a suspended Argo CD hook queued by Kueue (Kueue suspends it itself)', {
    props: { suspend: true, gitOps: GitOpsPolicy.hook({ phase: HookPhase.SYNC }), metadata: { labels: KUEUE_QUEUE } },
    spec: { suspend: true },
    metadata: { labels: KUEUE_QUEUE, annotations: HOOK },
    refused: 'SUSPENDED_HOOK',
    alsoBroken: ['QUEUED_SUSPEND', 'QUEUED_HOOK'],
  }],
  ['an Argo CD hook queued by Kueue', {
    props: { gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), kueue: KueueQueue.localQueue('batch') },
    spec: {},
    metadata: { labels: KUEUE_QUEUE, annotations: { ...HOOK, 'argocd.argoproj.io/hook': 'PreSync' } },
    refused: 'QUEUED_HOOK',
  }],
  ['an Argo CD hook that is not queued', { props: { gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }) }, spec: {}, metadata: { annotations: HOOK } }],
  ['a Job queued by Kueue that writes suspend: false', { props: { suspend: false, metadata: { labels: KUEUE_QUEUE } }, spec: { suspend: false }, metadata: { labels: KUEUE_QUEUE }, refused: 'QUEUED_SUSPEND' }],
  ['a Job queued through the kueue prop that writes suspend: true', { props: { suspend: true, gitOps: GitOpsPolicy.none(), kueue: KueueQueue.localQueue('batch') }, spec: { suspend: true }, metadata: { labels: KUEUE_QUEUE }, refused: 'QUEUED_SUSPEND' }],
  ['a Job queued by Kueue that writes no suspend', { props: { kueue: KueueQueue.localQueue('batch') }, spec: {}, metadata: { labels: KUEUE_QUEUE } }],
  ['a suspended Job that is not a hook', { props: { suspend: true, gitOps: GitOpsPolicy.none() }, spec: { suspend: true } }],
];

/** The rulebook's rule ids the validator reports for the manifest of `row`. */
function validatorAnswer(row: Row): string[] {
  // A Job the validator accepts, with the row's fields written over it.
  const c = chart();
  new BatchJob(c, 'j', { metadata: { name: 'j' }, container: CONTAINER, gitOps: GitOpsPolicy.none() });
  const m: Manifest = job(c);
  m.metadata.labels = { ...m.metadata.labels, ...row.metadata?.labels };
  m.metadata.annotations = { ...m.metadata.annotations, ...row.metadata?.annotations };
  Object.assign(m.spec, row.spec);
  m.spec.template.spec.restartPolicy = row.restartPolicy ?? 'Never';
  return validateManifests([m]).errors.map(f => f.ruleId).filter(id => RULE_IDS.has(id));
}

/** The prop the constructor refuses, or undefined when it builds the Job. */
function constructorAnswer(row: Row): string | undefined {
  try {
    new BatchJob(chart(), 'j', { metadata: { name: 'j' }, container: CONTAINER, ...row.props });
    return undefined;
  } catch (e) {
    if (!(e instanceof JobPatternsError)) throw e;
    return e.prop;
  }
}

describe('the rulebook of Job invariants: the constructor and the validator give the same answer', () => {
  test.each(ROWS)('%s', (_name, row) => {
    const invariant = row.refused === undefined ? undefined : JOB_INVARIANTS[row.refused];
    expect(constructorAnswer(row)).toBe(invariant?.prop);
    expect(validatorAnswer(row)).toEqual(invariant ? [invariant.ruleId, ...(row.alsoBroken ?? []).map(k => JOB_INVARIANTS[k].ruleId)] : []);
  });

  test('every invariant has a row that breaks it', () => {
    expect(new Set(ROWS.map(([, row]) => row.refused).filter(r => r !== undefined))).toEqual(new Set(Object.keys(JOB_INVARIANTS)));
  });

  test('fails when a suspended hook is queued by Kueue, naming the fix', () => {
    expect(() => new BatchJob(chart(), 'j', { container: CONTAINER, suspend: true, gitOps: GitOpsPolicy.hook(), metadata: { labels: KUEUE_QUEUE } }))
      .toThrow("test/j (BatchJob): 'suspend' must not be true under gitOps GitOpsPolicy.hook({ phase: 'Sync', deletePolicy: 'BeforeHookCreation' }): Argo CD counts a suspended hook as running, so the sync waits for it forever, got true. "
        + 'Remove suspend (a Job queued by Kueue is suspended by Kueue itself), or use another gitOps policy for a Job that something else resumes.');
  });

  test('fails when an Argo CD hook is queued by Kueue, naming the fix', () => {
    expect(() => new BatchJob(chart(), 'j', { container: CONTAINER, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), kueue: KueueQueue.localQueue('batch') }))
      .toThrow("test/j (BatchJob): 'kueue' must not queue an Argo CD hook (gitOps GitOpsPolicy.hook({ phase: 'PreSync', deletePolicy: 'BeforeHookCreation' })): Argo CD counts the hook as finished as soon as Kueue admits it, and the sync goes on before the hook ran, "
        + "got 'batch'. Leave kueue out of a hook (it then runs without waiting for quota), or use GitOpsPolicy.runOncePerSpec() for a queued Job that nothing later in the sync waits for.");
  });

  test('fails when an Indexed Job sets parallelism without completions', () => {
    expect(() => new BatchJob(chart(), 'j', { container: CONTAINER, completionMode: CompletionMode.INDEXED, parallelism: 2 }))
      .toThrow("test/j (BatchJob): 'completions' must be set when completionMode is 'Indexed' and parallelism is set (parallelism is 2; with neither, Kubernetes runs one index), got undefined. Set completions to the number of indexes.");
  });
});
