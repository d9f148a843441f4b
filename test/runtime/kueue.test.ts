import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { KUEUE } from '../../lib/core/kueue';
import { loadKubeConfig } from '../../lib/runtime/kubeconfig';
import { textReport } from '../../lib/runtime/report';
import { verifyJobs, VerifyOutcome } from '../../lib/runtime/verify';
import { jobReport } from '../../lib/runtime/job-report';
import {
  KUEUE_KEYS, KueueReport, kueueReport, KueueStatus, kueueVerdict, KueueWait, observeWorkload, WorkloadHistory, WorkloadLike,
} from '../../lib/runtime/kueue';
import { TargetTracker } from '../../lib/runtime/tracking';
import { JobLike, JobState, judgeJob } from '../../lib/runtime/verdict';
import { FakeApiServer, fakeJob, writeKubeconfig } from './fake-api-server';

// The verifier's reading of Kueue (lib/runtime/kueue.ts) fed the Jobs and Workloads a real Kueue
// v0.17.0 wrote on Kubernetes 1.37.2 (test/fixtures/kueue-0.17.0, captured by test/e2e/kueue.test.ts).

/** A captured step: the Job and its Workload. */
function step(name: string): { job: JobLike; workload: WorkloadLike } {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'kueue-0.17.0', `${name}.json`), 'utf-8'));
}

/** The history after these steps' Workloads, each seen at `now`. */
function history(steps: string[], now: number): WorkloadHistory {
  return steps.reduce<WorkloadHistory | undefined>((h, s) => observeWorkload(h, step(s).workload, now), undefined)!;
}

const at = (iso: string) => Date.parse(iso);
/** The second of two Jobs was created, and queued, at 01:08:57; the first finished at 01:09:05. */
const QUEUED_AT = '2026-12-07T01:08:57.000Z';

test("the verifier reads Kueue's keys as lib/core/kueue.ts writes them", () => {
  expect(KUEUE_KEYS.QUEUE_NAME_LABEL).toBe(KUEUE.QUEUE_NAME_LABEL);
  expect(step('quota-queued').workload).toMatchObject({ apiVersion: KUEUE_KEYS.API });
});

describe('kueueReport: two Jobs, quota for one', () => {
  test('the second waits in its LocalQueue for quota, with Kueue\'s reason and message; the ClusterQueue comes from the LocalQueue', () => {
    // GIVEN the Workload of the queued Job, seen 3 s after its creation
    const h = history(['quota-queued'], at(QUEUED_AT) + 3000);

    // WHEN
    const report = kueueReport({ installed: true, localQueue: 'user-queue', clusterQueue: 'quota-5288-182', workload: h }, at(QUEUED_AT) + 3000);

    // THEN
    expect(report).toEqual({
      status: KueueStatus.PENDING, localQueue: 'user-queue', clusterQueue: 'quota-5288-182', workload: 'job-second-8ce2b',
      waitingFor: KueueWait.QUOTA, reason: 'Pending',
      message: "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor quota-5288-182-flavor, 1 more needed",
      waitedMs: 3000, waits: [{ queuedAt: QUEUED_AT, durationMs: 3000 }], evictions: [],
    });
  });

  test('admitted 8 s later: when, by which ClusterQueue (from the admission), and how long it waited; then finished', () => {
    // GIVEN every version seen, the admission 10 s after creation (the report's clock does not move the closed wait)
    const h = history(['quota-queued', 'quota-admitted'], at(QUEUED_AT) + 10_000);
    const done = history(['quota-queued', 'quota-admitted', 'quota-finished'], at(QUEUED_AT) + 20_000);

    // THEN
    expect(kueueReport({ installed: true, localQueue: 'user-queue', workload: h }, at(QUEUED_AT) + 60_000)).toMatchObject({
      status: KueueStatus.ADMITTED, clusterQueue: 'quota-5288-182', reason: 'Admitted', message: 'The workload is admitted',
      admittedAt: '2026-12-07T01:09:05.000Z', waitedMs: 8000, waits: [{ queuedAt: QUEUED_AT, admittedAt: '2026-12-07T01:09:05.000Z', durationMs: 8000 }],
    });
    expect(kueueReport({ installed: true, workload: done }, at(QUEUED_AT) + 60_000)).toMatchObject({
      status: KueueStatus.FINISHED, localQueue: 'user-queue', reason: 'Succeeded', message: 'Reached expected number of succeeded pods', waitedMs: 8000,
    });
  });

  test('a version seen twice or late changes nothing', () => {
    const once = history(['quota-queued', 'quota-admitted', 'quota-finished'], at(QUEUED_AT) + 20_000);
    const twice = history(['quota-queued', 'quota-admitted', 'quota-admitted', 'quota-queued', 'quota-finished', 'quota-finished'], at(QUEUED_AT) + 20_000);
    expect(kueueReport({ installed: true, workload: twice }, 0)).toEqual(kueueReport({ installed: true, workload: once }, 0));
  });

  test('a Job without requests is admitted at once: no wait', () => {
    const h = history(['no-requests-admitted'], at(QUEUED_AT) + 5000);
    expect(kueueReport({ installed: true, workload: h }, at(QUEUED_AT) + 5000)).toMatchObject({
      status: KueueStatus.ADMITTED, clusterQueue: 'no-requests-5288-182', waitedMs: 0, waits: [{ queuedAt: QUEUED_AT, admittedAt: QUEUED_AT, durationMs: 0 }],
    });
  });
});

