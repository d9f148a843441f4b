/**
 * The real node's test helpers (docs/maintainers/real-node.md), shared by test/e2e/real-node*.test.ts: start
 * it with scripts/node/up.sh, move a synthesized pod template onto it, run a Job with the objects
 * it uses there, and check what the docs promise of its logs. Only tests change the library's
 * output, here and only here: the toleration and node selector that choose the real node, the
 * host names of the Services the pods use (there is no cluster DNS on this node), and a namespace
 * a snippet wrote, replaced by the test's own.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { Testing } from 'cdk8s';
import { jobBaseName } from '../../lib/core/gitops';
import { JobPatternLabels } from '../../lib/core/labels';
import { applyManifests, JobReport, jobTargets, Manifest, verifyJobs, VerifyResult } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { local, Snippet } from '../doc-snippets';
import { e2eVersion, kubeConfig } from './cluster';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor, root } = require('./cluster-env');

/** The real node's label and taint (scripts/node/up.sh). */
export const REAL_NODE = 'job-patterns.cdk8s.io/real-node';

/** Runs a script of scripts/ (`node/up.sh`) with this project's cluster environment; its seconds. Throws with its output on failure. */
export function nodeScript(script: string): number {
  const started = Date.now();
  const run = spawnSync('bash', [path.join(root, 'scripts', script)], { env: clusterFor(e2eVersion).env, encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`scripts/${script} exited ${run.status}:\n${run.stderr}${run.stdout}`);
  return (Date.now() - started) / 1000;
}

/** Host names a pod resolves through its /etc/hosts: `ip` for each of `hostnames`. */
export interface HostAlias { readonly ip: string; readonly hostnames: string[] }

/** The pod template of a Job or a Deployment (undefined for other kinds). */
function podSpecOf(manifest: Manifest): any {
  return manifest.kind === 'Job' || manifest.kind === 'Deployment' ? (manifest as any).spec.template.spec : undefined;
}

/**
 * A copy of `manifest` whose pods (a Job's or a Deployment's) run on the real node: they tolerate
 * its taint and select its label; `hostAliases` are added to their /etc/hosts. Other kinds are
 * returned as they are.
 */
export function onRealNode(manifest: Manifest, hostAliases: readonly HostAlias[] = []): Manifest {
  const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
  const spec = podSpecOf(copy);
  if (!spec) return copy;
  spec.tolerations = [...(spec.tolerations ?? []), { key: REAL_NODE, operator: 'Equal', value: 'true', effect: 'NoSchedule' }];
  spec.nodeSelector = { ...spec.nodeSelector, [REAL_NODE]: 'true' };
  if (hostAliases.length > 0) spec.hostAliases = [...(spec.hostAliases ?? []), ...hostAliases];
  return copy;
}

/**
 * The control plane (test/e2e/cluster-setup.ts starts it in a beforeAll hook) and the real node,
 * started once per test file: jest starts concurrent tests before beforeAll hooks, so each test
 * awaits this first (and beforeAll does, for the timeout). scripts/cluster/up.sh finds a running
 * cluster healthy in 0.1 s. Resolves to the cluster's credentials, the node's name and the seconds
 * node/up.sh took.
 */
export function realNodeStarted(): Promise<{ readonly kc: KubeConfig; readonly node: string; readonly seconds: number }> {
  starting ??= new Promise<void>(resolve => setImmediate(resolve)).then(async () => {
    nodeScript('cluster/up.sh');
    const kc = kubeConfig();
    const seconds = nodeScript('node/up.sh');
    return { kc, node: await realNodeName(kc), seconds };
  });
  return starting;
}
let starting: ReturnType<typeof realNodeStarted> | undefined;

/** A copy of `manifest` without the namespace it names (it runs in the test's own). */
export function inTestNamespace(manifest: Manifest): Manifest {
  const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
  delete (copy.metadata as { namespace?: string }).namespace;
  return copy;
}

/** The real node's name (its address). */
export async function realNodeName(kc: KubeConfig): Promise<string> {
  const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode({ labelSelector: `${REAL_NODE}=true` })).items;
  if (nodes.length !== 1) throw new Error(`expected one Node labelled ${REAL_NODE}=true, found ${nodes.length}: scripts/node/up.sh starts it`);
  return nodes[0].metadata!.name!;
}

