/**
 * What the verifier knows of one target over the Job's life: the Job objects that carried its
 * name (runs, told apart by uid), which of them is the run of this change, and where that run
 * stands. Pure: watch events and the clock come in as arguments, so every rule here has unit
 * tests over captured Job objects (test/runtime/tracking.test.ts) as well as end-to-end tests.
 *
 * The rules, in short:
 * - A run is one Job object (one `metadata.uid`). A newer object under the same name (Argo CD
 *   `Replace=true`, `recreateOnChange()`, a hook with `BeforeHookCreation`, a hand delete-and-apply)
 *   replaces it: the report names the runs replaced, and the new one is judged.
 * - A run created before verification began whose pod template is not the manifest's is
 *   `outdated`: never the answer. A run created after verification began is this change's.
 * - A run deleted before it finished is not failed at once: a replacement may follow. Only when no
 *   new run came within the grace period is the target `deleted`. A run deleted after it finished
 *   (its TTL) keeps its verdict.
 * - A target never seen whose Events say it existed, or a hook Argo CD skips, is `gone`.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { JobPatternAnnotations, JobPatternLabels } from '../core/labels';
import { ArgoCdHealth, argoCdJobHealth, ArgoCdVersion } from './argocd-health';
import { JobTarget } from './manifests';
import { DiagnosisRecorder } from './diagnosis';
import { KUEUE_KEYS, KueueReport, kueueReport, kueueVerdict, observeWorkload, WorkloadHistory, WorkloadLike, workloadOwner } from './kueue';
import { podAttempt, PodRecord, summarizePod } from './pods';
import { templateDifference } from './template-match';
import { JobLike, JobState, JobVerdict, judgeJob } from './verdict';

/** The Kueue label that names a Job's LocalQueue. @internal */
export const KUEUE_QUEUE_LABEL = KUEUE_KEYS.QUEUE_NAME_LABEL;

/** How a run stopped being the one judged. */
export enum RunEnd {
  /** A newer Job object took its name (Argo CD `Replace=true`, `recreateOnChange()`, a hook, a re-list after a watch gap). */
  REPLACED = 'replaced',
  /** It was deleted before it finished. */
  DELETED = 'deleted',
}

/** A run of a target that is not (or no longer) the one judged. */
export interface EarlierRun {
  /** Its `metadata.uid`. */
  readonly uid: string;
  /** Its `metadata.creationTimestamp` (ISO 8601). */
  readonly createdAt?: string;
  /** Where it stood when it stopped being the target's run. */
  readonly state: JobState;
  /** Its condition reason then, if any. */
  readonly reason?: string;
  /** How it stopped: a newer Job object took its name, or it was deleted before it finished. */
  readonly endedBy: RunEnd;
  /** Where its pod template departs from the manifest's, when it does: why it was never the answer. */
  readonly outdated?: string;
}

/** What the Events of a Job that is gone say about it. @internal */
export interface JobEvidence {
  /** The Job's uid in the Events. */
  readonly uid?: string;
  /** The last event's reason (Completed, BackoffLimitExceeded, SuccessfulCreate, ...). */
  readonly lastReason: string;
  /** When it was recorded (ms since the epoch). */
  readonly lastAt: number;
  /** Whether an event says the Job completed, or failed (with that reason). */
  readonly ended?: { readonly complete: boolean; readonly reason: string; readonly at: number };
}

/** Options of a {@link TargetTracker}. @internal */
export interface TrackerOptions {
  /** When verification began (ms since the epoch). */
  readonly startedAt: number;
  /** How long a target whose unfinished run was deleted waits for a new run under its name. */
  readonly replacementGraceMs: number;
  /** The Argo CD release whose health rules `argoCdHealth` follows. */
  readonly argoCdVersion?: ArgoCdVersion;
  /** False: never call a run outdated (a webhook rewrites fields of every template). @default true */
  readonly checkTemplate?: boolean;
}

