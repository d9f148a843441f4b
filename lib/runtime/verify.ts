import type { CoreV1Event, KubeConfig, RequestContext, ResponseContext, V1Job, V1Pod } from '@kubernetes/client-node';
import { k8s } from './k8s';
import { clientKubeConfig, describeValue, KubeConfigLike } from './kubeconfig';
import { describeApiError } from './apply';
import { ExitCount, FailedPod, JobDiagnosis } from './diagnosis';

export type { FailedPod } from './diagnosis';
import { ArgoCdHealth, ArgoCdVersion } from './argocd-health';
import { JobTarget, queueOf } from './manifests';
import { PodAttempt } from './pods';
import { Reflector } from './reflector';
import { EarlierRun, JobEvidence, TargetTracker, targetOf } from './tracking';
import { JobState, JobVerdict } from './verdict';

export { type EarlierRun, RunEnd } from './tracking';

/** Options of {@link verifyJobs}. */
export interface VerifyOptions {
  /** How to reach the cluster: {@link loadKubeConfig}, or a `KubeConfig` of your own. */
  readonly kubeConfig: KubeConfigLike;
  /** The Jobs to verify (from manifests). Either this or `selector`. */
  readonly targets?: readonly JobTarget[];
  /** A label selector: every Job that matches it in `namespace` is verified. */
  readonly selector?: string;
  /** Namespace for `selector`, and for targets that name none. */
  readonly namespace: string;
  /**
   * How long verification may take, from the verifier's creation: connecting, listing (retried
   * while the API server cannot be reached), watching, and reading the diagnosis (which gets at
   * most 5 s more). Every request has its own timeout within it.
   */
  readonly timeoutMs: number;
  /** Stop at the first failed Job or stuck pod. @default false */
  readonly failFast?: boolean;
  /**
   * Count a queued or suspended Job as converged (the summary names those that never ran).
   * @default false - a queued or suspended Job is waited for, until the timeout
   */
  readonly allowSuspended?: boolean;
  /**
   * How long a target whose unfinished run was deleted waits for a new run under its name (what
   * Argo CD's `Replace=true` does) before it is `deleted`; also how long a target never seen whose
   * Events say it was deleted before verification began waits before it is `gone`.
   * @default 15000
   */
  readonly replacementGraceMs?: number;
  /**
   * Compare the pod template of a Job created before verification began with the target's
   * (`JobTarget.template`): a Job whose template is not the manifest's is an earlier run
   * (`outdated`), never the answer. Turn it off only where a webhook rewrites fields of every pod
   * template (an image mirror, digest pinning), which makes every earlier-created run look outdated.
   * @default true
   */
  readonly checkTemplate?: boolean;
  /**
   * With `selector`: the number of Jobs to wait for. Jobs of later sync waves are created after
   * the first ones finished; without this, verification ends when the Jobs that match so far
   * converged. @default - the Jobs that match when verification begins, and any that appear before they converged
   */
  readonly expectJobs?: number;
  /** Lines of log to fetch from each failed pod (at most 5 pods a Job); 0 fetches none. @default 10 */
  readonly logLines?: number;
  /** The Argo CD release whose health rules `argoCdHealth` follows. @default ArgoCdVersion.NEWEST */
  readonly argoCdVersion?: ArgoCdVersion;
  /** Called when a Job's state changes (at most every 200 ms), with every Job's report. */
  readonly onProgress?: (jobs: readonly JobReport[]) => void;
}

/** The longest timeout a Node.js timer can wait (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Rejects options a JavaScript caller (or a cast) can get wrong, before anything is watched: each
 * message names the field, the value and the fix. The kube config is checked where it is converted.
 */