/**
 * The objects a documented snippet synthesizes: the snippet runs as written (importing this working
 * tree for 'cdk8s-job-patterns'); one that declares `chart` gets a `Testing.chart()`, one that
 * builds its own App has its `app.synth()` replaced by reading the app's charts.
 */
export function snippetManifests(snippet: Snippet): Manifest[] {
  const declaresChart = /^declare const chart: Chart;$/m.test(snippet.code);
  if (!declaresChart && !/^app\.synth\(\);$/m.test(snippet.code)) throw new Error(`the snippet at ${snippet.where} neither declares a chart nor calls app.synth()`);
  const code = local(snippet.code)
    .replace(/^declare const chart: Chart;$/m, '')
    .replace(/^app\.synth\(\);$/m, 'module.exports = app.charts.flatMap(c => c.toJson());');
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const chart = Testing.chart();
  const module = { exports: [] as Manifest[] };
  // A snippet that makes its own `chart` must not get one as a parameter (a redeclaration).
  new Function('require', 'module', 'exports', declaresChart ? 'chart' : 'unusedChart', js)(require, module, module.exports, chart);
  return declaresChart ? Testing.synth(chart) as Manifest[] : module.exports;
}

const isJob = (m: Manifest) => m.kind === 'Job';
const NAME = 'app.kubernetes.io/name';

/** `job` of `manifests`, after the objects it uses: its queue's, and those named like it. */
export function withWhatItUses(manifests: readonly Manifest[], job: Manifest): Manifest[] {
  const queue = job.metadata.labels?.[JobPatternLabels.QUEUE] ?? job.metadata.annotations?.[JobPatternLabels.QUEUE];
  const uses = manifests.filter(m => m !== job
    && ((queue !== undefined && m.metadata.labels?.[JobPatternLabels.QUEUE] === queue)
      || (!isJob(m) && m.metadata.labels?.[NAME] === job.metadata.labels?.[NAME])));
  return [...uses, job];
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A Deployment's pod once it runs (and is ready, when it has a readiness probe): its address. */
async function serverAddress(kc: KubeConfig, namespace: string, deployment: Manifest): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const selector = Object.entries((deployment as any).spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
    const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
    if (pod?.status?.podIP && pod.status.phase === 'Running' && (pod.status.conditions ?? []).some(c => c.type === 'Ready' && c.status === 'True')) return pod.status.podIP;
  }
  throw new Error(`the pod of Deployment ${namespace}/${deployment.metadata.name} did not become ready on the real node within 60 s`);
}

/** A pod of a Job and the log of its first container. */
export interface PodLog { readonly pod: V1Pod; readonly log: string }

export interface RealNodeRun {
  readonly result: VerifyResult;
  /** Each Job's report, by its base name. */
  readonly reports: Record<string, JobReport>;
  /** Each Job's pods, by its base name, with the log of each one's first container. */
  readonly pods: Record<string, PodLog[]>;
}

/**
 * Runs `objects` on the real node in `namespace` (made by the caller): the servers (Deployments
 * and Services) first, then the rest with the servers' addresses, and kubernetes.default.svc's,
 * in the pods' /etc/hosts; verifies the Jobs to their end and reads their pods' logs.
 */
