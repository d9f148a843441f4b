import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { ApiConnection, apiConnection, getJson, getText, statusCode } from './api-connection';
import { describeApiError } from './apply';
import { JobDiagnosis } from './diagnosis';
import { evidenceOf } from './evidence';
import { jobReport } from './job-report';
import { KUEUE_KEYS, WorkloadLike, workloadOwner } from './kueue';
import { JobTarget, queueOf } from './manifests';
import { jobNameOf } from './pods';
import { decide, timedOut } from './outcome';
import { Reflector, Watched } from './reflector';
import { TargetTracker, targetOf } from './tracking';
import { JobState } from './verdict';
import { checkVerifyOptions, REPLACEMENT_GRACE_MS, VerifyOptions } from './verify-options';
import { EXIT_CODES, groupReports, JobReport, Outage, VerifyOutcome, VerifyResult } from './verify-result';

export { MAX_TIMEOUT_MS, type VerifyOptions } from './verify-options';
export { EXIT_CODES, type GroupReport, type JobReport, type JobStats, type JobTimeline, type Outage, VerifyOutcome, type VerifyResult } from './verify-result';
export type { FailedPod } from './diagnosis';
export { type EarlierRun, RunEnd } from './tracking';

/** Each list page, event read, pod read and log read gives up after this long (and never runs past the deadline). */
const REQUEST_TIMEOUT_MS = 10_000;
/** What the diagnosis after a verdict (a fresh read of the pods, their logs) may take past the deadline. */
const DIAGNOSIS_GRACE_MS = 5_000;
/** The labels a pod is matched to its Job by; the only labels kept of a deleted pod. */
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];
/** Kueue's API: its discovery document, and the path of its namespaced resources. */
const KUEUE_API_PATH = `/apis/${KUEUE_KEYS.API}`;
/** After a failed discovery of Kueue's API (not a 404), the next try waits this long. */
const KUEUE_RETRY_MS = 5_000;

/**
 * Watches Jobs until each converged as its pattern says, failed, or time ran out. One list+watch
 * of Jobs and one of Job pods per namespace, whatever the number of Jobs. What "converged" means
 * over a Job's life (replaced runs, queues, other managers, deleted Jobs) is decided in
 * {@link TargetTracker}; this class does the I/O and keeps the deadline.
 */
export class JobVerifier {
  private readonly trackers = new Map<string, TargetTracker>();
  private readonly reflectors: Array<Reflector<any>> = [];
  private readonly requests = { lists: 0, watches: 0, logs: 0 };
  private readonly outages: Outage[] = [];
  private readonly started: number;
  private readonly deadline: number;
  private readonly connection: ApiConnection;
  /** Requests in flight: `stop()` aborts them. */
  private readonly inFlight = new Set<AbortController>();
  private finish?: (outcome: VerifyOutcome, summary: string) => void;
  private lastProgress = 0;
  /** False until every namespace's initial lists are in: no verdict on a partial list. */
  private synced = false;
  private stopped = false;
  private progressTimer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  /** Whether the cluster serves Kueue's API: undefined until a Job needed to know, then asked once. */
  private kueueInstalled?: boolean;
  private kueueAsked = false;
  private kueueRetry?: NodeJS.Timeout;
  /** Namespaces whose Workloads are watched (only those of a Job that Kueue may explain). */
  private readonly workloadNamespaces = new Set<string>();
  /** LocalQueue (`<namespace>/<name>`) -> its ClusterQueue; null when it does not exist; absent until read (or after a failed read). */
  private readonly localQueues = new Map<string, string | null | Promise<void>>();

  /** The options, without the targets: the trackers keep what they need of them (templates only until the first list). */
  private readonly options: Omit<VerifyOptions, 'targets'>;
  /** The namespaces watched: the targets', or `namespace` with a selector. */
  private readonly namespaces: readonly string[];

  constructor(options: VerifyOptions) {
    checkVerifyOptions(options);
    const { targets, ...rest } = options;
    this.options = rest;
    this.connection = apiConnection(options.kubeConfig, 'VerifyOptions.kubeConfig');
    this.started = options._startedAt ?? Date.now();
    this.deadline = this.started + options.timeoutMs;
    this.namespaces = targets ? [...new Set(targets.map(t => t.namespace))] : [options.namespace];
    for (const target of targets ?? []) {
      this.track(target);
    }
  }

