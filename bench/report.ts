// Tables, ratios and targets of a benchmark run, as Markdown (printed, and written to docs/benchmarks.md
// between the markers <!-- bench:start --> and <!-- bench:end -->).

import * as fs from 'fs';
import type { ScenarioResult } from './verify/bench';
import { IDLE_MS } from './verify/idle';
import type { MemoryResults, MemoryRow } from './verify/memory';
import { CaseMedian, SynthResults, WARM_REPEATS } from './synth/run';
import { ImplId, ModeId, PATTERNS, WorkloadId } from './workloads/spec';

export interface Machine {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: number;
}

export interface VerifyResults {
  readonly serverVersion: string;
  readonly kubectlVersion: string;
  readonly clusterUpSeconds: number;
  readonly scenarios: ScenarioResult[];
  readonly jobsReason?: string;
  readonly wallSeconds: number;
}

export interface Target {
  readonly pass: boolean;
  readonly text: string;
}

/**
 * The synth targets (issue 23): at most this many times the raw ApiObjects' time, for
 * construct + toJson and for the full `app.synth()` (ours validating, raw not).
 */
export const MAX_RATIO_TO_RAW: Readonly<Record<'json' | 'synth', number>> = { json: 1.5, synth: 1.2 };
/** The verifier target: the verdict at most this long after the last Job's terminal condition. */
export const MAX_VERDICT_DELAY_MS = 1000;

const ms = (x: number | undefined) => x === undefined || Number.isNaN(x) ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x).toLocaleString('en-US')} ms`;
const ratio = (a: number, b: number) => a / b > 100 ? '> 100x' : `${(a / b).toFixed(2)}x`;
const mbText = (x: number) => `${Math.round(x)} MB`;
const share = (a: number | undefined, b: number) => a === undefined ? '-' : `${Math.round(a / b * 100)}%`;

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.join(' | ')} |`)];
}

function find(cases: CaseMedian[], workload: WorkloadId, impl: ImplId, mode: ModeId): CaseMedian {
  return cases.find(c => c.pattern === workload && c.impl === impl && c.mode === mode)!;
}

/** A row of the tables: a pattern in its own app, the sum of those, or all patterns in one app. */
interface Row {
  readonly label: string;
  readonly get: (impl: ImplId, mode: ModeId) => CaseMedian | Totals;
  /** The targets apply (not to the sum, which no app is). */
  readonly target: boolean;
  readonly workload?: WorkloadId;
}
interface Totals { readonly totalMs: number; readonly validateMs?: number; readonly checksMs?: number; readonly writeMs?: number; readonly objects: number; readonly count: number }

function rows(s: SynthResults): Row[] {
  const per: Row[] = PATTERNS.map(p => ({
    label: `${p.construct} x ${find(s.cases, p.id, 'ours', 'json').count.toLocaleString('en-US')}`,
    get: (impl: ImplId, mode: ModeId) => find(s.cases, p.id, impl, mode),
    target: true,
    workload: p.id,
  }));
  const sum = (impl: ImplId, mode: ModeId): Totals => {
    const cs = PATTERNS.map(p => find(s.cases, p.id, impl, mode));
    const total = (f: (c: CaseMedian) => number | undefined) => cs.some(c => f(c) === undefined) ? undefined : cs.reduce((a, c) => a + f(c)!, 0);
    return { totalMs: total(c => c.totalMs)!, validateMs: total(c => c.validateMs), checksMs: total(c => c.checksMs), writeMs: total(c => c.writeMs), objects: total(c => c.objects)!, count: total(c => c.count)! };
  };
  return [
    ...per,
    { label: '_sum of the rows above_', get: sum, target: false },
    { label: `**all of them in one app** (${s.options.allRuns} run${s.options.allRuns > 1 ? 's' : ''})`, get: (impl, mode) => find(s.cases, 'all', impl, mode), target: true, workload: 'all' },
  ];
}

