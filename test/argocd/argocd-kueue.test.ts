/**
 * A real Argo CD and a real Kueue (issue 24 item 3): Argo CD 3.6.1 syncing the library's queued
 * Jobs from Git into a Kubernetes 1.37.2 control plane (Kueue v0.17 needs 1.29+) where the real
 * Kueue manager (scripts/kueue) admits them from a ClusterQueue with quota for one pod at a time.
 * This file starts that second control plane, its Argo CD and Kueue before its first test
 * (test/argocd/argocd-env.js: the Kueue instance) and stops them after its last; the other Argo CD
 * tests keep their 1.28.15 control plane. docs/maintainers/argo-cd-suite.md has the figures.
 *
 * Every Application has automated sync with prune and self-heal. A sampler reads each
 * Application every 250 ms (sync status, health, operation), and the suite's Observer records
 * every version of every Job and compares Argo CD's health of it (its resource tree) with
 * argoCdJobHealth() of that very object. The two scenarios run side by side, each in namespaces
 * and ClusterQueues of its own.
 *
 * With JOB_PATTERNS_ARGOCD_CAPTURE=<dir>, the queued Jobs as Argo CD judged them are written there
 * (test/fixtures/argocd-3.6.1/kueue-*.json).
 */
import type { KubeConfig, V1Job } from '@kubernetes/client-node';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { argoCdKueueSettings, FixedCompletionJob, GitOpsPolicy, HookPhase, KueueQueue, SingleBatchJob } from '../../index';
import { jobBaseName } from '../../lib/core/gitops';
import { KUEUE } from '../../lib/core/kueue';
import { applyManifests, Manifest } from '../../runtime';
import { ArgoCdOperationPhase, argoCdOperationPhase } from '../../lib/runtime/argocd-health';
import { k8s } from '../../lib/runtime/k8s';
import { validateManifests } from '../../lib/validation/validate';
import { restrictedNamespace, withOutcome } from '../e2e/cluster-tools';
import {
  Application, createApplication, Figures, getApplication, GitRepo, HealthComparison, isJob, KUEUE_INSTANCE, kubeConfig, Observer, refresh, sleep, synth, waitFor,
} from './argocd';

const BUSYBOX = 'busybox:1.36.1';
const KUEUE_API = 'kueue.x-k8s.io/v1beta2';
const QUEUE = 'user-queue';
/** Kueue's validating webhook, refusing a write of Git's parallelism over the one it admitted. */
const PARALLELISM_REFUSED = 'admission webhook "vjob.kb.io" denied the request: spec.parallelism: Forbidden: cannot change when partial admission is enabled and the job is not suspended';

let kc: KubeConfig;
let observer: Observer;
const figures = new Figures('argocd+kueue');
const figure = (line: string) => figures.add(line);

