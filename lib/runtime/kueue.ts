/**
 * What Kueue says of a Job it queues, read from the Job's Workload (`kueue.x-k8s.io/v1beta2`, owned
 * by the Job): the LocalQueue and ClusterQueue it waits in, why it waits (the Workload's
 * `QuotaReserved=False` condition: quota, an inadmissible queue, a preemption under way), when it
 * was admitted and how long it waited, and its evictions (preemption, ...). Pure: the Workload's
 * versions and the clock come in as arguments, so test/runtime/kueue.test.ts feeds it the objects
 * a real Kueue v0.17.0 wrote (test/fixtures/kueue-0.17.0); verify.ts reads the Workloads.
 */
import { JobState, JobVerdict } from './verdict';

/**
 * Kueue's keys the verifier reads: the same as `KUEUE` of lib/core/kueue.ts (the test checks it),
 * not imported from there because that module loads the pattern catalogue and cdk8s-plus, which
 * the verifier never loads.
 * @internal
 */
export const KUEUE_KEYS = {
  /** The Job's label naming its LocalQueue. */
  QUEUE_NAME_LABEL: 'kueue.x-k8s.io/queue-name',
  /** Kueue's API group and version of Workloads and LocalQueues. */
  API: 'kueue.x-k8s.io/v1beta2',
} as const;

/** Where a Job stands in Kueue. */
export enum KueueStatus {
  /** The cluster serves no `kueue.x-k8s.io/v1beta2` API: Kueue is not installed, and nothing queues or admits the Job. */
  NOT_INSTALLED = 'not-installed',
  /** Kueue is installed, but no Workload of the Job was seen: Kueue does not manage it (no `kueue.x-k8s.io/queue-name` label), or has not created its Workload yet. */
  NO_WORKLOAD = 'no-workload',
  /** Waiting in its queue: no quota reserved yet (or not every admission check ready); `waitingFor` says why. */
  PENDING = 'pending',
  /** Admitted: Kueue let it run. */
  ADMITTED = 'admitted',
  /** Evicted (preempted, ...) and being stopped: it still holds its quota; it is requeued once its pods are gone. */
  EVICTED = 'evicted',
  /** Its Workload finished (the Job completed or failed). */
  FINISHED = 'finished',
}

/** Why a pending Job waits, from its Workload's conditions. */
export enum KueueWait {
  /** Not enough unused quota in its ClusterQueue (`QuotaReserved=False`, reason `Pending`). */
  QUOTA = 'quota',
  /** Kueue preempts lower-priority Workloads to make room for it ("Pending the preemption of N workload(s)"). */
  PREEMPTION = 'preemption',
  /** Its LocalQueue or ClusterQueue does not exist, is inactive or stopped (reason `Inadmissible`). */
  INADMISSIBLE = 'inadmissible',
  /** Quota reserved, but not every admission check is ready (`Admitted=False`). */
  ADMISSION_CHECKS = 'admission-checks',
  /** Another reason: Kueue's reason and message say which. */
  OTHER = 'other',
}

/** One eviction of the Job's Workload. */
export interface KueueEviction {
  /** When Kueue evicted it (the `Evicted` condition's lastTransitionTime, ISO 8601). */
  readonly at: string;
  /** The `Evicted` reason: `Preempted`, `PodsReadyTimeout`, `AdmissionCheck`, `ClusterQueueStopped`, `Deactivated`, ... */
  readonly reason: string;
  /** For a preemption, the `Preempted` condition's reason: `InClusterQueue`, `InCohortReclamation`, `InCohortFairSharing`, ... */
  readonly preemption?: string;
  /** Kueue's message (for a preemption: the preemptor's Workload and Job uids). */
  readonly message?: string;
}

/** One wait in the queue: from entering it (creation, or an eviction that took the quota away) to an admission. */
export interface KueueQueueWait {
  /** When the wait began (ISO 8601): the Workload's creation, or when an eviction took its quota away. */
  readonly queuedAt: string;
  /** When Kueue admitted it (ISO 8601); undefined while it waits. */
  readonly admittedAt?: string;
  /** How long it waited, in ms: to the admission, or to the report's time while it waits. */
  readonly durationMs: number;
}

/**
 * What Kueue says of a Job: the queues, where the Job stands, why it waits, its waits and
 * evictions. Times in ISO 8601, durations in ms.
 */