export function synthTables(s: SynthResults): string[] {
  const r = rows(s);
  const json = table(
    ['Workload', 'objects', 'ours', 'raw ApiObject', 'kplus.Job', 'ours / raw', 'ours / kplus'],
    r.map(row => {
      const [o, raw, kp] = (['ours', 'raw', 'kplus'] as const).map(i => row.get(i, 'json'));
      return [row.label, o.objects.toLocaleString('en-US'), ms(o.totalMs), ms(raw.totalMs), ms(kp.totalMs), ratio(o.totalMs, raw.totalMs), ratio(o.totalMs, kp.totalMs)];
    }),
  );
  const synth = table(
    ['Workload', 'ours', 'of which validation', 'of it the checks', 'of which YAML + write', 'raw ApiObject', 'kplus.Job', 'YAML floor', 'ours / raw', 'ours without the checks / raw', 'ours / kplus', 'ours / floor'],
    r.map(row => {
      const [o, raw, kp] = (['ours', 'raw', 'kplus'] as const).map(i => row.get(i, 'synth'));
      const floor = row.get('yaml', 'json');
      return [
        row.label, ms(o.totalMs), `${ms(o.validateMs)} (${share(o.validateMs, o.totalMs)})`, `${ms(o.checksMs)} (${share(o.checksMs, o.totalMs)})`, `${ms(o.writeMs)} (${share(o.writeMs, o.totalMs)})`,
        ms(raw.totalMs), ms(kp.totalMs), ms(floor.totalMs), ratio(o.totalMs, raw.totalMs),
        o.checksMs === undefined ? '' : ratio(o.totalMs - o.checksMs, raw.totalMs), ratio(o.totalMs, kp.totalMs), ratio(o.totalMs, floor.totalMs),
      ];
    }),
  );
  const rss = table(
    ['Workload', 'ours', 'raw ApiObject', 'kplus.Job', 'YAML floor', 'ours / raw', 'ours / kplus'],
    r.filter(row => row.workload !== undefined).map(row => {
      const w = row.workload!;
      const cell = (impl: ImplId) => `${mbText(find(s.cases, w, impl, 'json').peakRssMb)} / ${mbText(find(s.cases, w, impl, 'synth').peakRssMb)}`;
      const o = find(s.cases, w, 'ours', 'synth').peakRssMb;
      return [
        row.label, cell('ours'), cell('raw'), cell('kplus'), mbText(find(s.cases, w, 'yaml', 'json').peakRssMb),
        ratio(o, find(s.cases, w, 'raw', 'synth').peakRssMb), ratio(o, find(s.cases, w, 'kplus', 'synth').peakRssMb),
      ];
    }),
  );
  const floor = table(
    ['Workload', 'validated floor', 'of which validation', 'of it the checks', 'raw ApiObject', 'floor / raw', 'room under 1.2x raw', 'ours', 'ours above the floor', 'ours / floor'],
    r.map(row => {
      const [o, raw, f] = (['ours', 'raw', 'floor'] as const).map(i => row.get(i, 'synth'));
      return [
        row.label, ms(f.totalMs), `${ms(f.validateMs)} (${share(f.validateMs, f.totalMs)})`, `${ms(f.checksMs)} (${share(f.checksMs, f.totalMs)})`, ms(raw.totalMs),
        ratio(f.totalMs, raw.totalMs), ms(MAX_RATIO_TO_RAW.synth * raw.totalMs - f.totalMs), ms(o.totalMs), ms(o.totalMs - f.totalMs), ratio(o.totalMs, f.totalMs),
      ];
    }),
  );
  // Per pattern only: the all-in-one app is not repeated (see WARM_REPEATS).
  const warmRows = r.filter(row => row.workload !== undefined && find(s.cases, row.workload, 'ours', 'synth').warmMs !== undefined);
  const warm = table(
    ['Workload', 'construct + toJson: ours', 'raw', 'ours / raw', 'cold ours / raw', 'app.synth(): ours', 'raw', 'ours / raw', 'cold ours / raw'],
    warmRows.map(row => {
      const cells = (mode: ModeId) => {
        const [o, raw] = (['ours', 'raw'] as const).map(i => find(s.cases, row.workload!, i, mode));
        return [ms(o.warmMs), ms(raw.warmMs), ratio(o.warmMs!, raw.warmMs!), ratio(o.totalMs, raw.totalMs)];
      };
      return [row.label, ...cells('json'), ...cells('synth')];
    }),
  );
  const base = (impl: ImplId) => mbText(find(s.cases, 'single', impl, 'json').baseRssMb);
  return [
    `**Construct + toJson** (what \`app.synth()\` does minus validation and disk), median of ${s.options.runs} runs:`,
    '',
    ...json,
    '',
    `**Full \`app.synth()\` to a temp dir** (ours includes ManifestValidation, which the others lack: it renders every object, the library's own (its Jobs and the objects its patterns create) for the writer too, and then checks it; "the checks" are its rules and the schema alone, and "ours without the checks" is what ours would take without them, for comparison only), median of ${s.options.runs} runs; the YAML floor is \`yaml\` stringify of the same objects as plain literals:`,
    '',
    ...synth,
    '',
    `**The validated floor** of the full synth: the same literals as the raw case, as objects that render the way the library's own do (one pass; the manifest validation rendered is the one written), with ManifestValidation on, and no construct logic at all (bench/workloads/floor.ts). Its cost above raw is what validating costs; "room under 1.2x raw" is what is left under the target for everything a construct does (defaults, construct-time checks, labels, the spec hash, a pod model), to compare with "ours above the floor", median of ${s.options.runs} runs:`,
    '',
    ...floor,
    '',
    ...(warmRows.length === 0 ? [] : [
      `**Warm**: the same case run ${WARM_REPEATS} more times in its process after the measured run, median (of the runs' medians): the code compiled and the heap warmed, as in a long-lived process or a test suite that synthesizes many apps. The measured runs above are cold, as one \`cdk8s synth\` is, and the targets judge those; "cold" repeats their ratio:`,
      '',
      ...warm,
      '',
    ]),
    `**Peak RSS** of the process (construct + toJson / full synth; modules alone: ours ${base('ours')}, raw ${base('raw')}, kplus ${base('kplus')}, floor ${mbText(find(s.cases, 'single', 'yaml', 'json').baseRssMb)}):`,
    '',
    ...rss,
  ];
}

