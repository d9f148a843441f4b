/**
 * A real Kueue (issue 24): the manager of the release pinned in scripts/kueue/lib.sh, built from
 * the Go module proxy and run beside this project's control plane with its webhooks on loopback
 * (scripts/kueue/up.sh, docs/maintainers/kueue-suite.md). Every assertion is on what Kueue itself
 * did to the Jobs and their Workloads: the facts the library's queue option, its validation and
 * the verifier are built from.
 *
 * The Jobs are the library's own (SingleBatchJob, restricted pods, kwok outcomes by the test-only
 * annotations), given the label `kueue.x-k8s.io/queue-name` through `metadata.labels` and no
 * `suspend` field, as Kueue's documentation asks. Each test has a ClusterQueue of its own, so
 * they run side by side. Jobs, Workloads and pods are recorded by watches from before the first
 * object is created, so no state is missed, however short.
 *
 * Only on 1.29 and later: Kueue v0.17 requires Kubernetes 1.29 or newer (its README).
 *
 * With JOB_PATTERNS_CAPTURE_FIXTURES=<dir>, the Job and its Workload at each step are written
 * there (test/fixtures/kueue-0.17.0).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { e2eMinor, restrictedNamespace } from './cluster';
import {
  apply, clusterObjects, Condition, condition, isTrue, kc, KUEUE_API, KUEUE_VERSION, kueueForThisFile, namespaces, PRIORITY_CLASS, queuedJob, queues, run, sleep, WithConditions, why,
} from './kueue-cluster';
import { Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';

const TIMEOUT = 120_000;

// Objects as the watch delivers them (JSON: times are strings), as far as these tests read them.
interface ManagedFields { manager: string; operation: string; subresource?: string; fieldsV1?: Record<string, unknown> }
interface Metadata {
  name: string; namespace: string; uid: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: ManagedFields[];
}
interface Job {
  metadata: Metadata;
  spec: { suspend?: boolean; parallelism?: number; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { nodeSelector?: Record<string, string> } } };
  status?: { conditions?: Condition[]; startTime?: string; completionTime?: string; active?: number; succeeded?: number; failed?: number };
}
interface Pod { metadata: Metadata; spec: { nodeSelector?: Record<string, string> }; status?: { phase?: string } }
interface PodSetAssignment { name: string; count?: number; flavors?: Record<string, string>; resourceUsage?: Record<string, string> }
interface Workload {
  metadata: Metadata;
  spec: { queueName?: string; priority?: number; priorityClassRef?: Record<string, string>; active?: boolean; podSets: { name: string; count: number }[] };
  status?: {
    conditions?: Condition[]; admission?: { clusterQueue: string; podSetAssignments: PodSetAssignment[] };
    resourceRequests?: { name: string; resources: Record<string, string> }[];
    schedulingStats?: { evictions?: { reason: string; underlyingCause: string; count: number }[] }; accumulatedPastExecutionTimeSeconds?: number;
  };
}
/** The conditions as [type, status, reason], in the object's order. */
const conditions = (object: WithConditions) => (object.status?.conditions ?? []).map(c => [c.type, c.status, c.reason]);
/** When condition `type` last changed, by the API server's clock (whole seconds), in ms. */
const changedAt = (object: WithConditions, type: string) => new Date(condition(object, type)?.lastTransitionTime ?? NaN).getTime();
const time = (value: string | undefined) => new Date(value ?? NaN).getTime();
/** The top-level field names a managedFields entry owns under `path` (e.g. ['f:spec']). */
const owned = (entry: ManagedFields | undefined, ...keys: string[]) => Object.keys(keys.reduce<Record<string, unknown>>((o, k) => (o?.[k] ?? {}) as Record<string, unknown>, entry?.fieldsV1 ?? {}));
const entryOf = (object: { metadata: Metadata }, manager: string, subresource?: string) => object.metadata.managedFields?.find(m => m.manager === manager && m.subresource === subresource);

/**
 * Every version of the objects of a collection, as the API server's watch delivers them from now
 * on: no state is missed, however short it lasted.
 */