/** Runs a script of scripts/ against the Kueue instance; throws with its output on failure; returns its seconds. */
function script(...parts: string[]): number {
  const started = Date.now();
  const run = spawnSync('bash', [path.join(KUEUE_INSTANCE.root, 'scripts', ...parts)], { env: KUEUE_INSTANCE.env, encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`scripts/${parts.join('/')} exited ${run.status}:\n${run.stderr}${run.stdout}`);
  return (Date.now() - started) / 1000;
}

/**
 * The control plane, Argo CD and Kueue, started once by the first test that asks (jest starts
 * concurrent tests before the file's beforeAll hooks).
 */
let started: Promise<void> | undefined;
function ready(): Promise<void> {
  started ??= (async () => {
    const argocd = script('argocd', 'up.sh');
    const kueue = script('kueue', 'up.sh');
    figure(`Kubernetes ${KUEUE_INSTANCE.version} and Argo CD up in ${argocd.toFixed(1)} s, Kueue in ${kueue.toFixed(1)} s`);
    kc = kubeConfig(KUEUE_INSTANCE);
    observer = new Observer(kc, KUEUE_INSTANCE);
    await observer.start();
  })();
  return started;
}

afterAll(() => {
  observer?.stop();
  figures.print();
  if (process.env.KEEP_CLUSTER !== '1' && started) script('argocd', 'down.sh');
}, 120_000);

const jobNamed = (manifests: readonly Manifest[], name: string) => manifests.find(m => isJob(m) && jobBaseName(m) === name)!.metadata.name;
/** One pod of these takes the whole quota (1 cpu). */
const ONE_CPU = { cpu: { request: Cpu.units(1) }, memory: { request: Size.mebibytes(64) } };
const container = { name: 'c', image: BUSYBOX, command: ['true'], resources: ONE_CPU };

/** A ResourceFlavor (the kwok nodes' label), a ClusterQueue with 1 cpu for `namespace` only, and its LocalQueue `user-queue`; waits until both are Active. */
async function queueFor(namespace: string): Promise<void> {
  const results = await applyManifests(kc, [
    { apiVersion: KUEUE_API, kind: 'ResourceFlavor', metadata: { name: namespace }, spec: { nodeLabels: { type: 'kwok' } } },
    {
      apiVersion: KUEUE_API, kind: 'ClusterQueue', metadata: { name: namespace },
      spec: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        resourceGroups: [{ coveredResources: ['cpu', 'memory'], flavors: [{ name: namespace, resources: [{ name: 'cpu', nominalQuota: '1' }, { name: 'memory', nominalQuota: '8Gi' }] }] }],
      },
    },
    { apiVersion: KUEUE_API, kind: 'LocalQueue', metadata: { name: QUEUE, namespace }, spec: { clusterQueue: namespace } },
  ], { namespace });
  expect(results.filter(r => r.error)).toEqual([]);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const active = (o: any) => (o.status?.conditions ?? []).some((c: any) => c.type === 'Active' && c.status === 'True');
  await waitFor(`the queues of ${namespace} to be Active`, 30_000, async () => {
    const cq = await custom.getClusterCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural: 'clusterqueues', name: namespace });
    const lq = await custom.getNamespacedCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural: 'localqueues', namespace, name: QUEUE });
    return active(cq) && active(lq) ? true : undefined;
  });
}

/** Every distinct state of an Application, read every 250 ms until stopped: its sync status, health, operation and the Jobs it shows OutOfSync. */
class Sampler {
  public readonly states: Array<{ at: number; sync: string; health: string; op: string; jobsOutOfSync: string }> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = Date.now();
  private busy = false;
  constructor(private readonly name: string) {
    this.timer = setInterval(() => void this.sample(), 250);
  }
  public stop(): void {
    clearInterval(this.timer);
  }
  /** The Jobs shown OutOfSync at some time after the first time every Job was Synced (and how many samples had them all Synced). */
  public jobsOutOfSyncOnceSynced(): { allSynced: number; outOfSync: string[] } {
    const first = this.states.findIndex(s => s.sync === 'Synced' && s.jobsOutOfSync === '');
    const after = first < 0 ? [] : this.states.slice(first);
    return { allSynced: after.filter(s => s.jobsOutOfSync === '').length, outOfSync: [...new Set(after.filter(s => s.jobsOutOfSync !== '').map(s => s.jobsOutOfSync))] };
  }
  public words(): string {
    return this.states.map(s => `+${(s.at / 1000).toFixed(1)} ${s.sync}/${s.health}${s.op ? ` ${s.op}` : ''}${s.jobsOutOfSync ? ` (${s.jobsOutOfSync} OutOfSync)` : ''}`).join(', ');
  }
  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const app = await getApplication(kc, this.name);
      const op = app.status?.operationState;
      const jobsOutOfSync = (app.status?.resources ?? []).filter(r => r.kind === 'Job' && r.status !== 'Synced').map(r => r.name).join(',');
      const state = { at: Date.now() - this.t0, sync: app.status?.sync?.status ?? '', health: app.status?.health?.status ?? '', op: op?.phase ?? '', jobsOutOfSync };
      const last = this.states[this.states.length - 1];
      if (!last || last.sync !== state.sync || last.health !== state.health || last.op !== state.op || last.jobsOutOfSync !== state.jobsOutOfSync) this.states.push(state);
    } catch {
      // the Application is not there yet
    } finally {
      this.busy = false;
    }
  }
}

/** A fresh restricted namespace with its queues, Git repository and Application with `manifests` as its first commit. */
async function deploy(prefix: string, manifests: readonly Manifest[], syncOptions: readonly string[], ignoreDifferences: readonly object[]) {
  const namespace = await restrictedNamespace(kc, prefix);
  await queueFor(namespace);
  const repo = new GitRepo(namespace, KUEUE_INSTANCE);
  const revision = repo.commit(manifests, 'first');
  const sampler = new Sampler(namespace);
  await createApplication(kc, namespace, repo, namespace, syncOptions, undefined, ignoreDifferences);
  observer.watchApplication(namespace);
  return { namespace, repo, app: namespace, revision, sampler };
}

