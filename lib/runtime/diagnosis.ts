/**
 * Why a Job's pods failed, from every state of them the verifier saw (watch events, and a fresh
 * read after the verdict): each failed run of each container, which a pod status keeps only two
 * of (`lastState` and `state`); why a pod failed when no exit code says it (evicted, disrupted,
 * refused by the kubelet); counts by exit code and by reason over every failed pod; and the log
 * tails of the first few. Pure: the pods come in through {@link DiagnosisRecorder.observe}, the
 * logs through the reader given to {@link DiagnosisRecorder.finish}. Memory stays small whatever
 * the number of pods: a few keys a failed pod, and details for the pods listed only.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describeApiError } from './apply';
import { ContainerExit, ContainerRun, failedRuns, PodFailureReason, podFailureReason } from './pods';

/** A failed pod of a Job, for the diagnosis. */
export interface FailedPod {
  /** The pod's name. */
  readonly name: string;
  /**
   * Every non-zero exit seen of its containers: each failed run, oldest first (a container
   * restarted in place, restartPolicy OnFailure, has one per run); native sidecars left out. At
   * most 10: the first 5 and the last 5 when there were more (see `exitsOmitted`).
   */
  readonly exits: readonly ContainerExit[];
  /** Failed runs seen beyond the 10 in `exits` (they are in the Job's `exitCounts`). */
  readonly exitsOmitted?: number;
  /**
   * Why the pod failed when the pod says it, beyond its containers' exits: evicted or refused by
   * the kubelet (`status.reason`: Evicted, OutOfcpu, NodeAffinity, ...), or disrupted (the
   * reason of its DisruptionTarget condition: EvictionByEvictionAPI, PreemptionByScheduler, ...).
   */
  readonly podReason?: PodFailureReason;
  /** The last lines of its log, when read (for a Job's first failed pods with a failed container only). */
  readonly logTail?: readonly string[];
  /** The container whose log `logTail` is: its first failed container. */
  readonly logContainer?: string;
  /** True when the log is the previous run's of a restarted container (read with `previous`): the run that failed. */
  readonly logPrevious?: boolean;
  /** Why reading its log failed, or `not read: deadline` when time ran out first (absent, with no `logTail`, for a pod whose log was not read). */
  readonly logError?: string;
}

/**
 * How many failed runs ended with one exit code of one container (`container`, `exitCode` and the
 * kubelet's `reason`), or how many pods failed for one pod-level reason (`reason` alone).
 */
export interface ExitCount {
  /** The container, for an exit code. */
  readonly container?: string;
  /** The exit code (never 0). */
  readonly exitCode?: number;
  /** With an exit code, the kubelet's reason (Error, OOMKilled, ...); alone, the pod's (see {@link FailedPod.podReason}). */
  readonly reason?: string;
  /** How many. */
  readonly count: number;
}

/** What a Job's failed pods say. */
export interface JobDiagnosis {
  /** The first failed pods seen (at most 20 by default), with their exits and reasons. */
  readonly failedPods: readonly FailedPod[];
  /** Failed pods seen beyond those listed. */
  readonly failedPodsOmitted: number;
  /**
   * Failed runs counted by exit code (per container) and failed pods by pod-level reason, over
   * every failed pod seen, listed or not; most frequent first. A pod disrupted while it ran is
   * counted under its reason and under its containers' exit (often 143, the SIGTERM it got).
   */
  readonly exitCounts: readonly ExitCount[];
}

/** Options of {@link DiagnosisRecorder.finish}. */
export interface DiagnosisLogOptions {
  /** Lines of log to keep from each pod read (the reader should ask for as many: `tailLines`); 0 reads none. */
  readonly logLines: number;
  /** No read starts after this time (ms since the epoch), and each one still running then is aborted. */
  readonly deadline: number;
  /**
   * Reads the log of one container of a pod, of its previous run when `previous` (a restarted
   * container); stops when `signal` aborts. Rejects with the API's error.
   */
  readonly readLog: (pod: { readonly namespace: string; readonly name: string }, container: string, previous: boolean, signal: AbortSignal) => Promise<string>;
}

/** What {@link FailedPod.logError} says of a log that time ran out for. */
export const LOG_NOT_READ_DEADLINE = 'not read: deadline';