/**
 * How much of a verdict is noise: the lowest and highest of the runs' own ratios, each run of ours
 * against the run of the other case in the same round (rounds are interleaved, so the two ran
 * minutes apart at most), as `; runs 1.02-1.38x`. Empty with fewer than 2 runs. The verdict is the
 * medians' ratio, not these.
 */
export function runRatios(ours: CaseMedian | Totals, other: CaseMedian | Totals): string {
  const [a, b] = [ours, other].map(c => (c as Partial<CaseMedian>).runsMs ?? []);
  const ratios = a.slice(0, b.length).map((x, i) => x / b[i]).filter(Number.isFinite).sort((x, y) => x - y);
  return ratios.length < 2 ? '' : `; runs ${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}x`;
}

export function synthTargets(s: SynthResults): Target[] {
  const out: Target[] = [];
  for (const mode of ['json', 'synth'] as const) {
    const what = mode === 'json' ? 'construct+toJson' : 'app.synth';
    for (const row of rows(s).filter(x => x.target)) {
      const [o, raw, kp] = (['ours', 'raw', 'kplus'] as const).map(i => row.get(i, mode).totalMs);
      const label = row.label.replace(/[*_]/g, '');
      const spread = (impl: 'raw' | 'kplus') => runRatios(row.get('ours', mode), row.get(impl, mode));
      out.push({ pass: o <= MAX_RATIO_TO_RAW[mode] * raw, text: `[${what}] ${label}: ours ${ms(o)} = ${ratio(o, raw)} raw ApiObject (target <= ${MAX_RATIO_TO_RAW[mode]}x${spread('raw')})` });
      out.push({ pass: o < kp, text: `[${what}] ${label}: ours ${ms(o)} = ${ratio(o, kp)} plain kplus.Job (target < 1x${spread('kplus')})` });
    }
  }
  return out;
}