const MAX_EARLIER_RUNS = 10;
const MAX_FORGOTTEN_UIDS = 100;
/** Pods held for a run not seen yet: a Job's pods created before its watch event arrived. */
const MAX_HELD_PODS = 50;
/** Workloads held for a run not seen yet (Kueue creates a Workload as soon as it sees the Job). */
const MAX_HELD_WORKLOADS = 5;

/** The parts of the Job a report reads: kept instead of the whole object (memory). */
interface Run {
  readonly uid: string;
  readonly createdAt?: string;
  readonly createdMs: number;
  job: JobLike;
  verdict: JobVerdict;
  /** Where the template departs from the manifest's; undefined when it matches (or nothing to compare). */
  outdated?: string;
  /** Pods of this run ran (it started at some point): a later suspend is a preemption, not queueing. */
  ran: boolean;
  /** Deleted after its verdict (its TTL): judged by what was seen. */
  deleted: boolean;
  argoCdHealth?: ArgoCdHealth;
  verdictAt?: number;
  /** What its pods did; made when its first pod is seen (10,000 queued Jobs have none). */
  pods?: RunPods;
  /** What its Kueue Workload said, once one owned by it was seen. */
  workload?: WorkloadHistory;
}

/** What the pods of one run did. @internal */
export interface RunPods {
  /** Every pod attempt, by pod uid. */
  readonly attempts: Map<string, PodRecord>;
  readonly running: Set<string>;
  maxRunning: number;
  readonly terminating: Set<string>;
  maxTerminating: number;
  readonly restarts: Map<string, number>;
  /** Every failed run of its pods seen, bounded: the diagnosis. */
  readonly diagnosis: DiagnosisRecorder;
  readonly stuck: Map<string, { name: string; reason: string; message?: string }>;
}

/** Where one target stands, and what is known of its runs. @internal */
export class TargetTracker {
  private run?: Run;
  private readonly earlierRuns: EarlierRun[] = [];
  private earlierOmitted = 0;
  /** Uids that are no longer the target's run: their late events are ignored. */
  private readonly forgotten = new Set<string>();
  /** When the unfinished run was deleted, and how it stood: waiting for a replacement. */
  private deletion?: { readonly at: number; readonly verdict: JobVerdict };
  private evidence?: JobEvidence;
  /** Whether the cluster serves Kueue's API; undefined until the verifier asked. */
  private kueueInstalled?: boolean;
  /** The ClusterQueue of the run's LocalQueue (its `spec.clusterQueue`), once read. */
  private localQueueTarget?: string;

  /** The target without its template, which is kept apart and only until {@link dropTemplate}. */
  public readonly target: JobTarget;
  private template: JobTarget['template'];

  constructor(target: JobTarget, private readonly options: TrackerOptions) {
    const { template, ...rest } = target;
    this.target = rest;
    this.template = template;
  }

  /**
   * Forgets the manifest's pod template (1.5 KB a target): call it once the first list is in.
   * Only a run created before verification began is compared with it, every such run is in the
   * first list, and a Job's template never changes; so no later event needs it.
   */
  public dropTemplate(): void {
    this.template = undefined;
  }

