/**
 * The example app (examples/app.ts) on a real control plane: every object is admitted, and every example
 * reaches the end its pattern promises under the real Job, TTL-after-finished and garbage-collector
 * controllers (pods simulated by kwok, see docs/maintainers/control-plane.md).
 *
 * Generic over buildExampleApp: the dry-run and admission tests take every object; the seeds are
 * checked one by one; every other Job is applied with the rest of the app, hook phase by phase and
 * wave by wave as Argo CD syncs it, and must complete, with extra checks by pattern (work queue,
 * template expansion, Indexed Job, controller pod). An example added to examples/app.ts is covered without
 * editing this file; a kind of example removed from it fails the tests of that kind, naming it.
 *
 * The tests run concurrently (test.concurrent, at most 5 at a time): the slow ones (TTL and
 * deadline ~100 s, back-off ~75 s) are declared first so they start at once.
 */
import type { KubeConfig, V1Job, V1Pod } from '@kubernetes/client-node';
import { Testing } from 'cdk8s';
import { buildExampleApp } from '../../examples/app';
import { jobBaseName } from '../../lib/core/gitops';
import { JobPattern } from '../../lib/core/catalogue';
import { JobPatternAnnotations, JobPatternLabels } from '../../lib/core/labels';
import { applyManifests, JobReport, JobState, jobTargets, JobVerifier, Manifest, verifyJobs, VerifyOutcome, VerifyResult } from '../../runtime';
import { expandIndexes } from '../../lib/runtime/verdict';
import { k8s } from '../../lib/runtime/k8s';
import { e2eMinor, kubeConfig, restrictedNamespace, withOutcome } from './cluster';

// ---------------------------------------------------------------------------------------------
// The example app

function exampleManifests(): Manifest[] {
  const app = Testing.app();
  buildExampleApp(app);
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
}

const manifests = exampleManifests();
const isJob = (m: Manifest) => m.apiVersion === 'batch/v1' && m.kind === 'Job';
const appJobs = manifests.filter(isJob);

/** The app's Job of that name, without the spec hash that GitOpsPolicy.runOncePerSpec() appends. */
function jobNamed(name: string): Manifest {
  const found = appJobs.filter(m => jobBaseName(m) === name);
  if (found.length !== 1) throw new Error(`the example app (examples/app.ts) has ${found.length} Job(s) named ${name}, expected 1: restore the seed example ${name} in buildExampleApp()`);
  return found[0];
}

/** The seeds' examples, each checked on its own below. Every other Job of the app must complete. */
const SEEDS = ['pi', 'pi-with-ttl', 'pi-with-timeout', 'two-times', 'job-demo', 'unlucky-never', 'unlucky-onfailure', 'even-seconds'];
const restObjects = manifests.filter(m => !(isJob(m) && SEEDS.includes(jobBaseName(m))));
const restJobs = restObjects.filter(isJob);
/**
 * The rest as applied: each pod runs 3 s (kwok's default is 1 s), so that a Job's pods are still
 * running seconds after the verifier, started before its step was applied, began to watch.
 */
const restApplied = restObjects.map(m => (isJob(m) ? withOutcome(m, { duration: '3s' }) : m));
const patternOf = (m: Manifest) => m.metadata.annotations?.[JobPatternAnnotations.PATTERN];

/**
 * Runs `fn` as a concurrent test of an example this suite requires of the example app. When examples/app.ts
 * has no such example the test fails, naming it: an example removed from the app must not pass
 * as a skipped test.
 */
function testExample(present: boolean, example: string, name: string, fn: () => Promise<void>, timeoutMs = FAST) {
  concurrent(name, async () => {
    if (!present) throw new Error(`the example app (examples/app.ts) has no ${example}; this suite checks one on a real control plane: restore it in buildExampleApp()`);
    await fn();
  }, timeoutMs);
}

/** test.concurrent, noting when the test started and how long it took (printed after the suite). */
function concurrent(name: string, fn: () => Promise<void>, timeoutMs: number) {
  test.concurrent(name, async () => {
    const started = Date.now();
    try {
      await fn();
    } finally {
      wallClock.push(`  +${((started - suiteStarted) / 1000).toFixed(0)} s, ${((Date.now() - started) / 1000).toFixed(1)} s: ${name.slice(0, 70)}`);
    }
  }, timeoutMs);
}

/** Test timeouts (test.concurrent takes no default from jest.setTimeout). */
const FAST = 120_000;
const SLOW = 240_000;

// ---------------------------------------------------------------------------------------------
// Cluster helpers

