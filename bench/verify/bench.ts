// The verifier benchmark on the local control plane (scripts/cluster): Jobs that converge
// (simulated 3 s pods), applied first (not timed), then watched by our verifier (its own process)
// and, in the same run over the same Jobs, by `kubectl wait --for=condition=complete` of the
// server's minor version. An independent observer (a watch in this process) records when each Job
// turned Complete, to the millisecond.

import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { App, Chart } from 'cdk8s';
import { JobTemplateExpansion, WorkItems } from '../../index';
import { applyManifests } from '../../lib/runtime/apply';
import { k8s } from '../../lib/runtime/k8s';
import { jobTargets, Manifest } from '../../lib/runtime/manifests';
import type { VerifierRun } from './child';

/**
 * The benchmark cluster: its own dir, and every port 4000 above scripts/cluster/lib.sh's defaults.
 * JOB_PATTERNS_BENCH_CLUSTER_DIR and JOB_PATTERNS_BENCH_PORT_OFFSET (added to every port) move it
 * apart from another control plane on the same ports (the Argo CD suite's 1.28 cluster uses them).
 */
export const BENCH_CLUSTER_ENV: Record<string, string> = benchClusterEnv(process.env.JOB_PATTERNS_BENCH_CLUSTER_DIR, process.env.JOB_PATTERNS_BENCH_PORT_OFFSET);

function benchClusterEnv(dir = '/tmp/job-patterns-bench', offsetText = '0'): Record<string, string> {
  const offset = Number(offsetText);
  if (!Number.isInteger(offset) || offset < 0 || offset > 37000) throw new Error(`JOB_PATTERNS_BENCH_PORT_OFFSET must be an integer from 0 to 37000, not '${offsetText}'`);
  const port = (base: number) => String(base + offset);
  return {
    JOB_PATTERNS_CLUSTER_DIR: dir,
    JOB_PATTERNS_ETCD_PORT: port(27790),
    JOB_PATTERNS_ETCD_PEER_PORT: port(27800),
    JOB_PATTERNS_APISERVER_PORT: port(20443),
    JOB_PATTERNS_KCM_PORT: port(20257),
    JOB_PATTERNS_SCHEDULER_PORT: port(20259),
    JOB_PATTERNS_KWOK_PORT: port(20247),
  };
}

export const GROUP_LABEL = 'job-patterns.cdk8s.io/group';

export interface Cluster {
  readonly kubeconfig: string;
  readonly kubectl: string;
  readonly kubectlVersion: string;
  readonly serverVersion: string;
  readonly upSeconds: number;
}

function clusterEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...BENCH_CLUSTER_ENV };
}