/** Exits kept a pod: the first and the last half of them. */
const MAX_EXITS = 10;
/**
 * Runs remembered a container, to count each once however many statuses show it: a status shows
 * two (`lastState`, `state`), and a lagging watch can deliver an older status after a newer one.
 */
const RUNS_REMEMBERED = 4;
/** A termination message is kept to its last this many characters (the kubelet allows 4096). */
const MAX_MESSAGE_CHARS = 1024;

interface Run { readonly key: string; readonly at: number }

interface Recorded {
  readonly name: string;
  readonly namespace: string;
  /** Per container, its latest runs counted (at most RUNS_REMEMBERED), oldest first. */
  readonly runs: Map<string, Run[]>;
  podReason?: PodFailureReason;
  /** Whether `podReason` is a Failed pod's own `status.reason`, which a DisruptionTarget condition does not replace. */
  reasonFromStatus: boolean;
  exitsSeen: number;
  /** The exits kept, oldest first: for listed pods only. */
  readonly exits?: Array<ContainerExit & { readonly at: number }>;
  /** The log to read (listed pods only), from the newest status seen (`at`). */
  log?: { readonly container: string; readonly previous: boolean; readonly at: number };
}

/** The newest time a pod's status shows, to tell a newer status from an older one. */
function statusTime(pod: V1Pod): number {
  const times = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].flatMap(s => [
    s.state?.running?.startedAt, s.state?.terminated?.finishedAt, s.lastState?.terminated?.finishedAt,
  ]).filter(t => t !== undefined).map(t => new Date(t!).getTime());
  return Math.max(0, ...times.filter(t => !Number.isNaN(t)));
}

/** The last MAX_MESSAGE_CHARS of a message, from a line's start, marked `…` when cut. */
function trimMessage(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= MAX_MESSAGE_CHARS) return message;
  const end = message.slice(-MAX_MESSAGE_CHARS);
  const lineStart = end.indexOf('\n');
  return `…\n${lineStart >= 0 ? end.slice(lineStart + 1) : end}`;
}

/**
 * Records the failed pods of one run of a Job from every state of them seen, and reads the logs
 * of the first few at the end. See the module's comment.
 *
 * @internal
 */
export class DiagnosisRecorder {
  private readonly maxPods: number;
  private readonly maxLogged: number;
  /** Every failed pod seen, by uid. */
  private readonly pods = new Map<string, Recorded>();
  /** The first `maxPods` of them, in the order they were seen failing. */
  private readonly listed: Recorded[] = [];
  /** By exit key (container, code, reason) or pod reason. */
  private readonly counts = new Map<string, { container?: string; exitCode?: number; reason?: string; count: number }>();

  constructor(limits: { readonly maxPods?: number; readonly maxLogged?: number } = {}) {
    this.maxPods = limits.maxPods ?? 20;
    this.maxLogged = limits.maxLogged ?? 5;
  }

  /**
   * A state of a pod of the Job's current run (a watch event, or the fresh read after the
   * verdict). Exits accumulate across the states of one pod (by uid), each run counted once.
   */
  public observe(pod: V1Pod): void {
    const runs = failedRuns(pod);
    const reason = podFailureReason(pod);
    const uid = pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    let recorded = this.pods.get(uid);
    if (!recorded) {
      if (runs.length === 0 && !reason && pod.status?.phase !== 'Failed') return;
      const listed = this.listed.length < this.maxPods;
      recorded = {
        name: pod.metadata?.name ?? '',
        namespace: pod.metadata?.namespace ?? '',
        runs: new Map(),
        reasonFromStatus: false,
        exitsSeen: 0,
        ...(listed ? { exits: [] } : {}),
      };
      this.pods.set(uid, recorded);
      if (listed) this.listed.push(recorded);
    }
    for (const run of runs) this.countRun(recorded, run);
    if (reason) this.setReason(recorded, reason, pod.status?.phase === 'Failed' && !!pod.status.reason);
    if (recorded.exits && runs.length > 0) {
      // The first failed container's log: its previous run's when that is the failure shown
      // (the container restarted and runs, or ended well, since).
      const at = statusTime(pod);
      if (!recorded.log || at >= recorded.log.at) {
        const container = runs[0].container;
        const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find(s => s.name === container);
        const current = status?.state?.terminated;
        recorded.log = { container, previous: !(current && current.exitCode !== 0), at };
      }
    }
  }