export function verifyTables(v: VerifyResults): string[] {
  const withKubectl = v.scenarios.find(s => s.kubectl)!;
  const o = withKubectl.ours;
  const k = withKubectl.kubectl!;
  const req = (r: { total: number; lists: number; watches: number; other: number }) => `${r.total.toLocaleString('en-US')} (${r.lists} lists, ${r.watches} watches${r.other ? `, ${r.other} other` : ''})`;
  const versus = table(
    ['', 'our verifier', `kubectl wait ${v.kubectlVersion}`, 'kubectl / ours'],
    [
      ['API requests', req(o.requests), req(k.requests), ratio(k.requests.total, o.requests.total)],
      ['verdict after the last Complete (observed)', ms(o.delayAfterObservedMs), ms(k.delayAfterObservedMs), ratio(Math.max(k.delayAfterObservedMs, 1), Math.max(o.delayAfterObservedMs, 1))],
      ['verdict after the last lastTransitionTime (1 s resolution)', ms(o.delayAfterConditionMs), ms(k.delayAfterConditionMs), ''],
      ['wall time (started after the apply)', ms(o.wallMs), ms(k.wallMs), ratio(k.wallMs, o.wallMs)],
      ['peak RSS', `${mbText(o.peakRssMb)} (${mbText(o.baseRssMb!)} after loading modules)`, mbText(k.peakRssMb), ratio(k.peakRssMb, o.peakRssMb)],
      ['exit code', String(o.exitCode), String(k.exitCode), ''],
    ],
  );
  const scale = table(
    ['Jobs', 'namespaces', 'Jobs per namespace', 'our requests', 'per namespace', 'verdict after last Complete', 'our peak RSS', 'apply', 'apply to last Complete', 'API server requests per Job (Job controller\'s)'],
    v.scenarios.map(s => [
      s.options.jobs.toLocaleString('en-US'), String(s.options.namespaces), String(Math.round(s.options.jobs / s.options.namespaces)),
      req(s.ours.requests), (s.ours.requests.total / s.options.namespaces).toFixed(1), ms(s.ours.delayAfterObservedMs), mbText(s.ours.peakRssMb),
      ms(s.applyMs), `${ms(s.convergeMs)} (${(s.completed / (s.convergeMs / 1000)).toFixed(1)} Jobs/s)`,
      `${s.serverRequestsPerJob.total} (${s.serverRequestsPerJob.jobController})`,
    ]),
  );
  const first = v.scenarios[0];
  const perJob = (k: string) => first.serverRequestsPerJob.byKind[k] ?? 0;
  const pace = `The control plane completes about ${(first.completed / (first.convergeMs / 1000)).toFixed(1)} Jobs/s: for each Job the Job controller `
    + `creates a pod (${perJob('POST pods')}), removes its tracking finalizer (${perJob('PATCH pods')}), updates the Job's status `
    + `(${perJob('PUT batch/jobs/status')}) and records events (${(perJob('POST events') + perJob('POST events.k8s.io/events')).toFixed(1)}), `
    + `${first.serverRequestsPerJob.jobController} requests through a client that kube-controller-manager limits to 20 requests/s by default (\`--kube-api-qps\`, kept by scripts/cluster/up.sh).`;
  const lat = o.perJobLatencyMs;
  return [
    `**Verifier vs \`kubectl wait --for=condition=complete\`**, ${withKubectl.options.jobs.toLocaleString('en-US')} Jobs in 1 namespace (pods run ${withKubectl.options.duration}), both started together once the Jobs were applied; an independent watch records when each Job turned Complete:`,
    '',
    ...versus,
    '',
    `Our verifier saw each Job's Complete ${ms(lat.p50)} (median) / ${ms(lat.p99)} (p99) after the independent watch did (${lat.n} Jobs that completed while both watched). `
      + 'The verdict target is measured from the moment that watch saw the last Complete: the condition\'s lastTransitionTime is truncated to the second '
      + 'and stamped by the Job controller before its update reaches the API server and the watchers, so the delay after it can exceed the real one by up to a second and a bit.',
    '',
    '**Requests by namespaces and Jobs** (our verifier: one list + watch of Jobs and one of pods per namespace):',
    '',
    ...scale,
    '',
    pace,
    ...(v.jobsReason ? ['', v.jobsReason] : []),
  ];
}