  /** Runs the verification to its end: at the latest at the deadline, plus a few seconds for the diagnosis. */
  public async run(): Promise<VerifyResult> {
    const ended = new Promise<[VerifyOutcome, string]>(resolve => { this.finish = (o, s) => resolve([o, s]); });
    const timer = setTimeout(() => this.finish?.(...timedOut(this.trackers.values(), Date.now(), this.options.timeoutMs, this.outages)), Math.max(0, this.deadline - Date.now()));
    try {
      // The first lists are retried until the deadline; the deadline (or a failure) may come first.
      const connected = Promise.all(this.namespaces.map(ns => this.watchNamespace(ns)))
        .then(() => ({ kind: 'listed' as const }), (error: unknown) => ({ kind: 'failed' as const, error }));
      const first = await Promise.race([connected, ended.then(() => ({ kind: 'deadline' as const }))]);
      if (first.kind === 'deadline') {
        return await this.result(VerifyOutcome.ERROR, this.unreachable());
      }
      if (first.kind === 'failed') {
        return await this.result(VerifyOutcome.ERROR, this.unreachable(first.error));
      }
      this.synced = true;
      // Every run created before verification began is in the first lists: no template is needed any more.
      for (const t of this.trackers.values()) t.dropTemplate();
      if (this.trackers.size === 0 && this.options.expectJobs === undefined) {
        return await this.result(VerifyOutcome.ERROR, this.options.selector !== undefined
          ? `no Job matches selector '${this.options.selector}' in namespace '${this.options.namespace}'`
          : 'no Job to verify');
      }
      await this.readEvidence();
      this.evaluate();
      const [outcome, summary] = await ended;
      return await this.result(outcome, summary);
    } finally {
      clearTimeout(timer);
      this.stop();
    }
  }

  /** Test hook: makes every watch resume from an expired resourceVersion (the server answers 410 Gone). @internal */
  public forceWatchExpiry(): void {
    for (const r of this.reflectors) r.forceExpiry();
  }