export interface KueueReport {
  /** Where the Job stands in Kueue. */
  readonly status: KueueStatus;
  /** The LocalQueue: the Job's label `kueue.x-k8s.io/queue-name` (or its Workload's `spec.queueName`). */
  readonly localQueue?: string;
  /** The ClusterQueue: the Workload's `status.admission.clusterQueue` once admitted, before that the LocalQueue's `spec.clusterQueue`. */
  readonly clusterQueue?: string;
  /** The Workload's name. */
  readonly workload?: string;
  /** Why it waits, while `pending`. */
  readonly waitingFor?: KueueWait;
  /** The reason of the Workload condition that says where it stands (`Pending`, `Inadmissible`, `Preempted`, `Admitted`, `Succeeded`, ...). */
  readonly reason?: string;
  /** That condition's message, as Kueue wrote it. */
  readonly message?: string;
  /** When it was last admitted. */
  readonly admittedAt?: string;
  /** Its time in the queue, all waits together, in ms (an open wait counted to the report's time). */
  readonly waitedMs?: number;
  /** Each wait seen, oldest first. */
  readonly waits: readonly KueueQueueWait[];
  /** Each eviction seen, oldest first (at most 10). */
  readonly evictions: readonly KueueEviction[];
}

/** A Workload as the API server sends it, as far as it is read here. @internal */
export interface WorkloadLike {
  readonly metadata?: {
    readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly creationTimestamp?: string;
    readonly ownerReferences?: ReadonlyArray<{ readonly kind: string; readonly name?: string; readonly uid: string }>;
  };
  readonly spec?: { readonly queueName?: string };
  readonly status?: {
    readonly admission?: { readonly clusterQueue?: string };
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string; readonly lastTransitionTime?: string }>;
  };
}

type Condition = NonNullable<NonNullable<WorkloadLike['status']>['conditions']>[number];

/** The Job a Workload belongs to (its owner reference of kind Job): its name and uid. @internal */
export function workloadOwner(workload: WorkloadLike): { readonly name?: string; readonly uid: string } | undefined {
  return workload.metadata?.ownerReferences?.find(o => o.kind === 'Job');
}

const MAX_EVICTIONS = 10;
const MAX_WAITS = 20;

/** What is kept of a Job's Workload across its versions (small: a few strings and numbers). @internal */
export interface WorkloadHistory {
  readonly name: string;
  readonly localQueue?: string;
  /** The last ClusterQueue an admission named (the admission goes away on eviction). */
  clusterQueue?: string;
  readonly waits: Array<{ from: number; to?: number }>;
  readonly evictions: Array<{ at: number; reason: string; preemption?: string; message?: string }>;
  /** The latest version's conditions that say where it stands. */
  conditions: readonly Condition[];
}

function find(conditions: readonly Condition[], type: string, status?: string): Condition | undefined {
  return conditions.find(c => c.type === type && (status === undefined || c.status === status));
}

function ms(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const t = Date.parse(time);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The history after one more version of the Workload. Waits and evictions come from the
 * conditions' transition times, so a version seen twice, or late, changes nothing; a wait whose
 * start was not seen (verification began after an eviction) starts at the `Requeued` condition.
 * @internal
 */
export function observeWorkload(history: WorkloadHistory | undefined, workload: WorkloadLike, now: number): WorkloadHistory {
  const conditions = workload.status?.conditions ?? [];
  const requeued = find(conditions, 'Requeued', 'True');
  const h: WorkloadHistory = history ?? {
    name: workload.metadata?.name ?? '',
    ...(workload.spec?.queueName ? { localQueue: workload.spec.queueName } : {}),
    waits: [{ from: ms(requeued?.lastTransitionTime) ?? ms(workload.metadata?.creationTimestamp) ?? now }],
    evictions: [],
    conditions: [],
  };
  h.conditions = conditions.map(c => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime }));
  if (workload.status?.admission?.clusterQueue) h.clusterQueue = workload.status.admission.clusterQueue;
  const evicted = find(conditions, 'Evicted', 'True');
  const evictedAt = ms(evicted?.lastTransitionTime);
  if (evicted && evictedAt !== undefined && !h.evictions.some(e => e.at === evictedAt && e.reason === evicted.reason)) {
    const preempted = find(conditions, 'Preempted', 'True');
    if (h.evictions.length >= MAX_EVICTIONS) h.evictions.shift();
    h.evictions.push({ at: evictedAt, reason: evicted.reason ?? 'Evicted', ...(preempted?.reason ? { preemption: preempted.reason } : {}), ...(evicted.message ? { message: evicted.message } : {}) });
  }
  const last = h.waits[h.waits.length - 1];
  const admitted = find(conditions, 'Admitted', 'True');
  const admittedAt = ms(admitted?.lastTransitionTime);
  const released = find(conditions, 'QuotaReserved', 'False');
  const releasedAt = ms(released?.lastTransitionTime);
  if (admittedAt !== undefined) {
    if (last.to === undefined) {
      last.to = Math.max(last.from, admittedAt);
    } else if (admittedAt > last.to) {
      // Admitted again, its wait not seen: it began with the last eviction since the admission before.
      const eviction = h.evictions.filter(e => e.at >= last.to!).pop();
      addWait(h, { from: eviction?.at ?? last.to, to: admittedAt });
    }
  } else if (releasedAt !== undefined && last.to !== undefined && releasedAt >= last.to) {
    // Back in the queue after an admission (evicted, requeued): a new wait.
    addWait(h, { from: releasedAt });
  }
  return h;
}

