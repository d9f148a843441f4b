/**
 * The verifier against the Job controller's newer behaviour, on every e2e version: early verdicts
 * (SuccessCriteriaMet / FailureTarget before Complete / Failed, from 1.31), successPolicy,
 * backoffLimitPerIndex with maxFailedIndexes and the FailIndex action, podReplacementPolicy:
 * Failed, a suspended Job resumed, managedBy another controller, native sidecars.
 *
 * Pods take seconds to terminate here (kwok stage pod-terminate.yaml, test-only annotation
 * job-patterns.test/termination-delay), so "decided" and "every pod ended" are seconds apart,
 * as on a real kubelet with a termination grace period.
 *
 * Where 1.28 behaves otherwise, each test says so and asserts what 1.28 does: fields whose
 * feature gate is alpha and off there (JobBackoffLimitPerIndex and its FailIndex rules,
 * JobPodReplacementPolicy, SidecarContainers) are dropped by its API server; fields that only
 * came later (successPolicy and managedBy, 1.30) are unknown to its schema, so a strict apply
 * refuses them.
 *
 * With JOB_PATTERNS_CAPTURE_FIXTURES=<dir>, the Jobs seen are written there (test/fixtures/jobs-1.37).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { KubeConfig, V1Job, V1Pod } from '@kubernetes/client-node';
import { e2eMinor, kubeConfig, libraryJob, restrictedNamespace, SimulatedOutcome } from './cluster';
import {
  applyManifests, expandIndexes, JobReport, JobState, Manifest, verifyJobs, VerifyOutcome, VerifyResult,
} from '../../lib/runtime';
import { k8s } from '../../lib/runtime/k8s';

let kc: KubeConfig;
beforeAll(() => { kc = kubeConfig(); });

const TIMEOUT = 120_000;

/** Measured delays, printed after the suite (docs/control-plane.md quotes them). */
const measured: string[] = [];
afterAll(() => {
  if (measured.length > 0) process.stderr.write(`\n[e2e ${e2eMinor} job controller] measured:\n${measured.map(m => `  ${m}`).join('\n')}\n`);
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A library Job (restricted pod) with raw Job spec fields the constructs may lack, and pod spec fields. */
function rawJob(name: string, outcome: SimulatedOutcome, spec: Record<string, unknown>, podSpec: Record<string, unknown> = {}): Manifest {
  const job = libraryJob(name, outcome);
  return {
    ...job,
    spec: { ...job.spec, ...spec, template: { ...job.spec.template, spec: { ...job.spec.template.spec, ...podSpec } } },
  };
}

async function apply(namespace: string, manifests: Manifest[]): Promise<void> {
  const results = await applyManifests(kc, manifests, { namespace });
  expect(results.filter(r => r.error)).toEqual([]);
}

async function readJob(namespace: string, name: string): Promise<V1Job> {
  return kc.makeApiClient(k8s.BatchV1Api).readNamespacedJob({ name, namespace });
}

async function podsOf(namespace: string, name: string): Promise<V1Pod[]> {
  return (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: `job-name=${name}` })).items;
}

const trueConditions = (job: V1Job) => (job.status?.conditions ?? []).filter(c => c.status === 'True').map(c => c.type);

/**
 * Watches a Job by polling (every 100 ms) until one of `until` is True: when each condition was
 * first seen True (local clock, ms), and the Job as first seen with each new set of conditions.
 * The verifier watches, so it usually sees a condition up to one poll before this does.
 */
async function conditionTimeline(namespace: string, name: string, until: string[], timeoutMs = TIMEOUT): Promise<{ seen: Map<string, number>; snapshots: V1Job[] }> {
  const seen = new Map<string, number>();
  const snapshots: V1Job[] = [];
  let last: string | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await readJob(namespace, name);
    const types = trueConditions(job);
    for (const type of types) if (!seen.has(type)) seen.set(type, Date.now());
    if (types.join(',') !== last) {
      last = types.join(',');
      snapshots.push(job);
    }
    if (until.some(u => seen.has(u))) return { seen, snapshots };
    await sleep(100);
  }
  throw new Error(`Job ${namespace}/${name} got none of ${until.join(', ')} within ${timeoutMs / 1000} s; conditions seen: ${[...seen.keys()].join(', ')}`);
}

/** Verifies one Job while timing its conditions. */
async function verifyTimed(namespace: string, name: string, until: string[]): Promise<{ result: VerifyResult; report: JobReport; seen: Map<string, number>; snapshots: V1Job[]; verdictAt: number }> {
  const timeline = conditionTimeline(namespace, name, until);
  const result = await verifyJobs({ kubeConfig: kc, targets: [{ name, namespace }], namespace, timeoutMs: TIMEOUT, logLines: 0 });
  const { seen, snapshots } = await timeline;
  const [report] = result.jobs;
  return { result, report, seen, snapshots, verdictAt: new Date(report.verdictAt!).getTime() };
}