  /** Stops every watch, timer and request in flight. */
  public stop(): void {
    this.stopped = true;
    for (const r of this.reflectors) r.stop();
    for (const controller of this.inFlight) controller.abort();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.kueueRetry) clearTimeout(this.kueueRetry);
    this.connection.close();
  }

  /** Runs `request` with a signal that aborts it after its timeout, at `until`, or on stop(). */
  private async bounded<T>(request: (signal: AbortSignal) => Promise<T>, until = this.deadline): Promise<T> {
    const controller = new AbortController();
    const wait = Math.min(REQUEST_TIMEOUT_MS, until - Date.now());
    if (wait <= 0 || this.stoppedBefore(until)) throw new Error('not started: the deadline has passed');
    const timer = setTimeout(() => controller.abort(), wait);
    this.inFlight.add(controller);
    try {
      return await request(controller.signal);
    } catch (error) {
      throw controller.signal.aborted ? new Error(`no answer within ${Math.round(wait / 1000)} s`) : error;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private stoppedBefore(until: number): boolean {
    return this.stopped && until <= this.deadline;
  }

  private async watchNamespace(namespace: string): Promise<void> {
    const common = { connection: this.connection, requests: this.requests, deadline: this.deadline, requestTimeoutMs: REQUEST_TIMEOUT_MS };
    const jobs = new Reflector<V1Job>({
      ...common,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      labelSelector: this.options.selector,
      onEvent: (type, job) => this.onJob(type, job),
      onDisconnect: error => this.onDisconnect(`${namespace}/jobs`, error),
      onSynced: () => this.onReconnect(`${namespace}/jobs`),
    });
    const pods = new Reflector<V1Pod>({
      ...common,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: 'job-name',
      keepLabels: JOB_NAME_LABELS,
      onEvent: (type, pod) => this.onPod(type, pod),
      onDisconnect: error => this.onDisconnect(`${namespace}/pods`, error),
      onSynced: () => this.onReconnect(`${namespace}/pods`),
    });
    this.reflectors.push(jobs, pods);
    // Jobs first, so that pods find their Job tracked.
    await jobs.start();
    await pods.start();
  }

  /** A watch or list failed: the outage of `watch` begins, or goes on. */
  private onDisconnect(watch: string, error: unknown): void {
    if (this.stopped) return;
    const open = this.outages.findIndex(o => o.watch === watch && o.to === undefined);
    const lastError = describeApiError(error);
    if (open === -1) {
      this.outages.push({ watch, from: new Date().toISOString(), failures: 1, lastError });
    } else {
      this.outages[open] = { ...this.outages[open], failures: this.outages[open].failures + 1, lastError };
    }
  }

  /** A re-list after a failure succeeded: the outage of `watch` is over. */
  private onReconnect(watch: string): void {
    if (this.stopped) return;
    const open = this.outages.findIndex(o => o.watch === watch && o.to === undefined);
    if (open !== -1) this.outages[open] = { ...this.outages[open], to: new Date().toISOString() };
  }

  /** The summary when the cluster never answered a first list: the server, the error, for how long. */
  private unreachable(error?: unknown): string {
    const server = this.connection.server || 'the cluster';
    const failures = this.outages.reduce((n, o) => n + o.failures, 0);
    const last = error !== undefined ? describeApiError(error) : this.outages[this.outages.length - 1]?.lastError ?? 'no answer';
    return `cannot reach the cluster at ${server}: ${last}${failures > 1 ? ` (${failures} failed requests over ${Math.round((Date.now() - this.started) / 1000)} s)` : ''}`;
  }

  private track(target: JobTarget): TargetTracker {
    const key = `${target.namespace}/${target.name}`;
    let t = this.trackers.get(key);
    if (!t) {
      t = new TargetTracker(target, {
        startedAt: this.started,
        replacementGraceMs: this.options.replacementGraceMs ?? REPLACEMENT_GRACE_MS,
        ...(this.options.checkTemplate === false ? { checkTemplate: false } : {}),
        ...(this.options.argoCdVersion ? { argoCdVersion: this.options.argoCdVersion } : {}),
      });
      this.trackers.set(key, t);
    }
    return t;
  }

  private onJob(type: string, job: V1Job): void {
    if (this.stopped) return;
    const name = job.metadata?.name ?? '';
    const namespace = job.metadata?.namespace ?? this.options.namespace;
    let t = this.trackers.get(`${namespace}/${name}`);
    if (!t && this.options.selector !== undefined && type !== 'DELETED') {
      t = this.track(targetOf(job, this.options.namespace, queueOf));
    }
    if (t?.onJob(type, job, Date.now())) {
      if (t.kueueRelevant) this.explainByKueue(t);
      this.evaluate();
    }
  }

  /**
   * A Job that Kueue may explain (queue label, or suspended): asks once whether the cluster serves
   * Kueue's API (a 404 means no Kueue: the Job is reported "suspended, no Kueue", with no other
   * request), then watches the Workloads of its namespace and reads its LocalQueue once.
   */
  private explainByKueue(t: TargetTracker): void {
    if (this.kueueInstalled === undefined) {
      void this.discoverKueue();
      return;
    }
    t.setKueueInstalled(this.kueueInstalled);
    if (!this.kueueInstalled) return;
    this.watchWorkloads(t.target.namespace);
    this.readLocalQueue(t);
  }

  /** One bounded GET of Kueue's discovery document; a failure other than 404 is an outage, retried after a while. */
  private async discoverKueue(): Promise<void> {
    if (this.kueueAsked || this.stopped) return;
    this.kueueAsked = true;
    this.requests.lists++;
    try {
      const resources = await this.bounded(signal => getJson<{ resources?: Array<{ name: string }> }>(this.connection, KUEUE_API_PATH, {}, signal));
      this.kueueInstalled = (resources.resources ?? []).some(r => r.name === 'workloads');
      this.onReconnect(KUEUE_KEYS.API);
    } catch (error) {
      if (statusCode(error) === 404) {
        this.kueueInstalled = false;
        this.onReconnect(KUEUE_KEYS.API);
      } else {
        if (this.stopped) return;
        this.onDisconnect(KUEUE_KEYS.API, error);
        this.kueueRetry = setTimeout(() => {
          this.kueueAsked = false;
          for (const t of this.trackers.values()) if (t.kueueRelevant) return void this.discoverKueue();
        }, KUEUE_RETRY_MS);
        return;
      }
    }
    if (this.stopped) return;
    for (const t of this.trackers.values()) if (t.kueueRelevant) this.explainByKueue(t);
    this.evaluate();
  }

  /** A list + watch of the Workloads of `namespace`, started once. */
  private watchWorkloads(namespace: string): void {
    if (this.workloadNamespaces.has(namespace) || this.stopped) return;
    this.workloadNamespaces.add(namespace);
    const watch = `${namespace}/workloads`;
    const workloads = new Reflector<WorkloadLike & Watched>({
      connection: this.connection, requests: this.requests, deadline: this.deadline, requestTimeoutMs: REQUEST_TIMEOUT_MS,
      path: `${KUEUE_API_PATH}/namespaces/${namespace}/workloads`,
      onEvent: (type, workload) => this.onWorkload(type, workload),
      onDisconnect: error => this.onDisconnect(watch, error),
      onSynced: () => this.onReconnect(watch),
    });
    this.reflectors.push(workloads);
    // It rejects only at the deadline or on stop(), every failure before that is an outage in the report.
    workloads.start().catch(() => undefined);
  }

  private onWorkload(type: string, workload: WorkloadLike): void {
    if (this.stopped || type === 'DELETED') return;
    const owner = workloadOwner(workload);
    const t = owner?.name !== undefined ? this.trackers.get(`${workload.metadata?.namespace}/${owner.name}`) : undefined;
    if (t?.onWorkload(workload, Date.now())) this.evaluate();
  }

  /** The ClusterQueue of the tracker's LocalQueue (`spec.clusterQueue`, which Kueue keeps immutable): one bounded read per LocalQueue. */
  private readLocalQueue(t: TargetTracker): void {
    const queue = t.localQueue;
    if (!queue) return;
    const namespace = t.target.namespace;
    const key = `${namespace}/${queue}`;
    const known = this.localQueues.get(key);
    if (typeof known === 'string') t.setClusterQueue(known);
    if (known !== undefined) return;
    this.requests.lists++;
    this.localQueues.set(key, this.bounded(signal => getJson<{ spec?: { clusterQueue?: string } }>(this.connection, `${KUEUE_API_PATH}/namespaces/${namespace}/localqueues/${queue}`, {}, signal)).then(
      localQueue => {
        const clusterQueue = localQueue.spec?.clusterQueue ?? null;
        this.localQueues.set(key, clusterQueue);
        if (clusterQueue === null || this.stopped) return;
        for (const other of this.trackers.values()) if (other.target.namespace === namespace && other.localQueue === queue) other.setClusterQueue(clusterQueue);
        this.evaluate();
      },
      (error: unknown) => {
        // Missing: the Workload's condition says so (Inadmissible). Anything else: an outage, and read again on the next need.
        if (statusCode(error) === 404) {
          this.localQueues.set(key, null);
        } else {
          this.localQueues.delete(key);
          if (!this.stopped) this.onDisconnect(`${namespace}/localqueues`, error);
        }
      }));
  }

  private onPod(type: string, pod: V1Pod): void {
    if (this.stopped) return;
    const t = this.trackers.get(`${pod.metadata?.namespace}/${jobNameOf(pod)}`);
    if (t?.onPod(type, pod, Date.now())) this.evaluate();
  }

  /**
   * For targets not seen in the first list: what their Events still say (a Job deleted by its TTL
   * or a hook delete policy leaves them for about an hour). One bounded read per namespace.
   */
  private async readEvidence(): Promise<void> {
    const missing = [...this.trackers.values()].filter(t => t.neverSeen);
    const namespaces = [...new Set(missing.map(t => t.target.namespace))];
    await Promise.all(namespaces.map(async namespace => {
      let events: CoreV1Event[];
      try {
        events = (await this.bounded(signal => getJson<{ items: CoreV1Event[] }>(this.connection, `/api/v1/namespaces/${namespace}/events`, { fieldSelector: 'involvedObject.kind=Job', limit: 1000 }, signal))).items;
      } catch (error) {
        this.onDisconnect(`${namespace}/events`, error);
        return;
      }
      for (const t of missing.filter(m => m.target.namespace === namespace)) {
        const evidence = evidenceOf(events.filter(e => e.involvedObject?.name === t.target.name && e.involvedObject?.apiVersion?.startsWith('batch/') !== false));
        if (evidence) t.setEvidence(evidence);
      }
    }));
  }

  /** Decides whether verification is over, and reports progress. */
  private evaluate(): void {
    this.progress();
    if (!this.synced || !this.finish || this.stopped) return;
    const now = Date.now();
    const ended = decide([...this.trackers.values()].map(t => ({ t, v: t.verdict(now) })), this.options);
    if (ended) this.finish(...ended); else this.wakeUpAt(now);
  }

  /** Evaluates again when a target's verdict changes by itself (a grace period ends). */
  private wakeUpAt(now: number): void {
    const next = Math.min(...[...this.trackers.values()].map(t => t.nextChange(now) ?? Infinity));
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = Number.isFinite(next) ? setTimeout(() => this.evaluate(), Math.max(0, next - Date.now()) + 10) : undefined;
  }

  private progress(): void {
    const report = this.options.onProgress;
    if (!report || this.progressTimer || this.stopped) return;
    const wait = Math.max(0, 200 - (Date.now() - this.lastProgress));
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      if (this.stopped) return;
      this.lastProgress = Date.now();
      const now = Date.now();
      report([...this.trackers.values()].map(t => jobReport(t, now, this.started)));
    }, wait);
  }

  private async result(outcome: VerifyOutcome, summary: string): Promise<VerifyResult> {
    this.finish = undefined;
    // The watches end here: from now on only the bounded diagnosis reads below.
    for (const r of this.reflectors) r.stop();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    const until = Math.min(Date.now() + 2 * REQUEST_TIMEOUT_MS, this.deadline + DIAGNOSIS_GRACE_MS);
    const now = Date.now();
    const jobs: JobReport[] = [];
    const diagnosed = [...this.trackers.values()].filter(t => t.current && t.verdict(now).state !== JobState.COMPLETE);
    // Runs that never had a pod have nothing to read again (10,000 queued Jobs: no request).
    const withPods = diagnosed.filter(t => (t.current?.pods?.attempts.size ?? 0) > 0 || (t.current?.job.status?.failed ?? 0) > 0 || (t.current?.job.status?.active ?? 0) > 0);
    await Promise.all([...new Set(withPods.map(t => t.target.namespace))].map(ns => this.freshPods(ns, withPods.filter(t => t.target.namespace === ns), until)));
    this.stopped = true;
    for (const t of this.trackers.values()) {
      const diagnose = diagnosed.includes(t);
      jobs.push(jobReport(t, now, this.started, diagnose ? await this.diagnose(t, until) : undefined));
    }
    for (const controller of this.inFlight) controller.abort();
    return {
      outcome,
      exitCode: EXIT_CODES[outcome],
      summary,
      jobs,
      groups: groupReports(jobs),
      requests: { ...this.requests },
      outages: [...this.outages],
      durationMs: Date.now() - this.started,
      finishedAt: new Date().toISOString(),
    };
  }

  /**
   * One bounded fresh read of the Job pods of a namespace (paginated: requests grow with
   * namespaces, not Jobs), fed to the targets diagnosed: the watch may lag behind the verdict.
   */
  private async freshPods(namespace: string, targets: readonly TargetTracker[], until: number): Promise<void> {
    const byJob = new Map(targets.map(t => [t.target.name, t]));
    let token: string | undefined;
    try {
      do {
        this.requests.lists++;
        const page = await this.bounded(signal => getJson<{ items: V1Pod[]; metadata?: { continue?: string } }>(this.connection, `/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'job-name', limit: 500, continue: token }, signal), until);
        const now = Date.now();
        for (const pod of page.items) byJob.get(jobNameOf(pod) ?? '')?.onPod('MODIFIED', pod, now);
        token = page.metadata?.continue || undefined;
      } while (token);
    } catch {
      // The watch's view stands; the outage (if any) is already in the report.
    }
  }

  /** The run's diagnosis, with the log tails of its first failed pods read before `until`. */
  private async diagnose(t: TargetTracker, until: number): Promise<JobDiagnosis | undefined> {
    const diagnosis = t.current?.pods?.diagnosis;
    if (!diagnosis) return undefined;
    const lines = this.options.logLines ?? 10;
    return diagnosis.finish({
      logLines: lines,
      deadline: Math.min(until, Date.now() + 2 * REQUEST_TIMEOUT_MS),
      readLog: (pod, container, previous, signal) => {
        this.requests.logs++;
        return getText(this.connection, `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/log`, { container, tailLines: lines, previous: previous || undefined }, signal);
      },
    });
  }
}

/** Verifies Jobs: see {@link JobVerifier}. */
export function verifyJobs(options: VerifyOptions): Promise<VerifyResult> {
  return new JobVerifier(options).run();
}
