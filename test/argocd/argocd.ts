/**
 * Helpers of the Argo CD suite: Git repositories served to Argo CD, Applications, the resource
 * tree Argo CD keeps in Redis (its health of every resource, at the resourceVersion it saw) and an
 * observer of every Job and pod of the cluster.
 */
import type { KubeConfig, V1Job, V1Pod } from '@kubernetes/client-node';
import { Chart, Testing, Yaml } from 'cdk8s';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { applyManifests, Manifest } from '../../runtime';
import { ArgoCdHealth, argoCdJobHealth } from '../../lib/runtime/argocd-health';
import { k8s } from '../../lib/runtime/k8s';
import { apiConnection } from '../../lib/runtime/api-connection';
import { Reflector } from '../../lib/runtime/reflector';
import { JobLike } from '../../lib/runtime/verdict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const argocdEnv = require('./argocd-env');

/** One control plane with its Argo CD (test/argocd/argocd-env.js): the main one, or the Kueue one (`argocdEnv.kueue`). */
export interface ArgoCdInstance {
  readonly root: string;
  readonly version: string;
  readonly dir: string;
  readonly argocdDir: string;
  readonly kubeconfig: string;
  readonly redisPort: number;
  readonly gitPort: number;
  readonly env: NodeJS.ProcessEnv;
}
/** The main instance (Kubernetes 1.28.15, started by the project's global setup). */
export const MAIN: ArgoCdInstance = argocdEnv;
/** The Kueue instance (Kubernetes 1.37.2 with a real Kueue, started by test/argocd/argocd-kueue.test.ts). */
export const KUEUE_INSTANCE: ArgoCdInstance = argocdEnv.kueue;

export const ARGOCD_NAMESPACE = 'argocd';

/** The admin kubeconfig of this suite's own control plane (test/argocd/argocd-env.js), not the e2e projects'. */
export function kubeConfig(instance: ArgoCdInstance = MAIN): KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(instance.kubeconfig);
  return kc;
}
const APPLICATIONS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', namespace: ARGOCD_NAMESPACE };

export async function sleep(ms: number): Promise<void> {
  await new Promise(r => setTimeout(r, ms));
}

/** Polls `probe` every 250 ms until it returns a value other than undefined; throws after `timeoutMs`, naming `what`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** The figures a suite prints: each line at once with `tag`, and all of them at the end (`print()`, in afterAll). */
export class Figures {
  private readonly lines: string[] = [];
  constructor(private readonly tag: string) {}
  public add(line: string): void {
    this.lines.push(line);
    process.stderr.write(`[${this.tag}] ${line}\n`);
  }
  public print(): void {
    if (this.lines.length > 0) process.stderr.write(`\n[${this.tag}] figures:\n${this.lines.map(f => `  ${f}`).join('\n')}\n`);
  }
}

/** The manifests of a chart built by `build`, in the order cdk8s writes them. */
export function synth(build: (chart: Chart) => void): Manifest[] {
  const app = Testing.app();
  build(new Chart(app, 'app'));
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
}

export const isJob = (m: Manifest) => m.apiVersion === 'batch/v1' && m.kind === 'Job';

// ---------------------------------------------------------------------------------------------
// Git

/** A bare repository served by the git daemon as git://127.0.0.1:<port>/<name>.git, and a work tree to commit into. */
export class GitRepo {
  public readonly url: string;
  private readonly work: string;

  constructor(public readonly name: string, instance: ArgoCdInstance = MAIN) {
    const bare = path.join(instance.argocdDir, 'git', `${name}.git`);
    this.work = path.join(instance.argocdDir, 'work', name);
    this.url = `git://127.0.0.1:${instance.gitPort}/${name}.git`;
    fs.rmSync(bare, { recursive: true, force: true });
    fs.rmSync(this.work, { recursive: true, force: true });
    git(path.dirname(bare), 'init', '-q', '--bare', '-b', 'main', bare);
    fs.mkdirSync(this.work, { recursive: true });
    git(this.work, 'init', '-q', '-b', 'main');
    git(this.work, 'remote', 'add', 'origin', bare);
  }

