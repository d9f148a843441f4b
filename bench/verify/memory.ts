// The verifier's memory beside `kubectl wait` (issue 21, item 8): N suspended Jobs in one
// namespace, each size in a namespace of its own, watched by our verifier (memory-child.ts, a
// process of its own) and by `kubectl wait --for=condition=complete`, both until a short timeout
// (a queued Job never completes). Our verifier is measured at steady state (every Job listed and
// watched) after a full GC; kubectl from /proc/<pid>/status while it waits. The baseline is each
// tool watching a namespace with no Job.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from '../../lib/runtime/k8s';
import { jobTargets, Manifest } from '../../lib/runtime/manifests';
import { BENCH_CLUSTER_ENV, Cluster, createNamespace, GROUP_LABEL, manifests } from './bench';
import { IDLE_MS } from './idle';
import type { MemoryRun } from './memory-child';

export interface MemoryOptions {
  /** Numbers of Jobs, each in a namespace of its own (the baseline, 0 Jobs, is always measured). */
  readonly sizes: readonly number[];
}

/** What /proc/<pid>/status said of a process while it ran, in bytes. */
export interface ProcessMemory {
  /** VmHWM when it exited: its peak RSS. */
  readonly peakRss: number;
  /** The last VmRSS read before it exited (every 100 ms): what it held while it waited. */
  readonly lastRss: number;
  readonly exitCode: number | null;
  readonly wallMs: number;
}

/** The median of our runs of one kind (by steady RSS), with every run's steady RSS. */
export type OurMemory = MemoryRun & { readonly process: ProcessMemory; readonly timeoutSeconds: number; readonly runs: ReadonlyArray<number | undefined> };

export interface MemoryRow {
  /** Jobs in the namespace (0: the baseline). */
  readonly jobs: number;
  /** Our verifier with the V8 settings of the `job-patterns` CLI (bin/job-patterns.js): what users run, and what the targets judge. */
  readonly ours: OurMemory;
  /** The same verifier as a library in a plain Node process (Node's own V8 settings); absent in runs from before 2026-12-07T07Z. */
  readonly library?: OurMemory;
  readonly kubectl: ProcessMemory & { readonly timeoutSeconds: number };
}

export interface MemoryResults {
  readonly rows: MemoryRow[];
  /** How the suspended Jobs were created: seconds, and requests per second. */
  readonly create: { readonly jobs: number; readonly seconds: number; readonly requests: number };
  readonly wallSeconds: number;
}

/**
 * How long each tool waits for Jobs that never complete: long enough to list them all on a busy
 * machine and then take our sample (the idle wait of memory-child.ts, then its GCs: 3 s).
 */
function timeoutSecondsFor(jobs: number): number {
  return Math.round(14 + IDLE_MS / 1000 + jobs * 0.004);
}

/**
 * Runs of our verifier per size and kind (with the CLI's V8 settings, and as a library), side by
 * side; the median is reported. Two processes doing the same thing differ by a few MB of RSS
 * (allocator arenas, V8's page pools): 30 KB a Job at 100 Jobs, 3 KB at 1,000. At 10,000 Jobs one
 * run of each kind, one kind after the other: three would list 30,000 Jobs at once and, at their
 * timeout, send 30,000 pod reads together. Its RSS varies more, with the heap V8 keeps committed
 * after the list (two runs: 213 and 257 MB, 12 and 16 KB a Job).
 */
function repeatsFor(jobs: number): number {
  return jobs >= 10_000 ? 1 : 3;
}

const MiB = 1024 * 1024;

/** Requests in flight while creating Jobs and writing their status. */
const CONCURRENCY = 64;

/** Polls VmHWM and VmRSS of a process until it exits (kubectl is Go: only the kernel knows). */
function watchMemory(pid: number): () => { peakRss: number; lastRss: number } {
  let peakRss = 0;
  let lastRss = 0;
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf-8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
      peakRss = Math.max(peakRss, kb('VmHWM'));
      lastRss = kb('VmRSS') || lastRss;
    } catch {
      // exited
    }
  };
  read();
  const timer = setInterval(read, 100);
  return () => {
    clearInterval(timer);
    return { peakRss, lastRss };
  };
}

function runProcess(command: string, args: string[], stderrFile: string): Promise<ProcessMemory> {
  return new Promise((resolve, reject) => {
    const err = fs.openSync(stderrFile, 'w');
    const started = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', err] });
    const memory = watchMemory(child.pid!);
    child.on('error', reject);
    child.on('exit', code => {
      fs.closeSync(err);
      resolve({ ...memory(), exitCode: code, wallMs: Date.now() - started });
    });
  });
}

interface ApiRequest { readonly method: string; readonly path: string; readonly contentType?: string; readonly body?: string }

