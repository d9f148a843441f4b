/**
 * The verifier's diagnosis of failed Jobs on a real control plane (kube-apiserver, Job controller,
 * kwok pods with test-only outcome annotations): a pod evicted through the Eviction API is
 * explained as such; 30 failed pods are listed 20, with "10 more" and counts by exit code; every
 * failed run of a container restarted in place is kept; a native sidecar's exit 143 at pod end
 * is no failure.
 *
 * Kubernetes 1.28 has the DisruptionTarget condition (PodDisruptionConditions, beta and on since
 * 1.26), so eviction is explained there too; it lacks native sidecars (SidecarContainers is alpha
 * and off: its API server drops `restartPolicy: Always` from an init container), so the sidecar
 * test asserts that instead.
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { e2eMinor, kubeConfig, libraryJob, restrictedNamespace, SimulatedOutcome } from './cluster';
import { applyManifests, JobReport, JobState, Manifest, verifyJobs, VerifyResult } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { PodOutcome } from '../../lib/runtime/pods';
import { textReport } from '../../lib/runtime/report';

let kc: KubeConfig;
beforeAll(() => { kc = kubeConfig(); });

const TIMEOUT = 120_000;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A library Job (restricted pod) with raw Job spec fields and pod spec fields. */
function rawJob(name: string, outcome: SimulatedOutcome, spec: Record<string, unknown>, podSpec: Record<string, unknown> = {}): Manifest {
  const job = libraryJob(name, outcome);
  return { ...job, spec: { ...job.spec, ...spec, template: { ...job.spec.template, spec: { ...job.spec.template.spec, ...podSpec } } } };
}

async function apply(namespace: string, manifests: Manifest[]): Promise<void> {
  const results = await applyManifests(kc, manifests, { namespace });
  expect(results.filter(r => r.error)).toEqual([]);
}

async function podsOf(namespace: string, name: string): Promise<V1Pod[]> {
  return (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: `job-name=${name}` })).items;
}

/** Verifies one Job; its report, and the result's text report. */
async function verify(namespace: string, name: string): Promise<{ result: VerifyResult; report: JobReport; text: string }> {
  const result = await verifyJobs({ kubeConfig: kc, targets: [{ name, namespace }], namespace, timeoutMs: TIMEOUT, logLines: 0 });
  return { result, report: result.jobs[0], text: textReport(result) };
}