  /**
   * Replaces the repository's content by `manifests` (one YAML file, written as `cdk8s synth` writes
   * it: YAML 1.1, so `yes` stays a string for Argo CD's YAML 1.1 parser), commits and pushes;
   * returns the commit's SHA.
   */
  public commit(manifests: readonly Manifest[], message: string, otherFiles: Readonly<Record<string, string>> = {}): string {
    fs.writeFileSync(path.join(this.work, 'app.yaml'), Yaml.stringify(...manifests));
    for (const [file, text] of Object.entries(otherFiles)) fs.writeFileSync(path.join(this.work, file), text);
    git(this.work, 'add', '-A');
    git(this.work, '-c', 'user.name=job-patterns', '-c', 'user.email=job-patterns@localhost', 'commit', '-q', '--allow-empty', '-m', message);
    git(this.work, 'push', '-q', 'origin', 'main');
    return git(this.work, 'rev-parse', 'HEAD').trim();
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// ---------------------------------------------------------------------------------------------
// Applications

/** What the suite reads of an Application. */
export interface Application {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string };
    readonly health?: { readonly status?: string; readonly message?: string };
    readonly reconciledAt?: string;
    readonly history?: ReadonlyArray<{ readonly revision?: string; readonly deployedAt?: string; readonly id?: number }>;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly message?: string }>;
    readonly resources?: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly status?: string; readonly health?: { readonly status?: string } }>;
    readonly operationState?: {
      readonly phase?: string;
      readonly message?: string;
      readonly startedAt?: string;
      readonly finishedAt?: string;
      readonly retryCount?: number;
      readonly syncResult?: {
        readonly revision?: string;
        readonly resources?: ReadonlyArray<{
          readonly kind: string; readonly name: string; readonly status?: string; readonly message?: string;
          readonly hookType?: string; readonly hookPhase?: string; readonly syncPhase?: string;
        }>;
      };
    };
  };
}

/** The phases of a sync operation that has ended. */
const ENDED = ['Succeeded', 'Failed', 'Error'];

/** One sync operation of an Application, as `status.operationState` shows it. */
export type SyncOperationState = NonNullable<NonNullable<Application['status']>['operationState']>;

/**
 * Creates an Application syncing `repo` (branch main, the repository's root) into `namespace`:
 * automated sync with prune and self-heal, the Application-level `syncOptions` and the
 * `ignoreDifferences` given.
 */
export async function createApplication(
  kc: KubeConfig, name: string, repo: GitRepo, namespace: string, syncOptions: readonly string[] = [], directory?: { readonly exclude: string }, ignoreDifferences: readonly object[] = [],
): Promise<void> {
  const [result] = await applyManifests(kc, [{
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: 'default',
      source: { repoURL: repo.url, targetRevision: 'main', path: '.', ...(directory ? { directory } : {}) },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, ...(syncOptions.length > 0 ? { syncOptions } : {}) },
      ...(ignoreDifferences.length > 0 ? { ignoreDifferences } : {}),
    },
  }], { namespace: ARGOCD_NAMESPACE, fieldManager: 'job-patterns-test' });
  if (result.error) throw new Error(`cannot create Application ${name}: ${result.error}`);
}

export async function getApplication(kc: KubeConfig, name: string): Promise<Application> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return await api.getNamespacedCustomObject({ ...APPLICATIONS, name }) as Application;
}

/** Asks Argo CD to compare the Application with Git now (instead of at its next poll, ~2 min). */
export async function refresh(kc: KubeConfig, name: string, kind: 'normal' | 'hard' = 'normal'): Promise<void> {
  const [result] = await applyManifests(kc, [{
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: ARGOCD_NAMESPACE, annotations: { 'argocd.argoproj.io/refresh': kind } },
  }], { namespace: ARGOCD_NAMESPACE, fieldManager: 'job-patterns-refresh' });
  if (result.error) throw new Error(`cannot refresh Application ${name}: ${result.error}`);
}


/**
 * Waits until a sync at `revision` failed once: Argo CD's automated sync then retries (limit 5,
 * back-off from 5 s) with the operation still Running, or it has given up (Failed). Returns the
 * Application then.
 */
