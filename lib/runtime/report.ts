import { argoCdDisagreement } from './argocd-health';
import { RunEnd } from './tracking';
import { countLines, failureText, logHeading, omittedText } from './diagnosis';
import { kueueSentence } from './kueue';
import { JobState } from './verdict';
import { FailedPod, JobReport, VerifyOutcome, VerifyResult } from './verify';

/** One compact line per Job, for the live table and the final summary. */
export function jobLine(job: JobReport): string {
  const v = job.verdict;
  const state = `${v.state}${v.reason ? ` (${v.reason})` : ''}${v.early ? ' [early]' : ''}`;
  const s = job.stats;
  const indexes = v.completedIndexes || v.failedIndexes ? ` indexes done ${v.completedIndexes ?? '-'} failed ${v.failedIndexes ?? '-'}` : '';
  const stuck = job.stuckPods.length > 0 ? ` STUCK ${job.stuckPods.map(p => `${p.name}: ${p.reason}`).join(', ')}` : '';
  return `${`${job.namespace}/${job.name}`.padEnd(40)} ${state.padEnd(34)} pods ${s.podsCreated} max-running ${s.maxRunning}${s.maxTerminating > 0 ? ` max-terminating ${s.maxTerminating}` : ''} failed ${s.failedAttempts}${s.durationMs !== undefined ? ` ${Math.round(s.durationMs / 1000)}s` : ''}${indexes}${stuck}`;
}

/** The live table shown on a terminal while verifying. */
export function progressTable(jobs: readonly JobReport[], elapsedMs: number): string[] {
  const done = jobs.filter(j => j.verdict.terminal).length;
  return [`verifying ${jobs.length} Job(s), ${done} finished, ${Math.round(elapsedMs / 1000)} s`, ...jobs.map(jobLine)];
}

const MAX_MESSAGE_LINES = 10;

/**
 * What the containers left in the pod status when they ended (`terminated.message`): the file
 * at terminationMessagePath, or with `terminationMessagePolicy: FallbackToLogsOnError` the
 * end of a failed container's log. Shown when the log itself could not be read (no `pods/log`
 * permission, the node gone): it needs nothing but the pod, which the verifier already watches.
 */
function terminationMessages(exits: FailedPod['exits']): string[] {
  // A container restarted in place often leaves the same message at every run: shown once, its last.
  const shown = exits.filter((e, i) => e.message?.trim() && !exits.slice(i + 1).some(later => later.container === e.container && later.message === e.message));
  return shown.flatMap(e => {
    const text = e.message!.split('\n').filter(l => l.length > 0);
    return [`      termination message of container ${e.container}${text.length > MAX_MESSAGE_LINES ? ` (last ${MAX_MESSAGE_LINES} lines)` : ''}:`,
      ...text.slice(-MAX_MESSAGE_LINES).map(l => `      | ${l}`)];
  });
}

/**
 * What the report knows of the Job's life besides its verdict: who manages it, where it waits,
 * whether it finished before verification began, and the runs that came before the one judged.
 */