/** Starts (or finds running) the benchmark's control plane; builds it first on a fresh machine. */
export function startCluster(root: string, log: (line: string) => void): Cluster {
  const started = Date.now();
  log(`starting the local control plane in ${BENCH_CLUSTER_ENV.JOB_PATTERNS_CLUSTER_DIR} (apiserver 127.0.0.1:${BENCH_CLUSTER_ENV.JOB_PATTERNS_APISERVER_PORT}; a first run builds it, about 9 minutes)`);
  const up = spawnSync('bash', [path.join(root, 'scripts/cluster/up.sh')], { env: clusterEnv(), encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (up.status !== 0) {
    throw new Error(`scripts/cluster/up.sh exited ${up.status}:\n${up.stderr.split('\n').slice(-40).join('\n')}`);
  }
  const kubeconfig = up.stdout.trim().split('\n').pop()!;
  const upSeconds = (Date.now() - started) / 1000;
  // up.sh ran build.sh, which also built kubectl of the same version.
  const bin = spawnSync('bash', [path.join(root, 'scripts/cluster/build.sh')], { env: clusterEnv(), encoding: 'utf-8' }).stdout.trim().split('\n').pop()!;
  const kubectl = path.join(bin, 'kubectl');
  const version = JSON.parse(spawnSync(kubectl, ['--kubeconfig', kubeconfig, 'version', '-o', 'json'], { encoding: 'utf-8' }).stdout);
  return {
    kubeconfig,
    kubectl,
    kubectlVersion: version.clientVersion?.gitVersion ?? '?',
    serverVersion: version.serverVersion?.gitVersion ?? '?',
    upSeconds,
  };
}

/** Stops the benchmark's control plane and removes its dir. */
export function stopCluster(root: string, log: (line: string) => void): void {
  const down = spawnSync('bash', [path.join(root, 'scripts/cluster/down.sh')], { env: clusterEnv(), encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  log(down.status === 0 ? 'control plane stopped' : `scripts/cluster/down.sh exited ${down.status}: ${down.stderr}`);
}

/** One scenario: `jobs` Jobs spread over `namespaces` namespaces. */
export interface ScenarioOptions {
  readonly name: string;
  readonly jobs: number;
  readonly namespaces: number;
  /** Simulated run time of each pod (annotation job-patterns.test/duration). */
  readonly duration: string;
  /** Also run `kubectl wait` over the same Jobs (single-namespace scenarios only). */
  readonly kubectl: boolean;
  readonly timeoutSeconds: number;
}

export interface ClientFigures {
  readonly exitCode: number | null;
  /** API requests: total, and lists, watches, other (discovery, log reads). */
  readonly requests: { readonly total: number; readonly lists: number; readonly watches: number; readonly other: number };
  /** From start to exit (kubectl) or to the resolved verdict (ours). */
  readonly wallMs: number;
  /** Verdict (exit, for kubectl) after the last Job's Complete as the observer saw it. */
  readonly delayAfterObservedMs: number;
  /** The same, after the last Job's condition lastTransitionTime (1 s resolution, truncated). */
  readonly delayAfterConditionMs: number;
  readonly peakRssMb: number;
  /** RSS once its modules were loaded (ours only). */
  readonly baseRssMb?: number;
}

export interface ScenarioResult {
  readonly options: ScenarioOptions;
  /**
   * What the API server served while the scenario ran (its apiserver_request_total), per Job:
   * everything, and the requests of the Job controller's kind (pod creates, pod patches that remove
   * its tracking finalizer, Job status updates, events).
   */
  readonly serverRequestsPerJob: { readonly total: number; readonly jobController: number; readonly byKind: Record<string, number> };
  readonly applyMs: number;
  /** From the first apply to the last Job Complete (observer): the control plane's pace. */
  readonly convergeMs: number;
  readonly completed: number;
  readonly ours: ClientFigures & { readonly outcome: string; readonly perJobLatencyMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly n: number } };
  readonly kubectl?: ClientFigures;
}

/** Records, to the millisecond, when each Job is first seen with a terminal condition. */
class Observer {
  public readonly terminalSeenAt = new Map<string, number>();
  public readonly conditionAt = new Map<string, number>();
  private readonly aborts: AbortController[] = [];

  constructor(private readonly kc: KubeConfig) {}

  public async start(namespaces: readonly string[], selector: string): Promise<void> {
    const batch = this.kc.makeApiClient(k8s.BatchV1Api);
    for (const ns of namespaces) {
      const list = await batch.listNamespacedJob({ namespace: ns, labelSelector: selector });
      list.items.forEach(j => this.see(j));
      const watch = new k8s.Watch(this.kc);
      this.aborts.push(await watch.watch(`/apis/batch/v1/namespaces/${ns}/jobs`, { labelSelector: selector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (phase, job) => { if (phase === 'ADDED' || phase === 'MODIFIED') this.see(job); },
        () => undefined));
    }
  }

  public stop(): void {
    this.aborts.forEach(a => a.abort());
  }

  private see(job: any): void {
    const key = `${job.metadata?.namespace}/${job.metadata?.name}`;
    if (this.terminalSeenAt.has(key)) return;
    const done = (job.status?.conditions ?? []).find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (done) {
      this.terminalSeenAt.set(key, Date.now());
      this.conditionAt.set(key, new Date(done.lastTransitionTime).getTime());
    }
  }
}

/** Polls /proc/<pid>/status for VmHWM (peak RSS) until stopped; works for any child (kubectl is Go). */
function peakRssOf(pid: number): () => number {
  let peakKb = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf-8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited
    }
  };
  read();
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return Math.round(peakKb / 1024 * 10) / 10;
  };
}

interface Exited { readonly code: number | null; readonly startedAt: number; readonly exitedAt: number; readonly peakRssMb: number }

/** The V8 flags the `job-patterns` CLI sets in its process (bin/job-patterns.js), for a node command line. */
function cliV8Flags(): string[] {
  // Compiled to bench/.out/bench/verify/: bin/ is four folders up.
  return (require(path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'job-patterns.js')) as { CLI_V8_FLAGS: string[] }).CLI_V8_FLAGS;
}