let kc: KubeConfig;
beforeAll(() => { kc = kubeConfig(); });

/** Measured durations, printed after the suite (docs/maintainers/control-plane.md quotes them). */
const timings: Array<[string, string]> = [];
const wallClock: string[] = [];
let suiteStarted = Date.now();
beforeAll(() => { suiteStarted = Date.now(); });
function timed(what: string, seconds: number): void {
  timings.push([what, `${seconds.toFixed(1)} s`]);
}
afterAll(() => {
  if (timings.length > 0) process.stderr.write(`\n[e2e examples] measured:\n${timings.map(([w, t]) => `  ${w}: ${t}`).join('\n')}\n`);
  if (wallClock.length > 0) process.stderr.write(`[e2e examples] tests (start after the suite's start, duration):\n${wallClock.join('\n')}\n`);
});

async function apply(namespace: string, objects: readonly Manifest[]): Promise<void> {
  const results = await applyManifests(kc, objects, { namespace });
  expect(results.filter(r => r.error)).toEqual([]);
}

/** The HTTP status of an API call: 200 when it succeeded, else the server's code. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise(r => setTimeout(r, ms));
}

/** Applies one Job in a fresh restricted namespace and verifies it to its end. */
async function runJob(prefix: string, job: Manifest, timeoutMs: number): Promise<{ namespace: string; result: VerifyResult; report: JobReport }> {
  const namespace = await restrictedNamespace(kc, prefix);
  await apply(namespace, [job]);
  const result = await verifyJobs({ kubeConfig: kc, targets: jobTargets([job], namespace), namespace, timeoutMs, logLines: 0 });
  expect(result.jobs).toHaveLength(1);
  return { namespace, result, report: result.jobs[0] };
}

/**
 * The Job once it has its terminal condition (Complete or Failed). From 1.31 an early verdict
 * comes before it: the controller adds it, with completionTime and the final counts, once every
 * pod terminated and its tracking finalizer is removed.
 */
