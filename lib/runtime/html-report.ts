/**
 * The verifier's result as one self-contained HTML page (`job-patterns verify --html FILE`): per
 * Job a timeline of its pods drawn in plain SVG, and the verdict and diagnosis beside it. No
 * script, no external style, font or image: a Content-Security-Policy forbids any request.
 */
import { argoCdDisagreement } from './argocd-health';
import { countLines, failureText, logHeading, omittedText } from './diagnosis';
import { PodOutcome, PodRecord } from './pods';
import { kueueSentence, queueWords } from './kueue';
import { assignLanes, attemptEnd, backoffGaps, drawnTimeline, failedAttempt, formatSeconds, queueBands, TimeSpan, timeSpan } from './timeline';
import { JobState } from './verdict';
import { JobReport, VerifyResult } from './verify';

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** The page's title. @default 'job-patterns verify' */
  readonly title?: string;
  /**
   * Every Job and group starts expanded when the report has at most this many Jobs; above it only
   * those that did not converge do (the others are one line each, a click away). @default 12
   */
  readonly expandUpTo?: number;
}

/** Colours by outcome (also in the legend and the Markdown summary's key). */
export const OUTCOME_COLOURS: Record<PodOutcome, string> = {
  [PodOutcome.SUCCEEDED]: '#2e7d32',
  [PodOutcome.FAILED]: '#c62828',
  [PodOutcome.KILLED]: '#6a1b9a',
  [PodOutcome.RUNNING]: '#1565c0',
  [PodOutcome.PENDING]: '#90a4ae',
};

const OUTCOME_WORDS: Record<PodOutcome, string> = {
  [PodOutcome.SUCCEEDED]: 'succeeded',
  [PodOutcome.FAILED]: 'failed (exit code, or the pod\'s reason: evicted, ...)',
  [PodOutcome.KILLED]: 'killed (deadline, back-off limit, deletion, eviction)',
  [PodOutcome.RUNNING]: 'still running',
  [PodOutcome.PENDING]: 'not started yet',
};

const VERDICT_COLOURS: Record<string, string> = {
  [JobState.COMPLETE]: OUTCOME_COLOURS[PodOutcome.SUCCEEDED],
  [JobState.FAILED]: OUTCOME_COLOURS[PodOutcome.FAILED],
  [JobState.DELETED]: OUTCOME_COLOURS[PodOutcome.KILLED],
  [JobState.RUNNING]: OUTCOME_COLOURS[PodOutcome.RUNNING],
  [JobState.SUSPENDED]: '#ef6c00',
  [JobState.QUEUED]: '#ef6c00',
  [JobState.MANAGED_ELSEWHERE]: OUTCOME_COLOURS[PodOutcome.RUNNING],
  [JobState.OUTDATED]: OUTCOME_COLOURS[PodOutcome.PENDING],
  [JobState.GONE]: OUTCOME_COLOURS[PodOutcome.KILLED],
  [JobState.PENDING]: OUTCOME_COLOURS[PodOutcome.PENDING],
  [JobState.MISSING]: OUTCOME_COLOURS[PodOutcome.PENDING],
};

// Geometry of a timeline, in CSS pixels: fits beside the diagnosis on a 1280-px screen.
const CHART_WIDTH = 780;
const LEFT = 40;
const RIGHT = 16;
const PLOT = CHART_WIDTH - LEFT - RIGHT;
const LABEL_ROW = 14;
const AXIS = 26;
/** The row of Kueue's queue above the lanes: the waits before (or between) the pods. */
const QUEUE_ROW = 16;
/** Lanes are 20 px high, thinner when there are many (at least 3 px, about 360 px in all). */
const laneHeight = (lanes: number) => Math.max(3, Math.min(20, Math.floor(360 / Math.max(1, lanes))));