  /** A watch event of a Job with the target's name. Returns true when something changed. */
  public onJob(type: string, job: V1Job | JobLike, now: number): boolean {
    const uid = job.metadata?.uid ?? '';
    if (this.forgotten.has(uid)) return false;
    if (type === 'DELETED') return this.onDeleted(uid, now);
    const createdMs = time(job.metadata?.creationTimestamp) ?? now;
    if (this.run && this.run.uid !== uid) {
      // Events of two objects can arrive in either order around a re-list: the older one is not the successor.
      if (createdMs < this.run.createdMs) {
        this.forget(uid);
        return false;
      }
      this.retire(this.run, RunEnd.REPLACED);
    }
    if (!this.run) {
      this.run = newRun(uid, job, createdMs);
      this.deletion = undefined;
      // A Job's template is immutable: compared once, when the run is first seen. A Job created
      // after verification began is this change's run (or a later one's) whatever its template:
      // only one created before can be an earlier sync's. (Timestamps have whole seconds.)
      const before = createdMs < this.options.startedAt - 1000;
      this.run.outdated = before && this.template && this.options.checkTemplate !== false
        ? templateDifference(this.template, (job as JobLike & { spec?: { template?: unknown } }).spec?.template)
        : undefined;
    }
    const run = this.run;
    run.job = keep(job);
    run.argoCdHealth = argoCdJobHealth(job, { version: this.options.argoCdVersion });
    run.ran ||= job.status?.startTime !== undefined || (job.status?.active ?? 0) > 0;
    // The first terminal verdict stands: Complete after SuccessCriteriaMet (FailureTarget, Failed)
    // confirms it, and `early` must keep saying how it was reached.
    if (!run.verdict.terminal) run.verdict = judgeJob(job);
    if (run.verdict.terminal && run.verdictAt === undefined && !run.outdated) run.verdictAt = now;
    this.replayPods(run, now);
    const held = this.heldWorkloads.get(uid);
    if (held) {
      this.heldWorkloads.delete(uid);
      this.onWorkload(held.workload, held.at);
    }
    return true;
  }

  /** Workloads of a run not seen yet, by the Job uid they belong to. */
  private readonly heldWorkloads = new Map<string, { readonly workload: WorkloadLike; readonly at: number }>();

  /**
   * A version of a Kueue Workload owned by a Job of the target's name. Returns true when it belongs
   * to the current run (matched by the owner reference's uid). A deleted Workload changes nothing:
   * what it said last stands.
   */
  public onWorkload(workload: WorkloadLike, now: number): boolean {
    const owner = workloadOwner(workload)?.uid;
    if (owner === undefined || this.forgotten.has(owner)) return false;
    const run = this.run;
    if (!run || run.uid !== owner) {
      if (this.heldWorkloads.has(owner) || this.heldWorkloads.size < MAX_HELD_WORKLOADS) this.heldWorkloads.set(owner, { workload, at: now });
      return false;
    }
    run.workload = observeWorkload(run.workload, workload, now);
    return true;
  }

  /** Whether the cluster serves Kueue's Workload API (asked once, for the first Job that needed it). */
  public setKueueInstalled(installed: boolean): void {
    this.kueueInstalled = installed;
  }

  /** The ClusterQueue the run's LocalQueue points to (`spec.clusterQueue`). */
  public setClusterQueue(clusterQueue: string): void {
    this.localQueueTarget = clusterQueue;
  }

  /** The run's LocalQueue: its label `kueue.x-k8s.io/queue-name`. */
  public get localQueue(): string | undefined {
    return this.run?.job.metadata?.labels?.[KUEUE_QUEUE_LABEL];
  }

  /**
   * True when Kueue may explain this run: it carries the queue label or is suspended. Only then is
   * Kueue's API asked about, so verifying Jobs that are neither costs no request.
   */
  public get kueueRelevant(): boolean {
    const job = this.run?.job;
    if (!job) return false;
    const state = this.run!.verdict.state;
    return this.localQueue !== undefined || job.spec?.suspend === true || state === JobState.QUEUED || state === JobState.SUSPENDED;
  }

  /** What Kueue says of the run, once the verifier asked Kueue's API; undefined otherwise. */
  public kueue(now: number): KueueReport | undefined {
    const run = this.run;
    if (!run || this.kueueInstalled === undefined || !this.kueueRelevant) return undefined;
    const localQueue = this.localQueue;
    return kueueReport({
      installed: this.kueueInstalled,
      ...(localQueue ? { localQueue } : {}),
      ...(this.localQueueTarget ? { clusterQueue: this.localQueueTarget } : {}),
      ...(run.workload ? { workload: run.workload } : {}),
    }, now);
  }

