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
import { applyManifests, JobReport, JobState, Manifest, verifyJobs, VerifyOutcome, VerifyResult } from '../../runtime';
import { expandIndexes } from '../../lib/runtime/verdict';
import { k8s } from '../../lib/runtime/k8s';

let kc: KubeConfig;
beforeAll(() => { kc = kubeConfig(); });

const TIMEOUT = 120_000;

/** Measured delays, printed after the suite (docs/maintainers/control-plane.md quotes them). */
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
 * Reads a Job every 100 ms until one of `until` is True: the Job as first seen with each new set of
 * True conditions (for the fixtures, and for the conditions' times). Times are never taken from
 * this poll: the API server's own (each condition's lastTransitionTime) say when things happened.
 */
async function conditionTimeline(namespace: string, name: string, until: string[], timeoutMs = TIMEOUT): Promise<{ snapshots: V1Job[] }> {
  const snapshots: V1Job[] = [];
  let last: string | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await readJob(namespace, name);
    const types = trueConditions(job);
    if (types.join(',') !== last) {
      last = types.join(',');
      snapshots.push(job);
    }
    if (until.some(u => types.includes(u))) return { snapshots };
    await sleep(100);
  }
  throw new Error(`Job ${namespace}/${name} got none of ${until.join(', ')} within ${timeoutMs / 1000} s; conditions seen: ${last}`);
}

/** Verifies one Job, reading it until one of `until` is True; `final` is the Job as first read with it. */
async function verifyUntil(namespace: string, name: string, until: string[]): Promise<{ result: VerifyResult; report: JobReport; snapshots: V1Job[]; final: V1Job; verdictAt: number }> {
  const timeline = conditionTimeline(namespace, name, until);
  const result = await verifyJobs({ kubeConfig: kc, targets: [{ name, namespace }], namespace, timeoutMs: TIMEOUT, logLines: 0 });
  const { snapshots } = await timeline;
  const [report] = result.jobs;
  return { result, report, snapshots, final: snapshots[snapshots.length - 1], verdictAt: new Date(report.verdictAt!).getTime() };
}

/**
 * When the Job's condition `type` turned True, by the API server's clock (ms since the epoch).
 * The API server keeps whole seconds: the condition came at this time or up to 1 s after it. (The
 * API server and this test share the machine's clock.)
 */
function conditionAt(job: V1Job, type: string): number {
  const condition = job.status?.conditions?.find(c => c.type === type && c.status === 'True');
  if (!condition?.lastTransitionTime) throw new Error(`Job ${job.metadata?.name} has no ${type}=True condition: ${JSON.stringify(job.status?.conditions)}`);
  return new Date(condition.lastTransitionTime).getTime();
}

/**
 * Every version of the objects at `path` (a collection) that match `selectors` (labelSelector,
 * fieldSelector), as the API server's watch delivers them from now on (the existing ones first):
 * unlike a poll, no state is missed, however short. `errors` are the watch's failures (a test
 * asserts there were none).
 */
async function record<T>(path: string, selectors: { labelSelector?: string; fieldSelector?: string }): Promise<{ versions: T[]; errors: unknown[]; stop: () => void }> {
  const versions: T[] = [];
  const errors: unknown[] = [];
  let stopped = false;
  const controller = await new k8s.Watch(kc).watch(path, selectors, (type: string, object: T) => {
    if (type === 'ERROR') errors.push(object);
    else if (type !== 'BOOKMARK') versions.push(object);
  }, (error: unknown) => {
    // The watch ends only when stopped: an end before, with or without an error, loses events.
    if (!stopped) errors.push(error ?? new Error(`the watch of ${path} ended early`));
  });
  return { versions, errors, stop: () => { stopped = true; controller.abort(); } };
}

/** When a pod's (first) container ended, by the API server's clock (whole seconds). */
function endedAt(pod: V1Pod): number {
  const finished = pod.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt;
  if (!finished) throw new Error(`pod ${pod.metadata?.name} has not ended: ${JSON.stringify(pod.status?.containerStatuses)}`);
  return new Date(finished).getTime();
}

