/**
 * The GitOps policies, sync waves, hooks and health, proven by a real Argo CD (application
 * controller and repo server built from the Go module, scripts/argocd) syncing YAML the library
 * synthesized from a Git repository served on 127.0.0.1, with automated sync, prune and self-heal.
 * Pods are simulated by kwok (docs/maintainers/control-plane.md). Each scenario prints its figures; the
 * numbers in docs/maintainers/argo-cd-suite.md come from these lines.
 *
 * The scenarios run one after the other (one restarts the application controller). An Observer
 * watches every Job and pod, and compares Argo CD's health of each Job (its resource tree in Redis,
 * at the resourceVersion Argo CD saw) with argoCdJobHealth() of that same object; the last test
 * checks that they agreed at every observed step.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Duration, Testing } from 'cdk8s';
import { buildExampleApp } from '../../examples/app';
import {
  GitOpsPolicy, HookDeletePolicy, HookPhase, SingleBatchJob, WorkItems, WorkQueue, WorkQueueJob, WorkQueueMode,
} from '../../index';
import { jobBaseName } from '../../lib/core/gitops';
import { JobState, jobTargets, Manifest, verifyJobs } from '../../runtime';
import { ARGOCD_HOOK_FINALIZER, argoCdOperationPhase } from '../../lib/runtime/argocd-health';
import { PlanAction, planChanges } from '../../lib/runtime/plan';
import { k8s } from '../../lib/runtime/k8s';
import { validateManifests } from '../../lib/validation/validate';
import { restrictedNamespace, withOutcome } from '../e2e/cluster-tools';
import {
  Application, createApplication, Figures, getApplication, GitRepo, HealthComparison, isJob, kubeConfig, Observer, refresh, restartController, sleep, synth, syncFailedAt, waitFor,
} from './argocd';

const BUSYBOX = 'busybox:1.36.1';
const REDIS = 'redis:7.2.5';

let kc: KubeConfig;
let observer: Observer;
const figures = new Figures('argocd');
const figure = (line: string) => figures.add(line);

beforeAll(async () => {
  kc = kubeConfig();
  observer = new Observer(kc);
  await observer.start();
});
afterAll(() => {
  observer?.stop();
  figures.print();
});

/** The synthesized name of the Job `name` among `manifests` (with its spec hash). */
function jobBaseNameOf(manifests: readonly Manifest[], name: string): string {
  const found = manifests.filter(m => m.kind === 'Job' && jobBaseName(m) === name);
  expect(found).toHaveLength(1);
  return found[0].metadata.name;
}

/** The row of the GitOps policy table (docs/argo-cd.md) for `policy` (what a user reads of when a Job runs again). */
function policyRow(policy: string): string {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'argo-cd.md'), 'utf-8');
  const rows = guide.split('\n').filter(l => l.startsWith(`| \`${policy}`));
  expect(rows).toHaveLength(1);
  return rows[0];
}


const named = (manifests: readonly Manifest[], name: string) => {
  const found = manifests.filter(m => isJob(m) && jobBaseName(m) === name);
  if (found.length !== 1) throw new Error(`${found.length} Jobs named ${name}`);
  return found[0];
};

/** A fresh restricted namespace, Git repository and Application (auto-sync, prune, self-heal) with `manifests` as its first commit. */
async function deploy(prefix: string, manifests: readonly Manifest[], syncOptions: readonly string[] = []): Promise<{ namespace: string; repo: GitRepo; app: string; revision: string }> {
  const namespace = await restrictedNamespace(kc, prefix);
  const repo = new GitRepo(namespace);
  const revision = repo.commit(manifests, 'first');
  await createApplication(kc, namespace, repo, namespace, syncOptions);
  observer.watchApplication(namespace);
  return { namespace, repo, app: namespace, revision };
}