function addWait(h: WorkloadHistory, wait: { from: number; to?: number }): void {
  if (h.waits.length >= MAX_WAITS) h.waits.splice(1, 1);
  h.waits.push(wait);
}

/** Why a Workload without quota waits: Kueue's reason and message, in one word. */
function waitOf(quota: Condition | undefined, admitted: Condition | undefined): KueueWait | undefined {
  if (quota?.status === 'True') return admitted?.status === 'True' ? undefined : KueueWait.ADMISSION_CHECKS;
  if (!quota) return undefined;
  if (quota.reason === 'Inadmissible') return KueueWait.INADMISSIBLE;
  if (quota.reason === 'Pending') return /Pending the preemption of/.test(quota.message ?? '') ? KueueWait.PREEMPTION : KueueWait.QUOTA;
  return KueueWait.OTHER;
}

/** What the verifier knows of Kueue for one Job. @internal */
export interface KueueKnowledge {
  /** Whether the cluster serves Kueue's API: unknown until asked (only for Jobs that are suspended or carry the queue label). */
  readonly installed?: boolean;
  /** The Job's LocalQueue label. */
  readonly localQueue?: string;
  /** The LocalQueue's `spec.clusterQueue`, when read. */
  readonly clusterQueue?: string;
  /** The Workload's history, once one was seen. */
  readonly workload?: WorkloadHistory;
}

/** The report of what Kueue says of a Job at `now`; undefined when nothing is known (Kueue never asked about). @internal */
export function kueueReport(k: KueueKnowledge, now: number): KueueReport | undefined {
  if (k.installed === false) return { status: KueueStatus.NOT_INSTALLED, ...(k.localQueue ? { localQueue: k.localQueue } : {}), waits: [], evictions: [] };
  const h = k.workload;
  if (!h) {
    if (k.installed !== true) return undefined;
    return { status: KueueStatus.NO_WORKLOAD, ...(k.localQueue ? { localQueue: k.localQueue } : {}), ...(k.localQueue && k.clusterQueue ? { clusterQueue: k.clusterQueue } : {}), waits: [], evictions: [] };
  }
  const c = h.conditions;
  const quota = find(c, 'QuotaReserved');
  const admitted = find(c, 'Admitted');
  const evicted = find(c, 'Evicted', 'True');
  const finished = find(c, 'Finished', 'True');
  const status = finished ? KueueStatus.FINISHED
    : evicted && quota?.status === 'True' ? KueueStatus.EVICTED
      : admitted?.status === 'True' ? KueueStatus.ADMITTED : KueueStatus.PENDING;
  const said = status === KueueStatus.FINISHED ? finished
    : status === KueueStatus.EVICTED ? evicted
      : status === KueueStatus.ADMITTED ? admitted
        : quota?.status === 'True' ? admitted : quota;
  const waitingFor = status === KueueStatus.PENDING ? waitOf(quota, admitted) : undefined;
  const waits = h.waits.map(w => ({ queuedAt: iso(w.from), ...(w.to !== undefined ? { admittedAt: iso(w.to) } : {}), durationMs: Math.max(0, (w.to ?? now) - w.from) }));
  const lastAdmission = [...h.waits].reverse().find(w => w.to !== undefined)?.to;
  const localQueue = k.localQueue ?? h.localQueue;
  const clusterQueue = h.clusterQueue ?? k.clusterQueue;
  return {
    status,
    ...(localQueue ? { localQueue } : {}),
    ...(clusterQueue ? { clusterQueue } : {}),
    workload: h.name,
    ...(waitingFor ? { waitingFor } : {}),
    ...(said?.reason ? { reason: said.reason } : {}),
    ...(said?.message ? { message: said.message } : {}),
    ...(lastAdmission !== undefined ? { admittedAt: iso(lastAdmission) } : {}),
    waitedMs: waits.reduce((sum, w) => sum + w.durationMs, 0),
    waits,
    evictions: h.evictions.map(e => ({ at: iso(e.at), reason: e.reason, ...(e.preemption ? { preemption: e.preemption } : {}), ...(e.message ? { message: e.message } : {}) })),
  };
}

const WAIT_WORDS: Record<KueueWait, string> = {
  [KueueWait.QUOTA]: 'quota',
  [KueueWait.PREEMPTION]: 'the preemption of lower-priority Workloads',
  [KueueWait.INADMISSIBLE]: 'its queue to become usable (inadmissible)',
  [KueueWait.ADMISSION_CHECKS]: 'its admission checks',
  [KueueWait.OTHER]: 'admission',
};