export function verifyTargets(v: VerifyResults): Target[] {
  const out: Target[] = [];
  const per = v.scenarios.map(s => ({ s, perNs: s.ours.requests.total / s.options.namespaces, perJob: s.ours.requests.total / s.options.jobs }));
  const perNs = per.map(p => p.perNs);
  const flat = Math.max(...perNs) - Math.min(...perNs) <= 1;
  const jobsPerNs = per.map(p => Math.round(p.s.options.jobs / p.s.options.namespaces));
  out.push({
    pass: flat && per.every(p => p.perNs <= 6),
    text: `verifier requests grow with namespaces, not with Jobs: ${per.map(p => `${p.s.ours.requests.total} requests for ${p.s.options.jobs} Jobs in ${p.s.options.namespaces} namespace(s)`).join('; ')} `
      + `= ${perNs.map(x => x.toFixed(1)).join(' / ')} per namespace at ${jobsPerNs.join(' / ')} Jobs per namespace (target: the same per namespace, whatever the Jobs)`,
  });
  for (const s of v.scenarios) {
    out.push({
      pass: s.ours.outcome === 'converged' && s.ours.delayAfterObservedMs <= MAX_VERDICT_DELAY_MS,
      text: `verdict ${ms(s.ours.delayAfterObservedMs)} after the last of ${s.options.jobs} Jobs turned Complete in ${s.options.namespaces} namespace(s) `
        + `(${ms(s.ours.delayAfterConditionMs)} after its lastTransitionTime, which is truncated to the second; outcome ${s.ours.outcome}) (target <= ${MAX_VERDICT_DELAY_MS} ms)`,
    });
  }
  return out;
}

export function targetLines(targets: Target[]): string[] {
  return targets.map(t => `${t.pass ? 'PASS' : 'MISS'} ${t.text}`);
}

export function machineLine(m: Machine): string {
  return `${m.date}: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, Node ${m.node}, ${m.os}; load average ${m.loadAverage.toFixed(1)} when the run started`;
}

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';
/** The memory results have a block of their own: a run of the memory scenario alone rewrites it. */
export const MEMORY_MARKERS = { start: '<!-- bench:memory:start -->', end: '<!-- bench:memory:end -->' };

/** Replaces what is between the markers in `file`; throws when they are missing. */
export function rewriteBlock(file: string, lines: string[], markers = { start: START_MARKER, end: END_MARKER }): void {
  const text = fs.readFileSync(file, 'utf-8');
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`${file} has no ${markers.start} ... ${markers.end} block`);
  fs.writeFileSync(file, `${text.slice(0, start + markers.start.length)}\n${lines.join('\n')}\n${text.slice(end)}`);
}

/** The memory targets (issue 21, item 8). */
export const MAX_KB_PER_JOB = 10;
export const MAX_BASELINE_MB = 60;
/** What a further Job costs between the two largest sizes, within this factor of what it costs between the two before. */
export const MAX_SLOPE_RATIO = 1.5;
/**
 * The per-Job target applies from this many Jobs: at 100 Jobs, 10 KB a Job is 1 MB, less than the
 * RSS of two runs of the same process differ by (a few MB of V8 pages kept or returned).
 */
export const MIN_JOBS_PER_JOB_TARGET = 1000;

const MiB = 1024 * 1024;
const mib = (bytes: number | undefined) => bytes === undefined ? '-' : `${(bytes / MiB).toFixed(1)} MB`;
const kib = (bytes: number | undefined) => bytes === undefined || !Number.isFinite(bytes) ? '-' : `${(bytes / 1024).toFixed(1)} KB`;

/** Per-Job figures of a memory row against the 0-Job baseline row, in bytes (undefined without a steady state). */
export interface MemorySlope {
  readonly jobs: number;
  /** Our RSS at steady state, and per Job above the baseline's. */
  readonly rss?: number;
  readonly perJob?: number;
  /** Our V8 heap after GC, and per Job above the baseline's. */
  readonly heap?: number;
  readonly heapPerJob?: number;
  /** kubectl wait's RSS while it waits, and per Job above its baseline (waiting on one Job). */
  readonly kubectlRss: number;
  readonly kubectlPerJob: number;
}

/**
 * Per-Job figures of our verifier with the CLI's V8 settings (`ours`, what users run and what the
 * targets judge), or as a library in a plain Node process (`library`).
 */