/** Waits (at most `timeoutMs`) until `found` returns something; throws naming `what` otherwise. */
async function eventually<T>(what: string, found: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const value = found();
    if (value !== undefined) return value;
  }
  throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
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
    const pods = await record<V1Pod>(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'job-name=deadline' });
    try {
      const { report, snapshots, final, verdictAt } = await verifyUntil(namespace, 'deadline', ['Failed']);
      expect(report.verdict).toMatchObject({ state: JobState.FAILED, terminal: true, reason: 'DeadlineExceeded', early: newest });
      const failedAt = conditionAt(final, 'Failed');
      // The pod's end: kwok ends it 5 s after its deletion, which the controller makes in the sync
      // that writes FailureTarget (1.31+) or Failed (1.28).
      const ended = await eventually('the pod of Job deadline ending', () => pods.versions.find(p => p.status?.phase === 'Failed'));
      const podEndedAt = endedAt(ended);
      // Times are the API server's (whole seconds: each event came at its time or up to 1 s later);
      // the verdict's is the verifier's, on the same machine's clock.
      if (newest) {
        const targetAt = conditionAt(final, 'FailureTarget');
        measured.push(`deadline: FailureTarget, the verdict ${verdictAt - targetAt} ms into that second, the pod ended ${(podEndedAt - targetAt) / 1000} s and Failed ${(failedAt - targetAt) / 1000} s after FailureTarget`);
        // The verdict comes from FailureTarget, seconds before Failed: after FailureTarget was written,
        expect(verdictAt).toBeGreaterThanOrEqual(targetAt);
        // the pod ended (5 s of termination: at least 4 s between the whole-second times), and only then Failed came,
        expect(podEndedAt - targetAt).toBeGreaterThanOrEqual(4000);
        expect(failedAt).toBeGreaterThanOrEqual(podEndedAt);
        // so the verdict came seconds before Failed (5 s, less the rounding of Failed's time and the watch's delay).
        expect(failedAt - verdictAt).toBeGreaterThanOrEqual(2000);
        expect(report.stats.maxTerminating).toBe(1);
        capture('failure-target-deadline', snapshotWith(snapshots, 'FailureTarget', ['Failed'])!);
        capture('deadline-exceeded', final);
      } else {
        measured.push(`deadline: Failed, the verdict ${verdictAt - failedAt} ms into that second, the pod ended ${(podEndedAt - failedAt) / 1000} s after Failed (1.28: Failed at once)`);
        // No FailureTarget first (1.28 writes it only with a pod failure policy, with Failed).
        expect(trueConditions(final)).toEqual(['Failed']);
        expect(verdictAt).toBeGreaterThanOrEqual(failedAt);
        // Failed came while the pod was still terminating: it ended 5 s later (at least 4 s between the whole-second times).
        expect(podEndedAt - failedAt).toBeGreaterThanOrEqual(4000);
      }
      expect(pods.errors).toEqual([]);
    } finally {
      pods.stop();
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
    const { report, snapshots, final: completed, verdictAt } = await verifyUntil(namespace, 'leader', ['Complete']);
    expect(report.verdict).toMatchObject({ state: JobState.COMPLETE, terminal: true, early: true, reason: 'SuccessPolicy', completedIndexes: '0' });
    const metAt = conditionAt(completed, 'SuccessCriteriaMet');
    const completeAt = conditionAt(completed, 'Complete');
    measured.push(`successPolicy: SuccessCriteriaMet, the verdict ${verdictAt - metAt} ms into that second, Complete ${(completeAt - metAt) / 1000} s after SuccessCriteriaMet`);
    // As with FailureTarget above, by the API server's times (whole seconds): the verdict came
    // after SuccessCriteriaMet; Complete once indexes 1 and 2, deleted in the same sync, had
    // terminated (5 s: at least 4 s between the whole-second times); so the verdict came seconds before Complete.
    expect(verdictAt).toBeGreaterThanOrEqual(metAt);
    expect(completeAt - metAt).toBeGreaterThanOrEqual(4000);
    expect(completeAt - verdictAt).toBeGreaterThanOrEqual(2000);
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
    const { report, snapshots } = await verifyUntil(namespace, 'per-index', ['Failed']);
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
    const { report, snapshots } = await verifyUntil(namespace, 'fail-index', ['Failed']);
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
    const jobs = await record<V1Job>(`/apis/batch/v1/namespaces/${namespace}/jobs`, { fieldSelector: 'metadata.name=replaced' });
    const pods = await record<V1Pod>(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'job-name=replaced' });
    try {
      const verifying = verifyJobs({ kubeConfig: kc, targets: [{ name: 'replaced', namespace }], namespace, timeoutMs: TIMEOUT, logLines: 0 });
      // The first pod, deleted while it runs (8 s).
      const first = await eventually('the first pod running', () => pods.versions.find(p => p.status?.phase === 'Running'));
      const deleting = await kc.makeApiClient(k8s.CoreV1Api).deleteNamespacedPod({ name: first.metadata!.name!, namespace });
      expect(deleting.metadata?.deletionTimestamp).toBeDefined();
      const report = (await verifying).jobs[0];
      expect(report.verdict.state).toBe(JobState.COMPLETE);

      // By the API server's times (whole seconds): the deletion (its deletionTimestamp is the
      // request's time plus the grace period), the first pod's end, the replacement's creation.
      const deletedAt = new Date(deleting.metadata!.deletionTimestamp!).getTime() - (deleting.metadata!.deletionGracePeriodSeconds ?? 0) * 1000;
      const firstEndedAt = endedAt(await eventually('the deleted pod ending', () => pods.versions.find(p => p.metadata?.uid === first.metadata!.uid && p.status?.phase === 'Failed')));
      const replacement = pods.versions.find(p => p.metadata?.uid !== first.metadata!.uid);
      expect(replacement).toBeDefined();
      const replacedAt = new Date(replacement!.metadata!.creationTimestamp!).getTime();
      measured.push(`podReplacementPolicy ${since(29) ? 'Failed' : 'dropped'}: after the deletion, the pod ended +${(firstEndedAt - deletedAt) / 1000} s, its replacement created +${(replacedAt - deletedAt) / 1000} s (termination takes 15 s)`);
      // kwok ended it 15 s after it saw the deletion.
      expect(firstEndedAt - deletedAt).toBeGreaterThanOrEqual(15_000);
      if (since(29)) {
        // Counted terminating, and replaced only once it had ended (then the controller's 10 s back-off after a failed pod).
        expect(jobs.versions.some(j => j.status?.terminating === 1)).toBe(true);
        expect(replacedAt).toBeGreaterThanOrEqual(firstEndedAt);
      } else {
        // Counted failed when deleted, and replaced after the 10 s back-off, while it still terminated (5 s before it ended).
        expect(replacedAt).toBeLessThan(firstEndedAt);
      }
      // Never two pods running at once: the one being deleted is counted apart.
      expect(report.stats).toMatchObject({ podsCreated: 2, maxRunning: 1, maxTerminating: 1, failedAttempts: 1 });
      expect([jobs.errors, pods.errors]).toEqual([[], []]);
    } finally {
      jobs.stop();
      pods.stop();
    }
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