/** Waits until a sync at `revision` failed (Failed, or Running again for a retry) with `message` in its words. */
async function syncRefused(name: string, revision: string, message: string): Promise<Application> {
  return waitFor(`a sync of ${name} at ${revision.slice(0, 8)} to fail with "${message}"`, 120_000, async () => {
    const app = await getApplication(kc, name);
    const op = app.status?.operationState;
    return op?.syncResult?.revision === revision && op.message?.includes(message) && (op.phase === 'Failed' || (op.retryCount ?? 0) >= 1) ? app : undefined;
  });
}

const isTrue = (j: V1Job | undefined, type: string) => (j?.status?.conditions ?? []).some(c => c.type === type && c.status === 'True');
const lastOf = (namespace: string, name: string) => observer.versionsOf(namespace, name).pop();
/** The Job's parallelism in each of its versions, repeats dropped: [2, 1] when Kueue lowered it once. */
const parallelismSteps = (versions: readonly V1Job[]) => versions.map(v => v.spec?.parallelism).filter((p, i, all) => i === 0 || p !== all[i - 1]);
const seconds = (a: string | Date | undefined, b: string | Date | undefined) => (new Date(b!).getTime() - new Date(a!).getTime()) / 1000;

/** Argo CD's health of the Jobs of `namespaces` at every version it judged, each compared with argoCdJobHealth() of that object. */
function judged(namespaces: readonly string[]): HealthComparison[] {
  return [...observer.comparisons.values()].filter(c => namespaces.includes(c.job.split('/')[0]));
}

/** With JOB_PATTERNS_ARGOCD_CAPTURE=<dir>: writes `comparison`'s Job with Argo CD's health as <dir>/<file>.json (test/fixtures/argocd-3.6.1). */
function capture(file: string, comparison: HealthComparison): void {
  const dir = process.env.JOB_PATTERNS_ARGOCD_CAPTURE;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const m = comparison.object.metadata ?? {};
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: m.name, labels: m.labels, annotations: m.annotations, finalizers: m.finalizers }, spec: { suspend: comparison.object.spec?.suspend }, status: comparison.object.status };
  fs.writeFileSync(path.join(dir, `${file}.json`), `${JSON.stringify({ argoCd: { version: '3.6.1', health: comparison.argoCd }, job }, null, 2)}\n`);
}