/** "LocalQueue a (ClusterQueue b)", as far as known. @internal */
export function queueWords(k: Pick<KueueReport, 'localQueue' | 'clusterQueue'>): string {
  const local = k.localQueue ? `LocalQueue ${k.localQueue}` : 'its LocalQueue';
  return `${local}${k.clusterQueue ? ` (ClusterQueue ${k.clusterQueue})` : ''}`;
}

/** A duration in whole seconds, for messages. */
function seconds(durationMs: number): string {
  return `${Math.round(durationMs / 1000)} s`;
}

/** One sentence on where the Job stands in Kueue, for the reports. @internal */
export function kueueSentence(k: KueueReport): string {
  const waits = k.waits;
  const open = waits.length > 0 && waits[waits.length - 1].admittedAt === undefined ? waits[waits.length - 1] : undefined;
  const eviction = k.evictions[k.evictions.length - 1];
  const evictionWords = eviction ? `${eviction.reason === 'Preempted' ? `preempted${eviction.preemption ? ` (${eviction.preemption})` : ''}` : `evicted (${eviction.reason})`} at ${eviction.at}` : '';
  const waited = k.waitedMs !== undefined && k.admittedAt ? `, admitted at ${k.admittedAt} after ${seconds(k.waitedMs)} in the queue${waits.length > 1 ? ` (${waits.length} waits)` : ''}` : '';
  switch (k.status) {
    case KueueStatus.NOT_INSTALLED:
      return `suspended, no Kueue: the cluster serves no ${KUEUE_KEYS.API} API${k.localQueue ? ` (its label ${KUEUE_KEYS.QUEUE_NAME_LABEL} names ${k.localQueue}, but nothing reads it)` : ''}, so no queue admits it; it runs once something sets spec.suspend to false`;
    case KueueStatus.NO_WORKLOAD:
      return k.localQueue ? `Kueue ${queueWords(k)}: no Workload of this Job seen (Kueue has not created it yet, or does not run)`
        : `not queued: Kueue is installed, but no Workload of this Job was seen (by default Kueue manages only Jobs labelled ${KUEUE_KEYS.QUEUE_NAME_LABEL}, and this one has none)`;
    case KueueStatus.PENDING:
      return `${eviction && open ? `${evictionWords}, requeued: ` : ''}waiting in Kueue ${queueWords(k)}${open ? ` since ${open.queuedAt} (${seconds(open.durationMs)})` : ''} for ${WAIT_WORDS[k.waitingFor ?? KueueWait.OTHER]}${k.message ? `: ${k.reason ? `${k.reason}: ` : ''}${k.message}` : ''}`;
    case KueueStatus.EVICTED:
      return `${evictionWords} by Kueue ${queueWords(k)}, being stopped${k.message ? `: ${k.message}` : ''}`;
    case KueueStatus.ADMITTED:
    case KueueStatus.FINISHED:
      return `Kueue ${queueWords(k)}${waited}${eviction ? `; ${k.evictions.length === 1 ? 'evicted once' : `evicted ${k.evictions.length} times`}, last ${evictionWords}` : ''}${k.status === KueueStatus.FINISHED ? '; Workload finished' : ''}`;
  }
}

/**
 * The verdict as Kueue explains it: a queued or suspended Job (and one Kueue is stopping) gets the
 * reason and message of the Workload condition that says why it waits; other verdicts stand.
 * Never terminal, never a failure: an eviction is waited for.
 * @internal
 */
export function kueueVerdict(verdict: JobVerdict, k: KueueReport | undefined): JobVerdict {
  if (!k) return verdict;
  const waiting = verdict.state === JobState.QUEUED || verdict.state === JobState.SUSPENDED;
  const stopping = k.status === KueueStatus.EVICTED && (verdict.state === JobState.RUNNING || verdict.state === JobState.PENDING);
  if (!waiting && !stopping) return verdict;
  const eviction = k.evictions[k.evictions.length - 1];
  const evictedNow = eviction !== undefined && (k.status === KueueStatus.EVICTED || (verdict.state === JobState.SUSPENDED && k.status === KueueStatus.PENDING));
  const reason = evictedNow ? eviction.reason
    : k.status === KueueStatus.PENDING || k.status === KueueStatus.ADMITTED ? k.reason ?? verdict.reason : verdict.reason;
  const sentence = k.status === KueueStatus.ADMITTED ? `admitted by Kueue ${queueWords(k)} at ${k.admittedAt} after ${seconds(k.waitedMs ?? 0)} in the queue: about to be resumed`
    : kueueSentence(k);
  return { ...verdict, ...(reason ? { reason } : {}), message: sentence };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
