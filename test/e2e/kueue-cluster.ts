/**
 * A real Kueue for the e2e files that need it (test/e2e/kueue.test.ts, kueue-verify.test.ts): the
 * manager of the release pinned in scripts/kueue/lib.sh, started before a file's first test and
 * stopped after its last (`kueueForThisFile`), queues with quota for one Job, and the library's
 * Jobs labelled for them (docs/maintainers/kueue-suite.md).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { Cpu } from 'cdk8s-plus-28';
import { e2eMinor, e2eVersion, kubeConfig, libraryJob } from './cluster';
import { applyManifests, Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor, root } = require('./cluster-env');

export const KUEUE_VERSION = 'v0.17.0';
export const QUEUE_NAME = 'kueue.x-k8s.io/queue-name';
export const PRIORITY_CLASS = 'kueue.x-k8s.io/priority-class';
export const KUEUE_API = 'kueue.x-k8s.io/v1beta2';
/** Why the Kueue tests are skipped on this cluster ('' when they run). */
export const why = e2eMinor < 29 ? `skipped: Kueue ${KUEUE_VERSION} requires Kubernetes 1.29 or newer` : '';

export interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }
export type WithConditions = { status?: { conditions?: Condition[] } };

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
export const condition = (object: WithConditions, type: string) => object.status?.conditions?.find(c => c.type === type);
export const isTrue = (object: WithConditions, type: string) => condition(object, type)?.status === 'True';

/** Runs a script of scripts/kueue against this project's cluster; throws with its output on failure. */
export function kueue(script: string): number {
  const started = Date.now();
  const run = spawnSync('bash', [path.join(root, 'scripts', 'kueue', script)], { env: clusterFor(e2eVersion).env, encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`scripts/kueue/${script} exited ${run.status}:\n${run.stderr}${run.stdout}`);
  return (Date.now() - started) / 1000;
}

/** The cluster's admin kubeconfig, once the file's Kueue is up. */
export let kc: KubeConfig;
/** Figures printed after the file's last test. */
export const measured: string[] = [];
/** Cluster-scoped objects the tests made (flavors, ClusterQueues, priority classes): deleted after the last test. */
export const clusterObjects: Manifest[] = [];
/** The tests' namespaces: deleted after the last test. */
export const namespaces: string[] = [];
/** Per run, so that a kept cluster (KEEP_CLUSTER=1) can run the suite again. */
export const run = `${process.pid % 10000}-${Date.now() % 1000}`;

/** A library Job queued in LocalQueue `user-queue` (the label only, no `suspend`), requesting 1 cpu, its pod running `duration`. */
export function queuedJob(name: string, duration: string, labels: Record<string, string> = {}): Manifest {
  const job = libraryJob(name, { duration }, {
    metadata: { name, labels: { [QUEUE_NAME]: 'user-queue', ...labels } },
    container: { image: 'busybox:1.36.1', resources: { cpu: { request: Cpu.units(1) } } },
  });
  expect(Object.keys(job.spec)).not.toContain('suspend');
  return job;
}

/**
 * A ResourceFlavor with nodeLabels `type: kwok` (the kwok nodes' label), a ClusterQueue
 * `clusterQueue` with 1 cpu of quota in it for `namespace` only, and a LocalQueue `user-queue` in
 * `namespace`; waits until both queues are Active. Returns the flavor's name.
 */
export async function queues(namespace: string, clusterQueue: string, spec: Record<string, unknown> = {}): Promise<string> {
  const flavor = `${clusterQueue}-flavor`;
  const cluster: Manifest[] = [
    { apiVersion: KUEUE_API, kind: 'ResourceFlavor', metadata: { name: flavor }, spec: { nodeLabels: { type: 'kwok' } } },
    {
      apiVersion: KUEUE_API, kind: 'ClusterQueue', metadata: { name: clusterQueue },
      spec: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        resourceGroups: [{ coveredResources: ['cpu'], flavors: [{ name: flavor, resources: [{ name: 'cpu', nominalQuota: '1' }] }] }],
        ...spec,
      },
    },
  ];
  clusterObjects.push(...cluster);
  await apply(namespace, [...cluster, { apiVersion: KUEUE_API, kind: 'LocalQueue', metadata: { name: 'user-queue', namespace }, spec: { clusterQueue } }]);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
    const cq = await custom.getClusterCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural: 'clusterqueues', name: clusterQueue }) as WithConditions;
    const lq = await custom.getNamespacedCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural: 'localqueues', namespace, name: 'user-queue' }) as WithConditions;
    if (isTrue(cq, 'Active') && isTrue(lq, 'Active')) return flavor;
    if (Date.now() > deadline) throw new Error(`ClusterQueue ${clusterQueue} / LocalQueue ${namespace}/user-queue not Active within 30 s: ${JSON.stringify([cq.status, lq.status])}`);
  }
}

export async function apply(namespace: string, manifests: Manifest[]): Promise<void> {
  const results = await applyManifests(kc, manifests, { namespace });
  expect(results.filter(r => r.error)).toEqual([]);
}

/**
 * Kueue runs for the calling file only: started before its first test, stopped after its last.
 * (Root hooks: jest starts concurrent tests right after a file's top-level beforeAll, before nested
 * ones.) After the last test, while Kueue still runs, the namespaces and cluster objects the tests
 * made are deleted and waited for.
 */
export function kueueForThisFile(suite: string): void {
  beforeAll(() => {
    if (why) return;
    kc = kubeConfig();
    measured.push(`kueue up in ${kueue('up.sh').toFixed(1)} s`);
  }, 1_800_000);

  afterAll(async () => {
    if (why) return;
    // While Kueue still runs, and waiting until the objects that carry its finalizers are gone (the
    // Workloads and the queues): stopped first, it would leave them, and their namespaces, Terminating.
    const started = Date.now();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await Promise.all(namespaces.map(name => core.deleteNamespace({ name }).catch(() => undefined)));
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    for (const object of [...clusterObjects].reverse()) await objects.delete(object as never).catch(() => undefined);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const left = async () => (await Promise.all([
      ...namespaces.map(async namespace => {
        const { items } = await custom.listNamespacedCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural: 'workloads', namespace }) as { items: Array<{ metadata: { name: string } }> };
        return items.map(w => `Workload ${namespace}/${w.metadata.name}`);
      }),
      ...clusterObjects.map(o => objects.read(o as never).then(() => [`${o.kind} ${o.metadata.name}`], () => [])),
    ])).flat();
    for (const deadline = Date.now() + 60_000; (await left()).length > 0; await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`still there 60 s after deletion, Kueue's finalizers kept: ${(await left()).join(', ')}`);
    }
    measured.push(`Workloads and queues deleted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    measured.push(`kueue down in ${kueue('down.sh').toFixed(1)} s`);
    process.stderr.write(`\n[e2e ${e2eVersion} ${suite}] measured:\n${measured.map(m => `  ${m}`).join('\n')}\n`);
  }, 120_000);
}