describe('a real Argo CD syncing Jobs that a real Kueue queues', () => {
  test.concurrent('a queued Job stays Synced through queueing, partial admission and completion with argoCdKueueSettings(); without them every sync is refused', async () => {
    await ready();
    // GIVEN a Job and a Job of 2 pods that may start with 1 (partial admission), in a queue with
    // quota for one pod, and a ConfigMap whose change makes a second sync; in three Applications:
    // without settings, with argoCdKueueSettings()'s ignoreDifferences only, with all of it
    const manifests = (round: number) => synth(chart => {
      new SingleBatchJob(chart, 'first', { metadata: { name: 'first' }, kueue: KueueQueue.localQueue(QUEUE), container });
      new FixedCompletionJob(chart, 'render', { metadata: { name: 'render' }, completions: 2, parallelism: 2, kueue: KueueQueue.localQueue(QUEUE, { minParallelism: 1 }), container });
      new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { round: String(round) } });
    }).map(m => (isJob(m) ? withOutcome(m, { duration: '12s' }) : m));
    expect(validateManifests(manifests(1)).findings).toEqual([]);
    const [first, render] = [jobNamed(manifests(1), 'first'), jobNamed(manifests(1), 'render')];
    const settings = argoCdKueueSettings();
    expect(settings).toEqual({ ignoreDifferences: [{ group: 'batch', kind: 'Job', managedFieldsManagers: ['kueue'] }], syncOptions: ['RespectIgnoreDifferences=true'] });
    const variants = [
      { label: 'no settings', syncOptions: [], ignoreDifferences: [] },
      { label: 'ignoreDifferences only', syncOptions: [], ignoreDifferences: settings.ignoreDifferences },
      { label: 'argoCdKueueSettings()', syncOptions: settings.syncOptions, ignoreDifferences: settings.ignoreDifferences },
    ];

    // WHEN Argo CD syncs each; once Kueue has admitted render with 1 pod and self-heal has had its
    // chance, a commit changes the ConfigMap (not in the first Application, whose self-heal sync
    // is refused and retried with a growing back-off, holding back any other sync for minutes)
    const runs = await Promise.all(variants.map(async (variant, i) => {
      const d = await deploy(`ak-drift-${i}`, manifests(1), variant.syncOptions, variant.ignoreDifferences);
      try {
        await observer.syncedAt(d.app, d.revision, 180_000);
        await waitFor(`${variant.label}: render admitted with 1 pod`, 120_000, async () =>
          (observer.versionsOf(d.namespace, render).some(v => v.spec?.suspend === false && v.spec?.parallelism === 1) ? true : undefined));
        let second: Application;
        if (i === 0) {
          second = await syncRefused(d.app, d.revision, PARALLELISM_REFUSED);
        } else {
          await sleep(8_000);
          const round2 = d.repo.commit(manifests(2), 'round 2: the ConfigMap only');
          await refresh(kc, d.app);
          second = i === 2 ? await observer.syncedAt(d.app, round2, 120_000) : await syncRefused(d.app, round2, PARALLELISM_REFUSED);
        }
        await waitFor(`${variant.label}: both Jobs complete`, 180_000, async () => (isTrue(lastOf(d.namespace, first), 'Complete') && isTrue(lastOf(d.namespace, render), 'Complete') ? true : undefined));
        await sleep(2_000);
        return { ...variant, ...d, second, app: await getApplication(kc, d.app) };
      } catch (error) {
        throw new Error(`${variant.label} (${d.app}): ${(error as Error).message}; states: ${d.sampler.words()}`);
      } finally {
        d.sampler.stop();
      }
    }));

    // THEN in every Application Kueue really queued (both created suspended; the one it admitted
    // second started only once the other had finished), lowered render's parallelism to 1, and each
    // Job ran once, as one object
    for (const r of runs) {
      const [earlier, later] = [first, render].map(n => lastOf(r.namespace, n)!).sort((a, b) => seconds(b.status?.startTime, a.status?.startTime));
      figure(`${r.label}: ${jobBaseName(later as Manifest)} waited for ${jobBaseName(earlier as Manifest)} (started +${seconds(earlier.status?.completionTime, later.status?.startTime)} s after it completed); render parallelism ${parallelismSteps(observer.versionsOf(r.namespace, render)).join(' -> ')}; `
        + `${r.app.status?.history?.length} sync(s) in history; ${r === runs[0] ? 'self-heal' : 'round 2'}: ${r.second.status?.operationState?.phase} (retry ${r.second.status?.operationState?.retryCount ?? 0}); `
        + `Application ${r.app.status?.sync?.status}/${r.app.status?.health?.status}; states: ${r.sampler.words()}`);
      for (const n of [first, render]) expect(observer.versionsOf(r.namespace, n)[0].spec?.suspend).toBe(true);
      expect(seconds(earlier.status?.completionTime, later.status?.startTime)).toBeGreaterThanOrEqual(0);
      expect(parallelismSteps(observer.versionsOf(r.namespace, render))).toEqual([2, 1]);
      expect(observer.runsOf(r.namespace, render)).toHaveLength(1);
      expect(observer.runsOf(r.namespace, first)).toHaveLength(1);
    }
    const [plain, ignoreOnly, full] = runs;
    // Without settings: Kueue's parallelism is drift; self-heal writes Git's back and Kueue's webhook
    // refuses it, so the Application stays OutOfSync with a failing sync, and every new commit fails
    expect(plain.app.status?.sync?.status).toBe('OutOfSync');
    expect(plain.app.status?.resources?.filter(r => r.status === 'OutOfSync').map(r => r.name)).toEqual([render]);
    expect(plain.second.status?.operationState?.message).toContain(PARALLELISM_REFUSED);
    // With the ignoreDifferences only: Synced, but a sync (the ConfigMap's commit) applies Git's
    // parallelism over Kueue's and Kueue refuses it: the commit never syncs
    expect(ignoreOnly.sampler.jobsOutOfSyncOnceSynced()).toEqual({ allSynced: expect.any(Number), outOfSync: [] });
    expect(ignoreOnly.second.status?.operationState?.message).toContain(PARALLELISM_REFUSED);
    // With argoCdKueueSettings(): each Job Synced from the first sync to the end (the Application
    // is OutOfSync only between the ConfigMap's commit and its sync), and the commit synced
    expect(full.sampler.jobsOutOfSyncOnceSynced()).toEqual({ allSynced: expect.any(Number), outOfSync: [] });
    expect(full.sampler.jobsOutOfSyncOnceSynced().allSynced).toBeGreaterThanOrEqual(3);
    expect(full.second.status?.operationState?.phase).toBe('Succeeded');
    expect(full.app.status?.history?.map(h => h.revision)).toEqual([full.revision, full.second.status?.operationState?.syncResult?.revision]);
    expect(full.app.status?.sync?.status).toBe('Synced');

    // THEN Argo CD's health of every version of these Jobs equals argoCdJobHealth(): a queued Job
    // is Suspended ("Job suspended"); once admitted and resumed it is Healthy while its pods run
    const seen = judged(runs.map(r => r.namespace));
    expect(seen.filter(c => c.argoCd.status !== c.ours.status || c.argoCd.message !== c.ours.message).map(c => [c.job, c.argoCd, c.ours])).toEqual([]);
    const queued = seen.find(c => c.object.spec?.suspend === true && c.argoCd.status === 'Suspended');
    const running = seen.find(c => c.object.metadata?.labels?.[KUEUE.QUEUE_NAME_LABEL] && (c.object.status?.active ?? 0) > 0 && c.argoCd.status === 'Healthy');
    expect(queued?.argoCd).toEqual({ status: 'Suspended', message: 'Job suspended' });
    expect(running?.argoCd).toEqual({ status: 'Healthy', message: 'Job resumed' });
    capture('kueue-queued', queued!);
    capture('kueue-admitted-running', running!);
    figure(`health: ${seen.length}/${seen.length} versions of the queued Jobs as argoCdJobHealth() says (${[...new Set(seen.map(c => `${c.argoCd.status} "${c.argoCd.message}"`))].join(', ')})`);
  }, 600_000);