export async function syncFailedAt(kc: KubeConfig, name: string, revision: string, timeoutMs = 120_000): Promise<Application> {
  return waitFor(`a sync of Application ${name} at ${revision.slice(0, 8)} to fail`, timeoutMs, async () => {
    const app = await getApplication(kc, name);
    const op = app.status?.operationState;
    const failed = op?.phase === 'Failed' || op?.phase === 'Error' || (op?.phase === 'Running' && (op.retryCount ?? 0) >= 1);
    return op?.syncResult?.revision === revision && failed ? app : undefined;
  });
}

/** Kills the application controller (SIGTERM) and starts it again through scripts/argocd/up.sh. */
export async function restartController(instance: ArgoCdInstance = MAIN): Promise<void> {
  const pidFile = path.join(instance.argocdDir, 'pids', 'argocd-application-controller.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf-8').trim());
  process.kill(pid, 'SIGTERM');
  await waitFor('the application controller to exit', 30_000, async () =>
    (!fs.existsSync(`/proc/${pid}`) || fs.readFileSync(`/proc/${pid}/stat`, 'utf-8').includes(') Z') ? true : undefined));
  const up = spawnSync('bash', [path.join(instance.root, 'scripts', 'argocd', 'up.sh')], { env: instance.env, encoding: 'utf-8' });
  if (up.status !== 0) throw new Error(`scripts/argocd/up.sh did not restart the controller: ${up.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// The resource tree in Redis

/** A node of Argo CD's resource tree (what the UI shows): Argo CD's health of the object at `resourceVersion`. */
export interface TreeNode {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly health?: { readonly status?: string; readonly message?: string };
}

/** One Redis command over RESP; resolves with the reply (a bulk string as a Buffer, an array of them, or null). */
function redis(instance: ArgoCdInstance, ...args: string[]): Promise<Buffer | Buffer[] | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(instance.redisPort, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', chunk => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseReply(data, 0);
      if (parsed) {
        socket.end();
        if (parsed.value instanceof Error) reject(parsed.value);
        else resolve(parsed.value);
      }
    });
    socket.write(`*${args.length}\r\n${args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

type Reply = Buffer | Buffer[] | null | Error;
function parseReply(data: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = data.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = data.toString('utf-8', at + 1, eol);
  switch (data[at]) {
    case 0x2d: return { value: new Error(head), end: eol + 2 }; // -ERR
    case 0x2b: case 0x3a: return { value: Buffer.from(head), end: eol + 2 }; // +OK, :1
    case 0x24: { // $len
      const len = Number(head);
      if (len < 0) return { value: null, end: eol + 2 };
      if (data.length < eol + 2 + len + 2) return undefined;
      return { value: data.subarray(eol + 2, eol + 2 + len), end: eol + 2 + len + 2 };
    }
    case 0x2a: { // *n
      const items: Buffer[] = [];
      let end = eol + 2;
      for (let i = 0; i < Number(head); i++) {
        const item = parseReply(data, end);
        if (!item) return undefined;
        items.push(item.value as Buffer);
        end = item.end;
      }
      return { value: items, end };
    }
    default: return { value: new Error(`unexpected Redis reply ${data.toString('utf-8', at, eol)}`), end: eol + 2 };
  }
}

/** The Application's resource tree as the controller last wrote it to Redis (gzip JSON); undefined before the first. */
export async function resourceTree(app: string, instance: ArgoCdInstance = MAIN): Promise<TreeNode[] | undefined> {
  const keys = await redis(instance, 'KEYS', `app|resources-tree|${app}|*`) as Buffer[];
  if (keys.length === 0) return undefined;
  const value = await redis(instance, 'GET', keys[0].toString('utf-8')) as Buffer | null;
  if (!value) return undefined;
  const json = keys[0].toString('utf-8').endsWith('.gz') ? zlib.gunzipSync(value) : value;
  return (JSON.parse(json.toString('utf-8')).nodes ?? []) as TreeNode[];
}

// ---------------------------------------------------------------------------------------------
// The observer

/** A Job as first and last seen. */
export interface JobRun {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly created: string;
  last: V1Job;
  deletedAt?: number;
}

/** One comparison of Argo CD's health of a Job (from the resource tree) with argoCdJobHealth() of the same Job object. */
export interface HealthComparison {
  readonly app: string;
  readonly job: string;
  readonly resourceVersion: string;
  readonly argoCd: ArgoCdHealth;
  readonly ours: ArgoCdHealth;
  readonly object: V1Job;
}

/**
 * Watches every Job and pod of the cluster (keeping each Job's every version by resourceVersion)
 * and polls the resource trees of the Applications it is told about: each Job node whose
 * resourceVersion it has seen is compared with argoCdJobHealth() of that very object.
 */
export class Observer {
  public readonly runs = new Map<string, JobRun>();
  public readonly pods = new Map<string, { namespace: string; job?: string; name: string }>();
  public readonly comparisons = new Map<string, HealthComparison>();
  /** Job nodes whose resourceVersion the watch never delivered (compacted away): not compared. */
  public readonly unmatched = new Set<string>();
  private readonly versions = new Map<string, V1Job>();
  private readonly apps = new Set<string>();
  /**
   * Each Application's sync operations in the order they started, each as the last version of the
   * Application that showed it (its end, once it ended).
   */
  private readonly operations = new Map<string, Application[]>();
  private readonly reflectors: Array<Reflector<any>> = [];
  private timer?: NodeJS.Timeout;
  private polling = false;
  private readonly errors: unknown[] = [];

  constructor(private readonly kc: KubeConfig, private readonly instance: ArgoCdInstance = MAIN) {}

  public async start(): Promise<void> {
    const connection = apiConnection(this.kc, 'the Argo CD watcher');
    const requests = { lists: 0, watches: 0 };
    const jobs = new Reflector<V1Job>({
      connection, path: '/apis/batch/v1/jobs', requests,
      onEvent: (type, job) => this.onJob(type, job),
      onDisconnect: error => this.errors.push(error),
    });
    const pods = new Reflector<V1Pod>({
      connection, path: '/api/v1/pods', requests, keepLabels: ['job-name'],
      onEvent: (type, pod) => {
        if (type !== 'DELETED' && pod.metadata?.uid && !this.pods.has(pod.metadata.uid)) {
          this.pods.set(pod.metadata.uid, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', job: pod.metadata.labels?.['job-name'] });
        }
      },
      onDisconnect: error => this.errors.push(error),
    });
    const applications = new Reflector<Application & { metadata: { uid?: string } }>({
      connection, path: `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`, requests,
      onEvent: (type, app) => {
        const op = app.status?.operationState;
        if (type === 'DELETED' || !op?.startedAt) return;
        const ops = this.operations.get(app.metadata.name) ?? [];
        this.operations.set(app.metadata.name, ops);
        // startedAt has whole seconds: an operation that starts in the second the last one ended in
        // (a self-heal's, right after a sync) is told apart by that end
        const last = ops[ops.length - 1]?.status?.operationState;
        const ended = (o: SyncOperationState) => ENDED.includes(o.phase ?? '');
        const same = last?.startedAt === op.startedAt && (!ended(last) || (ended(op) && last.finishedAt === op.finishedAt));
        if (same) ops[ops.length - 1] = app;
        else ops.push(app);
      },
      onDisconnect: error => this.errors.push(error),
    });
    this.reflectors.push(jobs, pods, applications);
    await Promise.all([jobs.start(), pods.start(), applications.start()]);
    this.timer = setInterval(() => void this.poll(), 300);
  }

  public stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const r of this.reflectors) r.stop();
  }

  /** Compare the Jobs of this Application's resource tree from now on. */
  public watchApplication(name: string): void {
    this.apps.add(name);
  }

  /** The runs (distinct Job objects) in `namespace` whose name is `name` or, with `prefix`, starts with `name-`. */
  public runsOf(namespace: string, name: string, prefix = false): JobRun[] {
    return [...this.runs.values()].filter(r => r.namespace === namespace && (prefix ? r.name.startsWith(`${name}-`) : r.name === name));
  }

  /**
   * The runs of `name` in `namespace` created at or after `since` (whole seconds, as creationTimestamp
   * has them), split into those that finished (a Complete or Failed condition was seen) and those
   * deleted before they finished: under Replace=true a self-heal right after a sync, before Argo CD's
   * cache has seen the new Job, replaces it again and cuts the first new run short.
   */
  public runsSince(namespace: string, name: string, since: Date): { finished: JobRun[]; cutShort: JobRun[] } {
    const from = Math.floor(since.getTime() / 1000) * 1000;
    const runs = this.runsOf(namespace, name).filter(r => new Date(r.created).getTime() >= from);
    const finished = (r: JobRun) => (r.last.status?.conditions ?? []).some(c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    return { finished: runs.filter(finished), cutShort: runs.filter(r => !finished(r) && r.deletedAt !== undefined) };
  }

  /** Every version of the Job objects named `name` in `namespace`, in the order the watch delivered them. */
  public versionsOf(namespace: string, name: string): V1Job[] {
    return [...this.versions.values()].filter(j => j.metadata?.namespace === namespace && j.metadata?.name === name);
  }

  /**
   * Every sync operation of the Application `app` since the observer started, in the order they
   * started, each as last seen: a later operation (a self-heal's, a retry's) replaces the one in
   * `status.operationState`, so a test reading one operation's result reads it here.
   */
  public operationsOf(app: string): SyncOperationState[] {
    return (this.operations.get(app) ?? []).map(a => a.status!.operationState!);
  }

  /**
   * Waits until a sync operation of the Application `name` at `revision` ended (Succeeded, Failed or
   * Error); returns the Application as last seen with that operation (before the next one started).
   * The watch's record comes first: a read can miss
   * the end, because an automated sync that starts right after it (a self-heal's, at the same
   * revision) replaces the operation in `status.operationState`. A read is the fallback (a watch
   * that reconnected lists only the present). On timeout the error lists the operations seen.
   */
  public async syncedAt(name: string, revision: string, timeoutMs = 120_000): Promise<Application> {
    const endedAt = (app: Application | undefined) => (app?.status?.operationState?.syncResult?.revision === revision && ENDED.includes(app.status.operationState.phase ?? '') ? app : undefined);
    try {
      return await waitFor(`Application ${name} to finish a sync at ${revision.slice(0, 8)}`, timeoutMs, async () =>
        (this.operations.get(name) ?? []).find(app => endedAt(app)) ?? endedAt(await getApplication(this.kc, name)));
    } catch (error) {
      const seen = this.operationsOf(name).map(op => `${op.startedAt} ${op.phase}${op.retryCount ? ` (retry ${op.retryCount})` : ''} at ${op.syncResult?.revision?.slice(0, 8) ?? '?'}: ${op.message ?? ''}`);
      throw new Error(`${(error as Error).message}; the operations the watch saw: ${seen.join('; ') || 'none'}`);
    }
  }

  /** Pods ever seen of the Job `job` in `namespace`. */
  public podsOf(namespace: string, job: string): number {
    return [...this.pods.values()].filter(p => p.namespace === namespace && p.job === job).length;
  }

  /** Errors of the watches (a silent outage would make the counts wrong). */
  public watchErrors(): unknown[] {
    return this.errors;
  }

  private onJob(type: string, job: V1Job): void {
    const m = job.metadata ?? {};
    if (!m.uid) return;
    if (type === 'DELETED') {
      const run = this.runs.get(m.uid);
      if (run) run.deletedAt = Date.now();
      return;
    }
    this.versions.set(`${m.namespace}/${m.name}@${m.resourceVersion}`, job);
    const run = this.runs.get(m.uid);
    if (run) run.last = job;
    else this.runs.set(m.uid, { uid: m.uid, namespace: m.namespace ?? '', name: m.name ?? '', created: String(m.creationTimestamp ?? ''), last: job });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const app of this.apps) {
        for (const node of (await resourceTree(app, this.instance)) ?? []) {
          if (node.kind !== 'Job' || node.group !== 'batch' || !node.health?.status || !node.resourceVersion) continue;
          const key = `${node.namespace}/${node.name}@${node.resourceVersion}`;
          const job = this.versions.get(key);
          if (!job) {
            this.unmatched.add(key);
            continue;
          }
          const argoCd = { status: node.health.status, message: node.health.message ?? '' } as ArgoCdHealth;
          this.comparisons.set(`${app} ${key} ${argoCd.status}`, { app, job: `${node.namespace}/${node.name}`, resourceVersion: node.resourceVersion, argoCd, ours: argoCdJobHealth(job as JobLike), object: job });
        }
      }
    } catch (error) {
      this.errors.push(error);
    } finally {
      this.polling = false;
    }
  }
}