describe('kueueReport: why a Job waits', () => {
  test('a Job wider than the quota never fits: waiting for quota, with the capacity it exceeds', () => {
    const report = kueueReport({ installed: true, workload: history(['never-fits-pending'], at(QUEUED_AT)) }, at(QUEUED_AT));
    expect(report).toMatchObject({ status: KueueStatus.PENDING, waitingFor: KueueWait.QUOTA, reason: 'Pending', message: expect.stringMatching(/> maximum capacity \(1\)$/) });
  });

  test('a high-priority Job waits for the preemption it caused', () => {
    const report = kueueReport({ installed: true, workload: history(['preempt-high-pending'], at(QUEUED_AT)) }, at(QUEUED_AT));
    expect(report).toMatchObject({ status: KueueStatus.PENDING, waitingFor: KueueWait.PREEMPTION, reason: 'Pending', message: expect.stringMatching(/Pending the preemption of 1 workload\(s\)$/) });
  });

  test('an inadmissible queue (the reason and message Kueue v0.17.0 writes when the LocalQueue does not exist, on the captured Workload)', () => {
    const { workload } = step('quota-queued');
    const missing = { ...workload, status: { conditions: [{ ...workload.status!.conditions![0], reason: 'Inadmissible', message: "LocalQueue user-queue doesn't exist" }] } };
    expect(kueueReport({ installed: true, workload: observeWorkload(undefined, missing, 0) }, 0)).toMatchObject({
      status: KueueStatus.PENDING, waitingFor: KueueWait.INADMISSIBLE, reason: 'Inadmissible', message: "LocalQueue user-queue doesn't exist",
    });
  });

  test('no Kueue: not installed; Kueue installed but no Workload: with and without a queue label; never asked: nothing', () => {
    expect(kueueReport({ installed: false, localQueue: 'user-queue' }, 0)).toEqual({ status: KueueStatus.NOT_INSTALLED, localQueue: 'user-queue', waits: [], evictions: [] });
    expect(kueueReport({ installed: true, localQueue: 'user-queue', clusterQueue: 'cq' }, 0)).toEqual({ status: KueueStatus.NO_WORKLOAD, localQueue: 'user-queue', clusterQueue: 'cq', waits: [], evictions: [] });
    expect(kueueReport({ installed: true }, 0)).toEqual({ status: KueueStatus.NO_WORKLOAD, waits: [], evictions: [] });
    expect(kueueReport({ localQueue: 'user-queue' }, 0)).toBeUndefined();
  });
});