test.concurrent('a PreSync hook that Kueue queues: the sync waits while it is queued, and goes on as soon as Kueue admits it, before it ran; the hook runs once', async () => {
    await ready();
    // GIVEN a queue whose quota a Job outside Argo CD holds, and an Application with a PreSync
    // hook queued there and a ConfigMap of the Sync phase (a hand-written label: the library
    // refuses a queued hook, and the rule kueue/hook flags it)
    const namespace = await restrictedNamespace(kc, 'ak-hook');
    await queueFor(namespace);
    const [blocker] = synth(chart => {
      new SingleBatchJob(chart, 'blocker', { metadata: { name: 'blocker' }, gitOps: GitOpsPolicy.none(), kueue: KueueQueue.localQueue(QUEUE), container });
    }).map(m => withOutcome(m, { duration: '15s' }));
    const manifests = synth(chart => {
      new SingleBatchJob(chart, 'migrate', { metadata: { name: 'migrate' }, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), container });
      new ApiObject(chart, 'after', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-migrate' }, data: { migrated: 'yes' } });
    }).map(m => (isJob(m) ? withOutcome({ ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels, [KUEUE.QUEUE_NAME_LABEL]: QUEUE } } }, { duration: '15s' }) : m));
    expect(validateManifests(manifests).findings.map(f => `${f.ruleId} ${f.kind}/${f.name}`)).toEqual(['kueue/hook Job/migrate']);
    expect((await applyManifests(kc, [blocker], { namespace })).filter(r => r.error)).toEqual([]);
    await waitFor('the blocker to run', 60_000, async () => ((lastOf(namespace, 'blocker')?.status?.active ?? 0) > 0 ? true : undefined));

    // WHEN Argo CD syncs the Application
    const repo = new GitRepo(namespace, KUEUE_INSTANCE);
    const revision = repo.commit(manifests, 'first');
    const sampler = new Sampler(namespace);
    try {
      await createApplication(kc, namespace, repo, namespace);
      observer.watchApplication(namespace);
      await observer.syncedAt(namespace, revision, 180_000);
      await waitFor('migrate to complete', 120_000, async () => (isTrue(lastOf(namespace, 'migrate'), 'Complete') ? true : undefined));
    } finally {
      sampler.stop();
    }

    // THEN while Kueue held the hook (suspended) Argo CD waited: the hook Suspended, its phase Running
    const migrate = observer.versionsOf(namespace, 'migrate');
    const admitted = migrate.find(v => v.spec?.suspend === false)!;
    const done = migrate[migrate.length - 1];
    const blockerDone = lastOf(namespace, 'blocker')!;
    const hookSeen = judged([namespace]).filter(c => c.job === `${namespace}/migrate`);
    const whileQueued = hookSeen.find(c => c.object.spec?.suspend === true && c.argoCd.status === 'Suspended');
    expect(whileQueued?.argoCd).toEqual({ status: 'Suspended', message: 'Job suspended' });
    expect(argoCdOperationPhase(whileQueued!.argoCd)).toBe(ArgoCdOperationPhase.RUNNING);
    // THEN as soon as Kueue admitted it (Suspended=False, JobResumed), Argo CD counted the hook as
    // finished: the hook Succeeded, the ConfigMap of the Sync phase was created and the sync
    // Succeeded, all before the hook's pod finished
    const whileRunning = hookSeen.find(c => c.argoCd.status === 'Healthy' && (c.object.status?.active ?? 0) > 0 && !isTrue(c.object, 'Complete'));
    expect(whileRunning?.argoCd).toEqual({ status: 'Healthy', message: 'Job resumed' });
    expect(argoCdOperationPhase(whileRunning!.argoCd)).toBe(ArgoCdOperationPhase.SUCCEEDED);
    // (read from the operation the automated sync started at this revision: a later one, such as a
    // self-heal's sync of the resources a stale comparison still showed OutOfSync, replaces it in
    // the Application's operationState and, being a sync of some resources, runs no hook)
    const atRevision = observer.operationsOf(namespace).filter(op => op.syncResult?.revision === revision);
    const [operation, ...later] = atRevision;
    figure(`queued PreSync hook: the operations of ${namespace}: ${observer.operationsOf(namespace).map(op => `${op.startedAt} ${op.phase} at ${op.syncResult?.revision?.slice(0, 8)}: ${op.message ?? ''} [${(op.syncResult?.resources ?? []).map(r => `${r.kind}/${r.name} ${r.hookType ?? ''}${r.hookPhase ? `/${r.hookPhase}` : ''}`).join(', ')}]`).join('; ')}`);
    const hook = operation?.syncResult?.resources?.find(r => r.name === 'migrate');
    expect([operation?.phase, hook?.hookType, hook?.hookPhase]).toEqual(['Succeeded', 'PreSync', 'Succeeded']);
    expect(observer.runsOf(namespace, 'migrate')).toHaveLength(1);
    const after = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: 'after-migrate', namespace });
    const completedAt = done.status?.completionTime;
    expect(seconds(after.metadata?.creationTimestamp, completedAt)).toBeGreaterThanOrEqual(5);
    expect(seconds(operation.finishedAt, completedAt)).toBeGreaterThanOrEqual(5);
    capture('kueue-hook-admitted-running', whileRunning!);
    figure(`queued PreSync hook: created +0 s, suspended by Kueue while the blocker ran (Argo CD: Suspended, hook Running); blocker complete +${seconds(migrate[0].metadata?.creationTimestamp, blockerDone.status?.completionTime)} s, `
      + `hook admitted (started) +${seconds(migrate[0].metadata?.creationTimestamp, admitted.status?.startTime ?? done.status?.startTime)} s, Sync-phase ConfigMap created +${seconds(migrate[0].metadata?.creationTimestamp, after.metadata?.creationTimestamp)} s, `
      + `sync ${operation.phase} +${seconds(migrate[0].metadata?.creationTimestamp, operation.finishedAt)} s, hook complete +${seconds(migrate[0].metadata?.creationTimestamp, completedAt)} s; `
      + `later operations at this revision: ${later.map(op => `${op.phase} (${(op.syncResult?.resources ?? []).map(r => `${r.kind}/${r.name}`).join(', ')})`).join('; ') || 'none'}; states: ${sampler.words()}`);
  }, 600_000);
});