export function memorySlopes(m: MemoryResults, kind: 'ours' | 'library' = 'ours'): { baseline: MemoryRow; rows: MemorySlope[] } {
  const baseline = m.rows.find(r => r.jobs === 0)!;
  const base = baseline[kind]?.steady;
  const kubectlBase = baseline.kubectl.lastRss;
  return {
    baseline,
    rows: m.rows.filter(r => r.jobs > 0).map(r => {
      const s = r[kind]?.steady;
      return {
        jobs: r.jobs,
        ...(s && base ? { rss: s.rss, perJob: (s.rss - base.rss) / r.jobs, heap: s.heapUsed, heapPerJob: (s.heapUsed - base.heapUsed) / r.jobs } : {}),
        kubectlRss: r.kubectl.lastRss,
        kubectlPerJob: (r.kubectl.lastRss - kubectlBase) / r.jobs,
      };
    }),
  };
}

export function memoryTables(m: MemoryResults, kubectlVersion: string): string[] {
  const { baseline, rows } = memorySlopes(m);
  const b = baseline.ours;
  const jobsText = (n: number) => n === 0 ? '0 (baseline; kubectl: 1)' : n.toLocaleString('en-US');
  const ratioOf = (x: number | undefined, y: number) => x === undefined ? '-' : ratio(x, y);
  const noisy = (jobs: number) => jobs > 0 && jobs < MIN_JOBS_PER_JOB_TARGET;
  const beside = table(
    ['Jobs', 'ours: RSS (steady)', 'kubectl wait: RSS (waiting)', 'ours / kubectl', 'ours: per Job above baseline', 'kubectl: per Job above baseline', 'ours / kubectl per Job',
      'our peak while listing', 'our peak with the verdict', 'kubectl peak', 'ours / kubectl peak (listing)', 'ours / kubectl peak (verdict)'],
    [baseline, ...m.rows.filter(r => r.jobs > 0)].map(r => {
      const s = rows.find(x => x.jobs === r.jobs);
      const o = r.ours;
      const kRss = s?.kubectlRss ?? r.kubectl.lastRss;
      return [
        jobsText(r.jobs), mib(o.steady?.rss), mib(kRss), ratioOf(o.steady?.rss, kRss),
        // Below MIN_JOBS_PER_JOB_TARGET Jobs the per-Job figure is within the noise between two processes.
        noisy(r.jobs) ? `${kib(s?.perJob)} (noise)` : kib(s?.perJob), kib(s?.kubectlPerJob),
        s?.perJob !== undefined && !noisy(r.jobs) ? ratio(s.perJob, s.kubectlPerJob) : '',
        mib(o.steady?.peakRss), mib(o.process.peakRss), mib(r.kubectl.peakRss), ratioOf(o.steady?.peakRss, r.kubectl.peakRss), ratio(o.process.peakRss, r.kubectl.peakRss),
      ];
    }),
  );
  const states = (r: MemoryRow) => Object.entries(r.ours.states).map(([state, n]) => `${n.toLocaleString('en-US')} ${state}`).join(', ') || 'none';
  const detail = table(
    ['Jobs', 'RSS before GC', 'RSS after GC (each run)', 'heap after GC', 'heap per Job', 'V8 heap committed', 'RSS outside the V8 heap', 'steady after', 'requests (lists, watches)', 'verdicts at the timeout'],
    m.rows.map(r => {
      const s = r.ours.steady;
      const slope = rows.find(x => x.jobs === r.jobs);
      return [
        jobsText(r.jobs).replace('; kubectl: 1', ''), mib(s?.rssBeforeGc), `${mib(s?.rss)} (${r.ours.runs.map(x => mib(x).replace(' MB', '')).join(', ')})`, mib(s?.heapUsed), kib(slope?.heapPerJob),
        mib(s?.heapTotal), s ? mib(s.rss - s.heapTotal) : '-', r.ours.steadyAfterMs === undefined ? 'never' : ms(r.ours.steadyAfterMs),
        `${r.ours.requests.lists.toLocaleString('en-US')}, ${r.ours.requests.watches}`, states(r),
      ];
    }),
  );
  const parts = m.rows.filter(r => r.jobs > 0 && r.ours.heldBy);
  const names = parts[0]?.ours.heldBy?.map(h => h.what) ?? [];
  const where = table(
    ['Jobs', ...names, 'rest of the heap above the baseline'],
    parts.map(r => {
      const held = r.ours.heldBy!;
      const rest = r.ours.steady!.heapUsed - b.steady!.heapUsed - held.reduce((a, h) => a + h.bytes, 0);
      return [r.jobs.toLocaleString('en-US'), ...held.map(h => kib(h.bytes / r.jobs)), kib(rest / r.jobs)];
    }),
  );
  const l = b.loading;
  const repeats = m.rows.map(r => r.ours.runs.length);
  const library = memorySlopes(m, 'library');
  const libraryTable = m.rows.every(r => r.library) ? table(
    ['Jobs', 'library: RSS after GC (each run)', 'heap after GC', 'V8 heap committed', 'RSS outside the V8 heap', 'per Job above its baseline', 'with the CLI\'s settings', 'steady after (library / CLI)'],
    m.rows.map(r => {
      const s = r.library!.steady;
      const slope = library.rows.find(x => x.jobs === r.jobs);
      const cli = rows.find(x => x.jobs === r.jobs);
      return [
        jobsText(r.jobs).replace('; kubectl: 1', ''), `${mib(s?.rss)} (${r.library!.runs.map(x => mib(x).replace(' MB', '')).join(', ')})`, mib(s?.heapUsed), mib(s?.heapTotal),
        s ? mib(s.rss - s.heapTotal) : '-', r.jobs === 0 ? '-' : noisy(r.jobs) ? `${kib(slope?.perJob)} (noise)` : kib(slope?.perJob),
        r.jobs === 0 ? mib(r.ours.steady?.rss) : noisy(r.jobs) ? `${kib(cli?.perJob)} (noise)` : kib(cli?.perJob),
        `${r.library!.steadyAfterMs === undefined ? 'never' : ms(r.library!.steadyAfterMs)} / ${r.ours.steadyAfterMs === undefined ? 'never' : ms(r.ours.steadyAfterMs)}`,
      ];
    }),
  ) : [];
  return [
    '**What is measured: the verifier as users run it.** `job-patterns verify` (bin/job-patterns.js) turns V8\'s optimizing compiler off before it loads anything '
      + '(`CLI_V8_FLAGS`: `--no-opt`, set in the process); the measured process (`memory-child.ts --cli`) sets the same flags the same way before it loads the verifier. '
      + 'kubectl wait is a CLI too. The same verifier as a library, in a Node process with Node\'s own settings (what a program that imports `JobVerifier` gets), '
      + 'is measured beside it, in the table after the breakdown. The targets judge the CLI.',
    '',
    `**Verifier memory beside \`kubectl wait --for=condition=complete\` ${kubectlVersion}**: N suspended (queued) Jobs in one namespace, a namespace per size; `
      + `both wait for them until a timeout (${m.rows.map(r => `${r.ours.timeoutSeconds} s`).join(' / ')}). Ours is measured once every Job was listed and both watches were open, `
      + `after ${IDLE_MS / 1000} s without work and full GCs (the median of ${Math.max(...repeats)} runs side by side${Math.min(...repeats) < Math.max(...repeats) ? `, of ${Math.min(...repeats)} at 10,000 Jobs` : ''}); `
      + 'kubectl by its last RSS before its timeout (it lists every Job, then waits on the first). The baseline is our verifier watching a namespace with no Job, '
      + 'and kubectl waiting on one Job (with none it exits at once). Per Job = (RSS at N - baseline) / N. Peaks are VmHWM: ours includes the verdict at the timeout.',
    '',
    ...beside,
    '',
    'Our verifier in detail:',
    '',
    ...detail,
    '',
    `What our baseline is made of (RSS after GC): Node alone ${mib(l.node?.rss)}; the verifier's own modules and the kubeconfig bring it to ${mib(l.modules.rss)} `
      + `(V8 heap ${mib(l.node?.heapUsed)} -> ${mib(l.modules.heapUsed)}); watching an empty namespace to ${mib(b.steady?.rss)}. `
      + `\`@kubernetes/client-node\` was ${m.rows.some(r => r.ours.clientLoaded) ? '' : 'not '}loaded by ${m.rows.some(r => r.ours.clientLoaded) ? 'a run' : 'any run'} (it is loaded only for --apply, plan, exec or auth-provider credentials and proxies).`,
    '',
    'Where our heap goes, per Job (measured after the verdict, by releasing each structure in turn; the rest is what the heap holds above the baseline besides them):',
    '',
    ...where,
    '',
    ...(libraryTable.length > 0 ? [
      'The library (the same verifier in a Node process with Node\'s own V8 settings, measured the same way, side by side with the CLI\'s runs; at 10,000 Jobs after them), '
        + `per Job above its own baseline; its baseline ${mib(m.rows[0].library!.loading.modules.rss)} with its modules loaded (the CLI's ${mib(l.modules.rss)}):`,
      '',
      ...libraryTable,
      '',
    ] : []),
    `The Jobs were created in ${m.create.seconds.toFixed(1)} s (${m.create.requests.toLocaleString('en-US')} requests, ${Math.round(m.create.requests / m.create.seconds)} a second). `
      + 'kube-controller-manager is paused (SIGSTOP) while they exist: its Job controller, at the 20 requests/s of its client, would need a status update and an event for each, '
      + `about ${Math.round(m.create.jobs * 2 / 20 / 60)} minutes, and would change every Job under the watchers while they are measured. It marks the first size's Jobs Suspended; the others get that status from the benchmark.`,
  ];
}

