/**
 * Deciding: from every target's verdict, whether verification is over and how it ended, and what
 * the summary says at the deadline. Pure: the verdicts and the clock come in as arguments
 * (test/runtime/outcome.test.ts).
 */
import type { TargetTracker } from './tracking';
import { JobState, JobVerdict } from './verdict';
import type { VerifyOptions } from './verify-options';
import { Outage, VerifyOutcome } from './verify-result';

/** A target and its verdict at one moment. @internal */
export interface Judged {
  readonly t: TargetTracker;
  readonly v: JobVerdict;
}

/** What deciding reads of the options. @internal */
export type DecideOptions = Pick<VerifyOptions, 'failFast' | 'allowSuspended' | 'expectJobs'>;

const name = ({ t, v }: Judged) => `${t.target.name} ${v.state}${v.reason ? ` (${v.reason})` : ''}`;

/**
 * How verification ends with these verdicts, with its summary; undefined while it goes on. With
 * `failFast`, the first failed Job or stuck pod ends it; otherwise every target must be settled
 * (terminal, or queued or suspended under `allowSuspended`) and, with `expectJobs`, that many seen.
 *
 * @internal
 */
export function decide(all: readonly Judged[], options: DecideOptions): [VerifyOutcome, string] | undefined {
  if (options.failFast) {
    const failed = all.find(({ v }) => v.terminal && (v.state === JobState.FAILED || v.state === JobState.DELETED));
    if (failed) return [VerifyOutcome.FAILED, `Job ${name(failed)}`];
    const stuck = all.find(({ t }) => (t.current?.pods?.stuck.size ?? 0) > 0);
    if (stuck) {
      const pod = [...stuck.t.current!.pods!.stuck.values()][0];
      return [VerifyOutcome.FAILED, `pod ${pod.name} of Job ${stuck.t.target.name} is stuck: ${pod.reason}`];
    }
  }
  const held = (v: JobVerdict) => options.allowSuspended === true && (v.state === JobState.QUEUED || v.state === JobState.SUSPENDED);
  const settled = all.length >= (options.expectJobs ?? 0) && all.every(({ v }) => v.terminal || held(v));
  if (!settled) return undefined;
  const bad = all.filter(({ v }) => v.state === JobState.FAILED || v.state === JobState.DELETED);
  const gone = all.filter(({ v }) => v.state === JobState.GONE);
  const waiting = all.filter(({ v }) => held(v));
  if (bad.length > 0) return [VerifyOutcome.FAILED, `${bad.length} of ${all.length} Job(s) did not converge: ${bad.map(name).join(', ')}`];
  if (gone.length > 0) return [VerifyOutcome.UNVERIFIABLE, `${gone.length} of ${all.length} Job(s) cannot be verified: ${gone.map(name).join(', ')}`];
  const neverRan = waiting.filter(({ v }) => v.state === JobState.QUEUED);
  return [VerifyOutcome.CONVERGED, `${all.length} Job(s) converged${waiting.length > 0
    ? `, ${waiting.length} of them only because --allow-suspended counts ${waiting.length === 1 ? 'it' : 'them'} (${waiting.map(name).join(', ')})${neverRan.length > 0 ? `; ${neverRan.length} never ran` : ''}`
    : ''}`];
}

/**
 * The outcome and summary at the deadline: what is still awaited (the first five, and how many
 * more), and the outage if one lasts.
 *
 * @internal
 */
export function timedOut(trackers: Iterable<TargetTracker>, now: number, timeoutMs: number, outages: readonly Outage[]): [VerifyOutcome, string] {
  const open = outages.find(o => o.to === undefined);
  const waiting = [...trackers].map(t => ({ t, v: t.verdict(now) })).filter(({ v }) => !v.terminal);
  const shown = waiting.slice(0, 5).map(({ t, v }) => `${t.target.name} ${waitingFor(t, v, now)}`);
  const more = waiting.length > shown.length ? ` and ${waiting.length - shown.length} more` : '';
  return [VerifyOutcome.TIMEOUT, `timed out after ${Math.round(timeoutMs / 1000)} s${waiting.length > 0 ? `, still waiting for ${shown.join('; ')}${more}` : ''}`
    + `${open ? `, with the API server unreachable for the last ${Math.round((now - Date.parse(open.from)) / 1000)} s (${open.lastError})` : ''}`];
}

/** What a target is waiting for, in a few words: its state, and the queue or manager or hint (for a queued Job, Kueue's word on it). */
function waitingFor(t: TargetTracker, v: JobVerdict, now: number): string {
  const s = t.suspension();
  const kueue = v.message && t.kueue(now) ? `; ${v.reason ? `${v.reason}: ` : ''}${v.message}` : '';
  switch (v.state) {
    case JobState.QUEUED: return `queued${s?.kueueQueue ? ` in Kueue LocalQueue ${s.kueueQueue}` : ''}${s?.since ? ` since ${s.since}` : ''} (never admitted or resumed)${kueue}`;
    case JobState.SUSPENDED: return `suspended again after it ran${s?.kueueQueue ? ` (Kueue LocalQueue ${s.kueueQueue}: preempted or evicted)` : ''}${s?.since ? ` since ${s.since}` : ''}${kueue}`;
    case JobState.MANAGED_ELSEWHERE: return `managed by ${t.current?.job.spec?.managedBy}, which wrote no Complete or Failed`;
    case JobState.OUTDATED: return 'outdated: the Job under its name is an earlier run, and the run of this change never came';
    case JobState.MISSING: return v.reason === 'Replacing' ? 'missing: deleted, waiting for its new run' : 'missing: never seen (not synced yet? its Events show nothing either)';
    default: return v.state;
  }
}
