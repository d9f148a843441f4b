// `job-patterns plan` (lib/runtime/plan.ts) against a previous synth: every verdict, from manifests
// the library synthesizes (and a few written by hand, as users' charts hold them).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  GitOpsPolicy, HookPhase, jobBaseName, SingleBatchJob, StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { Manifest } from '../../lib/runtime/manifests';
import { asApplied, baseName, LiveJobStatus, Plan, PLAN_EXIT_CODES, PlanAction, PlanEntry, planChanges, PlanOptions, textPlan, markdownPlan } from '../../lib/runtime/plan';
import { runCli } from './run-cli';

const IMAGE = 'busybox:1.36.1';

/** The manifests of a chart (namespace batch) that `build` fills. */
function synthOf(build: (c: Chart) => void): Manifest[] {
  const c = new Chart(Testing.app(), 'c', { namespace: 'batch' });
  build(c);
  return Testing.synth(c) as Manifest[];
}

/** A plan of `current` against `previous`. */
function plan(current: Manifest[], previous: Manifest[], options: Partial<PlanOptions> = {}): Plan {
  return planChanges(current, previous, { baseline: 'the last synth', ...options });
}

/** The entry of the Job (or other object) named `name` or `name-<hash>`; of this synth's rather than a pruned one. */
function entry(p: Plan, name: string, kind = 'Job'): PlanEntry {
  const named = [...p.jobs, ...p.dependencies, ...p.others].filter(e => e.kind === kind && (e.name === name || e.name.replace(/-[0-9a-f]{8}$/, '') === name));
  const found = named.length > 1 ? named.filter(e => e.action !== PlanAction.PRUNED) : named;
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.map(e => `${e.name} (${e.action})`).join(', ') || 'none'}`);
  return found[0];
}

/** `name: action` of every Job, hashes masked. */
function actions(p: Plan): string[] {
  return p.jobs.map(j => `${j.name.replace(/-[0-9a-f]{8}$/, '-<hash>')}: ${j.action}`);
}

const job = (c: Chart, id: string, extra: Partial<ConstructorParameters<typeof SingleBatchJob>[2]> = {}) =>
  new SingleBatchJob(c, id, { metadata: { name: id }, container: { name: 'main', image: IMAGE, command: ['true'] }, ...extra });

describe('plan against a previous synth: one verdict per Job', () => {
  test('unchanged: the same manifests; nothing runs and the sync passes', () => {
    const build = (c: Chart) => { job(c, 'migrate'); job(c, 'by-hand', { gitOps: GitOpsPolicy.none() }); };
    const p = plan(synthOf(build), synthOf(build));
    expect(actions(p)).toEqual(['migrate-<hash>: unchanged', 'by-hand: unchanged']);
    expect([p.exitCode, p.jobs.some(j => j.runs)]).toEqual([0, false]);
    expect(p.summary).toBe('0 Job(s) will run (0 new, 0 again under a new name, 0 replaced, 0 hook(s) on every sync), 0 pruned, 0 changed in place, 2 unchanged; the sync will pass');
  });

  test('new: a Job the baseline lacks runs for the first time', () => {
    const p = plan(synthOf(c => { job(c, 'migrate'); job(c, 'backfill'); }), synthOf(c => job(c, 'migrate')));
    expect(entry(p, 'backfill')).toMatchObject({ action: PlanAction.NEW, runs: true, reason: 'a new Job: Argo CD creates it, and it runs' });
  });

  test('runs again: a changed spec under runOncePerSpec() is a new name, with the fields that changed; the old Job is pruned', () => {
    // GIVEN a new image
    const before = synthOf(c => job(c, 'migrate'));
    const after = synthOf(c => job(c, 'migrate', { container: { name: 'main', image: 'busybox:1.37.0', command: ['true'] } }));

    // WHEN
    const p = plan(after, before);

    // THEN
    const [oldName, newName] = [before[0].metadata.name, after[0].metadata.name];
    expect(p.jobs.map(j => [j.name, j.action, j.runs])).toEqual([[newName, PlanAction.RUNS_AGAIN, true], [oldName, PlanAction.PRUNED, false]]);
    const runsAgain = p.jobs[0];
    expect(runsAgain).toMatchObject({ replaces: oldName, policy: 'run-once-per-spec', pattern: 'single-batch' });
    expect(runsAgain.changes).toEqual([{ path: 'spec.template.spec.containers[main].image', before: IMAGE, after: 'busybox:1.37.0' }]);
    expect(runsAgain.reason).toBe(`a new name for migrate (its spec changed: 1 field(s) changed): a new Job, which runs again; ${oldName} is pruned, its pods and their logs with it`);
    expect(p.jobs[1]).toMatchObject({ replacedBy: newName, reason: `no longer in Git: Argo CD prunes it (with pruning on), its pods and their logs with it; ${newName} takes its place` });
    expect(p.exitCode).toBe(PLAN_EXIT_CODES.OK);
  });

  test('changed in place: a stable name and only fields Kubernetes lets change (parallelism, suspend, deadline, backoff limit, TTL)', () => {
    const before = synthOf(c => job(c, 'by-hand', { gitOps: GitOpsPolicy.none() }));
    const after = synthOf(c => job(c, 'by-hand', {
      gitOps: GitOpsPolicy.none(), backoffLimit: 5, activeDeadline: Duration.hours(2), ttlAfterFinished: Duration.hours(3), suspend: true,
    }));
    const p = plan(after, before);
    expect(entry(p, 'by-hand')).toMatchObject({ action: PlanAction.CHANGED_IN_PLACE, runs: false, refused: [] });
    expect(entry(p, 'by-hand').changes.map(c => c.path)).toEqual(['spec.activeDeadlineSeconds', 'spec.backoffLimit', 'spec.suspend', 'spec.ttlSecondsAfterFinished']);
    expect(entry(p, 'by-hand').reason).toBe('patched in place: 4 field(s) changed, all of which Kubernetes lets change: the Job does not run again');
  });

  test('changed in place: a label of a runOncePerSpec Job (not in the spec hash) keeps its name', () => {
    const p = plan(synthOf(c => job(c, 'migrate', { partOf: 'shop' })), synthOf(c => job(c, 'migrate')));
    // partOf labels the pod template too: that is a new spec, so a new name.
    expect(entry(p, 'migrate').action).toBe(PlanAction.RUNS_AGAIN);
    const before = synthOf(c => job(c, 'migrate'));
    const after = before.map(m => ({ ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels, team: 'data' } } }));
    expect(entry(plan(after, before), 'migrate')).toMatchObject({ action: PlanAction.CHANGED_IN_PLACE, changes: [{ path: 'metadata.labels.team', after: 'data' }] });
  });

  test('changed in place: an Indexed Job\'s completions with parallelism, to the same value (elastic Indexed Job)', () => {
    const indexed = (completions: number, parallelism = completions): Manifest[] => [{
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'shards', namespace: 'batch' },
      spec: { completionMode: 'Indexed', completions, parallelism, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE }] } } },
    }];
    expect(entry(plan(indexed(4), indexed(3)), 'shards').action).toBe(PlanAction.CHANGED_IN_PLACE);
    const completionsOnly = indexed(4, 3);
    expect(entry(plan(completionsOnly, indexed(3)), 'shards').refused).toEqual([
      { field: 'spec.completions', rule: 'completions is immutable (an Indexed Job may change it only together with parallelism, to the same value)' },
    ]);
  });

  test('replaced and re-run: a changed recreateOnChange() Job is deleted and re-created', () => {
    const recreate = (image: string) => synthOf(c => job(c, 'reindex', { gitOps: GitOpsPolicy.recreateOnChange(), container: { name: 'main', image } }));
    const p = plan(recreate('busybox:1.37.0'), recreate(IMAGE));
    expect(entry(p, 'reindex')).toMatchObject({
      action: PlanAction.REPLACED, runs: true, policy: 'recreate-on-change',
      reason: 'changed: 1 field(s) changed; Force=true,Replace=true: Argo CD deletes and re-creates it, and it runs again',
    });
  });

  test('replaced and re-run: an unchanged recreateOnChange() Job whose ConfigMap changed (the sync applies every object), not with ApplyOutOfSyncOnly=true', () => {
    // GIVEN the user's own ConfigMap (a stable name) read by the Job; only its data changes
    const build = (value: string) => synthOf(c => {
      const config = new kplus.ConfigMap(c, 'settings', { metadata: { name: 'settings' }, data: { mode: value } });
      job(c, 'reindex', { gitOps: GitOpsPolicy.recreateOnChange(), container: { name: 'main', image: IMAGE, envFrom: [kplus.Env.fromConfigMap(config)] } });
    });

    // WHEN
    const p = plan(build('fast'), build('slow'));
    const outOfSyncOnly = plan(build('fast'), build('slow'), { applyOutOfSyncOnly: true });

    // THEN
    expect(entry(p, 'reindex')).toMatchObject({
      action: PlanAction.REPLACED, runs: true, changes: [], dependsOn: ['ConfigMap/settings'],
      reason: 'unchanged, but the sync applies every object (ConfigMap/settings changed) and Force=true,Replace=true deletes and re-creates it: it runs again. The Application option syncOptions: [ApplyOutOfSyncOnly=true] leaves it alone',
    });
    expect(entry(p, 'settings', 'ConfigMap')).toMatchObject({ action: PlanAction.CHANGED_IN_PLACE, usedBy: ['Job/reindex'] });
    expect(entry(outOfSyncOnly, 'reindex')).toMatchObject({ action: PlanAction.UNCHANGED, runs: false, reason: 'unchanged, although ConfigMap/settings changed: the Job does not run again (its spec did not change)' });
  });

  test('replaced and re-run when any other object changed; unchanged when nothing did (no sync)', () => {
    const build = (other: string) => synthOf(c => { job(c, 'reindex', { gitOps: GitOpsPolicy.recreateOnChange() }); job(c, other); });
    expect(entry(plan(build('b'), build('a')), 'reindex').reason).toContain('(other objects changed)');
    expect(entry(plan(build('a'), build('a')), 'reindex').action).toBe(PlanAction.UNCHANGED);
  });

  test('will fail to sync: a changed template of a none() Job names the field and the fix; exit 5', () => {
    const byHand = (image: string) => synthOf(c => job(c, 'by-hand', { gitOps: GitOpsPolicy.none(), container: { name: 'main', image } }));
    const p = plan(byHand('busybox:1.37.0'), byHand(IMAGE));
    expect(entry(p, 'by-hand')).toMatchObject({
      action: PlanAction.WILL_FAIL, runs: false,
      refused: [{ field: 'spec.template', rule: "a Job's pod template is immutable; here spec.containers[main].image" }],
      reason: 'keeps its name, and spec.template changed (a Job\'s pod template is immutable; here spec.containers[main].image): the API server refuses the patch ("field is immutable"), the sync fails and Argo CD retries it',
      fix: 'Use gitOps: GitOpsPolicy.runOncePerSpec() (a new Job for each spec) or GitOpsPolicy.recreateOnChange() (Argo CD deletes and re-creates it), or delete the Job before the sync (kubectl delete job -n batch by-hand; its pods and logs go with it).',
    });
    expect(p.exitCode).toBe(5);
    expect(p.summary).toBe('0 Job(s) will run (0 new, 0 again under a new name, 0 replaced, 0 hook(s) on every sync), 0 pruned, 0 changed in place, 0 unchanged; 1 object(s) will fail to sync: Job/by-hand');
  });

  test('will fail to sync: a Job written by hand (no library annotations) with another completionMode and pod failure policy', () => {
    const handJob = (spec: Record<string, unknown>): Manifest => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'manual', namespace: 'batch' },
      spec: { completions: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE }] } }, ...spec },
    });
    const p = plan([handJob({ completionMode: 'Indexed', podFailurePolicy: { rules: [] } })], [handJob({})]);
    expect(entry(p, 'manual')).toMatchObject({
      action: PlanAction.WILL_FAIL,
      refused: [{ field: 'spec.completionMode', rule: 'completionMode is immutable' }, { field: 'spec.podFailurePolicy', rule: 'podFailurePolicy is immutable' }],
      fix: 'Give the Job a new name for the new spec, or annotate it argocd.argoproj.io/sync-options: Force=true,Replace=true, or delete the Job before the sync (kubectl delete job -n batch manual; its pods and logs go with it).',
    });
  });

  test('will fail to sync: an object a Job uses, with an immutable field (a Deployment\'s selector)', () => {
    const deployment = (app: string): Manifest => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'queue', namespace: 'batch' },
      spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2.5' }] } } },
    });
    const p = plan([deployment('queue-v2')], [deployment('queue')]);
    expect(entry(p, 'queue', 'Deployment')).toMatchObject({ action: PlanAction.WILL_FAIL, refused: [{ field: 'spec.selector', rule: "a Deployment's selector is immutable" }] });
    expect(p.exitCode).toBe(5);
  });

  test('pruned: a Job gone from Git goes with its pods and logs; a hook or Prune=false is left in the cluster', () => {
    const before = synthOf(c => {
      job(c, 'once');
      job(c, 'smoke', { gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC }) });
      job(c, 'keep', { metadata: { name: 'keep', annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } } });
    });
    const p = plan([], before);
    expect(actions(p)).toEqual(['once-<hash>: pruned', 'smoke: left', 'keep-<hash>: left']);
    expect(entry(p, 'once').reason).toBe('no longer in Git: Argo CD prunes it (with pruning on), its pods and their logs with it');
    expect(entry(p, 'smoke').reason).toBe('no longer in Git, but Argo CD never prunes a hook: it stays in the cluster until deleted, and runs no more');
    expect(entry(p, 'keep').reason).toBe('no longer in Git, but its sync option Prune=false keeps it: it stays in the cluster until deleted, and runs no more');
  });

  test('hooks run on every sync, changed or not; a Skip hook never runs', () => {
    const build = () => synthOf(c => job(c, 'smoke', { gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC }) }));
    const skip: Manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'off', namespace: 'batch', annotations: { 'argocd.argoproj.io/hook': 'Skip' } }, spec: {} };
    const p = plan([...build(), skip], [...build(), skip]);
    expect(entry(p, 'smoke')).toMatchObject({ action: PlanAction.HOOK, runs: true, hook: 'PostSync', reason: 'an Argo CD PostSync hook: every sync creates it again, so it runs on every sync' });
    expect(entry(p, 'off')).toMatchObject({ action: PlanAction.HOOK, runs: false, reason: 'an Argo CD hook of type Skip: never applied' });
  });

  test('a Helm hook counts as the Argo CD hook it maps to', () => {
    const helm: Manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', annotations: { 'helm.sh/hook': 'pre-install,pre-upgrade' } }, spec: {} };
    expect(entry(plan([helm], []), 'migrate')).toMatchObject({ action: PlanAction.HOOK, hook: 'PreSync', runs: true, reason: 'new: an Argo CD PreSync hook: every sync creates it again, so it runs on every sync' });
  });
});

describe('plan: the objects a Job depends on', () => {
  test('new work items: the hashed ConfigMap is new, the old one pruned, and the recreateOnChange() Job replaced', () => {
    const build = (items: string[]) => synthOf(c => new StaticWorkAssignmentJob(c, 'shards', {
      metadata: { name: 'shards' }, gitOps: GitOpsPolicy.recreateOnChange(), items: WorkItems.fromList(items), container: { name: 'w', image: IMAGE },
    }));
    const p = plan(build(['a', 'b', 'c']), build(['a', 'b']));
    expect(entry(p, 'shards')).toMatchObject({ action: PlanAction.REPLACED, runs: true });
    expect(entry(p, 'shards').dependsOn).toEqual([expect.stringMatching(/^ConfigMap\/shards-work-items-[0-9a-f]{8}$/)]);
    expect(p.dependencies.map(d => [d.kind, d.action, d.usedBy])).toEqual([['ConfigMap', PlanAction.NEW, ['Job/shards']], ['ConfigMap', PlanAction.PRUNED, ['Job/shards']]]);
  });

  test('a work queue: the workers use the queue server, its Service and the filler; a changed server is a rollout', () => {
    const build = (image: string) => synthOf(c => new WorkQueueJob(c, 'fruit', {
      metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(['apple']), image }), container: { name: 'w', image: 'redis:7.2.5' },
    }));
    const p = plan(build('redis:7.2.6'), build('redis:7.2.5'));
    expect(entry(p, 'fruit').dependsOn).toEqual(['Deployment/fruit-queue', 'Service/fruit-queue', expect.stringMatching(/^Job\/fruit-filler-[0-9a-f]{8}$/)]);
    expect(entry(p, 'fruit-queue', 'Deployment')).toMatchObject({
      action: PlanAction.CHANGED_IN_PLACE,
      reason: 'patched in place: 1 field(s) changed, all of which Kubernetes lets change; its pod template changed, so a rollout replaces its pods (what they keep in an emptyDir, such as a queue\'s items, is lost)',
    });
  });
});

describe('plan: Kubernetes\' update rules by version, with the live status of a suspended Job', () => {
  const suspended = (nodeSelector: Record<string, string>, cpu: string): Manifest[] => synthOf(c => job(c, 'batch-run', { gitOps: GitOpsPolicy.none(), suspend: true }))
    .map(m => ({ ...m, spec: { ...m.spec, template: { ...m.spec.template, spec: { ...m.spec.template.spec, nodeSelector, containers: [{ ...m.spec.template.spec.containers[0], resources: { requests: { cpu } } }] } } } }));
  const live = (status: LiveJobStatus) => new Map([['batch/batch-run', status]]);
  const notStarted: LiveJobStatus = { started: false, suspended: true, suspendedCondition: true, active: 0 };
  const resuspended: LiveJobStatus = { started: true, suspended: true, suspendedCondition: true, active: 0 };

  test.each([
    ['new node selector, 1.28, never started', { zone: 'b' }, '100m', 28, notStarted, PlanAction.CHANGED_IN_PLACE],
    ['new node selector, 1.28, started and suspended again', { zone: 'b' }, '100m', 28, resuspended, PlanAction.WILL_FAIL],
    ['new node selector, 1.37, started and suspended again (no active pods)', { zone: 'b' }, '100m', 37, resuspended, PlanAction.CHANGED_IN_PLACE],
    ['new cpu request, 1.28, never started', { zone: 'a' }, '200m', 28, notStarted, PlanAction.WILL_FAIL],
    ['new cpu request, 1.37, never started', { zone: 'a' }, '200m', 37, notStarted, PlanAction.CHANGED_IN_PLACE],
    ['new node selector, 1.37, running', { zone: 'b' }, '100m', 37, { started: true, suspended: false, suspendedCondition: false, active: 1 }, PlanAction.WILL_FAIL],
  ] as const)('%s', (_name, nodeSelector, cpu, minor, status, action) => {
    const p = plan(suspended(nodeSelector, cpu), suspended({ zone: 'a' }, '100m'), { kubernetesMinor: minor, liveJobs: live(status) });
    expect(entry(p, 'batch-run').action).toBe(action);
  });

  test('without the live status, a suspended Job\'s template change fails, saying how to know better', () => {
    const p = plan(suspended({ zone: 'b' }, '100m'), suspended({ zone: 'a' }, '100m'));
    expect(entry(p, 'batch-run').refused[0].rule).toBe("a Job's pod template is immutable; here spec.nodeSelector.zone. A suspended Job that never started may change its scheduling directives: plan against the live cluster (--kubeconfig) to know");
  });
});

describe('plan against the live cluster: what it holds as the baseline', () => {
  const desired = () => synthOf(c => job(c, 'by-hand', { gitOps: GitOpsPolicy.none() }))[0];
  /** The Job as the API server returns it: defaults filled in, status, Argo CD's tracking annotation. */
  const live = (manifest: Manifest, extra: Record<string, string> = {}): any => ({
    ...manifest,
    metadata: { ...manifest.metadata, uid: 'u1', resourceVersion: '7', annotations: { ...manifest.metadata.annotations, 'argocd.argoproj.io/tracking-id': 'app:batch/Job:batch/by-hand', ...extra } },
    spec: {
      ...manifest.spec, completionMode: 'NonIndexed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
      template: { ...manifest.spec.template, spec: { ...manifest.spec.template.spec, dnsPolicy: 'ClusterFirst', containers: manifest.spec.template.spec.containers.map((c: any) => ({ ...c, terminationMessagePath: '/dev/termination-log' })) } },
    },
    status: { startTime: '2026-11-29T10:00:00Z', succeeded: 1 },
  });

  test('without last-applied, only the fields the manifest sets count: defaults and tracking are no change', () => {
    expect(entry(plan([desired()], [asApplied(live(desired()), desired())]), 'by-hand').action).toBe(PlanAction.UNCHANGED);
  });

  test('with last-applied (kubectl apply, Argo CD), a field the manifest no longer sets is a change', () => {
    // GIVEN the live Job was applied with an extra label on its pod template, now gone from Git
    const applied = desired();
    applied.spec.template.metadata.labels = { ...applied.spec.template.metadata.labels, tier: 'batch' };
    const previous = asApplied(live(applied, { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) }), desired());

    // WHEN
    const p = plan([desired()], [previous]);

    // THEN
    expect(entry(p, 'by-hand')).toMatchObject({ action: PlanAction.WILL_FAIL, changes: [{ path: 'spec.template.metadata.labels.tier', before: 'batch' }] });
    expect(previous.metadata.annotations).toEqual(desired().metadata.annotations);
  });
});

describe('plan: the reports', () => {
  const before = () => synthOf(c => { job(c, 'migrate'); job(c, 'by-hand', { gitOps: GitOpsPolicy.none() }); job(c, 'same'); });
  const after = () => synthOf(c => {
    job(c, 'migrate', { backoffLimit: 4 });
    job(c, 'by-hand', { gitOps: GitOpsPolicy.none(), container: { name: 'main', image: 'busybox:1.37.0', command: ['true'] } });
    job(c, 'same');
  });

  test('text: the Jobs by what happens to them, most urgent first, the summary and the exit code', () => {
    const p = plan(after(), before());
    const [oldName, newName] = [before()[0].metadata.name, after()[0].metadata.name];
    expect(textPlan(p)).toBe([
      'job-patterns plan: this synth against the last synth (Kubernetes 1.28 update rules; every sync applies every object, as Argo CD does by default)',
      '',
      'Will fail to sync (1):',
      '  batch/by-hand [none, single-batch]: keeps its name, and spec.template changed (a Job\'s pod template is immutable; here spec.containers[main].image): the API server refuses the patch ("field is immutable"), the sync fails and Argo CD retries it',
      '    fix: Use gitOps: GitOpsPolicy.runOncePerSpec() (a new Job for each spec) or GitOpsPolicy.recreateOnChange() (Argo CD deletes and re-creates it), or delete the Job before the sync (kubectl delete job -n batch by-hand; its pods and logs go with it).',
      '    spec.template.spec.containers[main].image: busybox:1.36.1 -> busybox:1.37.0',
      '',
      'Runs again (new name) (1):',
      `  batch/${newName} [run-once-per-spec, single-batch] (was ${oldName}): a new name for migrate (its spec changed: 1 field(s) changed): a new Job, which runs again; ${oldName} is pruned, its pods and their logs with it`,
      '    spec.backoffLimit: 3 -> 4',
      '',
      `Unchanged (1): ${after()[2].metadata.name}`,
      '',
      '1 Job(s) will run (0 new, 1 again under a new name, 0 replaced, 0 hook(s) on every sync), 1 pruned, 0 changed in place, 1 unchanged; 1 object(s) will fail to sync: Job/by-hand',
      'exit code 5',
    ].join('\n'));
  });

  test('Markdown: "What will this merge run?", a row per Job that does something, the unchanged folded', () => {
    const md = markdownPlan(plan(after(), before()));
    expect(md.split('\n').slice(0, 9)).toEqual([
      '### What will this merge run?',
      '',
      '❌ 1 Job(s) will run (0 new, 1 again under a new name, 0 replaced, 0 hook(s) on every sync), 1 pruned, 0 changed in place, 1 unchanged; 1 object(s) will fail to sync: Job/by-hand.',
      '',
      '<sub>`job-patterns plan` against the last synth, Kubernetes 1.28 update rules.</sub>',
      '',
      '| | Job | What happens | Why |',
      '| --- | --- | --- | --- |',
      expect.stringMatching(/^\| ❌ \| `batch\/by-hand` \| Will fail to sync \| keeps its name, .*<br>\*\*Fix:\*\* Use gitOps: .*<br>`spec\.template\.spec\.containers\[main\]\.image: busybox:1\.36\.1 -> busybox:1\.37\.0` \|$/),
    ]);
    expect(md).toContain(`<details><summary>1 Job(s) unchanged</summary>\n\n\`${after()[2].metadata.name}\``);
    expect(md.match(/^\| 🔁 /gm)).toHaveLength(1);
  });
});