export function memoryTargets(m: MemoryResults): Target[] {
  const { baseline, rows } = memorySlopes(m);
  const out: Target[] = [];
  const b = baseline.ours.steady;
  out.push({
    pass: b !== undefined && b.rss <= MAX_BASELINE_MB * MiB,
    text: `verifier baseline: ${mib(b?.rss)} RSS with its modules loaded, watching a namespace with no Job (kubectl wait on one Job: ${mib(baseline.kubectl.lastRss)}) (target <= ${MAX_BASELINE_MB} MB)`,
  });
  const counted = rows.filter(s => s.jobs >= MIN_JOBS_PER_JOB_TARGET);
  for (const s of counted) {
    out.push({
      pass: s.perJob !== undefined && s.perJob <= MAX_KB_PER_JOB * 1024,
      text: s.perJob === undefined
        ? `verifier memory at ${s.jobs.toLocaleString('en-US')} Jobs: no steady state before the timeout (target <= ${MAX_KB_PER_JOB} KB per Job above the baseline)`
        : `verifier memory: ${kib(s.perJob)} per Job above the baseline at ${s.jobs.toLocaleString('en-US')} Jobs (RSS ${mib(s.rss)}, baseline ${mib(b?.rss)}; heap ${kib(s.heapPerJob)} per Job; `
          + `kubectl wait ${kib(s.kubectlPerJob)} per Job) (target <= ${MAX_KB_PER_JOB} KB)`,
    });
  }
  // Linear from 100 to 10,000 Jobs: what each further Job costs (the slope between two sizes) is the
  // same between the two largest sizes as between the two before. The per-Job figures above the
  // baseline are not compared: a cost paid once with the first Jobs (code compiled, allocator
  // pools) weighs on 1,000 Jobs ten times as much as on 10,000, in memory that grows linearly.
  const sizes = [...rows].sort((x, y) => x.jobs - y.jobs);
  if (sizes.length >= 3) {
    const [a, b, c] = sizes.slice(-3);
    const slope = (x: MemorySlope, y: MemorySlope) => (x.rss !== undefined && y.rss !== undefined ? (y.rss - x.rss) / (y.jobs - x.jobs) : undefined);
    const [lower, upper] = [slope(a, b), slope(b, c)];
    const r = upper !== undefined && lower !== undefined ? upper / lower : undefined;
    const span = (x: MemorySlope, y: MemorySlope) => `${x.jobs.toLocaleString('en-US')} to ${y.jobs.toLocaleString('en-US')} Jobs`;
    out.push({
      pass: r !== undefined && r <= MAX_SLOPE_RATIO && r >= 1 / MAX_SLOPE_RATIO,
      text: `verifier memory linear in Jobs: ${kib(upper)} a further Job from ${span(b, c)} = ${r === undefined ? '-' : `${r.toFixed(2)}x`} the ${kib(lower)} from ${span(a, b)} (target: within ${MAX_SLOPE_RATIO}x)`,
    });
  }
  return out;
}