  /** A watch event of a pod whose Job has the target's name. Returns true when it belongs to the current run. */
  public onPod(type: string, pod: V1Pod, now: number): boolean {
    const run = this.run;
    const owner = pod.metadata?.ownerReferences?.find(o => o.kind === 'Job')?.uid;
    if (owner !== undefined && this.forgotten.has(owner)) return false;
    if (!run || (owner !== undefined && owner !== run.uid)) {
      // The Job and pod watches are not ordered: a new run's pods may come before the run.
      this.holdPod(type, pod, now);
      return false;
    }
    const summary = summarizePod(pod);
    const pods = run.pods ??= newRunPods();
    pods.attempts.set(summary.uid, podAttempt(pods.attempts.get(summary.uid), pod, type === 'DELETED', now));
    const alive = type !== 'DELETED' && (summary.phase === 'Pending' || summary.phase === 'Running');
    const deleting = pod.metadata?.deletionTimestamp !== undefined;
    if (alive && !deleting && summary.phase === 'Running') pods.running.add(summary.uid); else pods.running.delete(summary.uid);
    if (alive && deleting) pods.terminating.add(summary.uid); else pods.terminating.delete(summary.uid);
    if (summary.phase !== 'Pending') run.ran = true;
    pods.maxRunning = Math.max(pods.maxRunning, pods.running.size);
    pods.maxTerminating = Math.max(pods.maxTerminating, pods.terminating.size);
    pods.restarts.set(summary.uid, Math.max(pods.restarts.get(summary.uid) ?? 0, summary.restarts));
    pods.diagnosis.observe(pod);
    const stuck = alive ? summary.stuck : undefined;
    if (stuck) {
      pods.stuck.set(summary.uid, { name: summary.name, reason: stuck.reason, ...(stuck.message ? { message: stuck.message } : {}) });
    } else {
      pods.stuck.delete(summary.uid);
    }
    return true;
  }

  /** Pod events of a run not seen yet, by pod uid (at most MAX_HELD_PODS): replayed when it comes. */
  private readonly heldPods = new Map<string, { readonly type: string; readonly pod: V1Pod; readonly at: number }>();

  private holdPod(type: string, pod: V1Pod, now: number): void {
    const uid = pod.metadata?.uid ?? '';
    if (!this.heldPods.has(uid) && this.heldPods.size >= MAX_HELD_PODS) return;
    this.heldPods.set(uid, { type, pod, at: now });
  }

  private replayPods(run: Run, now: number): void {
    if (this.heldPods.size === 0) return;
    const held = [...this.heldPods.values()];
    this.heldPods.clear();
    for (const { type, pod, at } of held) {
      const owner = pod.metadata?.ownerReferences?.find(o => o.kind === 'Job')?.uid;
      if (owner === undefined || owner === run.uid) this.onPod(type, pod, Math.min(at, now));
      else if (!this.forgotten.has(owner)) this.holdPod(type, pod, at);
    }
  }

  /** What the Events still say of a target never seen (read once, after the first list). */
  public setEvidence(evidence: JobEvidence): void {
    this.evidence = evidence;
  }

  /** True while no Job object of the target was ever seen. */
  public get neverSeen(): boolean {
    return this.run === undefined && this.deletion === undefined && this.earlierRuns.length === 0 && this.earlierOmitted === 0;
  }