class Recording<T extends { metadata: Metadata }> {
  readonly versions: T[] = [];
  readonly errors: unknown[] = [];
  private stopped = false;
  private controller?: AbortController;

  constructor(private readonly kc: KubeConfig, private readonly path: string) {}

  async start(): Promise<this> {
    this.controller = await new k8s.Watch(this.kc).watch(this.path, {}, (type: string, object: T) => {
      if (type === 'ERROR') this.errors.push(object);
      else if (type !== 'BOOKMARK') this.versions.push(object);
    }, (error: unknown) => {
      // The watch ends only when stopped: an end before, with or without an error, loses versions.
      if (!this.stopped) this.errors.push(error ?? new Error(`the watch of ${this.path} ended early`));
    });
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  /** The versions of the objects whose name matches. */
  of(name: string | RegExp): T[] {
    return this.versions.filter(v => (typeof name === 'string' ? v.metadata.name === name : name.test(v.metadata.name)));
  }

  /** The first version of `name` (from the start of the recording) for which `test` holds; waits for it. */
  async first(name: string | RegExp, what: string, test: (v: T) => boolean = () => true, timeoutMs = TIMEOUT): Promise<T> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
      const found = this.of(name).find(test);
      if (found) return found;
    }
    const last = this.of(name).pop() as (T & { spec?: unknown; status?: unknown }) | undefined;
    throw new Error(`${this.path} ${name}: ${what} not seen within ${timeoutMs / 1000} s; last version: ${JSON.stringify(last && { spec: last.spec, status: last.status })}`);
  }

  /** The first version of `name` after `after` for which `test` holds; waits for it. */
  async next(after: T, what: string, test: (v: T) => boolean, timeoutMs = TIMEOUT): Promise<T> {
    const index = this.versions.indexOf(after);
    return this.first(after.metadata.name, what, v => this.versions.indexOf(v) > index && test(v), timeoutMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: a Job and its Workload as Kueue left them at one step. managedFields are kept (which
// manager owns `suspend` and the template's additions is a fact the GitOps settings need).

const captureDir = process.env.JOB_PATTERNS_CAPTURE_FIXTURES;
function capture(file: string, job: Job, workload: Workload): void {
  if (!captureDir) return;
  const tidy = <T extends { metadata: Metadata }>(o: T) => ({ ...o, metadata: { ...o.metadata, namespace: 'capture' } });
  fs.mkdirSync(captureDir, { recursive: true });
  fs.writeFileSync(path.join(captureDir, `${file}.json`), `${JSON.stringify({ job: tidy(job), workload: tidy(workload) }, null, 2)}\n`);
}

/** A restricted namespace, its Jobs, Workloads and pods recorded from before anything is created in it. */
async function scene(prefix: string) {
  const namespace = await restrictedNamespace(kc, prefix);
  namespaces.push(namespace);
  const jobs = await new Recording<Job>(kc, `/apis/batch/v1/namespaces/${namespace}/jobs`).start();
  const workloads = await new Recording<Workload>(kc, `/apis/kueue.x-k8s.io/v1beta2/namespaces/${namespace}/workloads`).start();
  const pods = await new Recording<Pod>(kc, `/api/v1/namespaces/${namespace}/pods`).start();
  const all = [jobs, workloads, pods];
  return { namespace, jobs, workloads, pods, stop: () => all.forEach(r => r.stop()), errors: () => all.flatMap(r => r.errors) };
}

/** The Workload of Job `job`: Kueue names it job-<job name>-<5 hex>. */
const workloadOf = (job: string) => new RegExp(`^job-${job}-[0-9a-f]{5}$`);
const podsOf = (job: string) => new RegExp(`^${job}-[a-z0-9]{5}$`);

/** What Kueue adds to the pod template at admission (and removes when it stops the Job). */
function admissionAdditions(job: Job) {
  const labels = Object.entries(job.spec.template.metadata?.labels ?? {}).filter(([k]) => k.startsWith('kueue.x-k8s.io/'));
  const annotations = Object.entries(job.spec.template.metadata?.annotations ?? {}).filter(([k]) => k.startsWith('kueue.x-k8s.io/'));
  return { labels: Object.fromEntries(labels), annotations: Object.fromEntries(annotations), nodeSelector: job.spec.template.spec.nodeSelector };
}

kueueForThisFile('kueue');

(why ? describe.skip : describe)(`a real Kueue ${KUEUE_VERSION} on Kubernetes 1.${e2eMinor}${why ? ` (${why})` : ''}`, () => {
  test.concurrent('two Jobs written without suspend, quota for one: the webhook suspends both, the second waits Pending with the quota it lacks, and is admitted once the first finished', async () => {
    // GIVEN
    const s = await scene('kueue-quota');
    const cq = `quota-${run}`;
    const flavor = await queues(s.namespace, cq);

    // WHEN
    await apply(s.namespace, [queuedJob('first', '5s'), queuedJob('second', '5s')]);
    const firstDone = await s.jobs.first('first', 'Complete', j => isTrue(j, 'Complete'));
    const secondDone = await s.jobs.first('second', 'Complete', j => isTrue(j, 'Complete'));
    const firstFinished = await s.workloads.first(workloadOf('first'), 'Finished', w => isTrue(w, 'Finished'));
    const secondFinished = await s.workloads.first(workloadOf('second'), 'Finished', w => isTrue(w, 'Finished'));
    s.stop();
    expect(s.errors()).toEqual([]);

    // THEN
    // The webhook suspended both at creation: their first versions say suspend true, which no manager owns.
    for (const name of ['first', 'second']) {
      const created = await s.jobs.first(name, 'created');
      expect(created.spec.suspend).toBe(true);
      expect(created.metadata.managedFields?.map(m => [m.manager, m.operation])).toEqual([['job-patterns', 'Apply']]);
      expect(owned(entryOf(created, 'job-patterns'), 'f:spec')).not.toContain('f:suspend');
    }
    // The second's Workload: named after the Job, owned by it, and Pending with the quota it lacks.
    const pending = await s.workloads.first(workloadOf('second'), 'QuotaReserved=False', w => condition(w, 'QuotaReserved')?.status === 'False');
    const second = secondDone.metadata;
    expect(pending.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'second', uid: second.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pending.metadata.labels).toEqual({ 'kueue.x-k8s.io/job-uid': second.uid });
    expect(pending.spec).toMatchObject({ queueName: 'user-queue', priority: 0, active: true, podSets: [{ name: 'main', count: 1 }] });
    expect(pending.status?.resourceRequests).toEqual([{ name: 'main', resources: { cpu: '1' } }]);
    expect(pending.status?.conditions).toEqual([expect.objectContaining({
      type: 'QuotaReserved', status: 'False', reason: 'Pending',
      message: `couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor ${flavor}, 1 more needed`,
    })]);
    expect(pending.status?.admission).toBeUndefined();
    // Meanwhile the second Job: suspended by the Job controller's reading (Suspended=True, JobSuspended), no startTime, no pod.
    const queued = await s.jobs.first('second', 'Suspended=True', j => isTrue(j, 'Suspended'));
    expect(queued.spec.suspend).toBe(true);
    expect(conditions(queued)).toEqual([['Suspended', 'True', 'JobSuspended']]);
    expect(queued.status?.startTime).toBeUndefined();
    capture('quota-queued', queued, pending);

    // Admission: the Workload's QuotaReserved and Admitted, its flavor and usage.
    const admitted = await s.workloads.first(workloadOf('second'), 'Admitted', w => isTrue(w, 'Admitted'));
    expect(admitted.status?.conditions?.map(c => [c.type, c.status, c.reason, c.message])).toEqual([
      ['QuotaReserved', 'True', 'QuotaReserved', `Quota reserved in ClusterQueue ${cq}`],
      ['Admitted', 'True', 'Admitted', 'The workload is admitted'],
    ]);
    expect(admitted.status?.admission).toEqual({ clusterQueue: cq, podSetAssignments: [{ name: 'main', count: 1, flavors: { cpu: flavor }, resourceUsage: { cpu: '1' } }] });
    // The Job: suspend false, and the flavor's node labels, the queue labels and the Workload's name in the pod template, all owned by the manager `kueue`.
    const resumed = await s.jobs.first('second', 'suspend false', j => j.spec.suspend === false);
    expect(admissionAdditions(resumed)).toEqual({
      labels: { 'kueue.x-k8s.io/cluster-queue-name': cq, 'kueue.x-k8s.io/local-queue-name': 'user-queue', 'kueue.x-k8s.io/podset': 'main' },
      annotations: { 'kueue.x-k8s.io/workload': admitted.metadata.name },
      nodeSelector: { type: 'kwok' },
    });
    const byKueue = entryOf(resumed, 'kueue');
    expect(byKueue?.operation).toBe('Update');
    expect(owned(byKueue, 'f:spec')).toEqual(['f:suspend', 'f:template']);
    expect(owned(byKueue, 'f:spec', 'f:template', 'f:spec')).toEqual(['f:nodeSelector']);
    const running = await s.jobs.first('second', 'JobResumed', j => condition(j, 'Suspended')?.reason === 'JobResumed');
    expect(conditions(running)).toEqual([['Suspended', 'False', 'JobResumed']]);
    capture('quota-admitted', running, admitted);
    for (const pod of [...s.pods.of(podsOf('first')), ...s.pods.of(podsOf('second'))]) expect(pod.spec.nodeSelector).toEqual({ type: 'kwok' });

    // Only once the first finished: the second's admission and its start (whole seconds).
    expect(changedAt(admitted, 'Admitted')).toBeGreaterThanOrEqual(changedAt(firstFinished, 'Finished'));
    expect(time(secondDone.status?.startTime)).toBeGreaterThanOrEqual(time(firstDone.status?.completionTime));
    const secondPods = s.pods.of(podsOf('second'));
    expect(secondPods.length).toBeGreaterThan(0);
    for (const pod of secondPods) expect(time(pod.metadata.creationTimestamp)).toBeGreaterThanOrEqual(time(firstDone.status?.completionTime));
    // Both Workloads end Finished (Succeeded); the Jobs keep what Kueue wrote.
    for (const finished of [firstFinished, secondFinished]) {
      expect(condition(finished, 'Finished')).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Reached expected number of succeeded pods' });
    }
    expect(conditions(secondDone)).toEqual([['Suspended', 'False', 'JobResumed'], ['SuccessCriteriaMet', 'True', 'CompletionsReached'], ['Complete', 'True', 'CompletionsReached']]);
    capture('quota-finished', secondDone, secondFinished);
  });

  test.concurrent('preemption: a high-priority Job arrives while a low one runs; the low Job is suspended again (startTime cleared, template restored), requeued, and re-admitted once the high one finished', async () => {
    // GIVEN
    const s = await scene('kueue-preempt');
    const cq = `preempt-${run}`;
    const classes = [['high', 1000], ['low', 100]].map(([level, value]) => ({ apiVersion: KUEUE_API, kind: 'WorkloadPriorityClass', metadata: { name: `${cq}-${level}` }, value } as unknown as Manifest));
    clusterObjects.push(...classes);
    await apply(s.namespace, classes);
    await queues(s.namespace, cq, { preemption: { withinClusterQueue: 'LowerPriority' } });
    await apply(s.namespace, [queuedJob('low', '15s', { [PRIORITY_CLASS]: `${cq}-low` })]);
    const lowRunning = await s.jobs.first('low', 'a running pod', j => j.status?.active === 1 && j.status.startTime !== undefined);
    const lowAdmitted = await s.workloads.first(workloadOf('low'), 'Admitted', w => isTrue(w, 'Admitted'));
    capture('preempt-low-running', lowRunning, lowAdmitted);

    // WHEN
    await apply(s.namespace, [queuedJob('high', '5s', { [PRIORITY_CLASS]: `${cq}-high` })]);
    const highDone = await s.jobs.first('high', 'Complete', j => isTrue(j, 'Complete'));
    const lowDone = await s.jobs.first('low', 'Complete', j => isTrue(j, 'Complete'));
    const highFinished = await s.workloads.first(workloadOf('high'), 'Finished', w => isTrue(w, 'Finished'));
    await s.workloads.first(workloadOf('low'), 'Finished', w => isTrue(w, 'Finished'));
    s.stop();
    expect(s.errors()).toEqual([]);

    // THEN
    // The priorities, from the WorkloadPriorityClasses the labels name.
    expect(lowAdmitted.spec).toMatchObject({ priority: 100, priorityClassRef: { group: 'kueue.x-k8s.io', kind: 'WorkloadPriorityClass', name: `${cq}-low` } });
    const highPending = await s.workloads.first(workloadOf('high'), 'QuotaReserved=False', w => condition(w, 'QuotaReserved')?.status === 'False');
    expect(highPending.spec.priority).toBe(1000);
    expect(condition(highPending, 'QuotaReserved')).toMatchObject({
      reason: 'Pending',
      message: `couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor ${cq}-flavor, 1 more needed. Pending the preemption of 1 workload(s)`,
    });
    capture('preempt-high-pending', await s.jobs.first('high', 'Suspended=True', j => isTrue(j, 'Suspended')), highPending);

    // The low Workload is evicted: Evicted (Preempted) and Preempted (InClusterQueue), naming the preemptor, while still admitted.
    const preemption = `Preempted to accommodate a workload (UID: ${highPending.metadata.uid}, JobUID: ${highDone.metadata.uid}) due to prioritization in the ClusterQueue; preemptor path: /${cq}; preemptee path: /${cq}`;
    const evicted = await s.workloads.first(workloadOf('low'), 'Evicted', w => isTrue(w, 'Evicted'));
    expect(evicted.status?.conditions?.map(c => [c.type, c.status, c.reason, c.message])).toEqual([
      ['QuotaReserved', 'True', 'QuotaReserved', `Quota reserved in ClusterQueue ${cq}`],
      ['Evicted', 'True', 'Preempted', preemption],
      ['Admitted', 'True', 'Admitted', 'The workload is admitted'],
      ['Preempted', 'True', 'InClusterQueue', preemption],
    ]);
    // The low Job is stopped: suspend true with the annotation kueue.x-k8s.io/stopping while its pod still runs,
    const stopping = await s.jobs.next(lowRunning, 'suspend true again', j => j.spec.suspend === true);
    expect(stopping.metadata.annotations?.['kueue.x-k8s.io/stopping']).toBe('true');
    expect(stopping.status?.active).toBe(1);
    capture('preempt-low-stopping', stopping, evicted);
    // then status.startTime cleared (by Kueue, before the pod is gone),
    const cleared = await s.jobs.next(stopping, 'startTime cleared', j => j.status?.startTime === undefined);
    expect(cleared.spec.suspend).toBe(true);
    // then, once the pod is gone, Suspended=True and the pod template as written (Kueue's labels, annotation and node selector removed, the annotation stopping too).
    const suspended = await s.jobs.next(stopping, 'Suspended=True, stopping annotation gone', j => isTrue(j, 'Suspended') && !j.metadata.annotations?.['kueue.x-k8s.io/stopping']);
    expect(conditions(suspended)).toEqual([['Suspended', 'True', 'JobSuspended']]);
    expect(admissionAdditions(suspended)).toEqual({ labels: {}, annotations: {}, nodeSelector: undefined });
    expect(suspended.status?.startTime).toBeUndefined();
    // The low Workload is requeued: no reservation, Requeued (Preempted), one eviction counted.
    const requeued = await s.workloads.first(workloadOf('low'), 'Requeued', w => isTrue(w, 'Requeued') && condition(w, 'QuotaReserved')?.status === 'False');
    expect(requeued.status?.conditions?.map(c => [c.type, c.status, c.reason, c.message])).toEqual([
      ['QuotaReserved', 'False', 'Pending', preemption],
      ['Evicted', 'True', 'Preempted', preemption],
      ['Admitted', 'False', 'NoReservation', 'The workload has no reservation'],
      ['Preempted', 'True', 'InClusterQueue', preemption],
      ['Requeued', 'True', 'Preempted', preemption],
    ]);
    expect(requeued.status?.schedulingStats).toEqual({ evictions: [{ reason: 'Preempted', underlyingCause: '', count: 1 }] });
    expect(requeued.status?.admission).toBeUndefined();
    capture('preempt-low-requeued', suspended, requeued);

    // The high one is admitted once the low one's quota is released, and completes.
    const highAdmitted = await s.workloads.first(workloadOf('high'), 'Admitted', w => isTrue(w, 'Admitted'));
    expect(changedAt(highAdmitted, 'Admitted')).toBeGreaterThanOrEqual(changedAt(evicted, 'Evicted'));

    // The low one is admitted again only after the high one finished: Evicted and Preempted False ("Previously: ..."), a new startTime, a new pod.
    const readmitted = await s.workloads.next(requeued, 'Admitted again', w => isTrue(w, 'Admitted'));
    expect(readmitted.status?.conditions?.map(c => [c.type, c.status, c.reason, c.message])).toEqual([
      ['QuotaReserved', 'True', 'QuotaReserved', `Quota reserved in ClusterQueue ${cq}`],
      ['Evicted', 'False', 'QuotaReserved', `Previously: ${preemption}`],
      ['Admitted', 'True', 'Admitted', 'The workload is admitted'],
      ['Preempted', 'False', 'QuotaReserved', `Previously: ${preemption}`],
      ['Requeued', 'True', 'Preempted', preemption],
    ]);
    expect(changedAt(readmitted, 'Admitted')).toBeGreaterThanOrEqual(changedAt(highFinished, 'Finished'));
    const rerun = await s.jobs.next(suspended, 'resumed again', j => condition(j, 'Suspended')?.reason === 'JobResumed');
    expect(time(rerun.status?.startTime)).toBeGreaterThanOrEqual(time(highDone.status?.completionTime));
    expect(admissionAdditions(rerun).nodeSelector).toEqual({ type: 'kwok' });
    capture('preempt-low-readmitted', rerun, readmitted);
    expect(new Set(s.pods.of(podsOf('low')).map(p => p.metadata.name)).size).toBe(2);
    // The preempted pod is not a failure of the Job: it completes with one success and no failed pod.
    expect(lowDone.status).toMatchObject({ succeeded: 1 });
    expect(lowDone.status?.failed).toBeUndefined();
    expect(conditions(lowDone)).toEqual([['Suspended', 'False', 'JobResumed'], ['SuccessCriteriaMet', 'True', 'CompletionsReached'], ['Complete', 'True', 'CompletionsReached']]);
    capture('preempt-low-finished', lowDone, await s.workloads.first(workloadOf('low'), 'Finished', w => isTrue(w, 'Finished')));
  });

  test.concurrent('a Job without resource requests is admitted at once while the quota is in use: its Workload takes no quota, no flavor, and its pods get no node selector', async () => {
    // GIVEN
    const s = await scene('kueue-no-requests');
    await queues(s.namespace, `no-requests-${run}`);
    await apply(s.namespace, [queuedJob('blocker', '15s')]);
    const blockerAdmitted = await s.workloads.first(workloadOf('blocker'), 'Admitted', w => isTrue(w, 'Admitted'));
    const bare = queuedJob('bare', '3s');
    delete (bare.spec.template.spec.containers[0] as { resources?: unknown }).resources;

    // WHEN
    await apply(s.namespace, [bare]);
    const bareDone = await s.jobs.first('bare', 'Complete', j => isTrue(j, 'Complete'));
    const blockerDone = await s.jobs.first('blocker', 'Complete', j => isTrue(j, 'Complete'));
    s.stop();
    expect(s.errors()).toEqual([]);

    // THEN
    const admitted = await s.workloads.first(workloadOf('bare'), 'Admitted', w => isTrue(w, 'Admitted'));
    expect(admitted.status?.admission).toEqual({ clusterQueue: `no-requests-${run}`, podSetAssignments: [{ name: 'main', count: 1 }] });
    expect(admitted.status?.resourceRequests).toBeUndefined();
    expect(conditions(admitted)).toEqual([['QuotaReserved', 'True', 'QuotaReserved'], ['Admitted', 'True', 'Admitted']]);
    // Admitted while the blocker held the whole quota (it completed later).
    expect(blockerAdmitted.status?.admission?.podSetAssignments[0].resourceUsage).toEqual({ cpu: '1' });
    expect(changedAt(admitted, 'Admitted')).toBeLessThan(time(blockerDone.status?.completionTime));
    // No flavor, so none of its node labels: the pods may land on any node.
    expect(admissionAdditions(bareDone).nodeSelector).toBeUndefined();
    expect(s.pods.of(podsOf('bare')).map(p => p.spec.nodeSelector)).not.toContainEqual({ type: 'kwok' });
    expect(s.pods.of(podsOf('blocker')).map(p => p.spec.nodeSelector)).toContainEqual({ type: 'kwok' });
    capture('no-requests-admitted', bareDone, admitted);
  });
  test.concurrent('partial admission: parallelism 3 and kueue.x-k8s.io/job-min-parallelism "1" with quota for one pod: Kueue lowers parallelism to 1 and the Job completes its 3 pods one by one; without the annotation it never fits', async () => {
    // GIVEN
    const s = await scene('kueue-partial');
    const cq = `partial-${run}`;
    const flavor = await queues(s.namespace, cq);
    const threeWide = (name: string, annotations: Record<string, string>): Manifest => {
      const job = queuedJob(name, '3s');
      return { ...job, metadata: { ...job.metadata, annotations: { ...job.metadata.annotations, ...annotations } }, spec: { ...job.spec, completions: 3, parallelism: 3 } };
    };

    // WHEN
    await apply(s.namespace, [threeWide('partial', { 'kueue.x-k8s.io/job-min-parallelism': '1' }), threeWide('whole', {})]);
    const done = await s.jobs.first('partial', 'Complete', j => isTrue(j, 'Complete'));
    const finished = await s.workloads.first(workloadOf('partial'), 'Finished', w => isTrue(w, 'Finished'));
    s.stop();
    expect(s.errors()).toEqual([]);

    // THEN
    // The Workload asks for 3 pods, at least 1; the admission gives 1.
    expect(finished.spec.podSets).toEqual([expect.objectContaining({ name: 'main', count: 3, minCount: 1 })]);
    expect(finished.status?.admission).toEqual({ clusterQueue: cq, podSetAssignments: [{ name: 'main', count: 1, flavors: { cpu: flavor }, resourceUsage: { cpu: '1' } }] });
    // Kueue wrote parallelism 1 with suspend false (manager kueue) and left it so: the pods ran one at a time.
    const admitted = await s.jobs.first('partial', 'suspend false', j => j.spec.suspend === false);
    expect(admitted.spec.parallelism).toBe(1);
    expect(owned(entryOf(admitted, 'kueue'), 'f:spec')).toEqual(['f:parallelism', 'f:suspend', 'f:template']);
    expect(s.jobs.of('partial').filter(j => j.spec.suspend === false).map(j => j.spec.parallelism)).not.toContain(3);
    expect(Math.max(...s.jobs.of('partial').map(j => j.status?.active ?? 0))).toBe(1);
    expect(done.status?.succeeded).toBe(3);
    capture('partial-admitted', admitted, await s.workloads.first(workloadOf('partial'), 'Admitted', w => isTrue(w, 'Admitted')));
    capture('partial-finished', done, finished);
    // Without the annotation, 3 pods can never fit a quota of 1: Pending, with the capacity it exceeds, still suspended.
    const whole = s.workloads.of(workloadOf('whole')).pop()!;
    expect(condition(whole, 'QuotaReserved')).toMatchObject({
      status: 'False', reason: 'Pending',
      message: `couldn't assign flavors to pod set main: insufficient quota for cpu in flavor ${flavor}, previously considered podsets requests (0) + current podset request (3) > maximum capacity (1)`,
    });
    expect(conditions(whole)).toEqual([['QuotaReserved', 'False', 'Pending']]);
    expect(s.jobs.of('whole').map(j => j.spec.suspend)).not.toContain(false);
    capture('never-fits-pending', s.jobs.of('whole').pop()!, whole);
  });
});