  /** The diagnosis so far, without logs (for progress reports). */
  public current(): JobDiagnosis {
    const kind = (c: ExitCount) => (c.exitCode === undefined ? 1 : 0);
    const exitCounts = [...this.counts.values()].map(c => ({ ...c }))
      .sort((a, b) => b.count - a.count || kind(a) - kind(b) || (a.container ?? '').localeCompare(b.container ?? '')
        || (a.exitCode ?? 0) - (b.exitCode ?? 0) || (a.reason ?? '').localeCompare(b.reason ?? ''));
    return {
      failedPods: this.listed.map(r => ({
        name: r.name,
        exits: (r.exits ?? []).map(({ at: _at, ...exit }) => exit),
        ...(r.exitsSeen > (r.exits?.length ?? 0) ? { exitsOmitted: r.exitsSeen - (r.exits?.length ?? 0) } : {}),
        ...(r.podReason ? { podReason: r.podReason } : {}),
      })),
      failedPodsOmitted: this.pods.size - this.listed.length,
      exitCounts,
    };
  }

  /**
   * The diagnosis with the log tails of the first `maxLogged` listed pods that have a failed
   * container (a pod refused at admission never ran), read side by side with `readLog`. No read
   * starts after `deadline`, and each is aborted at it: the pod then says `not read: deadline`.
   */
  public async finish(options: DiagnosisLogOptions): Promise<JobDiagnosis> {
    const diagnosis = this.current();
    let slots = options.logLines > 0 ? this.maxLogged : 0;
    const failedPods = await Promise.all(diagnosis.failedPods.map((pod, i) => {
      const recorded = this.listed[i];
      if (!recorded.log || slots === 0) return pod;
      slots--;
      return readTail(pod, recorded, recorded.log, options);
    }));
    return { ...diagnosis, failedPods };
  }

  private countRun(recorded: Recorded, run: ContainerRun): void {
    const seen = recorded.runs.get(run.container) ?? [];
    if (seen.some(r => r.key === run.key)) return;
    // A run with no end time (a status the kubelet made up for a vanished container) is its last.
    const at = run.finishedAt ?? Number.MAX_SAFE_INTEGER;
    // Older than every run remembered: counted, then forgotten (a lagging watch's old status).
    if (seen.length >= RUNS_REMEMBERED && at < seen[0].at) return;
    seen.splice(seen.filter(r => r.at <= at).length, 0, { key: run.key, at });
    if (seen.length > RUNS_REMEMBERED) seen.shift();
    recorded.runs.set(run.container, seen);
    recorded.exitsSeen++;
    this.count(`exit\0${run.container}\0${run.exitCode}\0${run.reason ?? ''}`, { container: run.container, exitCode: run.exitCode, ...(run.reason ? { reason: run.reason } : {}) }, 1);
    const exits = recorded.exits;
    if (!exits) return;
    const message = trimMessage(run.message);
    exits.splice(exits.filter(e => e.at <= at).length, 0, {
      container: run.container, exitCode: run.exitCode,
      ...(run.reason ? { reason: run.reason } : {}), ...(message ? { message } : {}), at,
    });
    // Keep the first and the last half: the run that began it, and those that ended it.
    if (exits.length > MAX_EXITS) exits.splice(MAX_EXITS / 2, 1);
  }

  /** A pod's reason, counted once: a Failed pod's own reason replaces a DisruptionTarget's, not the other way. */
  private setReason(recorded: Recorded, reason: PodFailureReason, fromStatus: boolean): void {
    if (recorded.podReason && (recorded.reasonFromStatus || !fromStatus)) return;
    if (recorded.podReason) this.count(`reason\0${recorded.podReason.reason}`, { reason: recorded.podReason.reason }, -1);
    recorded.podReason = reason;
    recorded.reasonFromStatus = fromStatus;
    this.count(`reason\0${reason.reason}`, { reason: reason.reason }, 1);
  }

  private count(key: string, what: Omit<ExitCount, 'count'>, delta: number): void {
    const entry = this.counts.get(key) ?? { ...what, count: 0 };
    entry.count += delta;
    if (entry.count > 0) this.counts.set(key, entry); else this.counts.delete(key);
  }
}