function checkVerifyOptions(options: VerifyOptions): void {
  const fail = (field: string, allowed: string, value: unknown, fix: string): never => {
    throw new Error(`VerifyOptions${field ? `.${field}` : ''}: ${allowed}, got ${describeValue(value)}. ${fix}`);
  };
  if (typeof options !== 'object' || options === null) {
    fail('', 'must be an object', options, 'Pass { kubeConfig, targets or selector, namespace, timeoutMs }.');
  }
  const o = options as unknown as Record<string, unknown>;
  if (typeof o.namespace !== 'string' || o.namespace === '') {
    fail('namespace', 'must be a non-empty string', o.namespace, 'Pass the namespace of the Jobs (targets that name none are looked for there).');
  }
  if (typeof o.timeoutMs !== 'number' || !Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0 || o.timeoutMs > MAX_TIMEOUT_MS) {
    fail('timeoutMs', `must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days, the longest a timer waits)`, o.timeoutMs, 'Pass how long to wait for the Jobs, e.g. 10 * 60_000 for 10 minutes.');
  }
  if ((o.targets === undefined) === (o.selector === undefined)) {
    throw new Error(`VerifyOptions.targets, VerifyOptions.selector: give exactly one, got ${o.targets === undefined ? 'neither' : 'both'}. Pass targets (jobTargets(loadManifests(['dist']), namespace)) or a label selector such as 'app=nightly'.`);
  }
  if (o.selector !== undefined && (typeof o.selector !== 'string' || o.selector === '')) {
    fail('selector', 'must be a non-empty label selector', o.selector, "Pass a selector such as 'app=nightly', or targets instead.");
  }
  if (o.targets !== undefined && (!Array.isArray(o.targets) || o.targets.some(t => typeof t?.name !== 'string' || t.name === ''))) {
    fail('targets', 'must be an array of { name, namespace? }', o.targets, "Build them with jobTargets(loadManifests(['dist']), namespace).");
  }
  if (o.logLines !== undefined && (!Number.isInteger(o.logLines) || (o.logLines as number) < 0)) {
    fail('logLines', 'must be a whole number >= 0', o.logLines, 'Pass how many log lines to read from each failed pod (0: none).');
  }
  for (const flag of ['failFast', 'allowSuspended', 'checkTemplate'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(flag, 'must be true or false', o[flag], `Pass a boolean, or leave ${flag} out (false).`);
  }
  if (o.argoCdVersion !== undefined && !(o.argoCdVersion instanceof ArgoCdVersion)) {
    fail('argoCdVersion', 'must be an ArgoCdVersion', o.argoCdVersion, "Pass ArgoCdVersion.of('3.6.1') (the version `argocd version` prints), or leave it out for the newest.");
  }
  if (o.replacementGraceMs !== undefined && (typeof o.replacementGraceMs !== 'number' || !Number.isFinite(o.replacementGraceMs) || o.replacementGraceMs < 0)) {
    fail('replacementGraceMs', 'must be a number of milliseconds >= 0', o.replacementGraceMs, 'Pass how long to wait for a replaced Job\'s new run, e.g. 15_000.');
  }
  if (o.expectJobs !== undefined && (!Number.isInteger(o.expectJobs) || (o.expectJobs as number) < 1 || o.selector === undefined)) {
    fail('expectJobs', 'must be a whole number >= 1, with selector', o.expectJobs, 'Pass how many Jobs the selector must match, and a selector; with targets, every target is waited for anyway.');
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    fail('onProgress', 'must be a function', o.onProgress, 'Pass (jobs) => { ... }, or leave it out.');
  }
}


/** Per-Job statistics. */
export interface JobStats {
  /** Pods the Job created (distinct pods seen, or the controller's counts if higher). */
  readonly podsCreated: number;
  /** Most of its pods seen running at once (pods being deleted are not counted: see maxTerminating). */
  readonly maxRunning: number;
  /**
   * Most of its pods seen terminating at once: deleted (by the Job controller after the verdict,
   * past a deadline, or by anyone) but not yet ended. With `podReplacementPolicy: Failed` the
   * controller creates no replacement until they end.
   */
  readonly maxTerminating: number;
  /** Failed pods plus container restarts (restartPolicy OnFailure). */
  readonly failedAttempts: number;
  /** From the Job's start to its end (or to now). */
  readonly durationSeconds?: number;
}

/** What a timeline of the Job's pods needs (see `htmlReport`). Times in ms since the epoch. */
export interface JobTimeline {
  /** The Job's `status.startTime`. */
  readonly startedAt?: number;
  /** `spec.activeDeadlineSeconds`. */
  readonly activeDeadlineSeconds?: number;
  /** `spec.completionMode` (`Indexed` or `NonIndexed`). */
  readonly completionMode?: string;
  /** `spec.completions` (none for a work queue without a fixed count). */
  readonly completions?: number;
  /** `spec.parallelism`. */
  readonly parallelism?: number;
  /** When each condition the verdict reads turned True: Complete, Failed, SuccessCriteriaMet, FailureTarget, Suspended. */
  readonly conditions: ReadonlyArray<{ readonly type: string; readonly reason?: string; readonly at: number }>;
  /** Every pod the Job created, in creation order. */
  readonly pods: readonly PodAttempt[];
}

/** The verifier's report on one Job. */
export interface JobReport {
  /** The Job's `metadata.name`. */
  readonly name: string;
  /** The Job's namespace. */
  readonly namespace: string;
  /** The Job's `job-patterns.cdk8s.io/pattern` annotation, when present. */
  readonly pattern?: string;
  /** The Job's template-expansion group (`job-patterns.cdk8s.io/group` label), when present. */
  readonly group?: string;
  /** The work queue the Job reads (see {@link JobTarget.queue}). */
  readonly queue?: string;
  /**
   * Where the run of this change stands: `missing` until a Job of the name is seen, `outdated`
   * while the Job under the name is an earlier run, then the run's own state. A run replaced by a
   * newer Job object of the same name is listed in `earlierRuns`, and the newer one is judged.
   */
  readonly verdict: JobVerdict;
  /** The `metadata.uid` of the run judged (the Job object), once seen. */
  readonly uid?: string;
  /** Runs under the name that were replaced by a newer object or deleted before they finished, oldest first (at most 10). */
  readonly earlierRuns: readonly EarlierRun[];
  /** Earlier runs left out of `earlierRuns`. */
  readonly earlierRunsOmitted: number;
  /** True when the run had finished before verification began: it matches the manifest, but nothing was watched happening. */
  readonly finishedBeforeVerification?: boolean;
  /** `spec.managedBy`, when another controller than the built-in one manages the Job (it writes the status judged). */
  readonly managedBy?: string;
  /** For a queued or suspended Job: since when (ISO 8601), and the Kueue LocalQueue it waits in (label `kueue.x-k8s.io/queue-name`). */
  readonly suspension?: { readonly since?: string; readonly kueueQueue?: string };
  /** Counts of its pods, and its duration. */
  readonly stats: JobStats;
  /**
   * Failed pods of the judged run (a container exited non-zero, or the pod was evicted, disrupted
   * or refused), at most 20, with the log tails of the first 5 when read in time. Only in the final
   * result, for a Job that did not complete (read again from the API server after the verdict):
   * empty in `onProgress` reports.
   */
  readonly failedPods: readonly FailedPod[];
  /** Failed pods seen beyond those in `failedPods` (they are counted in `exitCounts`). */
  readonly failedPodsOmitted: number;
  /**
   * Failed runs by exit code (per container) and failed pods by pod-level reason (Evicted,
   * EvictionByEvictionAPI, ...), over every failed pod seen, listed or not; most frequent first.
   */
  readonly exitCounts: readonly ExitCount[];
  /** Pods stuck in ImagePullBackOff, CrashLoopBackOff, Unschedulable, ... */
  readonly stuckPods: ReadonlyArray<{ readonly name: string; readonly reason: string; readonly message?: string }>;
  /** When the controller set the terminal condition. */
  readonly terminalAt?: string;
  /** When the verifier reached its verdict. */
  readonly verdictAt?: string;
  /**
   * Argo CD's health of the Job ({@link argoCdJobHealth}) from the last Job object seen (kept
   * after the Job was deleted); undefined when it was never seen. It can disagree with `verdict`:
   * a resumed Job is Healthy to Argo CD while it still runs.
   */
  readonly argoCdHealth?: ArgoCdHealth;
  /** The Job's pods over time. */
  readonly timeline: JobTimeline;
}

/** A template-expansion group: converged when every member completed. */
export interface GroupReport {
  /** The group's name (`job-patterns.cdk8s.io/group` label). */
  readonly group: string;
  /** The namespace of its Jobs: a group is counted per namespace. */
  readonly namespace: string;
  /** Its Jobs that were verified. */
  readonly members: number;
  /** Members whose state is `complete`. */
  readonly complete: number;
  /** Members whose state is `failed`. */
  readonly failed: number;
  /** Members deleted before they finished (state `deleted`). */
  readonly deleted: number;
  /** Members that cannot be judged (state `gone`). */
  readonly gone: number;
  /** Members still on their way: missing, outdated, queued, suspended, managed elsewhere, pending or running. `complete + failed + deleted + gone + unfinished = members`. */
  readonly unfinished: number;
  /** True when every member is complete. */
  readonly converged: boolean;
}

/** How verification ended. */
export enum VerifyOutcome {
  /** Every Job converged. Exit code 0. */
  CONVERGED = 'converged',
  /** A Job failed, or was deleted before finishing and not replaced. Exit code 1. */
  FAILED = 'failed',
  /** Time ran out: a Job still runs, waits in a queue, or was never seen. Exit code 2. */
  TIMEOUT = 'timeout',
  /** The cluster could not be reached until the timeout, or nothing matched. Exit code 3. */
  ERROR = 'error',
  /**
   * No Job failed, but a Job's run cannot be judged: it finished and was deleted before
   * verification began (its TTL, a hook delete policy), or it is a hook Argo CD skips. Exit code 4.
   */
  UNVERIFIABLE = 'unverifiable',
}

/** Exit codes of the CLI, by outcome. */
export const EXIT_CODES: Record<VerifyOutcome, number> = {
  [VerifyOutcome.CONVERGED]: 0,
  [VerifyOutcome.FAILED]: 1,
  [VerifyOutcome.TIMEOUT]: 2,
  [VerifyOutcome.ERROR]: 3,
  [VerifyOutcome.UNVERIFIABLE]: 4,
};

/** A time the verifier could not reach the API server (its watches and re-lists failed). */
export interface Outage {
  /** What it watched: `<namespace>/jobs` or `<namespace>/pods`. */
  readonly watch: string;
  /** When the first request failed (ms since the epoch). */
  readonly from: number;
  /** When a re-list succeeded again (ms since the epoch); undefined while it lasts. */
  readonly to?: number;
  /** Failed requests in it. */
  readonly failures: number;
  /** The last error, as the client said it. */
  readonly lastError: string;
}

/** The result of a verification. */
export interface VerifyResult {
  /** How verification ended. */
  readonly outcome: VerifyOutcome;
  /** The CLI's exit code for `outcome` ({@link EXIT_CODES}). */
  readonly exitCode: number;
  /** Why it ended that way, in one sentence. */
  readonly summary: string;
  /** A report per Job, in the order of `targets` (with `selector`: as first seen). */
  readonly jobs: readonly JobReport[];
  /** A report per template-expansion group among the Jobs (none when no Job has a group). */
  readonly groups: readonly GroupReport[];
  /** API requests made: lists and watches (and log reads for failed pods). */
  readonly requests: { readonly lists: number; readonly watches: number; readonly logs: number };
  /** The times the API server could not be reached while watching (restarts, network), in order. */
  readonly outages: readonly Outage[];
  /** How long verification took, in ms (counted from the verifier's creation, like the timeout). */
  readonly durationMs: number;
  /** When verification ended (ms since the epoch): the timeline's "now" for pods still running. */
  readonly finishedAt: number;
}

const TIMELINE_CONDITIONS = ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget', 'Suspended'];
/** Each list page, event read, pod read and log read gives up after this long (and never runs past the deadline). */
const REQUEST_TIMEOUT_MS = 10_000;
/** What the diagnosis after a verdict (a fresh read of the pods, their logs) may take past the deadline. */
const DIAGNOSIS_GRACE_MS = 5_000;
/** The default of {@link VerifyOptions.replacementGraceMs}. */
const REPLACEMENT_GRACE_MS = 15_000;
/** Reasons the Job controller gives a failed Job's Warning event (as its Failed condition). */
const FAILURE_EVENT_REASONS = /^(BackoffLimitExceeded|DeadlineExceeded|PodFailurePolicy.*|MaxFailedIndexesExceeded|FailedIndexes)$/;

/**
 * The options of one request of the generated client: its signal aborts it (the client has no
 * timeout of its own, and a request in flight keeps the process alive). The object-parameter API
 * takes the client's Observable middleware.
 */
function withSignal(signal: AbortSignal) {
  return {
    middleware: [{
      pre: (context: RequestContext) => { context.setSignal(signal); return new k8s.Observable(Promise.resolve(context)); },
      post: (response: ResponseContext) => new k8s.Observable(Promise.resolve(response)),
    }],
    middlewareMergeStrategy: 'append' as const,
  };
}

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
  private readonly started = Date.now();
  private readonly deadline: number;
  private readonly kc: KubeConfig;
  /** Requests in flight: `stop()` aborts them. */
  private readonly inFlight = new Set<AbortController>();
  private finish?: (outcome: VerifyOutcome, summary: string) => void;
  private lastProgress = 0;
  /** False until every namespace's initial lists are in: no verdict on a partial list. */
  private synced = false;
  private stopped = false;
  private progressTimer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;

  constructor(private readonly options: VerifyOptions) {
    checkVerifyOptions(options);
    this.kc = clientKubeConfig(options.kubeConfig, 'VerifyOptions.kubeConfig');
    this.deadline = this.started + options.timeoutMs;
    for (const target of options.targets ?? []) {
      this.track(target);
    }
  }

  /** Runs the verification to its end: at the latest at the deadline, plus a few seconds for the diagnosis. */
  public async run(): Promise<VerifyResult> {
    const namespaces = this.options.targets
      ? [...new Set(this.options.targets.map(t => t.namespace))]
      : [this.options.namespace];
    const ended = new Promise<[VerifyOutcome, string]>(resolve => { this.finish = (o, s) => resolve([o, s]); });
    const timer = setTimeout(() => this.finish?.(...this.timedOut()), Math.max(0, this.deadline - Date.now()));
    try {
      // The first lists are retried until the deadline; the deadline (or a failure) may come first.
      const connected = Promise.all(namespaces.map(ns => this.watchNamespace(ns)))
        .then(() => ({ kind: 'listed' as const }), (error: unknown) => ({ kind: 'failed' as const, error }));
      const first = await Promise.race([connected, ended.then(() => ({ kind: 'deadline' as const }))]);
      if (first.kind === 'deadline') {
        return await this.result(VerifyOutcome.ERROR, this.unreachable());
      }
      if (first.kind === 'failed') {
        return await this.result(VerifyOutcome.ERROR, this.unreachable(first.error));
      }
      this.synced = true;
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
    const kc = this.kc;
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const selector = this.options.selector;
    const common = { kubeConfig: kc, requests: this.requests, deadline: this.deadline, requestTimeoutMs: REQUEST_TIMEOUT_MS };
    const jobs = new Reflector<V1Job>({
      ...common,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      labelSelector: selector,
      list: async ({ limit, continue: token, signal }) => {
        const list = await batch.listNamespacedJob({ namespace, limit, ...(token ? { _continue: token } : {}), ...(selector ? { labelSelector: selector } : {}) }, withSignal(signal));
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', ...(list.metadata?._continue ? { continue: list.metadata._continue } : {}) };
      },
      onEvent: (type, job) => this.onJob(type, job),
      onDisconnect: error => this.onDisconnect(`${namespace}/jobs`, error),
      onSynced: () => this.onReconnect(`${namespace}/jobs`),
    });
    const pods = new Reflector<V1Pod>({
      ...common,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: 'job-name',
      list: async ({ limit, continue: token, signal }) => {
        const list = await core.listNamespacedPod({ namespace, labelSelector: 'job-name', limit, ...(token ? { _continue: token } : {}) }, withSignal(signal));
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', ...(list.metadata?._continue ? { continue: list.metadata._continue } : {}) };
      },
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
      this.outages.push({ watch, from: Date.now(), failures: 1, lastError });
    } else {
      this.outages[open] = { ...this.outages[open], failures: this.outages[open].failures + 1, lastError };
    }
  }

  /** A re-list after a failure succeeded: the outage of `watch` is over. */
  private onReconnect(watch: string): void {
    if (this.stopped) return;
    const open = this.outages.findIndex(o => o.watch === watch && o.to === undefined);
    if (open !== -1) this.outages[open] = { ...this.outages[open], to: Date.now() };
  }

  /** The summary when the cluster never answered a first list: the server, the error, for how long. */
  private unreachable(error?: unknown): string {
    const server = this.kc.getCurrentCluster()?.server ?? 'the cluster';
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
    if (t?.onJob(type, job, Date.now())) this.evaluate();
  }

  private onPod(type: string, pod: V1Pod): void {
    if (this.stopped) return;
    const labels = pod.metadata?.labels ?? {};
    const jobName = labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
    const t = this.trackers.get(`${pod.metadata?.namespace}/${jobName}`);
    if (t?.onPod(type, pod, Date.now())) this.evaluate();
  }

  /**
   * For targets not seen in the first list: what their Events still say (a Job deleted by its TTL
   * or a hook delete policy leaves them for about an hour). One bounded read per namespace.
   */
  private async readEvidence(): Promise<void> {
    const missing = [...this.trackers.values()].filter(t => t.neverSeen);
    const namespaces = [...new Set(missing.map(t => t.target.namespace))];
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    await Promise.all(namespaces.map(async namespace => {
      let events: CoreV1Event[];
      try {
        events = (await this.bounded(signal => core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.kind=Job', limit: 1000 }, withSignal(signal)))).items;
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

  /** The outcome and summary at the deadline: what is still awaited, and an outage if one lasts. */
  private timedOut(): [VerifyOutcome, string] {
    const now = Date.now();
    const open = this.outages.find(o => o.to === undefined);
    const waiting = [...this.trackers.values()].map(t => ({ t, v: t.verdict(now) })).filter(({ v }) => !v.terminal);
    const shown = waiting.slice(0, 5).map(({ t, v }) => `${t.target.name} ${this.waitingFor(t, v)}`);
    const more = waiting.length > shown.length ? ` and ${waiting.length - shown.length} more` : '';
    return [VerifyOutcome.TIMEOUT, `timed out after ${Math.round(this.options.timeoutMs / 1000)} s${waiting.length > 0 ? `, still waiting for ${shown.join('; ')}${more}` : ''}`
      + `${open ? `, with the API server unreachable for the last ${Math.round((now - open.from) / 1000)} s (${open.lastError})` : ''}`];
  }

  /** What a target is waiting for, in a few words: its state, and the queue or manager or hint. */
  private waitingFor(t: TargetTracker, v: JobVerdict): string {
    const s = t.suspension();
    switch (v.state) {
      case JobState.QUEUED: return `queued${s?.kueueQueue ? ` in Kueue LocalQueue ${s.kueueQueue}` : ''}${s?.since ? ` since ${s.since}` : ''} (never admitted or resumed)`;
      case JobState.SUSPENDED: return `suspended again after it ran${s?.kueueQueue ? ` (Kueue LocalQueue ${s.kueueQueue}: preempted or evicted)` : ''}${s?.since ? ` since ${s.since}` : ''}`;
      case JobState.MANAGED_ELSEWHERE: return `managed by ${t.current?.job.spec?.managedBy}, which wrote no Complete or Failed`;
      case JobState.OUTDATED: return 'outdated: the Job under its name is an earlier run, and the run of this change never came';
      case JobState.MISSING: return v.reason === 'Replacing' ? 'missing: deleted, waiting for its new run' : 'missing: never seen (not synced yet? its Events show nothing either)';
      default: return v.state;
    }
  }

  /** Decides whether verification is over, and reports progress. */
  private evaluate(): void {
    this.progress();
    if (!this.synced || !this.finish || this.stopped) return;
    const now = Date.now();
    const all = [...this.trackers.values()].map(t => ({ t, v: t.verdict(now) }));
    const name = ({ t, v }: { t: TargetTracker; v: JobVerdict }) => `${t.target.name} ${v.state}${v.reason ? ` (${v.reason})` : ''}`;
    if (this.options.failFast) {
      const failed = all.find(({ v }) => v.terminal && (v.state === JobState.FAILED || v.state === JobState.DELETED));
      if (failed) return this.finish(VerifyOutcome.FAILED, `Job ${name(failed)}`);
      const stuck = all.find(({ t }) => (t.current?.stuck.size ?? 0) > 0);
      if (stuck) {
        const pod = [...stuck.t.current!.stuck.values()][0];
        return this.finish(VerifyOutcome.FAILED, `pod ${pod.name} of Job ${stuck.t.target.name} is stuck: ${pod.reason}`);
      }
    }
    const held = (v: JobVerdict) => this.options.allowSuspended === true && (v.state === JobState.QUEUED || v.state === JobState.SUSPENDED);
    const expected = this.options.expectJobs ?? 0;
    const settled = all.length >= expected && all.every(({ v }) => v.terminal || held(v));
    if (!settled) return this.wakeUpAt(now);
    const bad = all.filter(({ v }) => v.state === JobState.FAILED || v.state === JobState.DELETED);
    const gone = all.filter(({ v }) => v.state === JobState.GONE);
    const waiting = all.filter(({ v }) => held(v));
    if (bad.length > 0) {
      this.finish(VerifyOutcome.FAILED, `${bad.length} of ${all.length} Job(s) did not converge: ${bad.map(name).join(', ')}`);
    } else if (gone.length > 0) {
      this.finish(VerifyOutcome.UNVERIFIABLE, `${gone.length} of ${all.length} Job(s) cannot be verified: ${gone.map(name).join(', ')}`);
    } else {
      const neverRan = waiting.filter(({ v }) => v.state === JobState.QUEUED);
      this.finish(VerifyOutcome.CONVERGED, `${all.length} Job(s) converged${waiting.length > 0
        ? `, ${waiting.length} of them only because --allow-suspended counts ${waiting.length === 1 ? 'it' : 'them'} (${waiting.map(name).join(', ')})${neverRan.length > 0 ? `; ${neverRan.length} never ran` : ''}`
        : ''}`);
    }
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
      report([...this.trackers.values()].map(t => this.report(t, now)));
    }, wait);
  }

  private report(t: TargetTracker, now: number, diagnosis?: JobDiagnosis): JobReport {
    const run = t.current;
    const verdict = t.verdict(now);
    const s = run?.job.status ?? {};
    const restarts = [...(run?.restarts.values() ?? [])].reduce((a, b) => a + b, 0);
    // Pods the controller saw end but has not counted yet (it counts them once their tracking
    // finalizer is removed; an early verdict can come before that).
    const failed = (s.failed ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
    const succeeded = (s.succeeded ?? 0) + (s.uncountedTerminatedPods?.succeeded?.length ?? 0);
    const terminalCondition = s.conditions?.find(c => ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget'].includes(c.type) && c.status === 'True');
    const end = s.completionTime ?? terminalCondition?.lastTransitionTime;
    const start = s.startTime;
    const terminalAt = terminalCondition?.lastTransitionTime ? new Date(terminalCondition.lastTransitionTime).getTime() : undefined;
    const earlier = t.earlier;
    const managedBy = run?.job.spec?.managedBy;
    const suspended = verdict.state === JobState.QUEUED || verdict.state === JobState.SUSPENDED;
    return {
      name: t.target.name,
      namespace: t.target.namespace,
      ...(t.target.pattern ? { pattern: t.target.pattern } : {}),
      ...(t.target.group ? { group: t.target.group } : {}),
      ...(t.target.queue ? { queue: t.target.queue } : {}),
      verdict,
      ...(run ? { uid: run.uid } : {}),
      earlierRuns: earlier.runs,
      earlierRunsOmitted: earlier.omitted,
      // The API server's timestamps have whole seconds: a run that ended in the verifier's first second is not "before".
      ...(verdict.terminal && terminalAt !== undefined && terminalAt < this.started - 1000 ? { finishedBeforeVerification: true } : {}),
      ...(managedBy && verdict.state !== JobState.MISSING ? managedByField(managedBy) : {}),
      ...(suspended ? { suspension: t.suspension() ?? {} } : {}),
      stats: {
        podsCreated: Math.max(run?.pods.size ?? 0, succeeded + failed + (s.active ?? 0)),
        maxRunning: run?.maxRunning ?? 0,
        maxTerminating: run?.maxTerminating ?? 0,
        failedAttempts: failed + restarts,
        ...(start ? { durationSeconds: Math.round(((end ? new Date(end).getTime() : now) - new Date(start).getTime()) / 1000) } : {}),
      },
      failedPods: diagnosis?.failedPods ?? [],
      failedPodsOmitted: diagnosis?.failedPodsOmitted ?? 0,
      exitCounts: diagnosis?.exitCounts ?? [],
      stuckPods: [...(run?.stuck.values() ?? [])],
      ...(terminalAt !== undefined ? { terminalAt: new Date(terminalAt).toISOString() } : {}),
      ...(run?.verdictAt !== undefined && verdict.terminal ? { verdictAt: new Date(run.verdictAt).toISOString() } : {}),
      ...(run?.argoCdHealth ? { argoCdHealth: run.argoCdHealth } : {}),
      timeline: timeline(t),
    };
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
    const withPods = diagnosed.filter(t => (t.current?.pods.size ?? 0) > 0 || (t.current?.job.status?.failed ?? 0) > 0 || (t.current?.job.status?.active ?? 0) > 0);
    await Promise.all([...new Set(withPods.map(t => t.target.namespace))].map(ns => this.freshPods(ns, withPods.filter(t => t.target.namespace === ns), until)));
    this.stopped = true;
    for (const t of this.trackers.values()) {
      const diagnose = diagnosed.includes(t);
      jobs.push(this.report(t, now, diagnose ? await this.diagnose(t, until) : undefined));
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
      finishedAt: Date.now(),
    };
  }

  /**
   * One bounded fresh read of the Job pods of a namespace (paginated: requests grow with
   * namespaces, not Jobs), fed to the targets diagnosed: the watch may lag behind the verdict.
   */
  private async freshPods(namespace: string, targets: readonly TargetTracker[], until: number): Promise<void> {
    const byJob = new Map(targets.map(t => [t.target.name, t]));
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    let token: string | undefined;
    try {
      do {
        this.requests.lists++;
        const page = await this.bounded(signal => core.listNamespacedPod({ namespace, labelSelector: 'job-name', limit: 500, ...(token ? { _continue: token } : {}) }, withSignal(signal)), until);
        const now = Date.now();
        for (const pod of page.items) {
          const labels = pod.metadata?.labels ?? {};
          byJob.get(labels['batch.kubernetes.io/job-name'] ?? labels['job-name'])?.onPod('MODIFIED', pod, now);
        }
        token = page.metadata?._continue || undefined;
      } while (token);
    } catch {
      // The watch's view stands; the outage (if any) is already in the report.
    }
  }

  /** The run's diagnosis, with the log tails of its first failed pods read before `until`. */
  private async diagnose(t: TargetTracker, until: number): Promise<JobDiagnosis | undefined> {
    const run = t.current;
    if (!run) return undefined;
    const lines = this.options.logLines ?? 10;
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    return run.diagnosis.finish({
      logLines: lines,
      deadline: Math.min(until, Date.now() + 2 * REQUEST_TIMEOUT_MS),
      readLog: (pod, container, previous, signal) => {
        this.requests.logs++;
        return core.readNamespacedPodLog({ name: pod.name, namespace: pod.namespace, container, tailLines: lines, ...(previous ? { previous } : {}) }, withSignal(signal));
      },
    });
  }
}

/** A report per template-expansion group (per namespace) among the Jobs: its members counted by where they stand. @internal */
export function groupReports(jobs: readonly JobReport[]): GroupReport[] {
  const groups = new Map<string, GroupReport>();
  for (const job of jobs.filter(j => j.group !== undefined)) {
    const key = `${job.namespace}/${job.group}`;
    const g = groups.get(key) ?? { group: job.group!, namespace: job.namespace, members: 0, complete: 0, failed: 0, deleted: 0, gone: 0, unfinished: 0, converged: false };
    const state = job.verdict.state;
    const next = {
      ...g,
      members: g.members + 1,
      complete: g.complete + (state === JobState.COMPLETE ? 1 : 0),
      failed: g.failed + (state === JobState.FAILED ? 1 : 0),
      deleted: g.deleted + (state === JobState.DELETED ? 1 : 0),
      gone: g.gone + (state === JobState.GONE ? 1 : 0),
      unfinished: g.unfinished + (job.verdict.terminal ? 0 : 1),
    };
    groups.set(key, { ...next, converged: next.complete === next.members });
  }
  return [...groups.values()];
}

function managedByField(managedBy: string): { managedBy?: string } {
  return managedBy === 'kubernetes.io/job-controller' ? {} : { managedBy };
}

function timeline(t: TargetTracker): JobTimeline {
  const run = t.current;
  const spec = run?.job.spec ?? {};
  const status = run?.job.status;
  const at = (time: Date | string | undefined) => (time === undefined ? undefined : new Date(time).getTime());
  const conditions = (status?.conditions ?? [])
    .filter(c => c.status === 'True' && TIMELINE_CONDITIONS.includes(c.type) && c.lastTransitionTime !== undefined)
    .map(c => ({ type: c.type, ...(c.reason ? { reason: c.reason } : {}), at: at(c.lastTransitionTime)! }));
  return {
    ...(status?.startTime ? { startedAt: at(status.startTime) } : {}),
    ...(spec.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: spec.activeDeadlineSeconds } : {}),
    ...(spec.completionMode ? { completionMode: spec.completionMode } : {}),
    ...(spec.completions !== undefined && spec.completions !== null ? { completions: spec.completions } : {}),
    ...(spec.parallelism !== undefined && spec.parallelism !== null ? { parallelism: spec.parallelism } : {}),
    conditions,
    pods: [...(run?.pods.values() ?? [])].sort((a, b) => a.createdAt - b.createdAt),
  };
}

/** What a target's Events say, if they say it existed: the last event, and whether it ended. */
function evidenceOf(events: readonly CoreV1Event[]): JobEvidence | undefined {
  const when = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...events].sort((a, b) => when(a) - when(b));
  const last = sorted[sorted.length - 1];
  if (!last) return undefined;
  const endedEvent = [...sorted].reverse().find(e => e.reason === 'Completed' || FAILURE_EVENT_REASONS.test(e.reason ?? ''));
  return {
    ...(last.involvedObject?.uid ? { uid: last.involvedObject.uid } : {}),
    lastReason: last.reason ?? 'unknown',
    lastAt: when(last),
    ...(endedEvent ? { ended: { complete: endedEvent.reason === 'Completed', reason: endedEvent.reason!, at: when(endedEvent) } } : {}),
  };
}

/** Verifies Jobs: see {@link JobVerifier}. */
export function verifyJobs(options: VerifyOptions): Promise<VerifyResult> {
  return new JobVerifier(options).run();
}