describe('kueueReport: preemption', () => {
  const PREEMPTION = /^Preempted to accommodate a workload \(UID: a237ef2e-77ae-4296-8b97-d26195a251f3, JobUID: 9b2f9f1f-af7d-4391-b95d-b1e0f7e61956\) due to prioritization in the ClusterQueue/;

  test('evicted while it still holds its quota: evicted (Preempted, InClusterQueue), being stopped', () => {
    const report = kueueReport({ installed: true, workload: history(['preempt-low-running', 'preempt-low-stopping'], at(QUEUED_AT) + 2000) }, at(QUEUED_AT) + 2000);
    expect(report).toMatchObject({
      status: KueueStatus.EVICTED, clusterQueue: 'preempt-5288-182', reason: 'Preempted', message: expect.stringMatching(PREEMPTION),
      evictions: [{ at: '2026-12-07T01:08:58.000Z', reason: 'Preempted', preemption: 'InClusterQueue', message: expect.stringMatching(PREEMPTION) }],
    });
  });

  test('requeued: a second wait from when its quota was taken away; admitted again: both waits, the eviction kept', () => {
    // GIVEN
    const steps = ['preempt-low-running', 'preempt-low-stopping', 'preempt-low-requeued'];
    const requeued = kueueReport({ installed: true, workload: history(steps, at('2026-12-07T01:09:03Z')) }, at('2026-12-07T01:09:03Z'))!;
    const readmitted = kueueReport({ installed: true, workload: history([...steps, 'preempt-low-readmitted', 'preempt-low-finished'], 0) }, 0)!;

    // THEN
    expect(requeued).toMatchObject({
      status: KueueStatus.PENDING, waitingFor: KueueWait.QUOTA, reason: 'Pending', message: expect.stringMatching(PREEMPTION), clusterQueue: 'preempt-5288-182',
      admittedAt: QUEUED_AT, waitedMs: 4000,
      waits: [{ queuedAt: QUEUED_AT, admittedAt: QUEUED_AT, durationMs: 0 }, { queuedAt: '2026-12-07T01:08:59.000Z', durationMs: 4000 }],
    });
    expect(readmitted).toMatchObject({
      status: KueueStatus.FINISHED, admittedAt: '2026-12-07T01:09:07.000Z', waitedMs: 8000,
      waits: [{ queuedAt: QUEUED_AT, admittedAt: QUEUED_AT, durationMs: 0 }, { queuedAt: '2026-12-07T01:08:59.000Z', admittedAt: '2026-12-07T01:09:07.000Z', durationMs: 8000 }],
      evictions: [{ at: '2026-12-07T01:08:58.000Z', reason: 'Preempted', preemption: 'InClusterQueue' }],
    });
  });

  test('verification began after the eviction and the re-admission: the wait seen starts when Kueue requeued it', () => {
    const report = kueueReport({ installed: true, workload: history(['preempt-low-readmitted'], 0) }, 0);
    expect(report).toMatchObject({ status: KueueStatus.ADMITTED, waits: [{ queuedAt: '2026-12-07T01:08:59.000Z', admittedAt: '2026-12-07T01:09:07.000Z', durationMs: 8000 }], evictions: [] });
  });
});