describe('plan: base names', () => {
  test('a Job\'s base name is the library\'s jobBaseName() (the runtime keeps its own copy, without cdk8s)', () => {
    const manifests = synthOf(c => {
      job(c, 'migrate');
      job(c, 'by-hand', { gitOps: GitOpsPolicy.none() });
      job(c, 'a'.repeat(60));
    });
    expect(manifests.map(baseName)).toEqual(manifests.map(m => jobBaseName(m)));
  });
});

describe('job-patterns plan (the CLI)', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-plan-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes `manifests` as one YAML file in a fresh directory `name` under the test's dir. */
  function synthDir(name: string, manifests: Manifest[]): string {
    const out = path.join(dir, name);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'c.k8s.yaml'), manifests.map(m => `---\n${JSON.stringify(m)}\n`).join(''));
    return out;
  }

  test('against a directory: exit 0, the text plan; --markdown also writes the comment', async () => {
    const current = synthDir('ok-now', synthOf(c => job(c, 'migrate', { backoffLimit: 4 })));
    const previous = synthDir('ok-before', synthOf(c => job(c, 'migrate')));
    const result = await runCli('plan', current, '--baseline', previous, '--markdown', path.join(dir, 'plan.md'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Runs again (new name) (1):');
    expect(fs.readFileSync(path.join(dir, 'plan.md'), 'utf-8')).toMatch(/^### What will this merge run\?\n\n✅ 1 Job\(s\) will run/);
  });

  test('a sync that would fail: exit 5; -o json gives the plan', async () => {
    const current = synthDir('fail-now', synthOf(c => job(c, 'by-hand', { gitOps: GitOpsPolicy.none(), container: { name: 'main', image: 'busybox:1.37.0' } })));
    const previous = synthDir('fail-before', synthOf(c => job(c, 'by-hand', { gitOps: GitOpsPolicy.none() })));
    const result = await runCli('plan', current, '--baseline', previous, '-o', 'json');
    expect(result.code).toBe(5);
    const json = JSON.parse(result.stdout);
    expect([json.exitCode, json.jobs[0].action, json.jobs[0].refused[0].field]).toEqual([5, 'will-fail', 'spec.template']);
  });

  describe('against a git ref', () => {
    let repo: string;
    beforeAll(() => {
      // A repository whose commit holds the last synth, and a new synth in its working tree.
      repo = path.join(dir, 'repo');
      fs.mkdirSync(path.join(repo, 'dist'), { recursive: true });
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      fs.writeFileSync(path.join(repo, 'dist', 'c.k8s.yaml'), synthOf(c => job(c, 'migrate')).map(m => `---\n${JSON.stringify(m)}\n`).join(''));
      git('add', 'dist');
      git('commit', '-q', '-m', 'synth');
      fs.writeFileSync(path.join(repo, 'dist', 'c.k8s.yaml'), synthOf(c => { job(c, 'migrate'); job(c, 'backfill'); }).map(m => `---\n${JSON.stringify(m)}\n`).join(''));
    });

    test('the same paths at that commit are the baseline', async () => {
      const result = await runCli('plan', path.join(repo, 'dist'), '--baseline-ref', 'main', '-o', 'json');
      const json = JSON.parse(result.stdout);
      expect(json.baseline).toBe(`${path.join(repo, 'dist')} at main`);
      expect(json.jobs.map((j: PlanEntry) => [j.name.replace(/-[0-9a-f]{8}$/, ''), j.action])).toEqual([['migrate', 'unchanged'], ['backfill', 'new']]);
    });

    test('fails when the ref is not there (a shallow clone), naming the fetch', async () => {
      const result = await runCli('plan', path.join(repo, 'dist'), '--baseline-ref', 'origin/main');
      expect(result).toEqual({ code: 3, stdout: '', stderr: `job-patterns plan: --baseline-ref origin/main: no such commit in ${fs.realpathSync(repo)}; fetch it first (git fetch origin main, or actions/checkout with fetch-depth: 0)\n` });
    });
  });

  test.each([
    [['plan', 'dist'], 'job-patterns plan: give a baseline: --baseline DIR (a previous synth), --baseline-ref REF (the same manifests at a git ref, e.g. origin/main), or --live (the cluster of the kubeconfig)\n'],
    [['plan', 'dist', '--baseline', 'a', '--baseline-ref', 'main'], 'job-patterns plan: give --baseline or --baseline-ref, not both\n'],
    [['plan', 'dist', '--baseline', 'a', '--kubernetes-version', '1.27'], "job-patterns plan: --kubernetes-version: Kubernetes version '1.27' is not supported: use one from 1.28 to 1.37 (e.g. '1.33').\n"],
    [['plan', 'dist', '--baseline', 'a', '-o', 'yaml'], "error: option '-o, --output <format>' argument 'yaml' is invalid. 'yaml' is not text, json or markdown\n"],
    [['plan', '/nonexistent/dist', '--baseline', '/nonexistent/base'], 'job-patterns plan: /nonexistent/dist does not exist (run cdk8s synth first, or name the directory it writes)\n'],
    [['plan', '.', '--baseline', '/nonexistent/base'], 'job-patterns plan: --baseline /nonexistent/base does not exist\n'],
  ])('fails when run as job-patterns %j: exit 3', async (args, message) => {
    expect(await runCli(...args)).toEqual({ code: 3, stdout: '', stderr: message });
  });
});