function run(command: string, args: string[], stderrFile: string, env?: NodeJS.ProcessEnv): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const err = fs.openSync(stderrFile, 'w');
    const startedAt = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', err], env: env ?? process.env });
    const peak = peakRssOf(child.pid!);
    child.on('error', reject);
    child.on('exit', code => {
      const exitedAt = Date.now();
      fs.closeSync(err);
      resolve({ code, startedAt, exitedAt, peakRssMb: peak() });
    });
  });
}

/** The Jobs of one namespace: a template expansion of `count` items whose pods run `duration` (created suspended with `suspend`). */
export function manifests(namespace: string, group: string, count: number, duration: string, suspend = false): Manifest[] {
  const app = new App();
  const chart = new Chart(app, 'bench');
  new JobTemplateExpansion(chart, 'jobs', {
    baseName: group,
    metadata: { namespace },
    ...(suspend ? { suspend } : {}),
    podMetadata: { annotations: { 'job-patterns.test/duration': duration } },
    items: WorkItems.fromList(Array.from({ length: count }, (_, i) => `j-${String(i).padStart(4, '0')}`)),
    container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo {{item}}'] },
  });
  return chart.toJson() as Manifest[];
}

export async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  const [result] = await applyManifests(kc, [{
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  } as Manifest], { namespace: name });
  if (result.error) throw new Error(`cannot create namespace ${name}: ${result.error}`);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < 300; i++) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(`namespace ${name} got no default ServiceAccount`);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** apiserver_request_total from the API server's /metrics, summed by `VERB group/resource[/subresource]`. */
function serverRequestCounts(cluster: Cluster): Map<string, number> {
  const r = spawnSync(cluster.kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', '--raw', '/metrics'], { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  const counts = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]));
    const key = `${labels.verb} ${labels.group ? `${labels.group}/` : ''}${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

/**
 * The kinds of request the Job controller makes for each Job: pod creates, pod patches (removing
 * its tracking finalizer), Job status updates and events. Here no other client makes many of them.
 */
const JOB_CONTROLLER_REQUESTS = ['POST pods', 'PATCH pods', 'PUT batch/jobs/status', 'POST events', 'POST events.k8s.io/events'];

/** kubectl -v=6 logs every request as `... round_trippers.go:NNN] GET https://... 200 OK in N milliseconds`. */
function countKubectlRequests(stderr: string): ClientFigures['requests'] {
  let total = 0; let lists = 0; let watches = 0; let other = 0;
  for (const line of stderr.split('\n')) {
    const m = /\] (GET|POST|PUT|PATCH|DELETE) (https?:\/\/\S+)/.exec(line);
    if (!m) continue;
    total++;
    const url = new URL(m[2]);
    if (url.searchParams.get('watch') === 'true') watches++;
    else if (m[1] === 'GET' && /\/namespaces\/[^/]+\/jobs/.test(url.pathname)) lists++;
    else other++;
  }
  return { total, lists, watches, other };
}