/** A client for many small requests: kept-alive connections, raw JSON (no typed model in between). */
async function rawClient(kc: KubeConfig): Promise<{ send(r: ApiRequest): Promise<string>; close(): void }> {
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const agent = new https.Agent({ ca: options.ca, cert: options.cert, key: options.key, keepAlive: true, maxSockets: CONCURRENCY });
  const server = new URL(kc.getCurrentCluster()!.server);
  const send = (r: ApiRequest) => new Promise<string>((resolve, reject) => {
    const headers = { 'accept': 'application/json', ...(r.contentType ? { 'content-type': r.contentType } : {}) };
    const req = https.request({ agent, host: server.hostname, port: server.port, method: r.method, path: r.path, headers }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => (res.statusCode! < 300 ? resolve(body) : reject(new Error(`${r.method} ${r.path}: HTTP ${res.statusCode}: ${body.slice(0, 500)}`))));
    });
    req.on('error', reject);
    req.end(r.body);
  });
  return { send, close: () => agent.destroy() };
}

/** Sends `requests`, `CONCURRENCY` at a time; throws at the first refusal. */
async function sendAll(kc: KubeConfig, requests: readonly ApiRequest[]): Promise<void> {
  const client = await rawClient(kc);
  let next = 0;
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) await client.send(requests[next++]);
    }));
  } finally {
    client.close();
  }
}

/**
 * The benchmark cluster's kube-controller-manager: paused (SIGSTOP) while the suspended Jobs
 * exist, resumed (SIGCONT) after. Its Job controller would mark them at its 20 requests/s (a status
 * update and an event per Job: about 17 minutes for 11,100 Jobs), and change every Job under the
 * watchers while they are measured. The benchmark writes the status the controller wrote on the
 * first size's Jobs instead.
 */
function controllerManager(): { pause(): void; resume(): void } {
  const pidFile = path.join(BENCH_CLUSTER_ENV.JOB_PATTERNS_CLUSTER_DIR, 'pids', 'kube-controller-manager.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf-8').trim());
  const exe = fs.readlinkSync(`/proc/${pid}/exe`);
  if (path.basename(exe) !== 'kube-controller-manager') throw new Error(`${pidFile} names process ${pid} (${exe}), not the benchmark's kube-controller-manager`);
  let paused = false;
  return {
    pause: () => { process.kill(pid, 'SIGSTOP'); paused = true; },
    resume: () => { if (paused) process.kill(pid, 'SIGCONT'); paused = false; },
  };
}

/** Waits until every Job of `namespace` carries the Suspended condition; returns the status of one, as stored. */
async function controllerStatus(kc: KubeConfig, namespace: string, count: number, log: (line: string) => void): Promise<Record<string, unknown>> {
  const client = await rawClient(kc);
  const waitSeconds = Math.max(60, count / 2);
  const deadline = Date.now() + waitSeconds * 1000;
  try {
    for (;;) {
      const list = JSON.parse(await client.send({ method: 'GET', path: `/apis/batch/v1/namespaces/${namespace}/jobs` })) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
      const marked = list.items.filter(j => j.status?.conditions?.some(c => c.type === 'Suspended' && c.status === 'True'));
      if (marked.length === count) return marked[0].status!;
      if (Date.now() > deadline) throw new Error(`the Job controller marked only ${marked.length} of ${count} suspended Jobs in ${namespace} Suspended within ${waitSeconds} s`);
      log(`  memory: the Job controller marked ${marked.length}/${count} Jobs Suspended`);
      await new Promise(r => setTimeout(r, 2000));
    }
  } finally {
    client.close();
  }
}

/** The median run by steady RSS (a run without a steady state counts as the largest), with every run's steady RSS. */
function medianOf(runs: ReadonlyArray<MemoryRun & { readonly process: ProcessMemory; readonly timeoutSeconds: number }>): OurMemory {
  const sorted = [...runs].sort((x, y) => (x.steady?.rss ?? Infinity) - (y.steady?.rss ?? Infinity));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], runs: runs.map(r => r.steady?.rss) };
}

