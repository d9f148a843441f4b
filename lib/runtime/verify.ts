import type { KubeConfig, V1Job, V1Pod } from '@kubernetes/client-node';
import { k8s } from './k8s';
import { clientKubeConfig, describeValue, KubeConfigLike } from './kubeconfig';
import { JobPatternLabels } from '../core/labels';
import { describeApiError } from './apply';
import type { ExitCount } from './diagnosis';
import { ArgoCdHealth, argoCdJobHealth, ArgoCdVersion } from './argocd-health';
import { JobTarget, queueOf } from './manifests';
import { ContainerExit, PodAttempt, podAttempt, PodSummary, summarizePod } from './pods';
import { Reflector } from './reflector';
import { JobLike, JobState, JobVerdict, judgeDeleted, judgeJob } from './verdict';

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
  /** How long to wait for every Job to converge. */
  readonly timeoutMs: number;
  /** Stop at the first failed Job or stuck pod. @default false */
  readonly failFast?: boolean;
  /** Count a suspended Job as converged. @default false */
  readonly allowSuspended?: boolean;
  /** Lines of log to fetch from each failed pod (at most 5 pods a Job); 0 fetches none. @default 10 */
  readonly logLines?: number;
  /** The Argo CD release whose health rules `argoCdHealth` follows. @default ArgoCdVersion.NEWEST */
  readonly argoCdVersion?: ArgoCdVersion;
  /** Called when a Job's state changes (at most every 200 ms), with every Job's report. */
  readonly onProgress?: (jobs: readonly JobReport[]) => void;
}

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
  if (typeof o.timeoutMs !== 'number' || !Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) {
    fail('timeoutMs', 'must be a number of milliseconds > 0', o.timeoutMs, 'Pass how long to wait for the Jobs, e.g. 10 * 60_000 for 10 minutes.');
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
  for (const flag of ['failFast', 'allowSuspended'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(flag, 'must be true or false', o[flag], `Pass a boolean, or leave ${flag} out (false).`);
  }
  if (o.argoCdVersion !== undefined && !(o.argoCdVersion instanceof ArgoCdVersion)) {
    fail('argoCdVersion', 'must be an ArgoCdVersion', o.argoCdVersion, "Pass ArgoCdVersion.of('3.6.1') (the version `argocd version` prints), or leave it out for the newest.");
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    fail('onProgress', 'must be a function', o.onProgress, 'Pass (jobs) => { ... }, or leave it out.');
  }
}

/** A failed pod of a Job, for the diagnosis. */
export interface FailedPod {
  /** The pod's name. */
  readonly name: string;
  /** Its containers' non-zero exits: each one's last run and, if it restarted, the run before (native sidecars left out). */
  readonly exits: readonly ContainerExit[];
  /** The last lines of its log, when the cluster still has them (read for a Job's first 5 failed pods only). */
  readonly logTail?: readonly string[];
  /** Why reading its log failed (absent, with no `logTail`, for a pod whose log was not read). */
  readonly logError?: string;
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
  /** The latest verdict (`missing` until the Job is seen); once terminal it stays, whatever a new Job of the same name does. */
  readonly verdict: JobVerdict;
  /** Counts of its pods, and its duration. */
  readonly stats: JobStats;
  /**
   * Pods with a container that exited non-zero (at most 20), with their logs when fetched. Only in
   * the final result, for a Job that did not complete: empty in `onProgress` reports.
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
  /** Members whose state is `failed` or `deleted`. */
  readonly failed: number;
  /** True when every member is complete. */
  readonly converged: boolean;
}

/** How verification ended. */
export enum VerifyOutcome {
  /** Every Job converged. Exit code 0. */
  CONVERGED = 'converged',
  /** A Job failed, was deleted before finishing, or is suspended. Exit code 1. */
  FAILED = 'failed',
  /** Time ran out. Exit code 2. */
  TIMEOUT = 'timeout',
  /** The cluster could not be reached, or nothing matched. Exit code 3. */
  ERROR = 'error',
}

/** Exit codes of the CLI, by outcome. */
export const EXIT_CODES: Record<VerifyOutcome, number> = {
  [VerifyOutcome.CONVERGED]: 0,
  [VerifyOutcome.FAILED]: 1,
  [VerifyOutcome.TIMEOUT]: 2,
  [VerifyOutcome.ERROR]: 3,
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
  /** How long verification took, in ms (counted from the verifier's creation). */
  readonly durationMs: number;
  /** When verification ended (ms since the epoch): the timeline's "now" for pods still running. */
  readonly finishedAt: number;
}

const MAX_FAILED_PODS_KEPT = 20;
const TIMELINE_CONDITIONS = ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget', 'Suspended'];
const MAX_LOGGED_PODS = 5;

interface Tracked {
  readonly target: JobTarget;
  uid?: string;
  verdict: JobVerdict;
  status?: V1Job['status'];
  spec?: V1Job['spec'];
  argoCdHealth?: ArgoCdHealth;
  /** By pod uid. */
  readonly pods: Map<string, PodAttempt>;
  readonly running: Set<string>;
  maxRunning: number;
  readonly terminating: Set<string>;
  maxTerminating: number;
  readonly restarts: Map<string, number>;
  readonly failedPods: Map<string, PodSummary>;
  readonly stuck: Map<string, { name: string; reason: string; message?: string }>;
  verdictAt?: Date;
}

/**
 * Watches Jobs until each converged as its pattern says, failed, or time ran out. One list+watch
 * of Jobs and one of Job pods per namespace, whatever the number of Jobs.
 */
export class JobVerifier {
  private readonly tracked = new Map<string, Tracked>();
  private readonly reflectors: Array<Reflector<any>> = [];
  private readonly requests = { lists: 0, watches: 0, logs: 0 };
  private readonly outages: Outage[] = [];
  private readonly started = Date.now();
  private readonly kc: KubeConfig;
  private finish?: (outcome: VerifyOutcome, summary: string) => void;
  private lastProgress = 0;
  /** False until every namespace's initial lists are in: no verdict on a partial list. */
  private synced = false;
  private progressTimer?: NodeJS.Timeout;

  constructor(private readonly options: VerifyOptions) {
    checkVerifyOptions(options);
    this.kc = clientKubeConfig(options.kubeConfig, 'VerifyOptions.kubeConfig');
    for (const target of options.targets ?? []) {
      this.track(target);
    }
  }

  /** Runs the verification to its end. */
  public async run(): Promise<VerifyResult> {
    const namespaces = this.options.targets
      ? [...new Set(this.options.targets.map(t => t.namespace))]
      : [this.options.namespace];
    const ended = new Promise<[VerifyOutcome, string]>(resolve => { this.finish = (o, s) => resolve([o, s]); });
    const timer = setTimeout(() => {
      const open = this.outages.find(o => o.to === undefined);
      this.finish?.(VerifyOutcome.TIMEOUT, `timed out after ${Math.round(this.options.timeoutMs / 1000)} s${open ? `, with the API server unreachable for the last ${Math.round((Date.now() - open.from) / 1000)} s (${open.lastError})` : ''}`);
    }, this.options.timeoutMs);
    try {
      try {
        await Promise.all(namespaces.map(ns => this.watchNamespace(ns)));
      } catch (error) {
        return await this.result(VerifyOutcome.ERROR, `cannot reach the cluster: ${describeApiError(error)}`);
      }
      this.synced = true;
      if (this.tracked.size === 0) {
        return await this.result(VerifyOutcome.ERROR, this.options.selector !== undefined
          ? `no Job matches selector '${this.options.selector}' in namespace '${this.options.namespace}'`
          : 'no Job to verify');
      }
      this.evaluate();
      const [outcome, summary] = await ended;
      return await this.result(outcome, summary);
    } finally {
      clearTimeout(timer);
      if (this.progressTimer) clearTimeout(this.progressTimer);
      this.stop();
    }
  }

  /** Test hook: makes every watch resume from an expired resourceVersion (the server answers 410 Gone). */
  public forceWatchExpiry(): void {
    for (const r of this.reflectors) r.forceExpiry();
  }

  /** Stops every watch. */
  public stop(): void {
    for (const r of this.reflectors) r.stop();
  }

  private async watchNamespace(namespace: string): Promise<void> {
    const kc = this.kc;
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const selector = this.options.selector;
    const jobs = new Reflector<V1Job>({
      kubeConfig: kc,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      labelSelector: selector,
      requests: this.requests,
      list: async () => {
        const list = await batch.listNamespacedJob({ namespace, ...(selector ? { labelSelector: selector } : {}) });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
      },
      onEvent: (type, job) => this.onJob(type, job),
      onDisconnect: error => this.onDisconnect(`${namespace}/jobs`, error),
      onSynced: first => first || this.onReconnect(`${namespace}/jobs`),
    });
    const pods = new Reflector<V1Pod>({
      kubeConfig: kc,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: 'job-name',
      requests: this.requests,
      list: async () => {
        const list = await core.listNamespacedPod({ namespace, labelSelector: 'job-name' });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
      },
      onEvent: (type, pod) => this.onPod(type, pod),
      onDisconnect: error => this.onDisconnect(`${namespace}/pods`, error),
      onSynced: first => first || this.onReconnect(`${namespace}/pods`),
    });
    this.reflectors.push(jobs, pods);
    // Jobs first, so that pods find their Job tracked.
    await jobs.start();
    await pods.start();
  }

  /** A watch or re-list failed: the outage of `watch` begins, or goes on. */
  private onDisconnect(watch: string, error: unknown): void {
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
    const open = this.outages.findIndex(o => o.watch === watch && o.to === undefined);
    if (open !== -1) this.outages[open] = { ...this.outages[open], to: Date.now() };
  }

  private track(target: JobTarget): Tracked {
    const key = `${target.namespace}/${target.name}`;
    let t = this.tracked.get(key);
    if (!t) {
      t = {
        target,
        verdict: { state: JobState.MISSING, terminal: false, early: false },
        pods: new Map(),
        running: new Set(),
        maxRunning: 0,
        terminating: new Set(),
        maxTerminating: 0,
        restarts: new Map(),
        failedPods: new Map(),
        stuck: new Map(),
      };
      this.tracked.set(key, t);
    }
    return t;
  }

  private onJob(type: string, job: V1Job): void {
    const name = job.metadata?.name ?? '';
    const namespace = job.metadata?.namespace ?? this.options.namespace;
    let t = this.tracked.get(`${namespace}/${name}`);
    if (!t && this.options.selector !== undefined && type !== 'DELETED') {
      const annotations = job.metadata?.annotations ?? {};
      const labels = job.metadata?.labels ?? {};
      t = this.track({
        name, namespace,
        ...(annotations[JobPatternLabels.PATTERN_ANNOTATION] ? { pattern: annotations[JobPatternLabels.PATTERN_ANNOTATION] } : {}),
        ...(labels[JobPatternLabels.GROUP] ? { group: labels[JobPatternLabels.GROUP] } : {}),
        ...queueOf({ labels, annotations }),
      });
    }
    if (!t) return;
    if (type === 'DELETED') {
      t.verdict = judgeDeleted(t.verdict.state === JobState.MISSING ? undefined : t.verdict);
    } else {
      if (t.uid !== undefined && t.uid !== job.metadata?.uid && t.verdict.terminal) {
        return; // a new Job of the same name after this one ended: not the one we judged
      }
      t.uid = job.metadata?.uid;
      t.status = job.status;
      t.spec = job.spec;
      t.argoCdHealth = argoCdJobHealth(job as JobLike, { version: this.options.argoCdVersion });
      if (!t.verdict.terminal || t.verdict.state === JobState.DELETED) {
        t.verdict = judgeJob(job as JobLike);
      }
    }
    if (t.verdict.terminal && !t.verdictAt) t.verdictAt = new Date();
    this.evaluate();
  }

  private onPod(type: string, pod: V1Pod): void {
    const summary = summarizePod(pod);
    const t = this.tracked.get(`${summary.namespace}/${summary.jobName}`);
    if (!t) return;
    const owner = pod.metadata?.ownerReferences?.find(o => o.kind === 'Job')?.uid;
    if (t.uid !== undefined && owner !== undefined && owner !== t.uid) return;
    t.pods.set(summary.uid, podAttempt(t.pods.get(summary.uid), pod, type === 'DELETED', Date.now()));
    const alive = type !== 'DELETED' && (summary.phase === 'Pending' || summary.phase === 'Running');
    const deleting = pod.metadata?.deletionTimestamp !== undefined;
    if (alive && !deleting && summary.phase === 'Running') t.running.add(summary.uid); else t.running.delete(summary.uid);
    if (alive && deleting) t.terminating.add(summary.uid); else t.terminating.delete(summary.uid);
    t.maxRunning = Math.max(t.maxRunning, t.running.size);
    t.maxTerminating = Math.max(t.maxTerminating, t.terminating.size);
    t.restarts.set(summary.uid, Math.max(t.restarts.get(summary.uid) ?? 0, summary.restarts));
    if (summary.failures.length > 0 && (t.failedPods.has(summary.uid) || t.failedPods.size < MAX_FAILED_PODS_KEPT)) {
      t.failedPods.set(summary.uid, summary);
    }
    const stuck = alive ? summary.stuck : undefined;
    if (stuck) {
      t.stuck.set(summary.uid, { name: summary.name, reason: stuck.reason, ...(stuck.message ? { message: stuck.message } : {}) });
    } else {
      t.stuck.delete(summary.uid);
    }
    this.evaluate();
  }

  /** Decides whether verification is over, and reports progress. */
  private evaluate(): void {
    this.progress();
    if (!this.synced || !this.finish || this.tracked.size === 0) return;
    const all = [...this.tracked.values()];
    if (this.options.failFast) {
      const failed = all.find(t => t.verdict.terminal && t.verdict.state !== JobState.COMPLETE);
      if (failed) return this.finish(VerifyOutcome.FAILED, `Job ${failed.target.name} ${failed.verdict.state}${failed.verdict.reason ? ` (${failed.verdict.reason})` : ''}`);
      const stuck = all.find(t => t.stuck.size > 0);
      if (stuck) {
        const pod = [...stuck.stuck.values()][0];
        return this.finish(VerifyOutcome.FAILED, `pod ${pod.name} of Job ${stuck.target.name} is stuck: ${pod.reason}`);
      }
    }
    const settled = all.every(t => t.verdict.terminal || t.verdict.state === JobState.SUSPENDED);
    if (!settled) return;
    const bad = all.filter(t => t.verdict.state !== JobState.COMPLETE && !(this.options.allowSuspended && t.verdict.state === JobState.SUSPENDED));
    if (bad.length === 0) {
      this.finish(VerifyOutcome.CONVERGED, `${all.length} Job(s) converged`);
    } else {
      this.finish(VerifyOutcome.FAILED, `${bad.length} of ${all.length} Job(s) did not converge: ${bad.map(t => `${t.target.name} ${t.verdict.state}${t.verdict.reason ? ` (${t.verdict.reason})` : ''}`).join(', ')}`);
    }
  }

  private progress(): void {
    const report = this.options.onProgress;
    if (!report || this.progressTimer) return;
    const wait = Math.max(0, 200 - (Date.now() - this.lastProgress));
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.lastProgress = Date.now();
      report([...this.tracked.values()].map(t => this.report(t)));
    }, wait);
  }

  private report(t: Tracked, failedPods: FailedPod[] = []): JobReport {
    const s = t.status ?? {};
    const restarts = [...t.restarts.values()].reduce((a, b) => a + b, 0);
    // Pods the controller saw end but has not counted yet (it counts them once their tracking
    // finalizer is removed; an early verdict can come before that).
    const failed = (s.failed ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
    const succeeded = (s.succeeded ?? 0) + (s.uncountedTerminatedPods?.succeeded?.length ?? 0);
    const terminalCondition = s.conditions?.find(c => ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget'].includes(c.type) && c.status === 'True');
    const end = s.completionTime ?? terminalCondition?.lastTransitionTime;
    const start = s.startTime;
    return {
      name: t.target.name,
      namespace: t.target.namespace,
      ...(t.target.pattern ? { pattern: t.target.pattern } : {}),
      ...(t.target.group ? { group: t.target.group } : {}),
      ...(t.target.queue ? { queue: t.target.queue } : {}),
      verdict: t.verdict,
      stats: {
        podsCreated: Math.max(t.pods.size, succeeded + failed + (s.active ?? 0)),
        maxRunning: t.maxRunning,
        maxTerminating: t.maxTerminating,
        failedAttempts: failed + restarts,
        ...(start ? { durationSeconds: Math.round(((end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime()) / 1000) } : {}),
      },
      failedPods,
      failedPodsOmitted: 0,
      exitCounts: [],
      stuckPods: [...t.stuck.values()],
      ...(terminalCondition?.lastTransitionTime ? { terminalAt: new Date(terminalCondition.lastTransitionTime).toISOString() } : {}),
      ...(t.verdictAt ? { verdictAt: t.verdictAt.toISOString() } : {}),
      ...(t.argoCdHealth ? { argoCdHealth: t.argoCdHealth } : {}),
      timeline: this.timeline(t),
    };
  }

  private timeline(t: Tracked): JobTimeline {
    const spec: Partial<NonNullable<V1Job['spec']>> = t.spec ?? {};
    const at = (time: Date | string | undefined) => (time === undefined ? undefined : new Date(time).getTime());
    const conditions = (t.status?.conditions ?? [])
      .filter(c => c.status === 'True' && TIMELINE_CONDITIONS.includes(c.type) && c.lastTransitionTime !== undefined)
      .map(c => ({ type: c.type, ...(c.reason ? { reason: c.reason } : {}), at: at(c.lastTransitionTime)! }));
    return {
      ...(t.status?.startTime ? { startedAt: at(t.status.startTime) } : {}),
      ...(spec.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: spec.activeDeadlineSeconds } : {}),
      ...(spec.completionMode ? { completionMode: spec.completionMode } : {}),
      ...(spec.completions !== undefined ? { completions: spec.completions } : {}),
      ...(spec.parallelism !== undefined ? { parallelism: spec.parallelism } : {}),
      conditions,
      pods: [...t.pods.values()].sort((a, b) => a.createdAt - b.createdAt),
    };
  }

  private async result(outcome: VerifyOutcome, summary: string): Promise<VerifyResult> {
    this.finish = undefined;
    this.stop();
    const jobs: JobReport[] = [];
    for (const t of this.tracked.values()) {
      const diagnose = t.verdict.state !== JobState.COMPLETE;
      jobs.push(this.report(t, diagnose ? await this.failedPods(t) : []));
    }
    const groups = new Map<string, GroupReport>();
    for (const job of jobs.filter(j => j.group !== undefined)) {
      const key = `${job.namespace}/${job.group}`;
      const g = groups.get(key) ?? { group: job.group!, namespace: job.namespace, members: 0, complete: 0, failed: 0, converged: false };
      const complete = g.complete + (job.verdict.state === JobState.COMPLETE ? 1 : 0);
      const failed = g.failed + (job.verdict.state === JobState.FAILED || job.verdict.state === JobState.DELETED ? 1 : 0);
      groups.set(key, { ...g, members: g.members + 1, complete, failed, converged: complete === g.members + 1 });
    }
    return {
      outcome,
      exitCode: EXIT_CODES[outcome],
      summary,
      jobs,
      groups: [...groups.values()],
      requests: { ...this.requests },
      outages: [...this.outages],
      durationMs: Date.now() - this.started,
      finishedAt: Date.now(),
    };
  }

  private async failedPods(t: Tracked): Promise<FailedPod[]> {
    const lines = this.options.logLines ?? 10;
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    const pods: FailedPod[] = [];
    for (const [i, p] of [...t.failedPods.values()].entries()) {
      const pod: FailedPod = { name: p.name, exits: p.failures };
      if (lines > 0 && i < MAX_LOGGED_PODS) {
        const container = p.failures[0]?.container;
        try {
          this.requests.logs++;
          const log = await core.readNamespacedPodLog({ name: p.name, namespace: p.namespace, tailLines: lines, ...(container ? { container } : {}) });
          pods.push({ ...pod, logTail: log.split('\n').filter(l => l.length > 0) });
        } catch (error) {
          pods.push({ ...pod, logError: describeApiError(error) });
        }
      } else {
        pods.push(pod);
      }
    }
    return pods;
  }
}

/** Verifies Jobs: see {@link JobVerifier}. */
export function verifyJobs(options: VerifyOptions): Promise<VerifyResult> {
  return new JobVerifier(options).run();
}