  /** Where the target stands at `now`. */
  public verdict(now: number): JobVerdict {
    const run = this.run;
    if (!run) {
      if (this.deletion) {
        const { at, verdict } = this.deletion;
        if (now >= at + this.options.replacementGraceMs) {
          return { state: JobState.DELETED, terminal: true, reason: 'DeletedBeforeFinished', message: `deleted while ${verdict.state}, and no new run came under its name within ${seconds(this.options.replacementGraceMs)}`, early: false };
        }
        return { state: JobState.MISSING, terminal: false, reason: 'Replacing', message: `deleted while ${verdict.state}; waiting up to ${seconds(this.options.replacementGraceMs)} for a new run under its name`, early: false };
      }
      return this.gone(now) ?? { state: JobState.MISSING, terminal: false, early: false };
    }
    if (run.outdated) {
      return {
        state: JobState.OUTDATED, terminal: false, reason: 'TemplateDiffers',
        message: `the Job under this name is an earlier run (${run.verdict.state}): ${run.outdated}; waiting for the run of this change`, early: false,
      };
    }
    const own = run.verdict.state === JobState.QUEUED && run.ran ? { ...run.verdict, state: JobState.SUSPENDED } : run.verdict;
    return own.terminal ? own : kueueVerdict(own, this.kueue(now));
  }

  /** The next time the verdict changes by itself (a grace period ends), if any. */
  public nextChange(now: number): number | undefined {
    const at = !this.run && this.deletion ? this.deletion.at + this.options.replacementGraceMs
      : this.neverSeen && this.evidence ? this.options.startedAt + this.options.replacementGraceMs : undefined;
    return at !== undefined && at > now ? at : undefined;
  }

  /** The run judged: its uid, Job (trimmed), pods and statistics; undefined while none is seen. @internal */
  public get current(): Readonly<Run> | undefined {
    return this.run;
  }

  /** Runs that were replaced or deleted before they finished, oldest first (at most 10), and how many more. */
  public get earlier(): { readonly runs: readonly EarlierRun[]; readonly omitted: number } {
    return { runs: this.earlierRuns, omitted: this.earlierOmitted };
  }

  /** Where the target's run stands in a queue: since when it is suspended, and its Kueue LocalQueue. */
  public suspension(): { readonly since?: string; readonly kueueQueue?: string } | undefined {
    const job = this.run?.job;
    if (!job) return undefined;
    const condition = job.status?.conditions?.find(c => c.type === 'Suspended' && c.status === 'True');
    const queue = job.metadata?.labels?.[KUEUE_QUEUE_LABEL];
    const since = condition?.lastTransitionTime ?? (job.spec?.suspend ? job.metadata?.creationTimestamp : undefined);
    return { ...(since ? { since: new Date(since).toISOString() } : {}), ...(queue ? { kueueQueue: queue } : {}) };
  }

  private gone(now: number): JobVerdict | undefined {
    const hook = this.target.argoCdHook;
    if (hook && hook.hook.split(',').map(h => h.trim()).includes('Skip')) {
      return { state: JobState.GONE, terminal: true, reason: 'SkippedHook', message: 'an Argo CD hook with hook: Skip, which Argo CD never applies: there is no run to verify', early: false };
    }
    const evidence = this.evidence;
    if (!evidence || now < this.options.startedAt + this.options.replacementGraceMs) return undefined;
    const removedBy = hook?.deletePolicy ? `its hook delete policy (${hook.deletePolicy})` : 'its TTL (ttlSecondsAfterFinished) or by hand';
    const ended = evidence.ended;
    const reason = ended ? (ended.complete ? 'DeletedAfterCompleted' : 'DeletedAfterFailed') : 'DeletedBeforeVerification';
    const what = ended ? `${ended.complete ? 'completed' : `failed (${ended.reason})`} at ${iso(ended.at)}` : `existed (last event ${evidence.lastReason} at ${iso(evidence.lastAt)})`;
    return {
      state: JobState.GONE, terminal: true, reason,
      message: `never seen: its Events say it ${what}${evidence.uid ? ` (uid ${evidence.uid})` : ''}, and it was deleted before verification began, by ${removedBy}; `
        + 'its run cannot be judged: start verify while the sync runs',
      early: false,
    };
  }