describe('kueueVerdict: the verdict as Kueue explains it', () => {
  const report = (steps: string[], now: number): KueueReport => kueueReport({ installed: true, localQueue: 'user-queue', clusterQueue: 'quota-5288-182', workload: history(steps, now) }, now)!;

  test('queued: Kueue\'s reason, and a message with the queues, since when, and Kueue\'s message', () => {
    const { job } = step('quota-queued');
    expect(kueueVerdict(judgeJob(job), report(['quota-queued'], at(QUEUED_AT) + 3000))).toEqual({
      state: JobState.QUEUED, terminal: false, early: false, reason: 'Pending',
      message: `waiting in Kueue LocalQueue user-queue (ClusterQueue quota-5288-182) since ${QUEUED_AT} (3 s) for quota: Pending: couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor quota-5288-182-flavor, 1 more needed`,
    });
  });

  test('suspended after a preemption: reason Preempted, and where it waits again; running while Kueue stops it: reason Preempted too', () => {
    const requeued = report(['preempt-low-running', 'preempt-low-stopping', 'preempt-low-requeued'], at('2026-12-07T01:09:03Z'));
    const suspended = kueueVerdict({ ...judgeJob(step('preempt-low-requeued').job), state: JobState.SUSPENDED }, requeued);
    expect(suspended).toMatchObject({ state: JobState.SUSPENDED, terminal: false, reason: 'Preempted' });
    expect(suspended.message).toMatch(/^preempted \(InClusterQueue\) at 2026-12-07T01:08:58.000Z, requeued: waiting in Kueue LocalQueue user-queue \(ClusterQueue preempt-5288-182\) since 2026-12-07T01:08:59.000Z \(4 s\) for quota: Pending: Preempted to accommodate/);
    const stopping = kueueVerdict(judgeJob(step('preempt-low-stopping').job), report(['preempt-low-running', 'preempt-low-stopping'], at(QUEUED_AT) + 2000));
    expect(stopping).toMatchObject({ state: JobState.RUNNING, terminal: false, reason: 'Preempted', message: expect.stringMatching(/^preempted \(InClusterQueue\) at 2026-12-07T01:08:58.000Z by Kueue LocalQueue user-queue \(ClusterQueue preempt-5288-182\), being stopped: Preempted to accommodate/) });
  });

  test('never a failure, never a success: terminal and running verdicts stand', () => {
    const finished = report(['quota-queued', 'quota-admitted', 'quota-finished'], 0);
    const complete = judgeJob(step('quota-finished').job);
    expect(kueueVerdict(complete, finished)).toBe(complete);
    const running = judgeJob(step('quota-admitted').job);
    expect(kueueVerdict(running, report(['quota-queued', 'quota-admitted'], 0))).toBe(running);
  });

  test('Kueue installed, no Workload: the Job\'s own reason, and the message says whether it carries a queue label', () => {
    const queued = judgeJob(step('quota-queued').job);
    expect(kueueVerdict(queued, kueueReport({ installed: true, localQueue: 'user-queue' }, 0))).toMatchObject({
      state: JobState.QUEUED, reason: 'JobSuspended', message: 'Kueue LocalQueue user-queue: no Workload of this Job seen (Kueue has not created it yet, or does not run)',
    });
    expect(kueueVerdict(queued, kueueReport({ installed: true }, 0))?.message).toBe('not queued: Kueue is installed, but no Workload of this Job was seen (by default Kueue manages only Jobs labelled kueue.x-k8s.io/queue-name, and this one has none)');
  });

  test('no Kueue: the Job\'s own reason, and the message says "suspended, no Kueue"', () => {
    const verdict = kueueVerdict(judgeJob(step('quota-queued').job), kueueReport({ installed: false, localQueue: 'user-queue' }, 0));
    expect(verdict).toMatchObject({
      state: JobState.QUEUED, reason: 'JobSuspended',
      message: 'suspended, no Kueue: the cluster serves no kueue.x-k8s.io/v1beta2 API (its label kueue.x-k8s.io/queue-name names user-queue, but nothing reads it), so no queue admits it; it runs once something sets spec.suspend to false',
    });
  });
});

