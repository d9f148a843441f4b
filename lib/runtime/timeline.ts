/**
 * The geometry of a Job's timeline, shared by the HTML report and the Markdown summary: where
 * time starts and ends, which lane each pod attempt takes, the back-off gaps. Pure functions.
 */
import { PodOutcome, PodRecord, recordOf } from './pods';
import type { JobReport, JobTimeline } from './verify-result';

/** The time span a Job's timeline shows. Times in ms since the epoch. */
export interface TimeSpan {
  /** x = 0: the Job's start (or its first pod's creation, if earlier). */
  readonly start: number;
  /** The right edge: the last event, or the deadline when it is near. */
  readonly end: number;
  /** When `spec.activeDeadlineSeconds` runs out, if set. */
  readonly deadlineAt?: number;
  /** False when the deadline lies far beyond the last event (drawn as a note, not a line). */
  readonly deadlineOnChart: boolean;
}

/** A deadline further than this fraction of the events' span past the last event is not drawn to scale. */
const DEADLINE_SLACK = 0.25;

/** When a pod attempt ends on the timeline: its end, or `now` while it still runs. */
export function attemptEnd(pod: PodRecord, now: number): number {
  return Math.max(pod.createdAt, pod.endedAt ?? now);
}

/** A report's timeline with its times in ms since the epoch, for drawing. @internal */
export interface DrawnTimeline {
  readonly startedAt?: number;
  readonly activeDeadlineMs?: number;
  readonly conditions: ReadonlyArray<{ readonly type: string; readonly reason?: string; readonly at: number }>;
  readonly pods: readonly PodRecord[];
}

/** The times of a report's timeline (ISO 8601) as ms since the epoch. @internal */
export function drawnTimeline(t: JobTimeline): DrawnTimeline {
  return {
    ...(t.startedAt !== undefined ? { startedAt: Date.parse(t.startedAt) } : {}),
    ...(t.activeDeadlineMs !== undefined ? { activeDeadlineMs: t.activeDeadlineMs } : {}),
    conditions: t.conditions.map(c => ({ ...c, at: Date.parse(c.at) })),
    pods: t.pods.map(recordOf),
  };
}

/** A wait in Kueue's queue, in ms since the epoch: the "queued" band before (or between) the pods. */
export interface QueueBand {
  readonly from: number;
  /** The admission, or `now` while it still waits. */
  readonly to: number;
  /** True while it still waits. */
  readonly open: boolean;
}

/** The Job's waits in Kueue's queue (from its report's `kueue.waits`) and its evictions, in ms since the epoch. */
export function queueBands(job: JobReport, now: number): { readonly waits: readonly QueueBand[]; readonly evictions: ReadonlyArray<{ readonly at: number; readonly reason: string }> } {
  const k = job.kueue;
  return {
    waits: (k?.waits ?? []).map(w => ({ from: Date.parse(w.queuedAt), to: w.admittedAt !== undefined ? Date.parse(w.admittedAt) : now, open: w.admittedAt === undefined })),
    evictions: (k?.evictions ?? []).map(e => ({ at: Date.parse(e.at), reason: e.reason })),
  };
}

/** The span of a Job's timeline; `now` is when verification ended. It starts with the Job's first wait in Kueue's queue, if any. */
export function timeSpan(job: JobReport, now: number): TimeSpan {
  const t = drawnTimeline(job.timeline);
  const queue = queueBands(job, now);
  const firstPod = t.pods.length > 0 ? t.pods.reduce((min, p) => Math.min(min, p.createdAt), Infinity) : undefined;
  const queuedAt = queue.waits.length > 0 ? queue.waits[0].from : undefined;
  const start = Math.min(t.startedAt ?? firstPod ?? queuedAt ?? now, firstPod ?? Infinity, queuedAt ?? Infinity);
  const last = [
    ...t.conditions.map(c => c.at),
    ...(job.verdictAt ? [Date.parse(job.verdictAt)] : []),
    ...queue.waits.map(w => w.to),
    ...queue.evictions.map(e => e.at),
  ].reduce((max, at) => Math.max(max, at), t.pods.reduce((max, p) => Math.max(max, attemptEnd(p, now)), start + 1000));
  if (t.activeDeadlineMs === undefined || t.startedAt === undefined) {
    return { start, end: last, deadlineOnChart: false };
  }
  // The Job controller counts the deadline from status.startTime.
  const deadlineAt = t.startedAt + t.activeDeadlineMs;
  const deadlineOnChart = deadlineAt <= last + DEADLINE_SLACK * (last - start);
  return { start, end: deadlineOnChart ? Math.max(last, deadlineAt) : last, deadlineAt, deadlineOnChart };
}