  private onDeleted(uid: string, now: number): boolean {
    const run = this.run;
    if (!run || run.uid !== uid) return false;
    if (run.verdict.terminal && !run.outdated) {
      run.deleted = true; // finished, then deleted (its TTL): the verdict stands
      return true;
    }
    this.retire(run, RunEnd.DELETED);
    this.deletion = { at: now, verdict: run.verdict };
    return true;
  }

  private retire(run: Run, endedBy: EarlierRun['endedBy']): void {
    this.forget(run.uid);
    if (this.earlierRuns.length >= MAX_EARLIER_RUNS) {
      this.earlierRuns.shift();
      this.earlierOmitted++;
    }
    this.earlierRuns.push({
      uid: run.uid,
      ...(run.createdAt ? { createdAt: run.createdAt } : {}),
      state: run.verdict.state,
      ...(run.verdict.reason ? { reason: run.verdict.reason } : {}),
      endedBy,
      ...(run.outdated ? { outdated: run.outdated } : {}),
    });
    this.run = undefined;
  }

  private forget(uid: string): void {
    if (this.forgotten.size >= MAX_FORGOTTEN_UIDS) this.forgotten.delete(this.forgotten.values().next().value!);
    this.forgotten.add(uid);
  }
}

function newRun(uid: string, job: JobLike, createdMs: number): Run {
  const created = job.metadata?.creationTimestamp;
  return {
    uid, createdMs, ...(created ? { createdAt: new Date(created).toISOString() } : {}),
    job: {}, verdict: { state: JobState.PENDING, terminal: false, early: false }, ran: false, deleted: false,
  };
}

function newRunPods(): RunPods {
  return {
    attempts: new Map(), running: new Set(), maxRunning: 0, terminating: new Set(), maxTerminating: 0,
    restarts: new Map(), diagnosis: new DiagnosisRecorder(), stuck: new Map(),
  };
}

/** What a report reads of a Job: no pod template, no managed fields (memory: 10,000 Jobs). */
function keep(job: JobLike): JobLike {
  const m = job.metadata ?? {};
  const s = job.spec ?? {};
  const status = job.status ?? {};
  return {
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, creationTimestamp: m.creationTimestamp,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
      ...(m.finalizers ? { finalizers: m.finalizers } : {}),
      ...(m.labels?.[KUEUE_QUEUE_LABEL] ? { labels: { [KUEUE_QUEUE_LABEL]: m.labels[KUEUE_QUEUE_LABEL] } } : {}),
    },
    spec: {
      completions: s.completions, parallelism: s.parallelism, completionMode: s.completionMode, suspend: s.suspend,
      managedBy: s.managedBy, activeDeadlineSeconds: s.activeDeadlineSeconds,
    },
    status: {
      active: status.active, succeeded: status.succeeded, failed: status.failed, ready: status.ready, terminating: status.terminating,
      startTime: status.startTime, completionTime: status.completionTime, completedIndexes: status.completedIndexes,
      failedIndexes: status.failedIndexes, conditions: status.conditions,
      ...(status.uncountedTerminatedPods ? { uncountedTerminatedPods: status.uncountedTerminatedPods } : {}),
    },
  };
}

/** The pattern, group and work queue of a Job seen through a selector, as its target. @internal */
export function targetOf(job: JobLike, fallbackNamespace: string, queueOf: (m: { labels?: Record<string, string>; annotations?: Record<string, string> }) => { queue?: string }): JobTarget {
  const annotations = job.metadata?.annotations ?? {};
  const labels = job.metadata?.labels ?? {};
  return {
    name: job.metadata?.name ?? '',
    namespace: job.metadata?.namespace ?? fallbackNamespace,
    ...(annotations[JobPatternAnnotations.PATTERN] ? { pattern: annotations[JobPatternAnnotations.PATTERN] } : {}),
    ...(labels[JobPatternLabels.GROUP] ? { group: labels[JobPatternLabels.GROUP] } : {}),
    ...queueOf({ labels, annotations }),
  };
}

function time(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