function runLines(job: JobReport): string[] {
  const lines: string[] = [];
  if (job.managedBy) lines.push(`    managed by ${job.managedBy}: its status is written there`);
  const s = job.suspension;
  if (s && (s.kueueQueue || s.since)) {
    lines.push(`    ${job.verdict.state === 'queued' ? 'queued' : 'suspended'}${s.kueueQueue ? ` in Kueue LocalQueue ${s.kueueQueue}` : ''}${s.since ? ` since ${s.since}` : ''}`);
  }
  const kueue = kueueLine(job);
  if (kueue) lines.push(`    ${kueue}`);
  if (job.finishedBeforeVerification) lines.push(`    finished at ${job.terminalAt}, before verification began: judged from its status, nothing was watched happening`);
  for (const run of job.earlierRuns) {
    const how = run.endedBy === RunEnd.REPLACED ? 'replaced by a newer Job of the same name' : 'deleted';
    lines.push(`    earlier run ${run.uid}${run.createdAt ? ` (created ${run.createdAt})` : ''}: ${how} while ${run.state}${run.reason ? ` (${run.reason})` : ''}${run.outdated ? `; not this change's: ${run.outdated}` : ''}`);
  }
  if (job.earlierRunsOmitted > 0) lines.push(`    and ${job.earlierRunsOmitted} earlier run(s) more`);
  return lines;
}

/**
 * What Kueue says of the Job, unless the verdict's message already says it (a queued Job's): for
 * a Job that ran, where it waited, when it was admitted, how long it waited, its evictions.
 */
function kueueLine(job: JobReport): string | undefined {
  if (!job.kueue) return undefined;
  const sentence = kueueSentence(job.kueue);
  return job.verdict.message?.includes(sentence) ? undefined : `kueue: ${sentence}`;
}

/**
 * A Job's failed pods: each with why it failed (its reason, every failed run's exit) and its log
 * tail; then how many more failed, and the failures counted by exit code and by reason.
 */
function failedPodLines(job: JobReport): string[] {
  const lines: string[] = [];
  for (const pod of job.failedPods) {
    lines.push(`    failed pod ${pod.name}: ${failureText(pod)}`);
    const heading = logHeading(pod);
    if (heading && (pod.logTail ?? []).length > 0) lines.push(`      ${heading}:`);
    for (const line of pod.logTail ?? []) lines.push(`      | ${line}`);
    if (pod.logError) lines.push(`      (no logs: ${pod.logError})`);
    if ((pod.logTail ?? []).length === 0) lines.push(...terminationMessages(pod.exits));
  }
  if (job.failedPodsOmitted > 0) lines.push(`    ${omittedText(job.failedPodsOmitted)}`);
  lines.push(...countLines(job.exitCounts).map(line => `    ${line}`));
  return lines;
}

/** The final report as text: a line per Job, failed pods with exit codes and log tails, groups, summary. */
export function textReport(result: VerifyResult): string {
  const lines: string[] = [];
  // An error (the cluster could not be reached) comes first: the Jobs below were never judged.
  const closing = `${result.outcome}: ${result.summary} (${Math.round(result.durationMs / 1000)} s, ${result.requests.lists} list(s), ${result.requests.watches} watch(es), ${result.requests.logs} log read(s))`;
  if (result.outcome === VerifyOutcome.ERROR) lines.push(closing);
  for (const job of result.jobs) {
    lines.push(jobLine(job));
    if (job.verdict.message && job.verdict.state !== 'complete') lines.push(`    ${job.verdict.message}`);
    lines.push(...runLines(job));
    const disagreement = argoCdDisagreement(job.verdict, job.argoCdHealth);
    if (disagreement) lines.push(`    ${disagreement}`);
    lines.push(...failedPodLines(job));
  }
  for (const g of result.groups) {
    lines.push(`group ${g.namespace}/${g.group}: ${g.complete}/${g.members} complete, ${g.failed} failed${g.converged ? ', converged' : ''}`);
  }
  for (const o of result.outages) {
    const lasted = `${Math.max(1, Math.round((Date.parse(o.to ?? result.finishedAt) - Date.parse(o.from)) / 1000))} s`;
    lines.push(`API server unreachable while watching ${o.watch}: ${o.to === undefined ? `for the last ${lasted}` : `for ${lasted}, then back`} (${o.failures} failed request(s); last: ${o.lastError})`);
  }
  if (result.outcome !== VerifyOutcome.ERROR) lines.push(closing);
  return lines.join('\n');
}

/**
 * Text as XML character data or attribute value. A log tail may hold characters that XML 1.0
 * forbids, and a parser must then refuse the whole report: ANSI escape sequences (colours, cursor
 * moves, window titles) are left out, then every character outside XML's Char production (other
 * C0 controls such as NUL, unpaired surrogates, U+FFFE, U+FFFF); then markup is escaped.
 */
function xml(text: string): string {
  // CSI (ESC [ parameters intermediates final: colours, cursor moves), OSC (ESC ] ... BEL or ESC \:
  // a window title), else ESC, intermediates and a final byte (ESC ( B of `tput sgr0`, ESC 7).
  const ansiEscape = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[ -/]*[0-~])/g;
  const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
  return text.replace(ansiEscape, '').replace(notXmlChar, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test case per Job; failed, deleted and suspended Jobs fail, unfinished ones are errors. */
export function junitReport(result: VerifyResult): string {
  // Finished and not complete: a failure; gone (cannot be judged): skipped; still on its way
  // (queued, running, missing, ...): an error, as is a verification that could not reach the cluster.
  const gone = (j: JobReport) => j.verdict.state === JobState.GONE;
  const failures = result.jobs.filter(j => j.verdict.terminal && j.verdict.state !== JobState.COMPLETE && !gone(j)).length;
  const skipped = result.jobs.filter(gone).length;
  const unreachable = result.outcome === VerifyOutcome.ERROR;
  const errors = result.jobs.filter(j => !j.verdict.terminal).length + (unreachable ? 1 : 0);
  const cases = result.jobs.map(job => {
    const time = (job.stats.durationMs ?? 0) / 1000;
    const open = `  <testcase classname="${xml(job.namespace)}" name="${xml(job.name)}" time="${time}">`;
    const kueue = job.kueue ? kueueSentence(job.kueue) : undefined;
    const detail = xml([jobLine(job), ...(kueue ? [`kueue: ${kueue}`] : []), ...job.failedPods.map(p => `failed pod ${p.name}: ${p.exits.map(e => `exit ${e.exitCode}`).join(', ')}\n${(p.logTail ?? []).join('\n')}`)].join('\n'));
    const state = `${job.verdict.state}${job.verdict.reason ? ` (${job.verdict.reason})` : ''}`;
    // Where Kueue kept it waiting: for a Job that completed, as output; otherwise in the detail (and an error's message, with its reason).
    if (job.verdict.state === JobState.COMPLETE) return kueue ? `${open}\n    <system-out>${xml(`kueue: ${kueue}`)}</system-out>\n  </testcase>` : `${open}</testcase>`;
    if (gone(job)) return `${open}\n    <skipped message="${xml(`${state}: ${job.verdict.message ?? ''}`)}"/>\n  </testcase>`;
    if (!job.verdict.terminal) {
      return `${open}\n    <error message="${xml(`not finished: ${state}${job.verdict.message && kueue ? `: ${job.verdict.message}` : ''}`)}">${detail}</error>\n  </testcase>`;
    }
    return `${open}\n    <failure message="${xml(state)}">${detail}</failure>\n  </testcase>`;
  });
  if (unreachable) {
    cases.unshift(`  <testcase classname="job-patterns verify" name="reach the cluster" time="${Math.round(result.durationMs / 1000)}">\n    <error message="${xml(result.summary)}">${xml(result.summary)}</error>\n  </testcase>`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="job-patterns verify" tests="${result.jobs.length + (unreachable ? 1 : 0)}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${Math.round(result.durationMs / 1000)}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