export async function runMemoryScenario(cluster: Cluster, o: MemoryOptions, log: (line: string) => void): Promise<MemoryResults> {
  const t0 = Date.now();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jp-bench-memory-'));
  const group = `bench-mem-${Date.now().toString(36).slice(-5)}`;
  const sizes = [...o.sizes].sort((a, b) => a - b);
  const namespaceOf = (jobs: number) => `${group}-${jobs}`;
  for (const n of [0, ...sizes]) await createNamespace(kc, namespaceOf(n));
  const perSize = new Map(sizes.map(n => [n, manifests(namespaceOf(n), group, n, '3s', true)]));
  const create = (ms: readonly Manifest[]) => ms.map(m => ({
    method: 'POST', path: `/apis/batch/v1/namespaces/${m.metadata.namespace}/jobs`, contentType: 'application/json', body: JSON.stringify(m),
  }));

  const kcm = controllerManager();
  const created = { jobs: 0, seconds: 0, requests: 0 };
  const rows: MemoryRow[] = [];
  try {
    // The first size with the Job controller running: it marks them Suspended, as it would any queued Job.
    const [first, ...rest] = sizes;
    let start = Date.now();
    await sendAll(kc, create(perSize.get(first)!));
    const status = await controllerStatus(kc, namespaceOf(first), first, log);
    created.seconds += (Date.now() - start) / 1000;
    kcm.pause();
    start = Date.now();
    const others = rest.flatMap(n => perSize.get(n)!);
    await sendAll(kc, create(others));
    await sendAll(kc, others.map(m => ({
      method: 'PATCH', path: `/apis/batch/v1/namespaces/${m.metadata.namespace}/jobs/${m.metadata.name}/status`,
      contentType: 'application/merge-patch+json', body: JSON.stringify({ status }),
    })));
    created.seconds += (Date.now() - start) / 1000;
    created.jobs = first + others.length;
    created.requests = first + 2 * others.length;
    log(`  memory: created ${created.jobs.toLocaleString('en-US')} suspended Jobs in ${created.seconds.toFixed(1)} s (the controller marked ${first}; ${others.length.toLocaleString('en-US')} got its status from the benchmark while it is paused)`);

    for (const n of [0, ...sizes]) {
      const ns = namespaceOf(n);
      const timeoutSeconds = timeoutSecondsFor(n);
      const targetsFile = path.join(work, `targets-${n}.json`);
      if (n > 0) fs.writeFileSync(targetsFile, JSON.stringify(jobTargets(perSize.get(n)!, ns)));
      const ours = (kind: 'cli' | 'library', i: number) => {
        const resultFile = path.join(work, `${kind}-${n}-${i}.json`);
        const stderr = path.join(work, `${kind}-${n}-${i}.stderr`);
        const args = n === 0 ? ['--empty', ns] : [targetsFile];
        return runProcess(process.execPath, ['--expose-gc', path.join(__dirname, 'memory-child.js'), ...(kind === 'cli' ? ['--cli'] : []), cluster.kubeconfig, ...args, String(timeoutSeconds * 1000), resultFile], stderr).then(p => {
          if (!fs.existsSync(resultFile)) throw new Error(`the verifier's memory process exited ${p.exitCode} without a result: ${fs.readFileSync(stderr, 'utf-8').slice(-2000)}`);
          return { ...(JSON.parse(fs.readFileSync(resultFile, 'utf-8')) as MemoryRun), process: p, timeoutSeconds };
        });
      };
      // kubectl's baseline waits on one Job (with none it exits at once, before it could be measured).
      const kubectlTarget = n === 0 ? ['job', perSize.get(sizes[0])![0].metadata.name, '-n', namespaceOf(sizes[0])] : ['job', '-l', `${GROUP_LABEL}=${group}`, '-n', ns];
      // The CLI's runs beside kubectl; the library's runs with them, or after them at 10,000 Jobs (see repeatsFor).
      const kinds = (kind: 'cli' | 'library') => Promise.all(Array.from({ length: repeatsFor(n) }, (_, i) => ours(kind, i)));
      const sideBySide = repeatsFor(n) > 1;
      const [cliRuns, kubectl, libraryBeside] = await Promise.all([
        kinds('cli'),
        runProcess(cluster.kubectl, ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(work, 'kube-cache'), 'wait', '--for=condition=complete',
          ...kubectlTarget, `--timeout=${timeoutSeconds}s`], path.join(work, `kubectl-${n}.stderr`)),
        sideBySide ? kinds('library') : undefined,
      ]);
      const libraryRuns = libraryBeside ?? await kinds('library');
      const median = medianOf(cliRuns);
      const library = medianOf(libraryRuns);
      rows.push({ jobs: n, ours: median, library, kubectl: { ...kubectl, timeoutSeconds } });
      const mb = (x: number | undefined) => x === undefined ? '-' : `${(x / MiB).toFixed(1)} MB`;
      log(`  memory: ${n.toLocaleString('en-US')} Jobs: ours (CLI) ${mb(median.steady?.rss)} at steady state (runs: ${median.runs.map(mb).join(', ')}; heap ${mb(median.steady?.heapUsed)}, `
        + `after ${median.steadyAfterMs ?? '-'} ms; peak ${mb(median.process.peakRss)}; ${median.outcome}: ${JSON.stringify(median.states)}), `
        + `library ${mb(library.steady?.rss)} (runs: ${library.runs.map(mb).join(', ')}; after ${library.steadyAfterMs ?? '-'} ms), kubectl wait ${mb(kubectl.lastRss)} waiting, peak ${mb(kubectl.peakRss)} (exit ${kubectl.exitCode})`);
    }
  } finally {
    kcm.resume();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { rows, create: created, wallSeconds: (Date.now() - t0) / 1000 };
}