async function finishedJob(namespace: string, name: string): Promise<V1Job> {
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  for (let i = 0; i < 300; i++) {
    const job = await batch.readNamespacedJob({ name, namespace });
    if ((job.status?.conditions ?? []).some(c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return job;
    await sleep(100);
  }
  throw new Error(`Job ${namespace}/${name} got no Complete or Failed condition within 30 s`);
}

async function podsOf(namespace: string, jobName: string): Promise<V1Pod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` })).items;
}

/**
 * The pods of a Job still there after up to 10 s (none, once the pods the Job controller deleted
 * are gone). On 1.28 the controller writes Failed in the sync that deletes the pods, and kwok
 * removes them moments later: a read right after Failed could still see one.
 */
async function podsLeft(namespace: string, jobName: string): Promise<string[]> {
  let left: V1Pod[] = [];
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    left = await podsOf(namespace, jobName);
    if (left.length === 0) return [];
  }
  return left.map(p => `${p.metadata?.name} (${p.status?.phase}${p.metadata?.deletionTimestamp ? ', being deleted' : ''})`);
}

/** The Complete condition's reason: none before 1.31, CompletionsReached from 1.31. */
const completeReason = () => (e2eMinor >= 31 ? 'CompletionsReached' : undefined);
/**
 * From 1.31 the Job controller writes SuccessCriteriaMet / FailureTarget in one status update and
 * Complete / Failed in a later one (after the pods' finalizers are removed), so a verifier that
 * watched the Job run judges it from the first: an early verdict. Before 1.31 Complete and Failed
 * come first (FailureTarget only with a pod failure policy, then in the same update as Failed).
 */
const early = e2eMinor >= 31;

/** A report of a Job that completed at its first attempt with `pods` pods. */
function expectCleanCompletion(report: JobReport, pods: number, maxRunning: number): void {
  expect(report.verdict).toMatchObject({ state: JobState.COMPLETE, terminal: true, early, reason: completeReason() });
  expect(report.stats).toMatchObject({ podsCreated: pods, maxRunning, failedAttempts: 0 });
  expect(report.failedPods).toEqual([]);
  expect(report.stuckPods).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The rest of the app, synced as Argo CD would (shared by the pattern tests below)

const waveOf = (m: Manifest) => Number(m.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0');
/** Argo CD's sync phases, in order; undefined for hooks a successful sync does not run (Skip, SyncFail). */
const PHASES = ['PreSync', 'Sync', 'PostSync'];
function phaseOf(m: Manifest): number | undefined {
  const hook = m.metadata.annotations?.['argocd.argoproj.io/hook'];
  const index = PHASES.indexOf(hook ?? 'Sync');
  return index < 0 ? undefined : index;
}

interface Synced {
  readonly namespace: string;
  /** By the Job's name. */
  readonly reports: ReadonlyMap<string, JobReport>;
  /** The steps in order: the objects applied (`Kind/name`), then those seen healthy before the next step. */
  readonly steps: ReadonlyArray<{ readonly name: string; readonly applied: readonly string[]; readonly healthy: readonly string[] }>;
}

async function deploymentAvailable(namespace: string, name: string, timeoutMs: number): Promise<void> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    const replicas = d.spec?.replicas ?? 1;
    last = d.status;
    if ((d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1)
      && d.status?.updatedReplicas === replicas && d.status?.availableReplicas === replicas) return;
    await sleep(250);
  }
  throw new Error(`Deployment ${namespace}/${name} not available after ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
}

/**
 * Applies `objects` in a fresh restricted namespace as Argo CD syncs them: phase by phase
 * (PreSync hooks, the objects, PostSync hooks) and within a phase by ascending sync wave, each
 * step healthy (Deployments available, Jobs complete) before the next is applied.
 */
async function syncLikeArgoCd(prefix: string, objects: readonly Manifest[], timeoutMs: number): Promise<Synced> {
  const namespace = await restrictedNamespace(kc, prefix);
  const started = Date.now();
  const reports = new Map<string, JobReport>();
  const log: Array<Synced['steps'][number]> = [];
  const steps = [...new Map(objects.filter(m => phaseOf(m) !== undefined).map(m => [`${phaseOf(m)}/${waveOf(m)}`, [phaseOf(m)!, waveOf(m)]])).values()]
    .sort(([p1, w1], [p2, w2]) => p1 - p2 || w1 - w2);
  for (const [phase, wave] of steps) {
    const step = `${PHASES[phase]} wave ${wave}`;
    const batch = objects.filter(m => phaseOf(m) === phase && waveOf(m) === wave);
    const jobs = batch.filter(isJob);
    // The verifier watches before the step is applied, so it sees each Job from its creation on
    // (its pods running, and from 1.31 SuccessCriteriaMet before Complete), however long applying
    // the step's other objects takes: it does not race the Jobs.
    const verifier = jobs.length > 0 ? new JobVerifier({ kubeConfig: kc, targets: jobTargets(jobs, namespace), namespace, timeoutMs, logLines: 0 }) : undefined;
    const verifying = verifier?.run();
    const rejected = (await applyManifests(kc, batch, { namespace })).filter(r => r.error);
    if (rejected.length > 0) {
      verifier?.stop();
      throw new Error(`${step}: rejected ${JSON.stringify(rejected)}`);
    }
    const [result] = await Promise.all([
      verifying,
      ...batch.filter(m => m.apiVersion === 'apps/v1' && m.kind === 'Deployment').map(d => deploymentAvailable(namespace, d.metadata.name, timeoutMs)),
    ]);
    for (const report of result?.jobs ?? []) reports.set(report.name, report);
    log.push({
      name: step,
      applied: batch.map(m => `${m.kind}/${m.metadata.name}`),
      // Deployments: available (deploymentAvailable() resolved); Jobs: complete.
      healthy: batch.filter(m => m.kind === 'Deployment' || (isJob(m) && reports.get(m.metadata.name)?.verdict.state === JobState.COMPLETE)).map(m => `${m.kind}/${m.metadata.name}`),
    });
    timed(`rest of the app: ${step} (${batch.length} objects) healthy after`, (Date.now() - started) / 1000);
    if (result && result.outcome !== VerifyOutcome.CONVERGED) {
      throw new Error(`${step} did not converge: ${result.summary}; ${JSON.stringify(result.jobs.map(j => [j.name, j.verdict, j.stats]))}`);
    }
  }
  return { namespace, reports, steps: log };
}

let synced: Promise<Synced> | undefined;
/** The rest of the app, synced once for all the tests that need it. */
function restOfApp(): Promise<Synced> {
  synced ??= syncLikeArgoCd('ex-rest', restApplied, 120_000);
  return synced;
}

function reportOf(s: Synced, name: string): JobReport {
  const report = s.reports.get(name);
  if (!report) throw new Error(`no report for Job ${name}`);
  return report;
}

// ---------------------------------------------------------------------------------------------
// The tests. The slow ones first: they start at once and the others run beside them.

describe('the example app on a real control plane', () => {
  concurrent('pi-with-ttl completes, then its TTL (100 s) deletes the Job and its pod about 100 s after it finished', async () => {
    const job = jobNamed('pi-with-ttl');
    const ttl = job.spec.ttlSecondsAfterFinished;
    expect(ttl).toBe(100);
    const { namespace, report } = await runJob('ex-ttl', job, 60_000);
    expectCleanCompletion(report, 1, 1);

    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const finished = await finishedJob(namespace, job.metadata.name);
    const completionTime = new Date(finished.status!.completionTime!).getTime();
    // The finished pod is still there: what disappears later was deleted by the TTL, not by the Job controller.
    expect((await podsOf(namespace, job.metadata.name)).map(p => p.status?.phase)).toEqual(['Succeeded']);

    let jobGoneAt: number | undefined;
    let podsGoneAt: number | undefined;
    const giveUp = completionTime + (ttl + 30) * 1000;
    while ((jobGoneAt === undefined || podsGoneAt === undefined) && Date.now() < giveUp) {
      if (jobGoneAt === undefined && await statusOf(batch.readNamespacedJob({ name: job.metadata.name, namespace })) === 404) jobGoneAt = Date.now();
      if (podsGoneAt === undefined && (await podsOf(namespace, job.metadata.name)).length === 0) podsGoneAt = Date.now();
      await sleep(250);
    }
    expect(jobGoneAt).toBeDefined();
    expect(podsGoneAt).toBeDefined();
    const jobGone = (jobGoneAt! - completionTime) / 1000;
    const podsGone = (podsGoneAt! - completionTime) / 1000;
    timed('pi-with-ttl: Job gone after completionTime +', jobGone);
    timed('pi-with-ttl: pod gone after completionTime +', podsGone);
    // completionTime has whole seconds, and the controller computes the expiry from the same
    // truncated time, so nothing may go before ttl; the TTL controller and the garbage
    // collector act within a few seconds of it.
    expect(jobGone).toBeGreaterThanOrEqual(ttl);
    expect(jobGone).toBeLessThan(ttl + 5);
    expect(podsGone).toBeGreaterThanOrEqual(ttl);
    expect(podsGone).toBeLessThan(ttl + 5);
  }, SLOW);

  concurrent('pi-with-timeout fails with DeadlineExceeded at its 100 s activeDeadline when its pod runs 150 s', async () => {
    const job = jobNamed('pi-with-timeout');
    expect(job.spec.activeDeadlineSeconds).toBe(100);
    const { namespace, result, report } = await runJob('ex-timeout', withOutcome(job, { duration: '150s' }), 150_000);
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, early, reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    // The running pod is killed by the Job controller and counted as failed; it exited with no code.
    // (From 1.31 the early verdict still counts it: it is in status.uncountedTerminatedPods.)
    expect(report.stats).toMatchObject({ podsCreated: 1, maxRunning: 1, failedAttempts: 1 });
    expect(report.failedPods).toEqual([]);
    timed('pi-with-timeout: startTime to Failed', report.stats.durationMs! / 1000);
    expect(report.stats.durationMs! / 1000).toBeGreaterThanOrEqual(100);
    expect(report.stats.durationMs! / 1000).toBeLessThanOrEqual(102);
    expect((await finishedJob(namespace, job.metadata.name)).status?.failed).toBe(1);
    expect(await podsLeft(namespace, job.metadata.name)).toEqual([]);
  }, SLOW);

  concurrent('unlucky-never (every pod exits 1) fails with BackoffLimitExceeded after backoffLimit + 1 = 4 failed pods, backing off 10+20+40 s', async () => {
    const job = jobNamed('unlucky-never');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const { namespace, result, report } = await runJob('ex-never', withOutcome(job, { exitCode: 1 }), 150_000);
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, early, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(report.stats).toMatchObject({ podsCreated: 4, maxRunning: 1, failedAttempts: 4 });
    expect(report.failedPods.map(p => p.exits)).toEqual(Array(4).fill([{ container: 'unlucky', exitCode: 1, reason: 'Error' }]));
    timed('unlucky-never: startTime to Failed', report.stats.durationMs! / 1000);
    expect(report.stats.durationMs! / 1000).toBeGreaterThanOrEqual(70);
    expect(report.stats.durationMs! / 1000).toBeLessThanOrEqual(85);
    // Failed pods of a restartPolicy Never Job stay, for their logs.
    expect((await podsOf(namespace, job.metadata.name)).map(p => p.status?.phase)).toEqual(Array(4).fill('Failed'));
  }, SLOW);

  concurrent('every object of the example app passes server-side dry-run with strict field validation, and the dry run stores nothing', async () => {
    const namespace = await restrictedNamespace(kc, 'ex-dry-run');
    const results = await applyManifests(kc, manifests, { namespace, dryRun: true });
    expect(results.filter(r => r.error)).toEqual([]);
    expect(results.map(r => `${r.kind}/${r.name}`)).toEqual(manifests.map(m => `${m.kind}/${m.metadata.name}`));
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    for (const m of manifests) {
      const ref = { apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: m.metadata.namespace ?? namespace } };
      expect([`${m.kind}/${m.metadata.name}`, await statusOf(objects.read(ref))]).toEqual([`${m.kind}/${m.metadata.name}`, 404]);
    }
  }, FAST);

  concurrent('the dry run is strict: a Job with an unknown field is refused', async () => {
    const namespace = await restrictedNamespace(kc, 'ex-strict');
    const job = structuredClone(appJobs[0]);
    job.spec.template.spec.containers[0].comand = ['typo'];
    const [result] = await applyManifests(kc, [job], { namespace, dryRun: true });
    expect(result.error).toBe(`failed to create typed patch object (${namespace}/${job.metadata.name}; batch/v1, Kind=Job): `
      + `.spec.template.spec.containers[name="${job.spec.template.spec.containers[0].name}"].comand: field not declared in schema`);
  }, FAST);

  concurrent('every pod template of the example app is admitted as a pod under the restricted Pod Security Standard', async () => {
    const namespace = await restrictedNamespace(kc, 'ex-pss');
    // Pods need their ServiceAccount to exist (admission checks it), so those are created for real.
    await apply(namespace, manifests.filter(m => m.apiVersion === 'v1' && m.kind === 'ServiceAccount'));
    const pods = manifests.flatMap(m => {
      const template = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template : m.spec?.template;
      if (!template?.spec?.containers) return [];
      return [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${m.kind}-${m.metadata.name}`.toLowerCase().slice(0, 63), labels: template.metadata?.labels }, spec: template.spec } as Manifest];
    });
    expect(pods.map(p => p.metadata.name)).toEqual(expect.arrayContaining(appJobs.map(j => `job-${j.metadata.name}`.slice(0, 63))));
    const results = await applyManifests(kc, pods, { namespace, dryRun: true });
    expect(results.filter(r => r.error)).toEqual([]);
    expect(results).toHaveLength(pods.length);
    // The namespace does enforce the profile: the same pod as root is refused.
    const root = structuredClone(pods[0]);
    root.metadata.name = 'as-root';
    root.spec.securityContext = { ...root.spec.securityContext, runAsNonRoot: false, runAsUser: 0 };
    const [refused] = await applyManifests(kc, [root], { namespace, dryRun: true });
    expect(refused.error).toMatch(/violates PodSecurity "restricted:latest": runAsNonRoot != true/);
  }, FAST);

  concurrent('unlucky-onfailure (exit 1, OnFailure) restarts its one pod in place until the restarts reach backoffLimit 3, then fails with BackoffLimitExceeded', async () => {
    // Observed on 1.28.15 (docs/maintainers/control-plane.md): the container is restarted in place (restartCount
    // 1, 2, 3; kwok restarts at once, a kubelet would add CrashLoopBackOff delays of 10 s, 20 s, ...).
    // When the pod's restartCount reaches backoffLimit the Job fails; the controller deletes the pod,
    // in its 4th run, and counts it as 1 failed pod. The verifier counts 3 restarts + 1 failed pod =
    // 4 failed attempts: backoffLimit + 1, as with restartPolicy Never, but in one pod and without
    // the Job's 10-20-40 s back-off.
    // Each run lasts 3 s: with kwok's 1 s runs, a restart kwok had scheduled before the deletion is
    // still written to the pod being deleted (restartCount 4 on a terminating pod), since the Job
    // controller batches pod updates for up to 1 s.
    const job = jobNamed('unlucky-onfailure');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    const { namespace, result, report } = await runJob('ex-onfailure', withOutcome(job, { exitCode: 1, duration: '3s' }), 60_000);
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, early, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(report.stats).toMatchObject({ podsCreated: 1, maxRunning: 1, failedAttempts: 4 });
    // One pod, each of its three failed runs kept (the pod was running a 4th time when deleted).
    const exit = { container: 'unlucky', exitCode: 1, reason: 'Error' };
    expect(report.failedPods.map(p => p.exits)).toEqual([[exit, exit, exit]]);
    const status = (await finishedJob(namespace, job.metadata.name)).status;
    expect([status?.failed, status?.succeeded ?? 0, status?.active ?? 0]).toEqual([1, 0, 0]);
    expect(await podsLeft(namespace, job.metadata.name)).toEqual([]);
    timed('unlucky-onfailure: startTime to Failed', report.stats.durationMs! / 1000);
    // Three failed runs of 3 s, then the controller's reaction (batched up to 1 s).
    expect(report.stats.durationMs! / 1000).toBeGreaterThanOrEqual(9);
    expect(report.stats.durationMs! / 1000).toBeLessThanOrEqual(12);
  }, FAST);

  concurrent('pi, two-times and job-demo complete: one pod each, no failed attempt', async () => {
    const runs = await Promise.all(['pi', 'two-times', 'job-demo'].map(name => runJob(`ex-${name}`, jobNamed(name), 60_000)));
    for (const { result, report } of runs) {
      expect([report.name, result.outcome]).toEqual([report.name, VerifyOutcome.CONVERGED]);
      expectCleanCompletion(report, 1, 1);
    }
    timed('pi: startTime to Complete', runs[0].report.stats.durationMs! / 1000);
  }, FAST);

  concurrent('even-seconds gets 6 successful pods, never more than 2 running at once', async () => {
    // Under kwok every pod succeeds (the seed's command is not run), so exactly `completions` pods.
    const job = jobNamed('even-seconds');
    expect([job.spec.completions, job.spec.parallelism]).toEqual([6, 2]);
    const { namespace, result, report } = await runJob('ex-even', job, 60_000);
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    // maxRunning is exactly 2: at most parallelism, and the pods did run side by side.
    expectCleanCompletion(report, 6, 2);
    expect((await podsOf(namespace, job.metadata.name)).map(p => p.status?.phase)).toEqual(Array(6).fill('Succeeded'));
    timed('even-seconds: startTime to Complete', report.stats.durationMs! / 1000);
  }, FAST);

  // ---- the rest of the app (every Job that is not a seed), synced as Argo CD does -------------

  testExample(restJobs.length > 0, 'Job besides the seeds (work queue, template expansion, Indexed Job, controller pod)', 'the rest of the app, synced as Argo CD does (phase by phase, wave by wave), converges: every Deployment available, every other Job completes with no failed attempt', async () => {
    const s = await restOfApp();
    expect([...s.reports.keys()].sort()).toEqual(restJobs.map(j => j.metadata.name).sort());
    for (const job of restJobs) {
      const report = reportOf(s, job.metadata.name);
      expect([job.metadata.name, report.verdict.state, report.stats.failedAttempts, report.failedPods, report.stuckPods])
        .toEqual([job.metadata.name, JobState.COMPLETE, 0, [], []]);
    }
  });

  const workQueues = restJobs.filter(j => [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, JobPattern.WORK_QUEUE_POD_PER_ITEM].includes(patternOf(j) as JobPattern));
  for (const worker of workQueues.length > 0 ? workQueues : [undefined]) {
    const name = worker ? jobBaseName(worker) : 'work queue';
    testExample(worker !== undefined, 'work-queue Job (a WorkQueueJob)', `${name} (work queue): its queue Service and Deployment are synced and available before the workers, and the workers complete`, async () => {
      const job = worker!;
      const env: Array<{ name: string; value?: string }> = job.spec.template.spec.containers[0].env ?? [];
      const host = env.find(e => e.name === 'QUEUE_HOST')?.value;
      const service = manifests.find(m => m.kind === 'Service' && m.metadata.name === host);
      expect(service).toBeDefined();
      const deployment = manifests.find(m => m.kind === 'Deployment'
        && Object.entries(service!.spec.selector).every(([k, v]) => m.spec.template.metadata.labels[k] === v));
      expect(deployment).toBeDefined();
      // The queue comes in an earlier wave than the workers, so Argo CD has it available first.
      const s = await restOfApp();
      const appliedIn = (key: string) => s.steps.findIndex(step => step.applied.includes(key));
      const healthyIn = (key: string) => s.steps.findIndex(step => step.healthy.includes(key));
      const workerStep = appliedIn(`Job/${job.metadata.name}`);
      expect(workerStep).toBeGreaterThan(0);
      expect(appliedIn(`Service/${service!.metadata.name}`)).toBeLessThan(workerStep);
      expect(healthyIn(`Deployment/${deployment!.metadata.name}`)).toBe(appliedIn(`Deployment/${deployment!.metadata.name}`));
      expect(healthyIn(`Deployment/${deployment!.metadata.name}`)).toBeLessThan(workerStep);
      const report = reportOf(s, job.metadata.name);
      if (job.spec.completions === undefined) {
        // Variable pod count: under kwok every worker succeeds at once, and no pod is started after
        // the first success, so exactly `parallelism` pods, all side by side.
        expectCleanCompletion(report, job.spec.parallelism, job.spec.parallelism);
      } else {
        expect(report.verdict.state).toBe(JobState.COMPLETE);
        expect(report.stats.podsCreated).toBe(job.spec.completions);
      }
      // A filler Job (another Job with the same QUEUE_HOST), if any, completed before the workers were created.
      for (const filler of restJobs.filter(j => j !== job && (j.spec.template.spec.containers[0].env ?? []).some((e: { name: string; value?: string }) => e.name === 'QUEUE_HOST' && e.value === host))) {
        expect(healthyIn(`Job/${filler.metadata.name}`)).toBeGreaterThanOrEqual(0);
        expect(healthyIn(`Job/${filler.metadata.name}`)).toBeLessThan(workerStep);
        expectCleanCompletion(reportOf(s, filler.metadata.name), 1, 1);
      }
    });
  }

  const groupNames = [...new Set(restJobs.map(j => j.metadata.labels?.[JobPatternLabels.GROUP]).filter((g): g is string => g !== undefined))];
  for (const group of groupNames.length > 0 ? groupNames : [undefined]) {
    testExample(group !== undefined, 'template expansion (a JobTemplateExpansion)', `template expansion ${group ?? ''}: one Job per item, every Job completes, the group converges (verified by its label)`, async () => {
      const members = restJobs.filter(j => j.metadata.labels?.[JobPatternLabels.GROUP] === group);
      const items = members.map(j => j.metadata.labels?.[JobPatternLabels.ITEM]);
      expect(items.every(i => i !== undefined)).toBe(true);
      expect(new Set(items).size).toBe(members.length);
      const s = await restOfApp();
      for (const job of members) expectCleanCompletion(reportOf(s, job.metadata.name), 1, 1);
      // As a user would check it: every Job with the group label, found by selector.
      const verifier = new JobVerifier({ kubeConfig: kc, selector: `${JobPatternLabels.GROUP}=${group}`, namespace: s.namespace, timeoutMs: 30_000, logLines: 0 });
      const byLabel = await verifier.run();
      expect(byLabel.outcome).toBe(VerifyOutcome.CONVERGED);
      expect(byLabel.jobs.map(j => j.name).sort()).toEqual(members.map(j => j.metadata.name).sort());
      expect(byLabel.groups).toEqual([{ group, namespace: s.namespace, members: members.length, complete: members.length, failed: 0, deleted: 0, gone: 0, unfinished: 0, converged: true }]);
      // Every member counts, not just those listed before the first verdict.
      expect(byLabel.summary).toBe(`${members.length} Job(s) converged`);
    });
  }

  const indexed = restJobs.filter(j => j.spec.completionMode === 'Indexed');
  for (const job of indexed.length > 0 ? indexed : [undefined]) {
    testExample(job !== undefined, 'Indexed Job (a StaticWorkAssignmentJob)', `${job ? jobBaseName(job) : 'Indexed Job'} (Indexed): completes every index 0..completions-1`, async () => {
      const s = await restOfApp();
      const n: number = job!.spec.completions;
      const report = reportOf(s, job!.metadata.name);
      expect(report.verdict.state).toBe(JobState.COMPLETE);
      expect(expandIndexes(report.verdict.completedIndexes)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(report.stats).toMatchObject({ podsCreated: n, failedAttempts: 0 });
      const pods = await podsOf(s.namespace, job!.metadata.name);
      expect(pods.map(p => Number(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'])).sort((a, b) => a - b))
        .toEqual(Array.from({ length: n }, (_, i) => i));
    });
  }

  const controllers = restJobs.filter(j => patternOf(j) === JobPattern.CONTROLLER_POD);
  for (const job of controllers.length > 0 ? controllers : [undefined]) {
    testExample(job !== undefined, 'controller-pod Job (a ControllerPodJob)', `${job ? jobBaseName(job) : 'controller pod'} (controller pod): completes; its ServiceAccount may do what its Role grants, create pods included, and is refused the rest`, async () => {
      const s = await restOfApp();
      const name = job!.metadata.name;
      expectCleanCompletion(reportOf(s, name), 1, 1);
      const sa: string = job!.spec.template.spec.serviceAccountName;
      expect(sa).toBeDefined();
      // The pod ran as that ServiceAccount, with its token mounted.
      const [pod] = await podsOf(s.namespace, name);
      expect(pod.spec?.serviceAccountName).toBe(sa);
      expect(pod.spec?.volumes?.some(v => v.name.startsWith('kube-api-access-'))).toBe(true);

      const rules = grantedRules(sa);
      const granted = rules.flatMap(r => r.apiGroups.flatMap(g => r.resources.flatMap(res => r.verbs.map(verb => ({ group: g, resource: res, verb })))));
      expect(granted).toContainEqual({ group: '', resource: 'pods', verb: 'create' });
      const denied = [
        { group: '', resource: 'secrets', verb: 'get' },
        { group: '', resource: 'secrets', verb: 'delete' },
        { group: 'apps', resource: 'deployments', verb: 'create' },
        { group: 'batch', resource: 'jobs', verb: 'delete' },
        { group: '', resource: 'pods/exec', verb: 'create' },
        { group: 'rbac.authorization.k8s.io', resource: 'roles', verb: 'update' },
      ].filter(d => !granted.some(g => g.group === d.group && g.resource === d.resource && g.verb === d.verb));
      expect(denied.length).toBeGreaterThanOrEqual(4);

      const user = `system:serviceaccount:${s.namespace}:${sa}`;
      const groups = ['system:serviceaccounts', `system:serviceaccounts:${s.namespace}`, 'system:authenticated'];
      const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
      const review = async (a: { group: string; resource: string; verb: string }, namespace = s.namespace) => {
        const [resource, subresource] = a.resource.split('/');
        const r = await authz.createSubjectAccessReview({ body: {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
          spec: { user, groups, resourceAttributes: { namespace, group: a.group, resource, verb: a.verb, ...(subresource ? { subresource } : {}) } },
        } });
        return `${a.verb} ${a.resource}${a.group ? `.${a.group}` : ''} in ${namespace === s.namespace ? 'its namespace' : namespace}: ${r.status?.allowed ? 'allowed' : 'denied'}`;
      };
      const verdicts = await Promise.all([
        ...granted.map(a => review(a)),
        ...denied.map(a => review(a)),
        review({ group: '', resource: 'pods', verb: 'create' }, 'default'),
      ]);
      expect(verdicts).toEqual([
        ...granted.map(a => `${a.verb} ${a.resource}${a.group ? `.${a.group}` : ''} in its namespace: allowed`),
        ...denied.map(a => `${a.verb} ${a.resource}${a.group ? `.${a.group}` : ''} in its namespace: denied`),
        'create pods in default: denied',
      ]);

      // The same through real requests, authenticated with a token of that ServiceAccount.
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const token = (await core.createNamespacedServiceAccountToken({ name: sa, namespace: s.namespace, body: { spec: { audiences: [], expirationSeconds: 600 } } })).status?.token;
      expect(token).toBeTruthy();
      const asSa = serviceAccountConfig(token!);
      const saCore = asSa.makeApiClient(k8s.CoreV1Api);
      const child: V1Pod = { metadata: { name: 'child' }, spec: { ...job!.spec.template.spec, restartPolicy: 'Never' } };
      expect(await statusOf(saCore.createNamespacedPod({ namespace: s.namespace, body: child, dryRun: 'All' }))).toBe(200);
      expect(await statusOf(saCore.listNamespacedSecret({ namespace: s.namespace }))).toBe(403);
      expect(await statusOf(asSa.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({ namespace: s.namespace, dryRun: 'All', body: {
        metadata: { name: 'nope' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: child.spec! } },
      } }))).toBe(403);
    });
  }
});

/** The rules of the Roles bound (in the app) to ServiceAccount `sa`. */
function grantedRules(sa: string): Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> {
  const bindings = manifests.filter(m => m.kind === 'RoleBinding'
    && (m.subjects ?? []).some((s: { kind: string; name: string }) => s.kind === 'ServiceAccount' && s.name === sa));
  expect(bindings.length).toBeGreaterThan(0);
  return bindings.flatMap(b => {
    expect(b.roleRef.kind).toBe('Role');
    const role = manifests.find(m => m.kind === 'Role' && m.metadata.name === b.roleRef.name);
    expect(role).toBeDefined();
    return role!.rules;
  });
}

/** A kubeconfig for the e2e cluster that authenticates with a ServiceAccount token. */
function serviceAccountConfig(token: string): KubeConfig {
  const cluster = kc.getCurrentCluster()!;
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'service-account', token }],
    contexts: [{ name: 'service-account', cluster: cluster.name, user: 'service-account' }],
    currentContext: 'service-account',
  });
  return config;
}
