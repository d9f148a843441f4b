// Runs every synth case in its own process, several times, interleaved (so that a burst of load
// on the machine hits all cases alike), and takes the median of each figure.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatProfile, ProfileSummary, summarizeProfile } from '../profile';
import { defaultCount, ImplId, ModeId, PATTERNS, WorkloadId } from '../workloads/spec';
import type { CaseResult } from './case';

export interface SynthOptions {
  /** Runs of each case of the single-pattern workloads. */
  readonly runs: number;
  /** Runs of each case of the all-in-one-app workload (each takes up to half a minute). */
  readonly allRuns: number;
  /** Multiplies every pattern's count (1 = the 10,000 + 5 x 1,000). */
  readonly scale: number;
}

export interface CaseKey { readonly pattern: WorkloadId; readonly impl: ImplId; readonly mode: ModeId }

/** Medians over the runs of one case. */
export interface CaseMedian extends CaseKey {
  readonly count: number;
  readonly objects: number;
  readonly totalMs: number;
  readonly constructMs: number;
  readonly renderMs: number;
  readonly validateMs?: number;
  readonly checksMs?: number;
  readonly writeMs?: number;
  readonly bytes?: number;
  readonly peakRssMb: number;
  readonly baseRssMb: number;
  /** Every run's total, to show the spread. */
  readonly runsMs: number[];
  /** The median of the runs' warm figures (see {@link WARM_REPEATS}); undefined where none was measured. */
  readonly warmMs?: number;
}

export interface SynthResults {
  readonly options: SynthOptions;
  /** Differences between the cases' manifests (empty: every case renders the same objects). */
  readonly differences: Record<string, Record<string, string[]>>;
  readonly cases: CaseMedian[];
  readonly wallSeconds: number;
}

export const CASES: readonly (Omit<CaseKey, 'pattern'>)[] = [
  { impl: 'ours', mode: 'json' }, { impl: 'raw', mode: 'json' }, { impl: 'kplus', mode: 'json' },
  { impl: 'ours', mode: 'synth' }, { impl: 'raw', mode: 'synth' }, { impl: 'kplus', mode: 'synth' },
  { impl: 'yaml', mode: 'json' },
  // Synth only: without validation the floor is raw ApiObjects with a faster render.
  { impl: 'floor', mode: 'synth' },
];

const here = __dirname;

/**
 * Runs of each case of ours and raw after its measured one, in the same process, whose median is
 * the case's warm figure: how the same synth does once the code is compiled and the heap warmed (a
 * long-lived process, a test suite that synthesizes many apps). The targets judge the measured,
 * cold run, which is what one `cdk8s synth` does. Not for the all-in-one app (half a minute a run).
 */
export const WARM_REPEATS = 3;

function warmRepeats(key: CaseKey): number {
  return key.pattern !== 'all' && (key.impl === 'ours' || key.impl === 'raw') ? WARM_REPEATS : 0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Writes the final names of our constructs' objects for `pattern` x `count` (the other cases write
 * them as strings; see workloads/plain.ts) and returns the file.
 */
export function namesFile(pattern: WorkloadId, count: number, dir: string): string {
  const file = path.join(dir, `${pattern}-${count}.names.json`);
  if (!fs.existsSync(file)) {
    const r = spawnSync(process.execPath, [path.join(here, 'check.js'), '--names', pattern, String(count), file], { encoding: 'utf-8' });
    if (r.status !== 0) throw new Error(`names of ${pattern} x ${count}: ${r.stderr}`);
  }
  return file;
}

/**
 * Runs one case once in a fresh node process, then `repeats` more times in it for the warm
 * figure; `nodeArgs` e.g. ['--cpu-prof', ...].
 */
export function runCase(key: CaseKey, count: number, names: string, nodeArgs: string[] = [], repeats = 0): CaseResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'jp-bench-synth-'));
  try {
    const r = spawnSync(process.execPath, [...nodeArgs, path.join(here, 'case.js'), key.pattern, key.impl, key.mode, String(count), outdir, names, String(repeats)], {
      encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`case ${key.pattern}/${key.impl}/${key.mode} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseResult;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function countOf(workload: WorkloadId, scale: number): number {
  return Math.max(1, Math.round(defaultCount(workload) * scale));
}

/** The single-pattern workloads, then all patterns in one app. */
export const WORKLOADS: readonly WorkloadId[] = [...PATTERNS.map(p => p.id), 'all'];

export function runSynth(options: SynthOptions, log: (line: string) => void): SynthResults {
  const started = Date.now();
  const check = spawnSync(process.execPath, [path.join(here, 'check.js'), '3'], { encoding: 'utf-8' });
  if (check.status !== 0) throw new Error(`the manifest check failed: ${check.stderr}`);
  const differences = JSON.parse(check.stdout) as SynthResults['differences'];

  const namesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jp-bench-names-'));
  const names = new Map(WORKLOADS.map(w => [w, namesFile(w, countOf(w, options.scale), namesDir)]));
  const results = new Map<string, CaseResult[]>();
  const keys: CaseKey[] = WORKLOADS.flatMap(w => CASES.map(c => ({ pattern: w, ...c })));
  for (let run = 1; run <= Math.max(options.runs, options.allRuns); run++) {
    const t = Date.now();
    const these = keys.filter(k => run <= (k.pattern === 'all' ? options.allRuns : options.runs));
    for (const key of these) {
      const result = runCase(key, countOf(key.pattern, options.scale), names.get(key.pattern)!, [], warmRepeats(key));
      const id = `${key.pattern}/${key.impl}/${key.mode}`;
      results.set(id, [...results.get(id) ?? [], result]);
    }
    log(`  synth run ${run}: ${these.length} cases in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  fs.rmSync(namesDir, { recursive: true, force: true });

  const cases: CaseMedian[] = keys.map(key => {
    const runs = results.get(`${key.pattern}/${key.impl}/${key.mode}`)!;
    const med = (f: (r: CaseResult) => number | undefined) => {
      const values = runs.map(f).filter((v): v is number => v !== undefined);
      return values.length > 0 ? median(values) : undefined;
    };
    return {
      ...key,
      count: runs[0].count,
      objects: runs[0].objects,
      totalMs: med(r => r.totalMs)!,
      constructMs: med(r => r.constructMs)!,
      renderMs: med(r => r.renderMs)!,
      validateMs: med(r => r.validateMs),
      checksMs: med(r => r.checksMs),
      writeMs: med(r => r.writeMs),
      bytes: runs[0].bytes,
      peakRssMb: med(r => r.peakRssMb)!,
      baseRssMb: med(r => r.baseRssMb)!,
      runsMs: runs.map(r => Math.round(r.totalMs)),
      warmMs: med(r => r.warmMs),
    };
  });
  return { options, differences, cases, wallSeconds: (Date.now() - started) / 1000 };
}

/** Profiles one case once (node --cpu-prof) and summarizes its measured window. */
export function profileCase(key: CaseKey, count: number): { summary: ProfileSummary; lines: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jp-bench-prof-'));
  try {
    const result = runCase(key, count, namesFile(key.pattern, count, dir), ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250']);
    const file = fs.readdirSync(dir).find(f => f.endsWith('.cpuprofile'))!;
    const summary = summarizeProfile(path.join(dir, file), result.windowUs[0], result.windowUs[1]);
    return { summary, lines: formatProfile(summary) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