describe(`the diagnosis on Kubernetes 1.${e2eMinor}`, () => {
  test.concurrent('a pod evicted through the Eviction API is explained as such, with no exit code to go by', async () => {
    // GIVEN a Job whose one pod runs for 5 min and takes 30 s to stop (backoffLimit 0: one failure
    // fails it). The Job controller counts the evicted pod failed at once, so the verdict comes
    // while the pod is still stopping: no container has exited yet.
    const namespace = await restrictedNamespace(kc, 'diag-evict');
    await apply(namespace, [rawJob('evicted', { duration: '300s', terminationDelay: '30s' }, { backoffLimit: 0 })]);
    const verifying = verify(namespace, 'evicted');
    let pod: V1Pod | undefined;
    for (let i = 0; i < 300 && pod?.status?.phase !== 'Running'; i++) {
      [pod] = await podsOf(namespace, 'evicted');
      if (pod?.status?.phase !== 'Running') await sleep(100);
    }
    const name = pod!.metadata!.name!;

    // WHEN it is evicted
    await kc.makeApiClient(k8s.CoreV1Api).createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } });
    const { report, text } = await verifying;

    // THEN
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    expect(report.failedPods).toEqual([{ name, exits: [], podReason: { reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' } }]);
    expect(report.failedPodsOmitted).toBe(0);
    expect(report.exitCounts).toEqual([{ reason: 'EvictionByEvictionAPI', count: 1 }]);
    expect(text).toContain(`    failed pod ${name}: EvictionByEvictionAPI (Eviction API: evicting)\n`);
    // The pod was indeed still stopping.
    expect((await podsOf(namespace, 'evicted')).map(p => [p.status?.phase, p.metadata?.deletionTimestamp !== undefined])).toEqual([['Running', true]]);
    // On the timeline: killed when its deletion was asked for, by the eviction.
    expect(report.timeline.pods.map(p => [p.name, p.outcome, p.reason])).toEqual([[name, PodOutcome.KILLED, 'EvictionByEvictionAPI']]);
  }, TIMEOUT);

  test.concurrent('an Indexed Job of 30 failed pods (exit 1 or 2): 20 listed, 10 more, counted by exit code over all 30', async () => {
    // GIVEN 30 indexes at once, the even ones exit 1, the odd ones 2; backoffLimit 29 lets all 30 fail
    const namespace = await restrictedNamespace(kc, 'diag-thirty');
    const indexExitCodes = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i, i % 2 === 0 ? 1 : 2]));
    await apply(namespace, [rawJob('thirty', { duration: '2s', indexExitCodes }, { completionMode: 'Indexed', completions: 30, parallelism: 30, backoffLimit: 29 })]);

    // WHEN
    const { report, text } = await verify(namespace, 'thirty');

    // THEN
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    expect(report.stats.failedAttempts).toBe(30);
    expect(report.failedPods).toHaveLength(20);
    expect(report.failedPodsOmitted).toBe(10);
    expect(report.exitCounts).toEqual([
      { container: 'main', exitCode: 1, reason: 'Error', count: 15 },
      { container: 'main', exitCode: 2, reason: 'Error', count: 15 },
    ]);
    // Each pod listed with its index's exit code (the failed pods stay, restartPolicy Never).
    const indexOf = new Map((await podsOf(namespace, 'thirty')).map(p => [p.metadata!.name!, Number(p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'])]));
    expect(report.failedPods.map(p => p.exits)).toEqual(report.failedPods.map(p => [{ container: 'main', exitCode: indexOf.get(p.name)! % 2 === 0 ? 1 : 2, reason: 'Error' }]));
    expect(text).toContain('    and 10 more failed pod(s)\n    failed runs by exit code: container main exit 1 (Error) ×15, container main exit 2 (Error) ×15\n');
  }, TIMEOUT);

  test.concurrent('restartPolicy OnFailure: every failed run of the container restarted in place is kept, not only the last two', async () => {
    // GIVEN a container that exits 1 after 3 s, restarted in place until the restarts reach backoffLimit 3
    const namespace = await restrictedNamespace(kc, 'diag-onfailure');
    await apply(namespace, [rawJob('crashloop', { exitCode: 1, duration: '3s' }, { backoffLimit: 3 }, { restartPolicy: 'OnFailure' })]);

    // WHEN
    const { report } = await verify(namespace, 'crashloop');

    // THEN three failed runs, though a pod status shows two at most
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    expect(report.failedPods.map(p => p.exits)).toEqual([Array(3).fill({ container: 'main', exitCode: 1, reason: 'Error' })]);
    expect(report.exitCounts).toEqual([{ container: 'main', exitCode: 1, reason: 'Error', count: 3 }]);
    expect(report.timeline.pods.map(p => p.restarts)).toEqual([3]);
  }, TIMEOUT);

  /** A native sidecar `proxy`: the main container's restricted settings, restartPolicy Always. */
  function withSidecar(job: Manifest): Manifest {
    const main = job.spec.template.spec.containers[0];
    return { ...job, spec: { ...job.spec, template: { ...job.spec.template, spec: { ...job.spec.template.spec, initContainers: [{ ...main, name: 'proxy', restartPolicy: 'Always' }] } } } };
  }

  test.concurrent(e2eMinor >= 29
    ? "a native sidecar's restart and its exit 143 at pod end are no failure: the diagnosis and the timeline show the main container's exit"
    : `native sidecars: the 1.${e2eMinor} API server drops restartPolicy from the init container (SidecarContainers alpha, off), so there is no sidecar to tell apart`, async () => {
    // GIVEN a pod whose main container exits 3 after 4 s; its sidecar fails once, and exits 143 when stopped
    const namespace = await restrictedNamespace(kc, 'diag-sidecar');
    if (e2eMinor < 29) {
      await apply(namespace, [withSidecar(rawJob('proxied', { duration: '4s', exitCode: 3 }, { backoffLimit: 0 }))]);
      const stored = await kc.makeApiClient(k8s.BatchV1Api).readNamespacedJob({ name: 'proxied', namespace });
      expect(stored.spec?.template.spec?.initContainers?.map(c => [c.name, c.restartPolicy])).toEqual([['proxy', undefined]]);
      return;
    }
    await apply(namespace, [withSidecar(rawJob('proxied', { duration: '4s', exitCode: 3, sidecarRestarts: 1, sidecarExitCode: 143 }, { backoffLimit: 0 }))]);

    // WHEN
    const { report, text } = await verify(namespace, 'proxied');

    // THEN
    const [pod] = await podsOf(namespace, 'proxied');
    const name = pod.metadata!.name!;
    expect(report.verdict).toMatchObject({ state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    expect(report.failedPods).toEqual([{ name, exits: [{ container: 'main', exitCode: 3, reason: 'Error' }] }]);
    expect(report.exitCounts).toEqual([{ container: 'main', exitCode: 3, reason: 'Error', count: 1 }]);
    expect(text).not.toContain('143');
    expect(report.timeline.pods.map(p => [p.outcome, p.exitCode, p.restarts, p.sidecarRestarts])).toEqual([[PodOutcome.FAILED, 3, 0, 1]]);
    // The sidecar did restart and exit 143: what the verifier left out was there to count.
    expect(pod.status?.initContainerStatuses?.map(s => [s.name, s.restartCount, s.state?.terminated?.exitCode, s.lastState?.terminated?.exitCode])).toEqual([['proxy', 1, 143, 1]]);
  }, TIMEOUT);
});
