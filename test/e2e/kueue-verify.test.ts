/**
 * The verifier reads the queue (issue 24 item 4), against the real Kueue of test/e2e/kueue.test.ts
 * (test/e2e/kueue-cluster.ts): started before the Jobs exist, it reports a queued Job with the
 * LocalQueue and ClusterQueue it waits in and Kueue's reason, then its admission, the wait and its
 * completion; a preempted Job as preempted, waited for until it is admitted again and completes.
 * Every report is the library's own (`verifyJobs`, then the text, JUnit, Markdown and HTML reports
 * of its result). Only on 1.29 and later, as Kueue.
 */
import { e2eMinor, restrictedNamespace } from './cluster';
import { apply, clusterObjects, kc, KUEUE_API, KUEUE_VERSION, kueueForThisFile, namespaces, PRIORITY_CLASS, queuedJob, queues, run, why } from './kueue-cluster';
import {
  htmlReport, JobReport, jobTargets, JobState, junitReport, KueueStatus, KueueWait, Manifest, markdownSummary, textReport, verifyJobs, VerifyOutcome, VerifyResult,
} from '../../runtime';

const TIMEOUT = 150_000;

kueueForThisFile('kueue-verify');

/** Verifies `manifests` in `namespace` from now on, keeping every progress report; the Jobs are applied later by the test. */
function verifying(namespace: string, manifests: Manifest[]): { readonly seen: JobReport[]; readonly result: Promise<VerifyResult> } {
  const seen: JobReport[] = [];
  const result = verifyJobs({
    kubeConfig: kc, namespace, targets: jobTargets(manifests, namespace), timeoutMs: TIMEOUT - 20_000, logLines: 0,
    onProgress: jobs => seen.push(...jobs),
  });
  return { seen, result };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
/** The section of Job `name` in an HTML report. */
const htmlOf = (html: string, name: string) => html.split(`data-job="${name}"`)[1].split('<details class="job"')[0];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

(why ? describe.skip : describe)(`the verifier reads Kueue ${KUEUE_VERSION}'s queue on Kubernetes 1.${e2eMinor}${why ? ` (${why})` : ''}`, () => {
  test.concurrent('two Jobs, quota for one, the verifier started before both: the second is reported queued with Kueue\'s reason, then admitted, then complete, with its wait', async () => {
    // GIVEN
    const namespace = await restrictedNamespace(kc, 'kueue-verify-quota');
    namespaces.push(namespace);
    const cq = `verify-quota-${run}`;
    const flavor = await queues(namespace, cq);
    const jobs = [queuedJob('first', '6s'), queuedJob('second', '3s')];
    const { seen, result } = verifying(namespace, jobs);
    await sleep(500);

    // WHEN
    await apply(namespace, jobs);
    const verified = await result;

    // THEN
    expect(verified.outcome).toBe(VerifyOutcome.CONVERGED);
    // While the first ran: the second queued, with its queues and Kueue's reason and message (once Kueue had tried to admit it).
    const queued = seen.find(j => j.name === 'second' && j.verdict.state === JobState.QUEUED && j.kueue?.waitingFor === KueueWait.QUOTA && j.kueue.clusterQueue !== undefined);
    expect(queued?.verdict).toMatchObject({
      state: JobState.QUEUED, terminal: false, reason: 'Pending',
      message: expect.stringMatching(new RegExp(`^waiting in Kueue LocalQueue user-queue \\(ClusterQueue ${cq}\\) since \\S+ \\(\\d+ s\\) for quota: Pending: couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor ${flavor}, 1 more needed$`)),
    });
    expect(queued?.kueue).toMatchObject({ localQueue: 'user-queue', clusterQueue: cq, waitingFor: KueueWait.QUOTA, workload: expect.stringMatching(/^job-second-[0-9a-f]{5}$/) });
    // At the end: both complete; the second admitted once the first had finished, after waiting about as long as the first ran.
    // (Kueue marks the Workload Finished after the Job's Complete, which ends verification: the last version seen may be either.)
    const [first, second] = verified.jobs;
    expect([first.verdict.state, second.verdict.state]).toEqual([JobState.COMPLETE, JobState.COMPLETE]);
    expect(second.kueue).toMatchObject({ localQueue: 'user-queue', clusterQueue: cq, admittedAt: expect.stringMatching(ISO), evictions: [] });
    expect([KueueStatus.ADMITTED, KueueStatus.FINISHED]).toContain(second.kueue!.status);
    expect(second.kueue!.waits).toHaveLength(1);
    expect(second.kueue!.waits[0].admittedAt).toBe(second.kueue!.admittedAt);
    expect(Date.parse(second.kueue!.admittedAt!)).toBeGreaterThanOrEqual(Date.parse(first.terminalAt!));
    expect(second.kueue!.waitedMs).toBeGreaterThanOrEqual(5000);
    expect(second.kueue!.waitedMs).toBe(second.kueue!.waits[0].durationMs);
    expect(Date.parse(second.timeline.startedAt!)).toBeGreaterThanOrEqual(Date.parse(second.kueue!.admittedAt!));
    expect(first.kueue).toMatchObject({ localQueue: 'user-queue', clusterQueue: cq });
    expect(first.kueue!.waitedMs).toBeLessThanOrEqual(2000);
    // Every report says it: text, JUnit, Markdown, HTML (a "queued" band before the second's pods).
    const waited = Math.round(second.kueue!.waitedMs! / 1000);
    const said = `kueue: Kueue LocalQueue user-queue (ClusterQueue ${cq}), admitted at ${second.kueue!.admittedAt} after ${waited} s in the queue`;
    expect(textReport(verified)).toContain(`    ${said}`);
    expect(junitReport(verified)).toContain(`<system-out>${said}`);
    expect(markdownSummary(verified)).toMatch(new RegExp(`\\| \`${namespace}/second\` \\| complete \\(CompletionsReached\\)( early)?, queued ${waited} s \\|`));
    const band = htmlOf(htmlReport(verified), 'second').match(/<g class="queued" data-seconds="([\d.]+)">/);
    expect(Number(band?.[1])).toBeCloseTo(second.kueue!.waitedMs! / 1000, 0);
    // Lists: the Jobs, the pods, one question whether Kueue is installed, the Workloads, one read of the LocalQueue; watches: Jobs, pods, Workloads.
    expect(verified.requests).toMatchObject({ lists: 5, watches: 3 });
    expect(verified.outages).toEqual([]);
  }, TIMEOUT);

  test.concurrent('preemption: the low-priority Job is reported preempted and waited for (never failed) until it is admitted again and completes', async () => {
    // GIVEN
    const namespace = await restrictedNamespace(kc, 'kueue-verify-preempt');
    namespaces.push(namespace);
    const cq = `verify-preempt-${run}`;
    const classes = [['high', 1000], ['low', 100]].map(([level, value]) => ({ apiVersion: KUEUE_API, kind: 'WorkloadPriorityClass', metadata: { name: `${cq}-${level}` }, value } as unknown as Manifest));
    clusterObjects.push(...classes);
    await apply(namespace, classes);
    await queues(namespace, cq, { preemption: { withinClusterQueue: 'LowerPriority' } });
    const low = queuedJob('low', '12s', { [PRIORITY_CLASS]: `${cq}-low` });
    const high = queuedJob('high', '4s', { [PRIORITY_CLASS]: `${cq}-high` });
    const { seen, result } = verifying(namespace, [low, high]);
    await sleep(500);

    // WHEN the low Job runs, then the high one arrives
    await apply(namespace, [low]);
    for (const deadline = Date.now() + 60_000; !seen.some(j => j.name === 'low' && j.verdict.state === JobState.RUNNING && j.stats.podsCreated > 0); await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`the low Job never ran: ${JSON.stringify(seen.filter(j => j.name === 'low').pop())}`);
    }
    await apply(namespace, [high]);
    const verified = await result;

    // THEN
    expect(verified.outcome).toBe(VerifyOutcome.CONVERGED);
    // The high one waited for the preemption it caused.
    expect(seen.some(j => j.name === 'high' && j.kueue?.waitingFor === KueueWait.PREEMPTION && /Pending the preemption of 1 workload\(s\)$/.test(j.verdict.message ?? ''))).toBe(true);
    // The low one: suspended again, reported preempted (InClusterQueue), waiting in its queue with Kueue's reason (its message
    // first names the preemptor, then the quota it lacks: which versions a watch delivers depends on timing); never failed.
    const preempted = seen.find(j => j.name === 'low' && j.verdict.state === JobState.SUSPENDED && j.kueue?.status === KueueStatus.PENDING);
    expect(preempted?.verdict).toMatchObject({ state: JobState.SUSPENDED, terminal: false, reason: 'Preempted', message: expect.stringMatching(new RegExp(`^preempted \\(InClusterQueue\\) at \\S+, requeued: waiting in Kueue LocalQueue user-queue \\(ClusterQueue ${cq}\\) since \\S+ \\(\\d+ s\\) for quota: Pending: (Preempted to accommodate a workload \\(UID: \\S+, JobUID: \\S+\\) due to prioritization in the ClusterQueue|couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor ${cq}-flavor, 1 more needed)`)) });
    expect(preempted?.kueue).toMatchObject({ evictions: [{ reason: 'Preempted', preemption: 'InClusterQueue', message: expect.stringMatching(/^Preempted to accommodate a workload \(UID: \S+, JobUID: \S+\) due to prioritization in the ClusterQueue/) }] });
    expect(seen.filter(j => j.name === 'low').map(j => j.verdict.state)).not.toContain(JobState.FAILED);
    // At the end: complete, admitted twice, one eviction (Preempted, InClusterQueue), its time in the queue the sum of both waits.
    const [lowDone, highDone] = verified.jobs;
    expect([lowDone.verdict.state, highDone.verdict.state]).toEqual([JobState.COMPLETE, JobState.COMPLETE]);
    const k = lowDone.kueue!;
    expect(k).toMatchObject({ clusterQueue: cq, evictions: [{ reason: 'Preempted', preemption: 'InClusterQueue', at: expect.stringMatching(ISO) }] });
    expect(k.waits).toHaveLength(2);
    expect(k.waits.every(w => w.admittedAt !== undefined)).toBe(true);
    expect(k.waitedMs).toBe(k.waits[0].durationMs + k.waits[1].durationMs);
    // Admitted again only once the high one completed.
    expect(Date.parse(k.waits[1].admittedAt!)).toBeGreaterThanOrEqual(Date.parse(highDone.terminalAt!));
    expect(lowDone.stats.failedAttempts).toBe(0);
    expect(markdownSummary(verified)).toMatch(new RegExp(`\\| \`${namespace}/low\` \\| complete \\(CompletionsReached\\)( early)?, queued \\d+ s, preempted 1× \\|`));
    expect(textReport(verified)).toMatch(/kueue: Kueue LocalQueue user-queue .* \(2 waits\); evicted once, last preempted \(InClusterQueue\) at /);
    const html = htmlOf(htmlReport(verified), 'low');
    expect(html.match(/<g class="queued"/g)).toHaveLength(2);
    expect(html).toContain('<g class="eviction" data-reason="Preempted">');
    expect(verified.outages).toEqual([]);
  }, TIMEOUT);
});