/**
 * What the kubelet answers, as the log's text, for a container whose log it no longer has (the
 * container was removed: an OnFailure pod deleted by the Job controller, a node that cleaned up):
 * `unable to retrieve container logs for containerd://<id>` (kuberuntime's GetContainerLogs).
 * It is not the container's output, so it is reported as a log that could not be read.
 */
const KUBELET_LOG_GONE = /^unable to retrieve container logs for \S+$/;

/** Reads one pod's log tail before the deadline. */
async function readTail(pod: FailedPod, at: { readonly namespace: string; readonly name: string }, log: { readonly container: string; readonly previous: boolean }, options: DiagnosisLogOptions): Promise<FailedPod> {
  const remaining = options.deadline - Date.now();
  if (remaining <= 0) return { ...pod, logError: LOG_NOT_READ_DEADLINE };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The reader may not heed the signal: the deadline ends the wait all the same.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(LOG_NOT_READ_DEADLINE));
    }, remaining);
  });
  try {
    const text = await Promise.race([options.readLog({ namespace: at.namespace, name: at.name }, log.container, log.previous, controller.signal), deadline]);
    const gone = KUBELET_LOG_GONE.exec(text.trim());
    if (gone) return { ...pod, logError: `the node no longer has it (the kubelet answered "${gone[0]}")` };
    return {
      ...pod,
      logTail: text.split('\n').filter(l => l.length > 0).slice(-options.logLines),
      logContainer: log.container,
      ...(log.previous ? { logPrevious: true } : {}),
    };
  } catch (error) {
    return { ...pod, logError: controller.signal.aborted ? LOG_NOT_READ_DEADLINE : describeApiError(error) };
  } finally {
    clearTimeout(timer);
  }
}

// The diagnosis in words, the same in the text, Markdown and HTML reports.

/** An exit in words: `container main exit 137 (OOMKilled)`. @internal */
export function exitText(exit: { readonly container?: string; readonly exitCode?: number; readonly reason?: string }): string {
  return `container ${exit.container} exit ${exit.exitCode}${exit.reason ? ` (${exit.reason})` : ''}`;
}

/**
 * A failed pod's reason and exits in words: `Evicted (The node was low on resource: memory...)`,
 * `container main exit 137 (OOMKilled), container main exit 1 (Error)`; the runs left out where
 * they were, between the first and the last ones kept.
 *
 * @internal
 */
export function failureText(pod: FailedPod): string {
  const exits = pod.exits.map(exitText);
  if (pod.exitsOmitted) exits.splice(Math.ceil(exits.length / 2), 0, `… ${pod.exitsOmitted} more failed run(s) …`);
  const reason = pod.podReason ? [`${pod.podReason.reason}${pod.podReason.message?.trim() ? ` (${pod.podReason.message.trim()})` : ''}`] : [];
  const parts = [...reason, ...exits];
  return parts.length > 0 ? parts.join(', ') : 'no exit code or reason in its status';
}

/** What a log tail is, when it is not simply the failed container's current run: `log of container main (previous container)`. @internal */
export function logHeading(pod: FailedPod): string | undefined {
  return pod.logPrevious ? `log of container ${pod.logContainer} (previous container)` : undefined;
}

/** The line under the failed pods listed that counts the others. @internal */
export function omittedText(omitted: number): string {
  return `and ${omitted} more failed pod(s)`;
}

/**
 * The counts in words, a line for exit codes and one for pod reasons: shown when more than one
 * failure was counted (one is the failed pod line itself).
 *
 * @internal
 */
export function countLines(counts: readonly ExitCount[]): string[] {
  if (counts.reduce((n, c) => n + c.count, 0) <= 1) return [];
  const exits = counts.filter(c => c.exitCode !== undefined);
  const reasons = counts.filter(c => c.exitCode === undefined);
  return [
    ...(exits.length > 0 ? [`failed runs by exit code: ${exits.map(c => `${exitText(c)} ×${c.count}`).join(', ')}`] : []),
    ...(reasons.length > 0 ? [`failed pods by reason: ${reasons.map(c => `${c.reason} ×${c.count}`).join(', ')}`] : []),
  ];
}