// ---------------------------------------------------------------------------------------------
// Fixtures: real Job objects, reduced as in test/fixtures/jobs-1.28.

const captureDir = process.env.JOB_PATTERNS_CAPTURE_FIXTURES;
function capture(file: string, job: V1Job): void {
  if (!captureDir) return;
  const spec = { ...job.spec } as Record<string, unknown>;
  delete spec.template;
  delete spec.selector;
  const reduced = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job.metadata?.name, namespace: 'capture' }, spec, status: job.status };
  fs.mkdirSync(captureDir, { recursive: true });
  fs.writeFileSync(path.join(captureDir, `${file}.json`), `${JSON.stringify(reduced, null, 2)}\n`);
}

/** The first snapshot with `type` True and none of `absent`. */
function snapshotWith(snapshots: V1Job[], type: string, absent: string[]): V1Job | undefined {
  return snapshots.find(j => trueConditions(j).includes(type) && !absent.some(a => trueConditions(j).includes(a)));
}

const newest = e2eMinor >= 31;
const since = (minor: number) => e2eMinor >= minor;

describe(`the verifier on the Job controller of Kubernetes 1.${e2eMinor}`, () => {
  test.concurrent(`early failure: past its activeDeadline, a pod that takes 5 s to terminate ${newest ? 'gets FailureTarget, the verdict, then Failed once the pod ended (1.31+)' : 'gets Failed at once while the pod still terminates (1.28: no FailureTarget first)'}`, async () => {
    const namespace = await restrictedNamespace(kc, 'early-fail');
    await apply(namespace, [rawJob('deadline', { duration: '120s', terminationDelay: '5s' }, { activeDeadlineSeconds: 3 })]);
    const { report, seen, snapshots, verdictAt } = await verifyTimed(namespace, 'deadline', ['Failed']);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'DeadlineExceeded', early: newest });
    const failedSeen = seen.get('Failed')!;
    if (newest) {
      const targetSeen = seen.get('FailureTarget')!;
      measured.push(`deadline: verdict ${verdictAt - targetSeen} ms after the poller saw FailureTarget; Failed seen ${failedSeen - verdictAt} ms after the verdict`);
      // The verdict comes from FailureTarget, about 5 s (the pod's termination) before Failed.
      expect(targetSeen).toBeLessThanOrEqual(verdictAt + 150);
      expect(failedSeen - verdictAt).toBeGreaterThanOrEqual(3000);
      expect(report.stats.maxTerminating).toBe(1);
      capture('failure-target-deadline', snapshotWith(snapshots, 'FailureTarget', ['Failed'])!);
      capture('deadline-exceeded', snapshots[snapshots.length - 1]);
    } else {
      measured.push(`deadline: verdict - Failed seen ${verdictAt - failedSeen} ms (1.28: Failed at once)`);
      expect(seen.has('FailureTarget')).toBe(false);
      // Failed came while the pod was still terminating: it is still there, deleted, not yet ended.
      const pods = await podsOf(namespace, 'deadline');
      expect(pods.map(p => [p.metadata?.deletionTimestamp !== undefined, p.status?.phase])).toEqual([[true, 'Running']]);
    }
  }, TIMEOUT);

  test.concurrent(since(33)
    ? 'successPolicy (succeededIndexes "0"): SuccessCriteriaMet when index 0 succeeds, the verdict at once, Complete after the other indexes terminated'
    : `successPolicy is refused by the 1.${e2eMinor} API server (the field exists from 1.30, GA in 1.33)`, async () => {
    const namespace = await restrictedNamespace(kc, 'success-policy');
    const job = rawJob('leader', { duration: '120s', indexDurations: { 0: '1s' }, terminationDelay: '5s' }, {
      completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] },
    });
    if (!since(30)) {
      const [result] = await applyManifests(kc, [job], { namespace, dryRun: true });
      expect(result.error).toMatch(/\.spec\.successPolicy: field not declared in schema/);
      return;
    }
    await apply(namespace, [job]);
    const { report, seen, snapshots, verdictAt } = await verifyTimed(namespace, 'leader', ['Complete']);
    expect(report.verdict).toMatchObject({ state: JobState.COMPLETE, terminal: true, early: true, reason: 'SuccessPolicy', completedIndexes: '0' });
    const metSeen = seen.get('SuccessCriteriaMet')!;
    const completeSeen = seen.get('Complete')!;
    measured.push(`successPolicy: verdict ${verdictAt - metSeen} ms after the poller saw SuccessCriteriaMet; Complete seen ${completeSeen - verdictAt} ms after the verdict`);
    expect(metSeen).toBeLessThanOrEqual(verdictAt + 150);
    expect(completeSeen - verdictAt).toBeGreaterThanOrEqual(3000);
    // Indexes 1 and 2 were terminated once index 0 had succeeded; they were seen terminating, never counted running with the replacement.
    expect(report.stats).toMatchObject({ podsCreated: 3, maxRunning: 3, maxTerminating: 2 });
    const final = await readJob(namespace, 'leader');
    expect(trueConditions(final)).toEqual(['SuccessCriteriaMet', 'Complete']);
    capture('success-criteria-met', snapshotWith(snapshots, 'SuccessCriteriaMet', ['Complete'])!);
    capture('success-policy', final);
  }, TIMEOUT);

  test.concurrent(since(33)
    ? 'backoffLimitPerIndex 1 and maxFailedIndexes 1: two indexes fail twice each, the Job fails with MaxFailedIndexesExceeded; the others complete'
    : `backoffLimitPerIndex and maxFailedIndexes are dropped by the 1.${e2eMinor} API server (feature gate JobBackoffLimitPerIndex alpha, off)`, async () => {
    const namespace = await restrictedNamespace(kc, 'per-index');
    await apply(namespace, [rawJob('per-index', { indexExitCodes: { 1: 3, 2: 3 } }, {
      // backoffLimit unset: with backoffLimitPerIndex it defaults to "no limit" (the library's 3 would fail the Job first).
      completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 1, maxFailedIndexes: 1, backoffLimit: undefined,
    })]);
    if (!since(29)) {
      const stored = await readJob(namespace, 'per-index');
      expect([stored.spec?.backoffLimitPerIndex, stored.spec?.maxFailedIndexes]).toEqual([undefined, undefined]);
      return;
    }
    const { report, snapshots } = await verifyTimed(namespace, 'per-index', ['Failed']);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'MaxFailedIndexesExceeded' });
    expect(expandIndexes(report.verdict.failedIndexes)).toEqual([1, 2]);
    expect(expandIndexes(report.verdict.completedIndexes)).toEqual([0, 3]);
    // Each failing index: its first pod and one retry (backoffLimitPerIndex 1).
    expect(report.stats).toMatchObject({ podsCreated: 6, failedAttempts: 4 });
    capture('max-failed-indexes', snapshots[snapshots.length - 1]);
  }, TIMEOUT);

  test.concurrent(since(33)
    ? 'podFailurePolicy FailIndex: index 1 exits 42 and is failed at once (no retry); the Job fails with FailedIndexes after the others complete'
    : `the 1.${e2eMinor} API server drops backoffLimitPerIndex and every FailIndex rule (feature gate JobBackoffLimitPerIndex alpha, off)`, async () => {
    const namespace = await restrictedNamespace(kc, 'fail-index');
    const job = rawJob('fail-index', { indexExitCodes: { 1: 42 } }, {
      completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 3, backoffLimit: undefined,
      podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] },
    });
    await apply(namespace, [job]);
    if (!since(29)) {
      const stored = await readJob(namespace, 'fail-index');
      // The policy stays, without its rules (the server answers rules: null).
      expect([stored.spec?.backoffLimitPerIndex, stored.spec?.podFailurePolicy?.rules ?? []]).toEqual([undefined, []]);
      return;
    }
    const { report, snapshots } = await verifyTimed(namespace, 'fail-index', ['Failed']);
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'FailedIndexes', failedIndexes: '1', completedIndexes: '0,2' });
    expect(report.stats).toMatchObject({ podsCreated: 3, failedAttempts: 1 });
    expect(report.failedPods.map(p => p.exits)).toEqual([[{ container: 'main', exitCode: 42, reason: 'Error' }]]);
    capture('failed-indexes', snapshots[snapshots.length - 1]);
  }, TIMEOUT);

  test.concurrent(since(29)
    ? 'podReplacementPolicy Failed: a deleted pod is counted terminating, and its replacement comes only after it ended'
    : `podReplacementPolicy is dropped by the 1.${e2eMinor} API server (alpha, off): a deleted pod is replaced while it still terminates`, async () => {
    // The deleted pod takes 15 s to terminate, longer than the controller's 10 s back-off after a failed pod.
    const namespace = await restrictedNamespace(kc, 'replacement');
    await apply(namespace, [rawJob('replaced', { duration: '8s', terminationDelay: '15s' }, { podReplacementPolicy: 'Failed' })]);
    const stored = await readJob(namespace, 'replaced');
    expect(stored.spec?.podReplacementPolicy).toBe(since(29) ? 'Failed' : undefined);
    const verifying = verifyJobs({ kubeConfig: kc, targets: [{ name: 'replaced', namespace }], namespace, timeoutMs: TIMEOUT, logLines: 0 });
    let first: V1Pod | undefined;
    for (let i = 0; i < 100 && first?.status?.phase !== 'Running'; i++) {
      [first] = await podsOf(namespace, 'replaced');
      await sleep(100);
    }
    expect(first?.status?.phase).toBe('Running');
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespacedPod({ name: first!.metadata!.name!, namespace });
    const deleted = Date.now();
    // Until a second pod appears: what the Job and the first pod showed meanwhile.
    let terminatingCounted = false;
    let firstEnded: number | undefined;
    let replacementSeen: number | undefined;
    while (replacementSeen === undefined && Date.now() - deleted < 60_000) {
      const [job, pods] = await Promise.all([readJob(namespace, 'replaced'), podsOf(namespace, 'replaced')]);
      if ((job.status?.terminating ?? 0) === 1) terminatingCounted = true;
      const old = pods.find(p => p.metadata?.uid === first!.metadata!.uid);
      if (firstEnded === undefined && (old === undefined || old.status?.phase === 'Failed')) firstEnded = Date.now();
      if (pods.some(p => p.metadata?.uid !== first!.metadata!.uid)) replacementSeen = Date.now();
      await sleep(100);
    }
    expect(replacementSeen).toBeDefined();
    const report = (await verifying).jobs[0];
    expect(report.verdict.state).toBe(JobState.COMPLETE);
    measured.push(`podReplacementPolicy ${since(29) ? 'Failed' : 'dropped'}: pod deleted -> replacement seen ${replacementSeen! - deleted} ms, `
      + `first pod ended ${firstEnded === undefined ? 'later' : `${firstEnded - deleted} ms`} (termination takes 15 s)`);
    if (since(29)) {
      // Counted terminating, and replaced only once it had ended (plus the 10 s back-off after a failed pod).
      expect(terminatingCounted).toBe(true);
      expect(firstEnded).toBeDefined();
      expect(replacementSeen!).toBeGreaterThanOrEqual(firstEnded!);
      expect(replacementSeen! - deleted).toBeGreaterThanOrEqual(14_000);
    } else {
      // Counted failed when deleted, and replaced after the back-off, while it still terminated.
      expect(firstEnded).toBeUndefined();
    }
    // Never two pods running at once: the one being deleted is counted apart.
    expect(report.stats).toMatchObject({ podsCreated: 2, maxRunning: 1, maxTerminating: 1, failedAttempts: 1 });
  }, TIMEOUT);

  test.concurrent('a suspended Job is queued, a state the verifier waits in (until its timeout); resumed, it runs and completes', async () => {
    const namespace = await restrictedNamespace(kc, 'resume');
    await apply(namespace, [rawJob('later', { duration: '3s' }, { suspend: true })]);
    const target = [{ name: 'later', namespace }];
    const suspended = await verifyJobs({ kubeConfig: kc, targets: target, namespace, timeoutMs: 3000, logLines: 0 });
    expect(suspended.outcome).toBe(VerifyOutcome.TIMEOUT);
    expect(suspended.jobs[0].verdict).toMatchObject({ state: JobState.QUEUED, terminal: false, reason: 'JobSuspended' });
    expect(suspended.jobs[0].suspension?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    capture('suspended', await readJob(namespace, 'later'));
    await kc.makeApiClient(k8s.BatchV1Api).patchNamespacedJob({ name: 'later', namespace, body: { spec: { suspend: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const timeline = conditionTimeline(namespace, 'later', ['Complete']);
    const resumed = await verifyJobs({ kubeConfig: kc, targets: target, namespace, timeoutMs: TIMEOUT, logLines: 0 });
    expect(resumed.outcome).toBe(VerifyOutcome.CONVERGED);
    expect(resumed.jobs[0].verdict).toMatchObject({ state: JobState.COMPLETE, reason: newest ? 'CompletionsReached' : undefined });
    expect(resumed.jobs[0].stats).toMatchObject({ podsCreated: 1, failedAttempts: 0 });
    const { snapshots } = await timeline;
    const running = snapshots.find(j => (j.status?.conditions ?? []).some(c => c.type === 'Suspended' && c.status === 'False'));
    if (running) capture('resumed', running);
    capture('complete', snapshots[snapshots.length - 1]);
  }, TIMEOUT);

  test.concurrent(since(32)
    ? 'managedBy another controller: the built-in controller leaves the Job alone, and the verifier waits for its manager, naming it'
    : `managedBy is refused by the 1.${e2eMinor} API server (the field exists from 1.30, on by default from 1.32)`, async () => {
    const namespace = await restrictedNamespace(kc, 'managed-by');
    const job = rawJob('elsewhere', {}, { managedBy: 'example.com/another-controller' });
    if (!since(30)) {
      const [refused] = await applyManifests(kc, [job], { namespace, dryRun: true });
      expect(refused.error).toMatch(/\.spec\.managedBy: field not declared in schema/);
      return;
    }
    await apply(namespace, [job]);
    const result = await verifyJobs({ kubeConfig: kc, targets: [{ name: 'elsewhere', namespace }], namespace, timeoutMs: 4000, logLines: 0 });
    expect(result.outcome).toBe(VerifyOutcome.TIMEOUT);
    expect(result.jobs[0].verdict).toEqual({
      state: JobState.MANAGED_ELSEWHERE, terminal: false, early: false, reason: 'ManagedByOtherController',
      message: "spec.managedBy is 'example.com/another-controller': the built-in Job controller leaves this Job alone and 'example.com/another-controller' writes its status; waiting for it to report Complete or Failed",
    });
    expect(result.jobs[0].managedBy).toBe('example.com/another-controller');
    expect(result.summary).toBe('timed out after 4 s, still waiting for elsewhere managed by example.com/another-controller, which wrote no Complete or Failed');
    // And indeed nothing happened to it.
    const stored = await readJob(namespace, 'elsewhere');
    expect([stored.spec?.managedBy, stored.status?.startTime, stored.status?.active, (await podsOf(namespace, 'elsewhere')).length])
      .toEqual(['example.com/another-controller', undefined, undefined, 0]);
    capture('managed-by', stored);
  }, TIMEOUT);

  /** A native sidecar: the main container's restricted settings, restartPolicy Always. */
  function withSidecar(job: Manifest): Manifest {
    const main = job.spec.template.spec.containers[0];
    return { ...job, spec: { ...job.spec, template: { ...job.spec.template, spec: { ...job.spec.template.spec,
      initContainers: [{ ...main, name: 'proxy', image: 'busybox:1.36.1', restartPolicy: 'Always' }] } } } };
  }

  test.concurrent(since(29)
    ? 'native sidecars: restarts and the exit at pod end (143) of a sidecar are not failed attempts, in the verdict, the statistics or the diagnosis'
    : `native sidecars: the 1.${e2eMinor} API server drops restartPolicy from the init container (feature gate SidecarContainers alpha, off), so it is an ordinary init container`, async () => {
    const namespace = await restrictedNamespace(kc, 'sidecar');
    const ok = withSidecar(rawJob('with-proxy', { duration: '4s', sidecarRestarts: 2, sidecarExitCode: 143 }, {}));
    const failing = withSidecar(rawJob('failing-with-proxy', { duration: '4s', exitCode: 3, sidecarRestarts: 1, sidecarExitCode: 143 }, { backoffLimit: 0 }));
    await apply(namespace, [ok, failing]);
    if (!since(29)) {
      const stored = await readJob(namespace, 'with-proxy');
      expect(stored.spec?.template.spec?.initContainers?.map(c => [c.name, c.restartPolicy])).toEqual([['proxy', undefined]]);
      return;
    }
    const result = await verifyJobs({ kubeConfig: kc, targets: [{ name: 'with-proxy', namespace }, { name: 'failing-with-proxy', namespace }], namespace, timeoutMs: TIMEOUT });
    const [good, bad] = result.jobs;
    expect(good.verdict.state).toBe(JobState.COMPLETE);
    expect(good.stats).toMatchObject({ podsCreated: 1, failedAttempts: 0 });
    expect(good.failedPods).toEqual([]);
    expect(bad.verdict).toMatchObject({ state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    expect(bad.stats).toMatchObject({ podsCreated: 1, failedAttempts: 1 });
    expect(bad.failedPods.map(p => p.exits)).toEqual([[{ container: 'main', exitCode: 3, reason: 'Error' }]]);
    // The sidecars did restart and exit 143: what the verifier left out was there to count.
    const sidecarStatuses = (await podsOf(namespace, 'with-proxy')).flatMap(p => p.status?.initContainerStatuses ?? []);
    expect(sidecarStatuses.map(s => [s.name, s.restartCount, s.state?.terminated?.exitCode, s.lastState?.terminated?.exitCode])).toEqual([['proxy', 2, 143, 1]]);
  }, TIMEOUT);
});