/**
 * A lane for each pod attempt (same order as `pods`): an attempt takes the first lane free at its
 * creation. Taken in creation order, this uses as many lanes as attempts existed at once at most
 * (interval partitioning), so the number of lanes is the Job's peak parallelism.
 */
export function assignLanes(pods: readonly PodRecord[], now: number): number[] {
  const order = pods.map((_, i) => i).sort((a, b) => pods[a].createdAt - pods[b].createdAt);
  const laneEnds: number[] = [];
  const lanes = new Array<number>(pods.length);
  for (const i of order) {
    const pod = pods[i];
    let lane = laneEnds.findIndex(end => end <= pod.createdAt);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = attemptEnd(pod, now);
    lanes[i] = lane;
  }
  return lanes;
}

/** Most pod attempts that existed at once (created and not ended). */
export function peakParallelism(pods: readonly PodRecord[], now: number): number {
  return assignLanes(pods, now).reduce((max, lane) => Math.max(max, lane + 1), 0);
}

/**
 * A failed attempt: a pod that failed, or one disrupted while it ran (evicted, preempted: the Job
 * controller counts it failed). A pod the controller killed itself once the Job had ended (a
 * success policy met, the back-off limit or the deadline reached) is not one.
 */
export function failedAttempt(pod: PodRecord): boolean {
  return pod.outcome === PodOutcome.FAILED || (pod.outcome === PodOutcome.KILLED && pod.reason !== undefined);
}

/** A wait between a failed attempt and the next attempt the controller created: the back-off. */
export interface BackoffGap {
  /** Index into the timeline's pods of the failed attempt. */
  readonly after: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The back-off gaps: for each failed attempt, the wait until the next attempt created after it
 * (of the same index, for an Indexed Job). Gaps under a second are left out.
 */
export function backoffGaps(pods: readonly PodRecord[]): BackoffGap[] {
  // Creation times by index ('' when not Indexed), sorted, for a binary search per failed attempt.
  const created = new Map<string, number[]>();
  for (const p of pods) {
    const key = String(p.index ?? '');
    const times = created.get(key) ?? [];
    times.push(p.createdAt);
    created.set(key, times);
  }
  for (const times of created.values()) times.sort((a, b) => a - b);
  const gaps: BackoffGap[] = [];
  pods.forEach((pod, i) => {
    if (!failedAttempt(pod) || pod.endedAt === undefined) return;
    const times = created.get(String(pod.index ?? ''))!;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < pod.endedAt) lo = mid + 1; else hi = mid;
    }
    const next = times[lo];
    if (next !== undefined && next - pod.endedAt >= 1000) gaps.push({ after: i, from: pod.endedAt, to: next });
  });
  return gaps;
}

/** Pod attempts existing at any moment of each of `buckets` equal slices of the span (for a sparkline). */
export function activeByBucket(pods: readonly PodRecord[], span: TimeSpan, buckets: number, now: number): number[] {
  const width = Math.max(1, span.end - span.start) / buckets;
  return Array.from({ length: buckets }, (_, b) => {
    const from = span.start + b * width;
    const to = from + width;
    return pods.filter(p => p.createdAt < to && (attemptEnd(p, now) > from || p.createdAt >= from)).length;
  });
}

/** A duration in words: "850 ms", "42 s", "3 min 5 s", "1 h 2 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`.replace('.0 s', ' s');
  if (seconds < 3600) {
    const s = Math.round(seconds % 60);
    return `${Math.floor(seconds / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const m = Math.round((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h${m ? ` ${m} min` : ''}`;
}