async function readJob(namespace: string, name: string) {
  try {
    return await kc.makeApiClient(k8s.BatchV1Api).readNamespacedJob({ name, namespace });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Sets the Job's finalizers (a JSON merge patch). */
async function applyFinalizers(namespace: string, name: string, finalizers: string[]): Promise<void> {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  await objects.patch({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, finalizers } }, undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch);
}

const secondsBetween = (a: string | Date | undefined, b: string | Date | undefined) => (new Date(b!).getTime() - new Date(a!).getTime()) / 1000;
/**
 * The runs of `name` since `since`, checked: exactly one finished; any other was cut short by the
 * self-heal race (created within 5 s of the one that finished, deleted before it finished); nothing
 * else. Returns how many were cut short, for the figures.
 */
function expectOneRunSince(namespace: string, name: string, since: Date): number {
  const { finished, cutShort } = observer.runsSince(namespace, name, since);
  expect(finished).toHaveLength(1);
  for (const run of cutShort) expect(Math.abs(secondsBetween(run.created, finished[0].created))).toBeLessThanOrEqual(5);
  expect(finished.length + cutShort.length).toBe(observer.runsOf(namespace, name).filter(r => new Date(r.created).getTime() >= Math.floor(since.getTime() / 1000) * 1000).length);
  return cutShort.length;
}
const cutShortWords = (n: number) => (n === 0 ? '' : ` (and ${n} cut short by a self-heal replace)`);
const healthOf = (app: Application) => `${app.status?.sync?.status}/${app.status?.health?.status}`;

/**
 * With JOB_PATTERNS_ARGOCD_CAPTURE=<dir>: writes one Job object per distinct health Argo CD gave
 * (status, message, hook or not, being deleted or not) with that health, for the unit fixtures in
 * test/fixtures/argocd-3.6.1 (test/runtime/argocd-health.test.ts).
 */
function captureFixtures(comparisons: readonly HealthComparison[]): void {
  const dir = process.env.JOB_PATTERNS_ARGOCD_CAPTURE;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for (const c of comparisons) {
    const m = c.object.metadata ?? {};
    const hook = m.annotations?.['argocd.argoproj.io/hook'] !== undefined;
    const key = `${c.argoCd.status}|${c.argoCd.message}|${hook}|${m.deletionTimestamp !== undefined}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const object = {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { name: m.name, annotations: m.annotations, finalizers: m.finalizers, deletionTimestamp: m.deletionTimestamp },
      status: c.object.status,
    };
    const file = `${c.argoCd.status.toLowerCase()}${hook ? '-hook' : ''}${m.deletionTimestamp ? '-deleting' : ''}-${seen.size}.json`;
    fs.writeFileSync(path.join(dir, file), `${JSON.stringify({ argoCd: { version: '3.6.1', health: c.argoCd }, job: object }, null, 2)}\n`);
  }
}

describe('a real Argo CD syncing the library\'s YAML', () => {
  test('runOncePerSpec(): one run across 6 syncs and refreshes and a controller restart, one more after a spec change, the old Job pruned', async () => {
    // GIVEN a Job under the default policy and a ConfigMap whose changes make new revisions to sync
    const app = (round: number, command: string) => synth(chart => {
      new SingleBatchJob(chart, 'once', { metadata: { name: 'once' }, container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', command] } });
      new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { round: String(round) } });
    });
    const first = app(0, 'echo once');
    const jobName = named(first, 'once').metadata.name;
    const { namespace, repo, app: name, revision } = await deploy('ao-once', first);
    await observer.syncedAt(name, revision);
    await waitFor('the Job to complete and the app to be Synced/Healthy', 60_000, async () =>
      (healthOf(await getApplication(kc, name)) === 'Synced/Healthy' ? true : undefined));

    // WHEN Git changes elsewhere three times, the app is refreshed, the controller restarts, and so on
    let syncs = 1;
    for (let round = 1; round <= 3; round++) {
      const rev = repo.commit(app(round, 'echo once'), `round ${round}`);
      await refresh(kc, name);
      await observer.syncedAt(name, rev);
      syncs++;
    }
    await restartController();
    const afterRestart = repo.commit(app(4, 'echo once'), 'round 4');
    await refresh(kc, name);
    await observer.syncedAt(name, afterRestart);
    syncs++;
    await refresh(kc, name, 'hard');
    // Argo CD removes the annotation once it has refreshed (reconciledAt has whole seconds: no use).
    await waitFor('a hard refresh', 60_000, async () =>
      ((await getApplication(kc, name)).metadata.annotations?.['argocd.argoproj.io/refresh'] === undefined ? true : undefined));
    const history = (await getApplication(kc, name)).status?.history ?? [];

    // THEN the Job ran once, with one pod
    expect(history.length).toBe(syncs);
    expect(observer.runsOf(namespace, jobName)).toHaveLength(1);
    expect(observer.podsOf(namespace, jobName)).toBe(1);
    expect(policyRow('GitOpsPolicy.runOncePerSpec()')).toMatch(/\| only when the spec changes \|$/);
    figure(`runOncePerSpec: ${history.length} syncs + 1 hard refresh, controller restarted once -> ${observer.runsOf(namespace, jobName).length} run, ${observer.podsOf(namespace, jobName)} pod`);

    // WHEN its spec changes
    const next = app(5, 'echo twice');
    const nextName = named(next, 'once').metadata.name;
    expect(nextName).not.toBe(jobName);
    const changedAt = Date.now();
    const rev = repo.commit(next, 'change the spec');
    await refresh(kc, name);
    await observer.syncedAt(name, rev);
    await waitFor('the old Job to be pruned', 60_000, async () => ((await readJob(namespace, jobName)) === undefined ? true : undefined));
    const prunedAfter = (Date.now() - changedAt) / 1000;
    await waitFor('the new Job to complete', 60_000, async () =>
      ((await readJob(namespace, nextName))?.status?.conditions?.some(c => c.type === 'Complete') ? true : undefined));

    // THEN one more run, with one pod; the old Job is gone
    expect(observer.runsOf(namespace, 'once', true).map(r => r.name).sort()).toEqual([jobName, nextName].sort());
    expect(observer.podsOf(namespace, nextName)).toBe(1);
    figure(`runOncePerSpec: spec change -> 1 more run (${observer.podsOf(namespace, nextName)} pod), old Job pruned ${prunedAfter.toFixed(1)} s after the commit`);
  }, 600_000);

  test('the TTL trap: a plain tracked Job with a 5 s TTL runs again after each TTL; the library default runs once', async () => {
    // GIVEN the library's default Job and a plain Job (no library annotations) with a TTL, in one app
    const manifests = synth(chart => {
      new SingleBatchJob(chart, 'library-default', { metadata: { name: 'library-default' }, container: { name: 'c', image: BUSYBOX, command: ['true'] } });
      new SingleBatchJob(chart, 'plain', { metadata: { name: 'plain-ttl' }, gitOps: GitOpsPolicy.none(), container: { name: 'c', image: BUSYBOX, command: ['true'] } });
    }).map(m => (isJob(m) && m.metadata.name === 'plain-ttl'
      ? { apiVersion: m.apiVersion, kind: m.kind, metadata: { name: 'plain-ttl' }, spec: { ...m.spec, ttlSecondsAfterFinished: 5 } } as Manifest
      : m));
    const libraryJob = named(manifests, 'library-default').metadata.name;

    // THEN the rule flags the plain Job, not the library's
    const findings = validateManifests(manifests).findings.filter(f => f.ruleId === 'gitops/ttl-on-tracked-job');
    expect(findings.map(f => `${f.kind}/${f.name}`)).toEqual(['Job/plain-ttl']);

    // WHEN Argo CD syncs them for a bounded window
    const windowSeconds = 90;
    const { namespace, app, revision } = await deploy('ao-ttl', manifests);
    await observer.syncedAt(app, revision);
    await sleep(windowSeconds * 1000);

    // THEN the plain Job ran again after each TTL, the library's once
    const plainRuns = observer.runsOf(namespace, 'plain-ttl');
    const created = plainRuns.map(r => new Date(r.created).getTime()).sort();
    expect(plainRuns.length).toBeGreaterThanOrEqual(3);
    expect(observer.runsOf(namespace, libraryJob)).toHaveLength(1);
    figure(`TTL trap: plain Job, TTL 5 s, auto-sync + self-heal: ${plainRuns.length} runs in ${windowSeconds} s (created at +${created.map(c => ((c - created[0]) / 1000).toFixed(0)).join(', +')} s); library default: ${observer.runsOf(namespace, libraryJob).length} run`);
  }, 300_000);

  test('waves: the queue Deployment is healthy before the filler is created, the filler complete before the workers are created', async () => {
    // GIVEN the example app's job-wq-2 work queue (Redis filled by a filler Job, workers draining it)
    const manifests = synth(chart => {
      new WorkQueueJob(chart, 'job-wq-2', {
        metadata: { name: 'job-wq-2' },
        queue: WorkQueue.redis({ serviceName: 'redis', key: 'job2', items: WorkItems.fromList(['apple', 'banana', 'cherry']) }),
        mode: WorkQueueMode.VARIABLE_POD_COUNT,
        parallelism: 2,
        container: { name: 'worker', image: REDIS, command: ['sh', '-c', 'true'] },
      });
    });
    const filler = manifests.find(m => isJob(m) && m.metadata.name.includes('filler'))!;
    const workers = manifests.find(m => isJob(m) && !m.metadata.name.includes('filler'))!;
    const deployment = manifests.find(m => m.kind === 'Deployment')!;
    const { namespace, app, revision } = await deploy('ao-waves', manifests);

    // WHEN Argo CD syncs it
    const synced = await observer.syncedAt(app, revision);
    expect(synced.status?.operationState?.phase).toBe('Succeeded');

    // THEN the API server's timestamps show each wave healthy before the next was created
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: deployment.metadata.name, namespace });
    const available = d.status?.conditions?.find(c => c.type === 'Available' && c.status === 'True')?.lastTransitionTime;
    const fillerJob = (await readJob(namespace, filler.metadata.name))!;
    const workerJob = await waitFor('the workers Job', 60_000, () => readJob(namespace, workers.metadata.name));
    const a = secondsBetween(d.metadata?.creationTimestamp, available);
    const b = secondsBetween(d.metadata?.creationTimestamp, fillerJob.metadata?.creationTimestamp);
    const c = secondsBetween(d.metadata?.creationTimestamp, fillerJob.status?.completionTime);
    const w = secondsBetween(d.metadata?.creationTimestamp, workerJob.metadata?.creationTimestamp);
    expect(a).toBeLessThanOrEqual(b);
    expect(c).toBeLessThanOrEqual(w);
    figure(`waves (seconds after the Deployment was created): Deployment available +${a}, filler created +${b}, filler complete +${c}, workers created +${w}`);
  }, 300_000);

  test('recreateOnChange() replaces the Job on an immutable change; none() gets "field is immutable", as job-patterns plan predicted', async () => {
    // GIVEN one Job under each policy, each in its own app
    const job = (policy: GitOpsPolicy, command: string) => synth(chart => {
      new SingleBatchJob(chart, 'j', { metadata: { name: 'immutable' }, gitOps: policy, container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', command] } });
    });
    const recreate = await deploy('ao-recreate', job(GitOpsPolicy.recreateOnChange(), 'echo 1'));
    const none = await deploy('ao-none', job(GitOpsPolicy.none(), 'echo 1'));
    await observer.syncedAt(recreate.app, recreate.revision);
    await observer.syncedAt(none.app, none.revision);
    for (const d of [recreate, none]) {
      await waitFor(`${d.app}: the Job to complete`, 60_000, async () =>
        ((await readJob(d.namespace, 'immutable'))?.status?.conditions?.some(c => c.type === 'Complete') ? true : undefined));
    }
    // Seen with Argo CD 3.6.1: right after the first sync created the Job, self-heal found the app
    // still OutOfSync (its cache had not seen the Job yet) and synced the Job again, which under
    // Force=true,Replace=true deletes the running Job and creates it anew: 2 runs at creation.
    const atCreation = observer.runsOf(recreate.namespace, 'immutable').length;
    const changedAt = new Date();

    // job-patterns plan's prediction for the change below, from the two synths (issue 22)
    const predicted = (policy: GitOpsPolicy) => planChanges(job(policy, 'echo 2'), job(policy, 'echo 1'), { baseline: 'the previous commit', kubernetesMinor: 28 }).jobs;
    expect(predicted(GitOpsPolicy.recreateOnChange()).map(j => [j.name, j.action, j.runs])).toEqual([['immutable', PlanAction.REPLACED, true]]);
    expect(predicted(GitOpsPolicy.none()).map(j => [j.name, j.action, j.refused.map(r => r.field)])).toEqual([['immutable', PlanAction.WILL_FAIL, ['spec.template']]]);

    // WHEN the pod template changes in Git
    const r2 = recreate.repo.commit(job(GitOpsPolicy.recreateOnChange(), 'echo 2'), 'change the template');
    const n2 = none.repo.commit(job(GitOpsPolicy.none(), 'echo 2'), 'change the template');
    await refresh(kc, recreate.app);
    await refresh(kc, none.app);
    const recreated = await observer.syncedAt(recreate.app, r2);
    const refused = await syncFailedAt(kc, none.app, n2);

    // THEN recreateOnChange: the sync succeeds and a second Job object ran; none(): the sync fails, immutable
    expect(recreated.status?.operationState?.phase).toBe('Succeeded');
    // (The observer's record, not a read: a read right after the sync can still return the old, complete Job.)
    await waitFor('the re-created Job to complete', 60_000, async () => (observer.runsSince(recreate.namespace, 'immutable', changedAt).finished.length > 0 ? true : undefined));
    const cutShort = expectOneRunSince(recreate.namespace, 'immutable', changedAt);
    const result = refused.status?.operationState?.syncResult?.resources?.find(r => r.kind === 'Job');
    expect(result?.status).toBe('SyncFailed');
    expect(result?.message).toMatch(/^error when patching .*: Job.batch "immutable" is invalid: spec.template: Invalid value: .*: field is immutable$/);
    const message = result!.message!.replace(/Invalid value: .*: field/, 'Invalid value: ...: field');
    expect(observer.runsOf(none.namespace, 'immutable')).toHaveLength(1);
    // WHEN only another object changes (a ConfigMap)
    const withConfig = (command: string) => [...job(GitOpsPolicy.recreateOnChange(), command), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { at: String(Date.now()) } } as Manifest];
    const before = observer.runsOf(recreate.namespace, 'immutable').length;
    const r3 = recreate.repo.commit(withConfig('echo 2'), 'change another object');
    await refresh(kc, recreate.app);
    await observer.syncedAt(recreate.app, r3);
    await sleep(3000);
    // THEN Argo CD applies every resource of a sync, and Replace=true deletes and re-creates: the Job runs again,
    // as the plan said it would (the Job is unchanged, its Application does not set ApplyOutOfSyncOnly)
    const unrelated = observer.runsOf(recreate.namespace, 'immutable').length - before;
    expect(unrelated).toBeGreaterThanOrEqual(1);
    const onlyConfig = planChanges(withConfig('echo 2'), job(GitOpsPolicy.recreateOnChange(), 'echo 2'), { baseline: 'the previous commit' }).jobs;
    expect(onlyConfig.map(j => [j.name, j.action, j.runs])).toEqual([['immutable', PlanAction.REPLACED, true]]);
    // and as the policy table of docs/argo-cd.md says (issue 27: the table once said "only when the spec changes")
    expect(policyRow('GitOpsPolicy.recreateOnChange()')).toContain('on every sync that applies it: when its spec changes, and on every sync unless');
    figure(`recreateOnChange: a sync that changed only a ConfigMap re-ran the Job ${unrelated} time(s)`);
    figure(`recreateOnChange: ${atCreation} run(s) at creation, immutable change -> sync ${recreated.status?.operationState?.phase}, 1 more run${cutShortWords(cutShort)}; none(): sync failed (${refused.status?.operationState?.phase}, retry ${refused.status?.operationState?.retryCount ?? 0}): ${message}`);
  }, 300_000);

  test('recreateOnChange() with the Application option ApplyOutOfSyncOnly=true: a sync that changed only another object leaves the Job alone', async () => {
    // GIVEN a recreateOnChange Job and a ConfigMap, synced by an Application that applies only what is out of sync
    const manifests = (command: string, round: number) => [
      ...synth(chart => {
        new SingleBatchJob(chart, 'j', { metadata: { name: 'immutable' }, gitOps: GitOpsPolicy.recreateOnChange(), container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', command] } });
      }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { round: String(round) } } as Manifest,
    ];
    const d = await deploy('ao-oos', manifests('echo 1', 0), ['ApplyOutOfSyncOnly=true']);
    await observer.syncedAt(d.app, d.revision);
    await waitFor('the Job to complete', 60_000, async () =>
      ((await readJob(d.namespace, 'immutable'))?.status?.conditions?.some(c => c.type === 'Complete') ? true : undefined));
    await sleep(3000);
    const atCreation = observer.runsOf(d.namespace, 'immutable').length;

    // WHEN only the ConfigMap changes, twice
    for (const round of [1, 2]) {
      const rev = d.repo.commit(manifests('echo 1', round), `round ${round}`);
      await refresh(kc, d.app);
      await observer.syncedAt(d.app, rev);
    }
    await sleep(3000);
    const afterUnrelated = observer.runsOf(d.namespace, 'immutable').length;

    // WHEN the template changes
    const changedAt = new Date();
    const rev = d.repo.commit(manifests('echo 2', 3), 'change the template');
    await refresh(kc, d.app);
    expect((await observer.syncedAt(d.app, rev)).status?.operationState?.phase).toBe('Succeeded');
    // (The observer's record, not a read: a read right after the sync can still return the old, complete Job.)
    await waitFor('the re-created Job to complete', 60_000, async () => (observer.runsSince(d.namespace, 'immutable', changedAt).finished.length > 0 ? true : undefined));

    // THEN the unrelated syncs ran nothing, the change ran it once more
    expect(afterUnrelated).toBe(atCreation);
    expect(policyRow('GitOpsPolicy.recreateOnChange()')).toContain('unless the Application sets `ApplyOutOfSyncOnly=true`');
    const cutShort = expectOneRunSince(d.namespace, 'immutable', changedAt);
    figure(`recreateOnChange + ApplyOutOfSyncOnly=true: ${atCreation} run(s) at creation, 2 syncs of another object -> ${afterUnrelated - atCreation} more, template change -> 1 more${cutShortWords(cutShort)}`);
  }, 300_000);

  test('hook(...): runs once per sync in its phase; HookSucceeded deletes it, BeforeHookCreation keeps it until the next sync', async () => {
    // GIVEN a PreSync hook (BeforeHookCreation), a Job of the Sync phase, a PostSync hook (HookSucceeded)
    const manifests = (round: number) => synth(chart => {
      new SingleBatchJob(chart, 'migrate', { metadata: { name: 'migrate' }, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), container: { name: 'c', image: BUSYBOX, command: ['true'] } });
      new SingleBatchJob(chart, 'main', { metadata: { name: `main-${round}` }, container: { name: 'c', image: BUSYBOX, command: ['true'] } });
      new SingleBatchJob(chart, 'smoke', {
        metadata: { name: 'smoke' },
        gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC, deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED }),
        container: { name: 'c', image: BUSYBOX, command: ['true'] },
      });
    });
    const { namespace, repo, app, revision } = await deploy('ao-hooks', manifests(1));

    // WHEN it syncs twice
    const first = await observer.syncedAt(app, revision);
    const migrateAfterFirst = await readJob(namespace, 'migrate');
    const smokeAfterFirst = await waitFor('HookSucceeded to delete smoke', 30_000, async () => ((await readJob(namespace, 'smoke')) === undefined ? true : undefined));
    const r2 = repo.commit(manifests(2), 'second');
    await refresh(kc, app);
    const second = await observer.syncedAt(app, r2);

    // THEN each sync ran each hook once, in order, and the delete policies did what they say
    for (const s of [first, second]) {
      expect(s.status?.operationState?.phase).toBe('Succeeded');
      const hooks = (s.status?.operationState?.syncResult?.resources ?? []).filter(r => r.hookType).map(r => `${r.name}:${r.hookType}:${r.hookPhase}`).sort();
      expect(hooks).toEqual(['migrate:PreSync:Succeeded', 'smoke:PostSync:Succeeded']);
    }
    expect(migrateAfterFirst).toBeDefined();
    expect(smokeAfterFirst).toBe(true);
    const migrateRuns = observer.runsOf(namespace, 'migrate');
    const smokeRuns = observer.runsOf(namespace, 'smoke');
    expect(migrateRuns).toHaveLength(2);
    expect(smokeRuns).toHaveLength(2);
    expect(migrateRuns.find(r => r.uid === migrateAfterFirst!.metadata!.uid)?.deletedAt).toBeDefined();
    const main = observer.runsOf(namespace, 'main-2', true)[0].last;
    const migrate2 = migrateRuns.find(r => r.uid !== migrateAfterFirst!.metadata!.uid)!.last;
    const smoke2 = smokeRuns.sort((x, y) => x.created.localeCompare(y.created))[1].last;
    expect(secondsBetween(migrate2.status?.completionTime, main.metadata?.creationTimestamp)).toBeGreaterThanOrEqual(0);
    expect(secondsBetween(main.status?.completionTime, smoke2.metadata?.creationTimestamp)).toBeGreaterThanOrEqual(0);
    figure(`hooks: 2 syncs -> migrate (PreSync) ${migrateRuns.length} runs, smoke (PostSync, HookSucceeded) ${smokeRuns.length} runs, smoke deleted after each; second sync: migrate complete +${secondsBetween(migrate2.metadata?.creationTimestamp, migrate2.status?.completionTime)} s, main created +${secondsBetween(migrate2.metadata?.creationTimestamp, main.metadata?.creationTimestamp)} s, smoke created +${secondsBetween(migrate2.metadata?.creationTimestamp, smoke2.metadata?.creationTimestamp)} s`);
  }, 300_000);

  test('a failed PreSync hook fails the sync and nothing of the Sync phase is applied', async () => {
    const manifests = synth(chart => {
      new SingleBatchJob(chart, 'migrate', {
        metadata: { name: 'migrate' }, backoffLimit: 0,
        gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }),
        container: { name: 'c', image: BUSYBOX, command: ['false'] },
      });
      new SingleBatchJob(chart, 'main', { metadata: { name: 'main' }, container: { name: 'c', image: BUSYBOX, command: ['true'] } });
    }).map(m => (isJob(m) && m.metadata.name === 'migrate' ? withOutcome(m, { exitCode: 1 }) : m));
    const mainName = named(manifests, 'main').metadata.name;
    const { namespace, app, revision } = await deploy('ao-hookfail', manifests);
    const synced = await syncFailedAt(kc, app, revision);
    const hook = synced.status?.operationState?.syncResult?.resources?.find(r => r.name === 'migrate');
    expect(hook?.hookPhase).toBe('Failed');
    expect(await readJob(namespace, mainName)).toBeUndefined();
    const failed = (await readJob(namespace, 'migrate'))!;
    expect(argoCdOperationPhase({ status: 'Degraded' as any, message: '' })).toBe('Failed');
    expect(failed.status?.conditions?.find(c => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded');
    figure(`failed hook: sync failed (${synced.status?.operationState?.phase}, retry ${synced.status?.operationState?.retryCount ?? 0}: "${synced.status?.operationState?.message}"), hook ${hook?.hookPhase} ("${hook?.message}"), Sync-phase Job not created`);
  }, 300_000);

  test('the example app (examples/app.ts): its failing seed fails the sync, each retry re-runs the recreateOnChange Job; job-patterns verify agrees with the Jobs\' real outcomes', async () => {
    // GIVEN the example app; unlucky-onfailure fails as its seed means (exit 1, 3 s runs)
    const app = Testing.app();
    buildExampleApp(app);
    const manifests = (app.charts.flatMap(c => c.toJson()) as Manifest[])
      .map(m => (isJob(m) && jobBaseName(m) === 'unlucky-onfailure' ? withOutcome(m, { exitCode: 1, duration: '3s' }) : m));
    const deployed = await deploy('ao-example', manifests);

    // WHEN Argo CD syncs it, until the first retry of the failed sync has run
    const failed = await syncFailedAt(kc, deployed.app, deployed.revision, 240_000);
    await waitFor('the first retry', 120_000, async () => {
      const op = (await getApplication(kc, deployed.app)).status?.operationState;
      return (op?.retryCount ?? 0) >= 2 || op?.phase === 'Failed' ? true : undefined;
    });
    // Argo CD stops here: the Application goes (without a finalizer its resources stay).
    await kc.makeApiClient(k8s.CustomObjectsApi).deleteNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', name: deployed.app });

    // THEN the sync failed on the failing seed, and the retry replaced indexed-job once more
    expect(failed.status?.operationState?.syncResult?.resources?.find(r => r.name.startsWith('unlucky-onfailure-'))?.hookPhase).toBe('Failed');
    const indexedRuns = observer.runsOf(deployed.namespace, 'indexed-job').length;
    expect(indexedRuns).toBeGreaterThanOrEqual(2);

    // THEN job-patterns verify agrees with each Job's own conditions
    await waitFor('indexed-job to complete', 60_000, async () =>
      ((await readJob(deployed.namespace, 'indexed-job'))?.status?.conditions?.some(c => c.type === 'Complete') ? true : undefined));
    const jobs = manifests.filter(m => isJob(m) && !m.metadata.annotations?.['argocd.argoproj.io/hook']);
    const result = await verifyJobs({ kubeConfig: kc, targets: jobTargets(jobs, deployed.namespace), namespace: deployed.namespace, timeoutMs: 120_000, logLines: 0 });
    const outcomes = await Promise.all(result.jobs.map(async j => {
      const live = (await readJob(deployed.namespace, j.name))!;
      const real = live.status?.conditions?.find(c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
      return [j.name, j.verdict.state, real === 'Complete' ? JobState.COMPLETE : real === 'Failed' ? JobState.FAILED : 'none'];
    }));
    expect(outcomes.map(([name, ours]) => [name, ours])).toEqual(outcomes.map(([name, , real]) => [name, real]));
    expect(outcomes.filter(o => o[2] === JobState.FAILED).map(o => String(o[0]).replace(/-[0-9a-f]{8}$/, ''))).toEqual(['unlucky-onfailure']);
    figure(`example app: sync failed ("${failed.status?.operationState?.message}"), Argo CD retried (limit 5); indexed-job (recreateOnChange) ran ${indexedRuns} times by the first retry; verify: ${outcomes.filter(o => o[1] === o[2]).length}/${outcomes.length} Jobs agree with their conditions (${result.summary})`);
  }, 480_000);

  test('health Argo CD words by version: a suspended Job, a Job whose deletion a finalizer blocks, a hook deleted by its TTL', async () => {
    // GIVEN a suspended Job (alone: the sync waits for it, Suspended is not healthy), and a Job
    // that carries a finalizer of ours next to a PostSync hook with a 1 s TTL
    const paused = synth(chart => {
      new SingleBatchJob(chart, 'paused', { metadata: { name: 'paused' }, suspend: true, container: { name: 'c', image: BUSYBOX, command: ['true'] } });
    });
    const held = synth(chart => {
      new SingleBatchJob(chart, 'held', { metadata: { name: 'held' }, container: { name: 'c', image: BUSYBOX, command: ['true'] } });
      new SingleBatchJob(chart, 'short-ttl-hook', {
        metadata: { name: 'short-ttl-hook' }, gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC }), ttlAfterFinished: Duration.seconds(1),
        container: { name: 'c', image: BUSYBOX, command: ['true'] },
      });
    }).map(m => (isJob(m) && jobBaseName(m) === 'held' ? { ...m, metadata: { ...m.metadata, finalizers: ['job-patterns.test/hold'] } } : m));
    const pausedName = named(paused, 'paused').metadata.name;
    const heldName = named(held, 'held').metadata.name;
    const p = await deploy('ao-paused', paused);
    const h = await deploy('ao-held', held);

    // WHEN the held Job is deleted after the sync, and the hook's TTL deletes it
    await observer.syncedAt(h.app, h.revision);
    await kc.makeApiClient(k8s.BatchV1Api).deleteNamespacedJob({ name: heldName, namespace: h.namespace, propagationPolicy: 'Background' });

    // THEN Argo CD's words are those of 3.6
    const judged = (namespace: string, job: string, deleting: boolean) => waitFor(`Argo CD to judge ${namespace}/${job}${deleting ? ' being deleted' : ''}`, 60_000, async () =>
      [...observer.comparisons.values()].find(c => c.job === `${namespace}/${job}` && (c.object.metadata?.deletionTimestamp !== undefined) === deleting
        && (deleting || c.argoCd.status === 'Suspended')));
    const suspended = await judged(p.namespace, pausedName, false);
    const deleting = await judged(h.namespace, heldName, true);
    const hookDeleting = await judged(h.namespace, 'short-ttl-hook', true);
    expect(suspended.argoCd).toEqual({ status: 'Suspended', message: 'Job suspended' });
    expect(deleting.argoCd).toEqual({ status: 'Progressing', message: 'Pending deletion; blocked by finalizers: job-patterns.test/hold' });
    expect(hookDeleting.object.metadata?.finalizers).toContain(ARGOCD_HOOK_FINALIZER);
    expect(hookDeleting.argoCd).toEqual({ status: 'Healthy', message: '' });

    // Let the held Job go, and keep Argo CD from re-creating it.
    await kc.makeApiClient(k8s.CustomObjectsApi).deleteNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', name: h.app });
    await applyFinalizers(h.namespace, heldName, []);
    figure(`health words (3.6.1): suspended Job -> ${suspended.argoCd.status} "${suspended.argoCd.message}"; deletion blocked by a finalizer -> ${deleting.argoCd.status} "${deleting.argoCd.message}"; hook deleted by its TTL, finalizers [${hookDeleting.object.metadata?.finalizers?.join(', ')}] -> ${hookDeleting.argoCd.status}`);
  }, 180_000);

  test('construct-metadata.json (cdk8s synth writes it with the validation plugin) in the synced directory stops every comparison; docs/argo-cd.md\'s directory.exclude syncs', async () => {
    // GIVEN the YAML and the file cdk8s writes beside it, in one repository each, synced without and with the exclude of docs/argo-cd.md
    const manifests = synth(chart => { new SingleBatchJob(chart, 'j', { metadata: { name: 'meta' }, container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', 'true'] } }); });
    const metadata = JSON.stringify({ version: '1.0.0', resources: { 'app/j/Resource': { path: 'app/j/Resource' } } }, null, 2);
    const plain = await restrictedNamespace(kc, 'ao-meta');
    const excluded = await restrictedNamespace(kc, 'ao-meta-x');
    const [plainRepo, excludedRepo] = [new GitRepo(plain), new GitRepo(excluded)];
    plainRepo.commit(manifests, 'first', { 'construct-metadata.json': metadata });
    const revision = excludedRepo.commit(manifests, 'first', { 'construct-metadata.json': metadata });

    // WHEN Argo CD compares and syncs them
    await createApplication(kc, plain, plainRepo, plain);
    await createApplication(kc, excluded, excludedRepo, excluded, [], { exclude: 'construct-metadata.json' });

    // THEN without the exclude Argo CD reads the JSON file as a manifest and cannot compare anything: nothing is synced
    const refused = await waitFor(`Application ${plain} to report a ComparisonError`, 60_000, async () =>
      (await getApplication(kc, plain)).status?.conditions?.find(c => c.type === 'ComparisonError'));
    expect(refused.message).toMatch(/^Failed to load target state: failed to unmarshal manifests .*: Object 'Kind' is missing in '.*"resources":\{"app\/j\/Resource"/);
    // with it, the app syncs and the Job runs
    const synced = await observer.syncedAt(excluded, revision);
    expect(synced.status?.operationState?.phase).toBe('Succeeded');
    expect(await readJob(excluded, jobBaseNameOf(manifests, 'meta'))).toBeDefined();
    expect((await getApplication(kc, plain)).status?.sync?.status).toBe('Unknown');
    expect(await readJob(plain, jobBaseNameOf(manifests, 'meta'))).toBeUndefined();
    figure(`construct-metadata.json in the synced directory: ${refused.type} ("Object 'Kind' is missing"), nothing synced; with directory.exclude: ${synced.status?.operationState?.phase}`);
  }, 120_000);

  test('Argo CD\'s health of every Job, at every observed step, equals argoCdJobHealth() of the same Job object', async () => {
    await sleep(1000);
    const all = [...observer.comparisons.values()];
    const disagreements = all.filter(c => c.argoCd.status !== c.ours.status || c.argoCd.message !== c.ours.message);
    const statuses = [...new Set(all.map(c => c.argoCd.status))].sort();
    figure(`health agreement: ${all.length - disagreements.length}/${all.length} Job versions (statuses seen: ${statuses.join(', ')}; ${observer.unmatched.size} tree nodes at a resourceVersion the watch never delivered)`);
    captureFixtures(all);
    expect(disagreements.map(d => ({ job: d.job, rv: d.resourceVersion, argoCd: d.argoCd, ours: d.ours }))).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(20);
    expect(observer.watchErrors()).toEqual([]);
  });
});
