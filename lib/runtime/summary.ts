/**
 * The verifier's result as Markdown for CI step summaries (`job-patterns verify --summary FILE`,
 * appended to the file as GitHub Actions' `$GITHUB_STEP_SUMMARY` expects): a table of Jobs with a
 * text sparkline of each one's pods over time, and the diagnosis of those that did not converge.
 */
import { countLines, failureText, logHeading, omittedText } from './diagnosis';
import { KueueStatus } from './kueue';
import { PodOutcome } from './pods';
import { activeByBucket, assignLanes, attemptEnd, drawnTimeline, formatSeconds, timeSpan } from './timeline';
import { JobState } from './verdict';
import { JobReport, VerifyResult } from './verify';

/** Options of {@link markdownSummary}. */
export interface MarkdownSummaryOptions {
  /** The heading. @default 'job-patterns verify' */
  readonly title?: string;
  /** At most this many Jobs get a table row; the rest are counted. @default 200 */
  readonly maxRows?: number;
  /** Width of each sparkline, in characters. @default 24 */
  readonly sparklineWidth?: number;
}

const ICONS: Record<string, string> = {
  [JobState.COMPLETE]: '✅',
  [JobState.FAILED]: '❌',
  [JobState.DELETED]: '🗑️',
  [JobState.SUSPENDED]: '⏸️',
  [JobState.QUEUED]: '⏸️',
  [JobState.MANAGED_ELSEWHERE]: '⏳',
  [JobState.OUTDATED]: '⏳',
  [JobState.RUNNING]: '⏳',
  [JobState.PENDING]: '⏳',
  [JobState.MISSING]: '❔',
  [JobState.GONE]: '❔',
};

const OUTCOME_ICONS: Record<string, string> = { converged: '✅', failed: '❌', timeout: '⏱️', error: '⚠️', unverifiable: '❔' };

const LEVELS = '▁▂▃▄▅▆▇█';

/** Text in a table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The Job's pods over time in `width` characters: `·` no pod, `▁`-`█` pods existing (scaled to
 * the Job's peak), `✕` a slice in which an attempt failed or was killed.
 */
export function sparkline(job: JobReport, now: number, width = 24): string {
  const pods = drawnTimeline(job.timeline).pods;
  if (pods.length === 0) return '';
  const span = timeSpan(job, now);
  const active = activeByBucket(pods, span, width, now);
  const peak = Math.max(1, ...active);
  const slice = Math.max(1, span.end - span.start) / width;
  const failedIn = new Set(pods
    .filter(p => p.outcome === PodOutcome.FAILED || p.outcome === PodOutcome.KILLED)
    .map(p => Math.min(width - 1, Math.floor((attemptEnd(p, now) - span.start) / slice))));
  return active.map((n, i) => (failedIn.has(i) ? '✕' : n === 0 ? '·' : LEVELS[Math.min(LEVELS.length - 1, Math.ceil((n / peak) * LEVELS.length) - 1)])).join('');
}

/** The verification result as Markdown (GitHub-flavoured: a table and `<details>` blocks). */
export function markdownSummary(result: VerifyResult, options: MarkdownSummaryOptions = {}): string {
  const now = Date.parse(result.finishedAt);
  const maxRows = options.maxRows ?? 200;
  const lines: string[] = [];
  lines.push(`### ${options.title ?? 'job-patterns verify'}: ${OUTCOME_ICONS[result.outcome] ?? ''} ${result.outcome}`, '');
  lines.push(`${cell(result.summary)} (${formatSeconds(result.durationMs / 1000)})`, '');
  lines.push('| | Job | Verdict | Pods | Peak | Failed attempts | Duration | Pods over time |');
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
  // Jobs that did not converge first, so a truncated table still shows them.
  const jobs = [...result.jobs].sort((a, b) => Number(a.verdict.state === JobState.COMPLETE) - Number(b.verdict.state === JobState.COMPLETE));
  for (const job of jobs.slice(0, maxRows)) {
    const v = job.verdict;
    const peak = assignLanes(drawnTimeline(job.timeline).pods, now).reduce((max, lane) => Math.max(max, lane + 1), 0);
    const line = sparkline(job, now, options.sparklineWidth);
    lines.push(`| ${ICONS[v.state] ?? ''} | \`${cell(`${job.namespace}/${job.name}`)}\` | ${cell(`${v.state}${v.reason ? ` (${v.reason})` : ''}${v.early ? ' early' : ''}${queueCell(job)}`)} | ${job.stats.podsCreated} | ${peak} | ${job.stats.failedAttempts} | ${job.stats.durationMs !== undefined ? formatSeconds(job.stats.durationMs / 1000) : '-'} | ${line ? `\`${line}\`` : ''} |`);
  }
  if (jobs.length > maxRows) lines.push('', `… and ${jobs.length - maxRows} more Job(s), all listed in the HTML report (\`--html\`).`);
  if (result.groups.length > 0) {
    lines.push('', '| Group | Jobs | Complete | Failed | Converged |', '| --- | ---: | ---: | ---: | --- |');
    for (const g of result.groups) lines.push(`| \`${cell(`${g.namespace}/${g.group}`)}\` | ${g.members} | ${g.complete} | ${g.failed} | ${g.converged ? 'yes' : 'no'} |`);
  }
  lines.push('', 'Pods over time: `·` none, `▁`…`█` pods existing (scaled to the Job\'s peak), `✕` an attempt failed or was killed.');
  for (const job of jobs.slice(0, maxRows).filter(j => j.verdict.state !== JobState.COMPLETE)) {
    lines.push('', `<details><summary>${htmlText(`${job.namespace}/${job.name}: ${job.verdict.state}${job.verdict.reason ? ` (${job.verdict.reason})` : ''}`)}</summary>`, '');
    if (job.verdict.message) lines.push(htmlText(job.verdict.message), '');
    for (const p of job.stuckPods) lines.push(`- stuck: \`${p.name}\`: ${htmlText(p.reason)}${p.message ? ` (${htmlText(p.message)})` : ''}`);
    for (const pod of job.failedPods) {
      lines.push(`- \`${pod.name}\`: ${htmlText(failureText(pod))}`);
      if (pod.logTail && pod.logTail.length > 0) {
        const heading = logHeading(pod);
        if (heading) lines.push(`  ${htmlText(heading)}:`);
        lines.push('  ```', ...pod.logTail.map(l => `  ${l.replace(/```/g, "'''")}`), '  ```');
      }
    }
    if (job.failedPodsOmitted > 0) lines.push(`- ${omittedText(job.failedPodsOmitted)}`);
    for (const line of countLines(job.exitCounts)) lines.push(`- ${htmlText(line)}`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n\n`;
}

/** Kueue's part of the verdict cell: how long the Job waited in its queue, and its evictions. */
function queueCell(job: JobReport): string {
  const k = job.kueue;
  if (!k) return '';
  if (k.status === KueueStatus.NOT_INSTALLED) return ', no Kueue';
  const evictions = k.evictions.length > 0 ? `, ${k.evictions.every(e => e.reason === 'Preempted') ? 'preempted' : 'evicted'} ${k.evictions.length}×` : '';
  return `${k.waitedMs !== undefined ? `, queued ${formatSeconds(k.waitedMs / 1000)}` : ''}${evictions}`;
}

function htmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