function esc(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Tick spacing in seconds: the first of these that gives at most 8 ticks. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

function verdictText(job: JobReport): string {
  const v = job.verdict;
  return `${v.state}${v.reason ? ` (${v.reason})` : ''}`;
}

/** The timeline of one Job as an SVG element. */
export function timelineSvg(job: JobReport, now: number): string {
  const drawn = drawnTimeline(job.timeline);
  const pods = drawn.pods;
  const span = timeSpan(job, now);
  const seconds = Math.max(1, (span.end - span.start) / 1000);
  const x = (at: number) => round(LEFT + ((at - span.start) / 1000 / seconds) * PLOT);
  const lanes = assignLanes(pods, now);
  const laneCount = lanes.reduce((max, lane) => Math.max(max, lane + 1), 0);
  const lh = laneHeight(laneCount);
  const gap = lh >= 10 ? 3 : lh >= 6 ? 1 : 0;

  // Marks above the lanes (conditions, verdict, deadline), each label on its own row when they are close.
  interface Mark { at: number; cls: string; label: string; data: string; withTime?: boolean }
  const marks: Mark[] = drawn.conditions.map(c => ({
    at: c.at,
    cls: `condition${c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet' ? ' early' : ''}`,
    label: `${c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet' ? 'early: ' : ''}${c.type}${c.reason ? ` (${c.reason})` : ''}`,
    data: `data-type="${esc(c.type)}"`,
    withTime: true,
  }));
  if (job.verdictAt) marks.push({ at: Date.parse(job.verdictAt), cls: 'verdict-mark', label: `verdict: ${job.verdict.state}${job.verdict.early ? ' (early)' : ''}`, data: '', withTime: true });
  if (span.deadlineAt !== undefined && span.deadlineOnChart) {
    marks.push({ at: span.deadlineAt, cls: 'deadline', label: `deadline ${formatSeconds(job.timeline.activeDeadlineMs! / 1000)}`, data: `data-seconds="${job.timeline.activeDeadlineMs! / 1000}"` });
  }
  marks.sort((a, b) => a.at - b.at);
  const rowEnds: number[] = [];
  const placed = marks.map(m => {
    const mx = x(m.at);
    const text = m.withTime ? `${m.label} ${formatSeconds(Math.max(0, m.at - span.start) / 1000)}` : m.label;
    const width = text.length * 6.2 + 8;
    // Right-aligned near the right edge.
    const anchorEnd = mx + width > CHART_WIDTH;
    const [from, to] = anchorEnd ? [mx - width, mx] : [mx, mx + width];
    let row = rowEnds.findIndex(end => end <= from);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = to;
    return { ...m, text, mx, row, anchorEnd };
  });
  const queue = queueBands(job, now);
  const queueRow = queue.waits.length > 0 || queue.evictions.length > 0 ? QUEUE_ROW : 0;
  const top = Math.max(1, rowEnds.length) * LABEL_ROW + 4 + queueRow;
  const lanesHeight = Math.max(1, laneCount) * lh;
  const offChart = span.deadlineAt !== undefined && !span.deadlineOnChart;
  const height = top + lanesHeight + AXIS + (offChart ? LABEL_ROW : 0);
  const laneY = (lane: number) => top + lane * lh;
  const out: string[] = [];
  out.push(`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" data-lanes="${laneCount}" data-pods="${pods.length}" data-seconds="${round(seconds)}" role="img" aria-label="${esc(`timeline of Job ${job.name}: ${pods.length} pod(s) in ${laneCount} lane(s)`)}">`);

  // Lanes and the time axis.
  for (let lane = 0; lane < laneCount; lane++) {
    out.push(`<rect class="lane" data-lane="${lane}" x="${LEFT}" y="${laneY(lane)}" width="${PLOT}" height="${lh}"/>`);
  }
  if (laneCount > 0 && lh >= 10) {
    for (let lane = 0; lane < laneCount; lane++) out.push(`<text class="lane-label" x="${LEFT - 6}" y="${laneY(lane) + lh / 2 + 4}">${lane + 1}</text>`);
  }
  if (laneCount === 0) out.push(`<text class="empty" x="${LEFT + 8}" y="${top + 14}">no pod seen</text>`);
  const step = TICK_STEPS.find(s => seconds / s <= 8) ?? Math.ceil(seconds / 8);
  const axisY = top + lanesHeight;
  out.push(`<line class="axis" x1="${LEFT}" y1="${axisY}" x2="${LEFT + PLOT}" y2="${axisY}"/>`);
  for (let s = 0; s <= seconds + 1e-9; s += step) {
    const tx = x(span.start + s * 1000);
    out.push(`<line class="tick" x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 4}"/><text class="tick-label" x="${tx}" y="${axisY + 16}">${esc(s === 0 ? '0' : formatSeconds(s))}</text>`);
  }

  // Kueue's queue: a band per wait (creation or eviction to admission), a tick per eviction.
  if (queueRow > 0) {
    const y = top - queueRow + 2;
    const h = queueRow - 4;
    out.push(`<text class="lane-label queue-label" x="${LEFT - 6}" y="${y + h / 2 + 4}">queue</text>`);
    const where = job.kueue ? queueWords(job.kueue) : 'its queue';
    for (const w of queue.waits) {
      const [x1, x2] = [x(w.from), Math.max(x(w.from) + 2, x(w.to))];
      const waited = formatSeconds(Math.max(0, w.to - w.from) / 1000);
      const tip = `queued in Kueue ${where} for ${waited}${w.open ? ', still waiting' : ', then admitted'} (from ${w.from > span.start ? formatSeconds((w.from - span.start) / 1000) : '0 s'})`;
      const text = `queued ${waited}`;
      out.push(`<g class="queued${w.open ? ' open' : ''}" data-seconds="${round((w.to - w.from) / 1000)}"><title>${esc(tip)}</title><rect x="${x1}" y="${y}" width="${round(x2 - x1)}" height="${h}"/>`
        + `${x2 - x1 >= text.length * 6 + 4 ? `<text x="${round(x1 + 3)}" y="${y + h / 2 + 4}">${esc(text)}</text>` : ''}</g>`);
    }
    for (const e of queue.evictions) {
      const ex = x(e.at);
      out.push(`<g class="eviction" data-reason="${esc(e.reason)}"><title>${esc(`evicted by Kueue: ${e.reason}`)}</title><line x1="${ex}" y1="${y}" x2="${ex}" y2="${top + Math.max(1, laneCount) * lh}"/></g>`);
    }
  }

  // Back-off gaps: a dashed line from a failed attempt's end to the next attempt.
  for (const g of backoffGaps(pods)) {
    const y = laneY(lanes[g.after]) + lh / 2;
    const [x1, x2] = [x(g.from), x(g.to)];
    const label = x2 - x1 > 70 && lh >= 10 ? `<text class="backoff-label" x="${round((x1 + x2) / 2)}" y="${y + 4}">back-off ${esc(formatSeconds((g.to - g.from) / 1000))}</text>` : '';
    out.push(`<g class="backoff" data-seconds="${round((g.to - g.from) / 1000)}"><line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}"/>${label}</g>`);
  }

  // One bar per pod attempt.
  pods.forEach((pod, i) => out.push(podBar(pod, lanes[i], x, laneY(lanes[i]) + gap / 2, lh - gap, now, span, job)));

  // Marks: a line through the lanes, the label on its row above them.
  for (const m of placed) {
    const ly = m.row * LABEL_ROW + 11;
    out.push(`<g class="${m.cls}" ${m.data}><line x1="${m.mx}" y1="${ly + 3}" x2="${m.mx}" y2="${axisY}"/><text x="${m.anchorEnd ? m.mx - 3 : m.mx + 3}" y="${ly}" text-anchor="${m.anchorEnd ? 'end' : 'start'}">${esc(m.text)}</text></g>`);
  }
  if (offChart) {
    out.push(`<text class="deadline-off-chart" x="${LEFT + PLOT}" y="${axisY + 16 + LABEL_ROW}" text-anchor="end" data-seconds="${job.timeline.activeDeadlineMs! / 1000}">deadline at ${esc(formatSeconds(job.timeline.activeDeadlineMs! / 1000))} (off the chart) →</text>`);
  }
  out.push('</svg>');
  return out.join('');
}

function podBar(pod: PodRecord, lane: number, x: (at: number) => number, y: number, h: number, now: number, span: TimeSpan, job: JobReport): string {
  const x1 = x(pod.createdAt);
  // 1 px short of its end, so that back-to-back attempts in a lane stay apart.
  const x2 = Math.max(x1 + 2, x(attemptEnd(pod, now)) - 1);
  const started = pod.startedAt !== undefined ? Math.min(Math.max(x(pod.startedAt), x1), x2) : pod.outcome === PodOutcome.PENDING ? x2 : x1;
  const outcome = pod.outcome;
  // A pod disrupted (evicted, preempted) says why; others were killed by what ended the Job.
  const killedWhy = pod.reason !== undefined ? ` (${pod.reason})`
    : outcome === PodOutcome.KILLED && job.verdict.state === JobState.FAILED && job.verdict.reason ? ` by ${job.verdict.reason}` : '';
  const what = outcome === PodOutcome.FAILED ? `failed${pod.exitCode !== undefined ? `, exit code ${pod.exitCode}` : ''}${pod.reason !== undefined ? `, ${pod.reason}` : ''}`
    : outcome === PodOutcome.KILLED ? `killed${killedWhy}` : outcome;
  const rel = (at: number) => formatSeconds(Math.max(0, at - span.start) / 1000);
  const tip = [
    `${pod.name}${pod.index !== undefined ? ` (index ${pod.index})` : ''}: ${what}`,
    `created at ${rel(pod.createdAt)}${pod.startedAt !== undefined ? `, running at ${rel(pod.startedAt)}` : ''}${pod.endedAt !== undefined ? `, ended at ${rel(pod.endedAt)}` : ', not ended'}`,
    ...(pod.restarts > 0 ? [`${pod.restarts} restart(s) in place`] : []),
    // Not drawn: the kubelet restarts a sidecar whenever it exits, and that is no failed attempt.
    ...(pod.sidecarRestarts ? [`${pod.sidecarRestarts} restart(s) of its native sidecars (not failed attempts)`] : []),
  ].join('\n');
  const label = [
    ...(pod.index !== undefined ? [`#${pod.index}`] : []),
    ...(outcome === PodOutcome.FAILED ? (pod.exitCode !== undefined ? [`exit ${pod.exitCode}`] : pod.reason !== undefined ? [pod.reason] : []) : []),
    ...(outcome === PodOutcome.KILLED ? ['killed'] : []),
  ].join(' ');
  const parts = [
    `<g class="pod ${outcome}" data-outcome="${outcome}" data-lane="${lane}" data-name="${esc(pod.name)}"${pod.index !== undefined ? ` data-index="${pod.index}"` : ''}${pod.exitCode !== undefined ? ` data-exit-code="${pod.exitCode}"` : ''}${pod.reason !== undefined ? ` data-reason="${esc(pod.reason)}"` : ''} data-restarts="${pod.restarts}"${pod.sidecarRestarts ? ` data-sidecar-restarts="${pod.sidecarRestarts}"` : ''}>`,
    `<title>${esc(tip)}</title>`,
  ];
  if (started > x1) parts.push(`<rect class="pending-part" x="${x1}" y="${round(y)}" width="${round(started - x1)}" height="${h}"/>`);
  if (x2 > started) parts.push(`<rect class="bar" x="${started}" y="${round(y)}" width="${round(x2 - started)}" height="${h}"/>`);
  else parts.push(`<rect class="bar" x="${x1}" y="${round(y)}" width="${round(x2 - x1)}" height="${h}"/>`);
  for (const at of pod.restartsAt) {
    const rx = x(at);
    parts.push(`<line class="restart" x1="${rx}" y1="${round(y)}" x2="${rx}" y2="${round(y + h)}"/>`);
  }
  // A label needs room: about 6 px a character, and a lane at least 12 px high.
  if (label && h >= 12 && x2 - x1 >= label.length * 6 + 4) {
    parts.push(`<text class="bar-label" x="${round(x1 + 3)}" y="${round(y + h / 2 + 4)}">${esc(label)}</text>`);
  } else if (pod.index !== undefined && h >= 12) {
    // An Indexed bar too short for its label gets the index just after it.
    parts.push(`<text class="bar-label outside" x="${round(x2 + 2)}" y="${round(y + h / 2 + 4)}">${esc(`#${pod.index}`)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

function failedIndexes(job: JobReport): string | undefined {
  if (job.verdict.failedIndexes) return `failed indexes: ${job.verdict.failedIndexes}`;
  const counts = new Map<number, number>();
  for (const p of drawnTimeline(job.timeline).pods) {
    if (p.index !== undefined && failedAttempt(p)) counts.set(p.index, (counts.get(p.index) ?? 0) + 1);
  }
  if (counts.size === 0) return undefined;
  return `indexes with failed attempts: ${[...counts.entries()].sort(([a], [b]) => a - b).map(([i, n]) => `${i} (${n}×)`).join(', ')}`;
}

function diagnosis(job: JobReport, lanes: number): string {
  const v = job.verdict;
  const s = job.stats;
  const t = job.timeline;
  const out: string[] = [];
  out.push(`<p class="verdict-line"><span class="verdict ${esc(v.state)}">${esc(v.state)}</span>${v.reason ? ` <span class="reason">${esc(v.reason)}</span>` : ''}${v.early ? ' <span class="early-badge" title="from FailureTarget / SuccessCriteriaMet, before the terminal condition">early verdict</span>' : ''}</p>`);
  if (v.message) out.push(`<p class="message">${esc(v.message)}</p>`);
  const rows: Array<[string, string]> = [
    ['pattern', job.pattern ?? '-'],
    ['completions / parallelism', `${t.completions ?? 'unset'} / ${t.parallelism ?? 'unset'}${t.completionMode === 'Indexed' ? ' (Indexed)' : ''}`],
    ['pods created', String(s.podsCreated)],
    ['peak parallelism (lanes)', String(lanes)],
    ['most running at once', String(s.maxRunning)],
    ['failed attempts', String(s.failedAttempts)],
    ['duration', s.durationMs !== undefined ? formatSeconds(s.durationMs / 1000) : '-'],
    ...(t.activeDeadlineMs !== undefined ? [['deadline', formatSeconds(t.activeDeadlineMs / 1000)] as [string, string]] : []),
    ...(v.completedIndexes ? [['completed indexes', v.completedIndexes] as [string, string]] : []),
  ];
  const k = job.kueue;
  if (k) {
    rows.push(['kueue', `${queueWords(k)}: ${k.status}${k.waitingFor ? ` (waiting for ${k.waitingFor})` : ''}`]);
    if (k.waitedMs !== undefined) rows.push(['queued', `${formatSeconds(k.waitedMs / 1000)}${k.waits.length > 1 ? ` in ${k.waits.length} waits` : ''}`]);
    if (k.evictions.length > 0) rows.push(['evicted', k.evictions.map(e => `${e.reason}${e.preemption ? ` (${e.preemption})` : ''}`).join(', ')]);
  }
  out.push(`<dl>${rows.map(([key, val]) => `<dt>${esc(key)}</dt><dd>${esc(val)}</dd>`).join('')}</dl>`);
  if (k && !v.message?.includes(kueueSentence(k))) out.push(`<p class="kueue">${esc(kueueSentence(k))}</p>`);
  const indexes = failedIndexes(job);
  if (indexes) out.push(`<p class="failed-indexes">${esc(indexes)}</p>`);
  const disagreement = argoCdDisagreement(job.verdict, job.argoCdHealth);
  if (disagreement) out.push(`<p class="argocd">${esc(disagreement)}</p>`);
  for (const p of job.stuckPods) out.push(`<p class="stuck">stuck: ${esc(p.name)}: ${esc(p.reason)}${p.message ? ` (${esc(p.message)})` : ''}</p>`);
  if (job.failedPods.length > 0) {
    out.push('<ul class="failed-pods">');
    for (const pod of job.failedPods) {
      const heading = logHeading(pod);
      const log = pod.logTail && pod.logTail.length > 0 ? `${heading ? `<span class="log-heading">${esc(heading)}</span>` : ''}<pre class="log">${esc(pod.logTail.join('\n'))}</pre>`
        : pod.logError ? `<span class="no-log"> (no logs: ${esc(pod.logError)})</span>` : '';
      out.push(`<li><code>${esc(pod.name)}</code>: ${esc(failureText(pod))}${log}</li>`);
    }
    out.push('</ul>');
  }
  if (job.failedPodsOmitted > 0) out.push(`<p class="failed-omitted">${esc(omittedText(job.failedPodsOmitted))}</p>`);
  for (const line of countLines(job.exitCounts)) out.push(`<p class="exit-counts">${esc(line)}</p>`);
  return out.join('');
}

function jobSection(job: JobReport, now: number, open: boolean): string {
  const lanes = assignLanes(drawnTimeline(job.timeline).pods, now).reduce((max, lane) => Math.max(max, lane + 1), 0);
  const s = job.stats;
  const line = `${verdictText(job)} · ${s.podsCreated} pod(s) · peak ${lanes}${s.failedAttempts > 0 ? ` · ${s.failedAttempts} failed attempt(s)` : ''}${s.durationMs !== undefined ? ` · ${formatSeconds(s.durationMs / 1000)}` : ''}`;
  return `<details class="job" data-job="${esc(job.name)}" data-namespace="${esc(job.namespace)}" data-state="${esc(job.verdict.state)}"${open ? ' open' : ''}>`
    + `<summary><span class="dot" style="background:${VERDICT_COLOURS[job.verdict.state] ?? '#777'}"></span><b>${esc(job.namespace)}/${esc(job.name)}</b> <span class="line">${esc(line)}</span></summary>`
    + `<div class="job-body"><div class="chart">${timelineSvg(job, now)}</div><div class="diagnosis">${diagnosis(job, lanes)}</div></div></details>`;
}

/** How Jobs are grouped: a template expansion's group label, a work queue's host, or none. */
function groupKey(job: JobReport): string | undefined {
  if (job.group) return `template expansion ${job.group}`;
  if (job.queue) return `work queue ${job.queue}`;
  return undefined;
}

const CSS = `
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:16px;color:#222;max-width:1240px}
h1{font-size:20px;margin:0 0 4px}
.outcome{padding:1px 8px;border-radius:3px;color:#fff}
.outcome.converged{background:#2e7d32}.outcome.failed{background:#c62828}.outcome.timeout{background:#ef6c00}.outcome.error{background:#6a1b9a}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 12px;color:#444}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
.legend .mark{width:2px;height:12px}.legend .restart{width:2px;outline:3px solid ${OUTCOME_COLOURS.killed};margin:0 8px 0 4px}
details{border:1px solid #ddd;border-radius:4px;margin:6px 0;background:#fff}
details>summary{cursor:pointer;padding:5px 8px;list-style-position:inside}
details.group{background:#fafafa}
details.group>.members{padding:0 8px 6px 16px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:middle}
.strip{display:inline-block;margin-left:8px;vertical-align:middle}
.strip i{display:inline-block;width:6px;height:10px;margin-right:1px}
.line{color:#555}
.job-body{display:flex;gap:16px;padding:4px 8px 8px;align-items:flex-start}
.chart{flex:0 0 auto}
.diagnosis{flex:1 1 auto;min-width:0;max-width:400px}
.diagnosis dl{display:grid;grid-template-columns:auto 1fr;gap:0 10px;margin:4px 0}
.diagnosis dt{color:#666}.diagnosis dd{margin:0}
.verdict{padding:1px 6px;border-radius:3px;color:#fff;background:#777}
.verdict.complete{background:#2e7d32}.verdict.failed{background:#c62828}.verdict.deleted{background:#6a1b9a}.verdict.running{background:#1565c0}.verdict.suspended,.verdict.queued{background:#ef6c00}
.reason{font-weight:600}
.early-badge{border:1px solid #ef6c00;color:#ef6c00;border-radius:3px;padding:0 4px;font-size:11px}
.message{margin:4px 0;color:#333}
.failed-indexes{color:#c62828;font-weight:600}
.stuck{color:#ef6c00}
.failed-pods{padding-left:16px;margin:4px 0}
.log-heading{display:block;color:#666;font-size:11px}.exit-counts,.failed-omitted{margin:4px 0;color:#333}
pre.log{background:#f4f4f4;padding:4px 6px;margin:2px 0;max-height:10em;overflow:auto;font-size:11px;white-space:pre-wrap}
svg.timeline{display:block;font-size:11px}
svg .lane{fill:#f5f5f5}svg .lane:nth-of-type(even){fill:#ececec}
svg .lane-label{fill:#999;text-anchor:end}
svg .axis,svg .tick{stroke:#999}
svg .tick-label{fill:#666;text-anchor:middle}
svg .pod.succeeded .bar{fill:${OUTCOME_COLOURS.succeeded}}
svg .pod.failed .bar{fill:${OUTCOME_COLOURS.failed}}
svg .pod.killed .bar{fill:${OUTCOME_COLOURS.killed}}
svg .pod.running .bar{fill:${OUTCOME_COLOURS.running}}
svg .pod.pending .bar{fill:${OUTCOME_COLOURS.pending}}
svg .pending-part{fill:${OUTCOME_COLOURS.pending};opacity:.6}
svg .restart{stroke:#fff;stroke-width:2}
svg .bar-label{fill:#fff;font-size:10px;pointer-events:none}
svg .bar-label.outside{fill:#333}
svg .backoff line{stroke:#c62828;stroke-dasharray:3 3}
svg .backoff-label{fill:#c62828;text-anchor:middle;font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .condition line{stroke:#222;stroke-width:1.5}svg .condition text{fill:#222}
svg .condition.early line{stroke:#ef6c00;stroke-dasharray:4 2}svg .condition.early text{fill:#ef6c00}
svg .verdict-mark line{stroke:#1565c0;stroke-dasharray:1 2}svg .verdict-mark text{fill:#1565c0}
svg .deadline line{stroke:#d50000;stroke-width:2;stroke-dasharray:6 3}svg .deadline text{fill:#d50000;font-weight:600}
svg .deadline-off-chart{fill:#888}
svg .empty{fill:#888}
svg .queued rect{fill:#ef6c00;opacity:.35}svg .queued.open rect{opacity:.6}svg .queued text{fill:#6d3000;font-size:10px}
svg .eviction line{stroke:#ef6c00;stroke-width:2}
.kueue{margin:4px 0;color:#6d3000}
footer{margin-top:16px;color:#777;font-size:12px}
`;

function legend(): string {
  const swatch = (colour: string, text: string, cls = '') => `<span><i class="${cls}" style="background:${colour}"></i>${esc(text)}</span>`;
  return `<div class="legend">${(Object.keys(OUTCOME_COLOURS) as PodOutcome[]).map(o => swatch(OUTCOME_COLOURS[o], OUTCOME_WORDS[o])).join('')}`
    + `${swatch('#fff', 'restart in place (OnFailure): a white tick in the bar', 'mark restart')}${swatch('#c62828', '- - back-off wait', 'mark')}`
    + `${swatch('rgba(239,108,0,.35)', 'queued in Kueue (before or between the pods)')}${swatch('#ef6c00', 'evicted by Kueue (preempted, ...)', 'mark')}`
    + `${swatch('#d50000', 'deadline', 'mark')}${swatch('#222', 'terminal condition', 'mark')}${swatch('#ef6c00', 'early verdict condition', 'mark')}${swatch('#1565c0', 'verifier\'s verdict', 'mark')}</div>`;
}

/**
 * The verification result as a self-contained HTML page: per Job a timeline (x = time from the
 * Job's start; one lane per pod existing at once, so as many lanes as the Job's peak parallelism;
 * one bar per pod attempt coloured by outcome, with in-place restarts, back-off waits, the
 * deadline and the conditions marked) and the verdict and diagnosis beside it. Template-expansion
 * groups and the Jobs of one work queue are shown together, collapsible.
 */
export function htmlReport(result: VerifyResult, options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'job-patterns verify';
  const now = Date.parse(result.finishedAt);
  const expandAll = result.jobs.length <= (options.expandUpTo ?? 12);
  const body: string[] = [];
  const grouped = new Map<string, JobReport[]>();
  const order: Array<string | JobReport> = [];
  for (const job of result.jobs) {
    const key = groupKey(job);
    if (key === undefined) {
      order.push(job);
    } else {
      const members = grouped.get(key);
      if (members) {
        members.push(job);
      } else {
        order.push(key);
        grouped.set(key, [job]);
      }
    }
  }
  for (const entry of order) {
    if (typeof entry !== 'string') {
      body.push(jobSection(entry, now, expandAll || entry.verdict.state !== JobState.COMPLETE));
      continue;
    }
    const members = grouped.get(entry)!;
    const complete = members.filter(j => j.verdict.state === JobState.COMPLETE).length;
    const failed = members.filter(j => j.verdict.state === JobState.FAILED || j.verdict.state === JobState.DELETED).length;
    const open = expandAll || complete < members.length;
    const strip = members.slice(0, 100).map(j => `<i title="${esc(`${j.name}: ${verdictText(j)}`)}" style="background:${VERDICT_COLOURS[j.verdict.state] ?? '#777'}"></i>`).join('')
      + (members.length > 100 ? ` +${members.length - 100}` : '');
    body.push(`<details class="group" data-group="${esc(entry)}"${open ? ' open' : ''}><summary><b>${esc(entry)}</b> <span class="line">${members.length} Job(s): ${complete} complete, ${failed} failed</span><span class="strip">${strip}</span></summary>`
      + `<div class="members">${members.map(j => jobSection(j, now, expandAll || j.verdict.state !== JobState.COMPLETE)).join('')}</div></details>`);
  }
  const r = result.requests;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}: ${esc(result.outcome)}</title>
<style>${CSS}</style></head>
<body>
<h1>${esc(title)} <span class="outcome ${esc(result.outcome)}">${esc(result.outcome)}</span></h1>
<p class="summary">${esc(result.summary)}</p>
<p class="meta">${result.jobs.length} Job(s) · verified in ${esc(formatSeconds(result.durationMs / 1000))} · ended ${esc(new Date(now).toISOString())} · ${r.lists} list(s), ${r.watches} watch(es), ${r.logs} log read(s)</p>
${legend()}
${body.join('\n')}
<footer>x: time from each Job's start, or from its entry into Kueue's queue (the API server's timestamps, whole seconds). One lane per pod attempt existing at once: the number of lanes is the Job's peak parallelism. Hover a bar for its pod.</footer>
</body></html>
`;
}