export async function runScenario(cluster: Cluster, o: ScenarioOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `jp-bench-${o.name}-`));
  // A fresh group (and namespaces) per run, so that a kept cluster never holds Jobs of the same names.
  const group = `bench-${o.name}-${Date.now().toString(36).slice(-5)}`;
  const selector = `${GROUP_LABEL}=${group}`;
  const namespaces = Array.from({ length: o.namespaces }, (_, i) => `${group}-${i}`);
  for (const ns of namespaces) await createNamespace(kc, ns);
  const perNamespace = namespaces.map((ns, i) => manifests(ns, group, Math.floor(o.jobs / o.namespaces) + (i < o.jobs % o.namespaces ? 1 : 0), o.duration));
  const all = perNamespace.flat();
  const targets = jobTargets(all, 'default');

  const observer = new Observer(kc);
  await observer.start(namespaces, selector);
  const serverBefore = serverRequestCounts(cluster);

  // Apply (not timed as verification): four streams of server-side applies.
  const applyStart = Date.now();
  const chunks = [0, 1, 2, 3].map(c => all.filter((_, i) => i % 4 === c));
  const rejected = (await Promise.all(chunks.map(chunk => applyManifests(kc, chunk, { namespace: 'default', fieldManager: 'job-patterns-bench' })))).flat().filter(r => r.error);
  if (rejected.length > 0) throw new Error(`${rejected.length} Job(s) rejected, e.g. ${rejected[0].name}: ${rejected[0].error}`);
  const applyMs = Date.now() - applyStart;
  log(`  ${o.name}: applied ${all.length} Jobs in ${namespaces.length} namespace(s) in ${(applyMs / 1000).toFixed(1)} s; verifying${o.kubectl ? ' (and kubectl wait)' : ''}`);

  // Our verifier and kubectl wait, started together over the same Jobs.
  const targetsFile = path.join(work, 'targets.json');
  const resultFile = path.join(work, 'verifier.json');
  fs.writeFileSync(targetsFile, JSON.stringify(targets));
  // With the V8 settings of the `job-patterns` CLI (what users run): the verdict's delay is the CLI's.
  const oursRun = run(process.execPath, [...cliV8Flags(), path.join(__dirname, 'child.js'), cluster.kubeconfig, targetsFile, String(o.timeoutSeconds * 1000), resultFile], path.join(work, 'verifier.stderr'));
  const kubectlRun = o.kubectl
    ? run(cluster.kubectl, ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(work, 'kube-cache'), '-v=6', 'wait', '--for=condition=complete', 'job', '-l', selector, '-n', namespaces[0], `--timeout=${o.timeoutSeconds}s`], path.join(work, 'kubectl.stderr'))
    : undefined;
  const progress = setInterval(() => log(`  ${o.name}: ${observer.terminalSeenAt.size}/${all.length} Jobs complete (${Math.round((Date.now() - applyStart) / 1000)} s)`), 30_000);
  const [oursExit, kubectlExit] = await Promise.all([oursRun, kubectlRun]);
  clearInterval(progress);
  // The observer may trail by a few milliseconds.
  for (let i = 0; i < 50 && observer.terminalSeenAt.size < all.length; i++) await new Promise(r => setTimeout(r, 100));
  observer.stop();
  const serverAfter = serverRequestCounts(cluster);
  const byKind: Record<string, number> = {};
  for (const [key, n] of serverAfter) {
    const delta = n - (serverBefore.get(key) ?? 0);
    if (delta > 0) byKind[key] = Math.round(delta / all.length * 100) / 100;
  }
  const serverRequestsPerJob = {
    total: Math.round(Object.values(byKind).reduce((a, b) => a + b, 0) * 10) / 10,
    jobController: Math.round(JOB_CONTROLLER_REQUESTS.reduce((a, k) => a + (byKind[k] ?? 0), 0) * 10) / 10,
    byKind,
  };

  if (!fs.existsSync(resultFile)) {
    throw new Error(`the verifier process exited ${oursExit.code} without a result: ${fs.readFileSync(path.join(work, 'verifier.stderr'), 'utf-8')}`);
  }
  const ours = JSON.parse(fs.readFileSync(resultFile, 'utf-8')) as VerifierRun;
  const lastObserved = Math.max(...observer.terminalSeenAt.values());
  const lastCondition = Math.max(...observer.conditionAt.values());
  const latencies = ours.jobs
    .filter(j => j.verdictAt !== undefined && (observer.terminalSeenAt.get(j.key) ?? 0) > ours.startedAt + 5000)
    .map(j => j.verdictAt! - observer.terminalSeenAt.get(j.key)!)
    .sort((a, b) => a - b);

  let kubectl: ClientFigures | undefined;
  if (kubectlExit) {
    kubectl = {
      exitCode: kubectlExit.code,
      requests: countKubectlRequests(fs.readFileSync(path.join(work, 'kubectl.stderr'), 'utf-8')),
      wallMs: kubectlExit.exitedAt - kubectlExit.startedAt,
      delayAfterObservedMs: kubectlExit.exitedAt - lastObserved,
      delayAfterConditionMs: kubectlExit.exitedAt - lastCondition,
      peakRssMb: kubectlExit.peakRssMb,
    };
  }
  fs.rmSync(work, { recursive: true, force: true });
  return {
    options: o,
    serverRequestsPerJob,
    applyMs,
    convergeMs: lastObserved - applyStart,
    completed: observer.terminalSeenAt.size,
    ours: {
      outcome: ours.outcome,
      exitCode: oursExit.code,
      requests: {
        total: ours.requests.lists + ours.requests.watches + ours.requests.logs,
        lists: ours.requests.lists,
        watches: ours.requests.watches,
        other: ours.requests.logs,
      },
      wallMs: ours.resolvedAt - ours.startedAt,
      delayAfterObservedMs: ours.resolvedAt - lastObserved,
      delayAfterConditionMs: ours.resolvedAt - lastCondition,
      peakRssMb: Math.max(ours.peakRssMb, oursExit.peakRssMb),
      baseRssMb: ours.baseRssMb,
      perJobLatencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1] ?? NaN, n: latencies.length },
    },
    ...(kubectl ? { kubectl } : {}),
  };
}