describe('TargetTracker and JobReport with a Workload', () => {
  const STARTED = at(QUEUED_AT) - 1000;
  const tracker = () => new TargetTracker({ name: 'second', namespace: 'capture' }, { startedAt: STARTED, replacementGraceMs: 15_000 });

  test('the Workload is matched to the run by its owner\'s uid, even when it comes first; another run\'s is ignored', () => {
    // GIVEN the Workload before its Job, and a Workload of another Job object of the same name
    const t = tracker();
    const { job, workload } = step('quota-queued');
    const stranger = { ...workload, metadata: { ...workload.metadata, ownerReferences: [{ kind: 'Job', name: 'second', uid: 'another-run' }] } };
    t.setKueueInstalled(true);

    // WHEN
    expect(t.onWorkload(workload, at(QUEUED_AT))).toBe(false);
    t.onJob('ADDED', job, at(QUEUED_AT));
    expect(t.onWorkload(stranger, at(QUEUED_AT) + 1000)).toBe(false);

    // THEN the held Workload is the run's
    expect(t.kueue(at(QUEUED_AT) + 2000)).toMatchObject({ status: KueueStatus.PENDING, workload: 'job-second-8ce2b', waitedMs: 2000 });
    expect(t.verdict(at(QUEUED_AT) + 2000)).toMatchObject({ state: JobState.QUEUED, reason: 'Pending' });
  });

  test('the report of a queued Job carries `kueue`, and keeps `suspension`; once complete, its wait', () => {
    // GIVEN
    const t = tracker();
    t.setKueueInstalled(true);
    t.setClusterQueue('quota-5288-182');
    t.onJob('ADDED', step('quota-queued').job, at(QUEUED_AT));
    t.onWorkload(step('quota-queued').workload, at(QUEUED_AT));
    const queued = jobReport(t, at(QUEUED_AT) + 5000, STARTED);
    for (const s of ['quota-admitted', 'quota-finished']) {
      t.onJob('MODIFIED', step(s).job, at('2026-12-07T01:09:11Z'));
      t.onWorkload(step(s).workload, at('2026-12-07T01:09:11Z'));
    }

    // THEN
    expect(queued).toMatchObject({
      verdict: { state: JobState.QUEUED, reason: 'Pending' },
      suspension: { since: QUEUED_AT, kueueQueue: 'user-queue' },
      kueue: { status: KueueStatus.PENDING, localQueue: 'user-queue', clusterQueue: 'quota-5288-182', waitedMs: 5000 },
    });
    expect(jobReport(t, at('2026-12-07T01:09:20Z'), STARTED)).toMatchObject({
      verdict: { state: JobState.COMPLETE, reason: 'CompletionsReached' },
      kueue: { status: KueueStatus.FINISHED, clusterQueue: 'quota-5288-182', admittedAt: '2026-12-07T01:09:05.000Z', waitedMs: 8000 },
    });
  });

  test('a Job neither labelled nor suspended is not Kueue\'s: no `kueue` in its report, and Kueue is never asked about it', () => {
    const t = tracker();
    const { job } = step('quota-finished');
    t.onJob('ADDED', { ...job, metadata: { ...job.metadata, labels: {} } }, at(QUEUED_AT));
    t.setKueueInstalled(true);
    expect(t.kueueRelevant).toBe(false);
    expect(jobReport(t, at(QUEUED_AT), STARTED).kueue).toBeUndefined();
  });
});