export async function runOnRealNode(kc: KubeConfig, namespace: string, objects: readonly Manifest[], timeoutMs: number): Promise<RealNodeRun> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const servers = objects.filter(m => m.kind === 'Deployment' || m.kind === 'Service');
  const apiServer = (await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' })).spec!.clusterIP!;
  const hostAliases: HostAlias[] = [{ ip: apiServer, hostnames: ['kubernetes.default.svc'] }];
  if (servers.length > 0) {
    expect((await applyManifests(kc, servers.map(m => onRealNode(m)), { namespace })).filter(r => r.error)).toEqual([]);
    for (const service of servers.filter(m => m.kind === 'Service')) {
      const deployment = servers.find(m => m.kind === 'Deployment' && m.metadata.name === service.metadata.name)!;
      hostAliases.push({ ip: await serverAddress(kc, namespace, deployment), hostnames: [service.metadata.name] });
    }
  }
  const rest = objects.filter(m => !servers.includes(m)).map(m => onRealNode(m, hostAliases));
  expect((await applyManifests(kc, rest, { namespace })).filter(r => r.error)).toEqual([]);
  const jobs = rest.filter(isJob);
  const result = await verifyJobs({ kubeConfig: kc, targets: jobTargets(jobs, namespace), namespace, timeoutMs });
  const reports: RealNodeRun['reports'] = {};
  const pods: RealNodeRun['pods'] = {};
  for (const job of jobs) {
    const base = jobBaseName(job);
    reports[base] = result.jobs.find(r => r.name === job.metadata.name)!;
    const items = (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job.metadata.name}` })).items;
    pods[base] = await Promise.all(items.map(async pod => ({
      pod,
      // A pod the Job controller deleted at the end (restartPolicy OnFailure) may have no log to read.
      log: await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, container: pod.spec!.containers[0].name })
        .catch((error: Error) => `(log not read: ${error.message})`),
    })));
  }
  return { result, reports, pods };
}

/** The lines of every pod's log, in one list. */
export const linesOf = (pods: readonly PodLog[]) => pods.flatMap(p => p.log.split('\n').filter(l => l !== ''));
/** The nodes the pods ran on. */
export const nodeOf = (pods: readonly PodLog[]) => [...new Set(pods.map(p => p.pod.spec?.nodeName))];

/** bpi(2000): "3." and 1,999 decimals. */
export const PI_2000 = /^3\.14159265358979323846264338327950288419\d{1961}\n$/;

/**
 * A ticket queue's workers (nc): each ticket 1..100 is handed out once, so the workers print each
 * double 2..200 once. Their other lines are BusyBox nc's, on stderr, when the single listener was
 * between two tickets (refused, or reset when it closed the connection as another worker's
 * arrived), or did not answer within nc's 1 s: the workers retry each. Anything else (a wrong
 * address, a name not resolved) fails.
 */
export function expectEveryTicketDoubledOnce(workers: readonly PodLog[]): void {
  const lines = linesOf(workers);
  const printed = lines.filter(l => /^\d+$/.test(l)).map(Number).sort((a, b) => a - b);
  expect(printed).toEqual(Array.from({ length: 100 }, (_, i) => 2 * (i + 1)));
  expect(lines.filter(l => !/^\d+$/.test(l))).toEqual(lines.filter(l => /^nc: (can't connect to remote host \([\d.]+\): Connection (refused|reset by peer)|timed out)$/.test(l)));
}

/** A Redis work queue's run: the filler pushed `items`, and the workers processed each once ("processing <item>"). */
export function expectEveryItemProcessedOnce(filler: readonly PodLog[], workers: readonly PodLog[], items: readonly string[]): void {
  expect(linesOf(filler).slice(-1)).toEqual([`${items.length}`]);
  const processed = linesOf(workers).filter(l => l.startsWith('processing ')).map(l => l.slice('processing '.length));
  expect(processed.sort()).toEqual([...items].sort());
}

/** A static-work-assignment Job's run: pod i printed item i of its ConfigMap reversed (`rev` keeps the items' missing newline). */
export function expectEachItemReversed(configMap: Manifest, pods: readonly PodLog[]): void {
  const byIndex = Object.fromEntries(pods.map(p => [p.pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p.log]));
  const items = Object.values((configMap as Manifest & { data: Record<string, string> }).data);
  expect(byIndex).toEqual(Object.fromEntries(items.map((item, i) => [`${i}`, item.split('').reverse().join('')])));
}