describe('JobVerifier on a cluster without Kueue (fake API server: no kueue.x-k8s.io API, every unknown path 404)', () => {
  let dir: string;
  let fake: FakeApiServer;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-kueue-'));
    fake = await FakeApiServer.start();
  });
  afterEach(async () => {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const kueueRequests = () => fake.requests.filter(r => r.includes('kueue.x-k8s.io'));

  test('a suspended Job with a queue label is reported "suspended, no Kueue": no error, no hang, one discovery request', async () => {
    // GIVEN
    const job = fakeJob('train', 'jobs', [{ type: 'Suspended', reason: 'JobSuspended' }], { startTime: undefined });
    fake.set({ ...job, metadata: { ...job.metadata, labels: { app: 'train', [KUEUE.QUEUE_NAME_LABEL]: 'user-queue' } }, spec: { ...(job.spec as object), suspend: true } });

    // WHEN
    const started = Date.now();
    const result = await verifyJobs({ kubeConfig: loadKubeConfig({ kubeconfig: writeKubeconfig(dir, fake.url, 'jobs') }), namespace: 'jobs', selector: 'app=train', timeoutMs: 2000 });

    // THEN waited for until the timeout (exit 2), as any queued Job, and said why
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.outcome).toBe(VerifyOutcome.TIMEOUT);
    expect(result.outages).toEqual([]);
    expect(kueueRequests()).toEqual(['GET /apis/kueue.x-k8s.io/v1beta2']);
    const [report] = result.jobs;
    expect(report.kueue).toEqual({ status: KueueStatus.NOT_INSTALLED, localQueue: 'user-queue', waits: [], evictions: [] });
    expect(report.verdict).toMatchObject({ state: JobState.QUEUED, reason: 'JobSuspended', message: expect.stringMatching(/^suspended, no Kueue: the cluster serves no kueue.x-k8s.io\/v1beta2 API/) });
    expect(textReport(result)).toContain('    suspended, no Kueue: the cluster serves no kueue.x-k8s.io/v1beta2 API (its label kueue.x-k8s.io/queue-name names user-queue, but nothing reads it), so no queue admits it; it runs once something sets spec.suspend to false');
    expect(result.summary).toMatch(/^timed out after 2 s, still waiting for train queued in Kueue LocalQueue user-queue since 2026-01-01T00:00:00.000Z \(never admitted or resumed\); JobSuspended: suspended, no Kueue: /);
  });

  test('Jobs neither suspended nor labelled for a queue cost no request to Kueue\'s API', async () => {
    fake.set(fakeJob('plain', 'jobs', [{ type: 'Complete', reason: 'CompletionsReached' }]));
    const result = await verifyJobs({ kubeConfig: loadKubeConfig({ kubeconfig: writeKubeconfig(dir, fake.url, 'jobs') }), namespace: 'jobs', selector: 'app=plain', timeoutMs: 5000 });
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    expect(kueueRequests()).toEqual([]);
    expect(result.jobs[0].kueue).toBeUndefined();
  });
});

describe('JobVerifier when Kueue\'s discovery fails', () => {
  test('a failed discovery (503) is an outage in the report, asked again after 5 s; the 404 then closes it: "suspended, no Kueue"', async () => {
    // GIVEN the fake API server behind a proxy that answers the first question about Kueue's API 503
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-kueue-'));
    const fake = await FakeApiServer.start();
    const asked: number[] = [];
    const proxy = http.createServer((request, response) => {
      if (request.url === '/apis/kueue.x-k8s.io/v1beta2' && asked.push(Date.now()) === 1) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 }));
        return;
      }
      const upstream = http.request(fake.url + request.url, { method: request.method, headers: request.headers }, answer => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const job = fakeJob('train', 'jobs', [{ type: 'Suspended', reason: 'JobSuspended' }], { startTime: undefined });
      fake.set({ ...job, spec: { ...(job.spec as object), suspend: true } });

      // WHEN
      const server = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const result = await verifyJobs({ kubeConfig: loadKubeConfig({ kubeconfig: writeKubeconfig(dir, server, 'jobs') }), namespace: 'jobs', selector: 'app=train', timeoutMs: 7000 });

      // THEN asked twice, 5 s apart; the failure reported, then over
      expect(asked).toHaveLength(2);
      expect(asked[1] - asked[0]).toBeGreaterThanOrEqual(5000);
      expect(result.outages).toEqual([expect.objectContaining({ watch: 'kueue.x-k8s.io/v1beta2', failures: 1, lastError: 'the server is currently unable to handle the request', to: expect.any(String) })]);
      expect(result.jobs[0].kueue?.status).toBe(KueueStatus.NOT_INSTALLED);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>(resolve => proxy.close(() => resolve()));
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);
});
