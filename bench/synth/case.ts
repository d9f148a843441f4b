// One synth case in a fresh process, so that its peak RSS is its own:
//   node case.js <pattern> <impl> <mode> <count> <outdir> [names.json] [repeats]
// Prints one JSON line (CaseResult) on stdout. Only the modules the case needs are loaded.
// The measured run is the process' first (cold: what one `cdk8s synth` does); `repeats` further
// runs in the same process, after it, give the warm figure (JIT-compiled code, a warmed heap).

import * as fs from 'fs';
import { performance } from 'perf_hooks';
import type { Names } from '../workloads/plain';
import { ImplId, ModeId, parts, WorkloadId } from '../workloads/spec';

/** What one run of one case measured. */
export interface CaseResult {
  readonly pattern: WorkloadId;
  readonly impl: ImplId;
  readonly mode: ModeId;
  readonly count: number;
  /** Objects written (Jobs and what comes with them). */
  readonly objects: number;
  /** Building the constructs (or, for the YAML floor, the plain objects). */
  readonly constructMs: number;
  /** After construction: toJson of every object (json), app.synth() (synth), YAML.stringify (yaml). */
  readonly renderMs: number;
  /** constructMs + renderMs. */
  readonly totalMs: number;
  /** Inside app.synth(): our ManifestValidation (rendering every object, then checking it). */
  readonly validateMs?: number;
  /** Inside that: the checks alone (the rules and the schema), without rendering. */
  readonly checksMs?: number;
  /** Inside app.synth(): YAML stringify and file writes (cdk8s Yaml.save). */
  readonly writeMs?: number;
  /** Bytes of YAML written (synth, yaml). */
  readonly bytes?: number;
  /** RSS after the modules were loaded, before the case ran. */
  readonly baseRssMb: number;
  /** Peak RSS of the process (getrusage maxrss). */
  readonly peakRssMb: number;
  /** The measured window on the monotonic clock, in microseconds (to cut a CPU profile to it). */
  readonly windowUs: [number, number];
  /**
   * Median totalMs of the `repeats` runs after the measured one, each a fresh app in the same
   * process (undefined without repeats, and for the YAML floor).
   */
  readonly warmMs?: number;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024 * 10) / 10;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
/** Set where the measured work starts (after the modules were loaded). */
let windowStartUs = 0;

function main(): void {
  const [pattern, impl, mode, countText, outdir, namesFile, repeatsText] = process.argv.slice(2) as [WorkloadId, ImplId, ModeId, string, string, string?, string?];
  const count = Number(countText);
  const repeats = Number(repeatsText ?? 0);
  // The final names of the objects (see workloads/plain.ts), read before anything is measured.
  const names = namesFile && namesFile !== '-' ? JSON.parse(fs.readFileSync(namesFile, 'utf-8')) as Names : {};
  const result = impl === 'yaml' ? yamlFloor(pattern, count, names) : constructs(pattern, impl, mode, count, outdir, names);
  const end = nowUs();
  // Peak RSS and the window are the measured run's; the warm runs come after both.
  const peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  const warm: number[] = [];
  for (let i = 0; i < (impl === 'yaml' ? 0 : repeats); i++) warm.push(constructs(pattern, impl, mode, count, outdir, names, false).totalMs);
  const out: CaseResult = { pattern, impl, mode, count, ...result, peakRssMb, windowUs: [windowStartUs, end], ...(warm.length > 0 ? { warmMs: median(warm) } : {}) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

type Measured = Omit<CaseResult, 'pattern' | 'impl' | 'mode' | 'count' | 'peakRssMb' | 'windowUs'>;

/** The floor: the same objects as plain literals, serialized the way cdk8s writes YAML. */
function yamlFloor(workload: WorkloadId, count: number, names: Names): Measured {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const YAML = require('yaml') as typeof import('yaml');
  const { plainObjects } = require('../workloads/plain') as typeof import('../workloads/plain');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const baseRssMb = mb(process.memoryUsage().rss);
  windowStartUs = nowUs();
  const t0 = performance.now();
  const objects = [];
  for (const [pattern, n] of parts(workload, count)) {
    for (let i = 0; i < n; i++) objects.push(...plainObjects(pattern, i, names).objects);
  }
  const t1 = performance.now();
  // As cdk8s' Yaml.stringify: one document per object, YAML 1.1, no line folding.
  const text = objects.map(o => YAML.stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n');
  const t2 = performance.now();
  return { objects: objects.length, constructMs: t1 - t0, renderMs: t2 - t1, totalMs: t2 - t0, bytes: Buffer.byteLength(text), baseRssMb };
}

/** Whether the timers around the parts of app.synth() are in place (once a process: the warm runs keep them). */
let instrumented = false;
// What those timers measured in the current run (instrumentation only: each wrapper adds two clock reads a call).
let validateMs = 0;
let checksMs = 0;
let writeMs = 0;
let bytes = 0;

function constructs(pattern: WorkloadId, impl: ImplId, mode: ModeId, count: number, outdir: string, names: Names, first = true): Measured {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk8s = require('cdk8s') as typeof import('cdk8s');
  const workload = require(`../workloads/${impl}`) as typeof import('../workloads/raw');
  /* eslint-enable @typescript-eslint/no-require-imports */

  if (mode === 'synth' && !instrumented) {
    instrumented = true;
    const save = cdk8s.Yaml.save.bind(cdk8s.Yaml);
    cdk8s.Yaml.save = (file: string, docs: any[]) => {
      const t = performance.now();
      save(file, docs);
      writeMs += performance.now() - t;
      bytes += fs.statSync(file).size;
    };
    if (impl === 'ours' || impl === 'floor') {
      // The checks alone: the module functions validation calls (compiled calls read them from the module at each call).
      /* eslint-disable @typescript-eslint/no-require-imports */
      const rules = require('../../lib/validation/rules') as Record<string, unknown>;
      const schema = require('../../lib/validation/schema') as Record<string, unknown>;
      /* eslint-enable @typescript-eslint/no-require-imports */
      for (const [module, name] of [[rules, 'checkRules'], [rules, 'checkManifestSet'], [schema, 'checkSchema']] as const) {
        const check = module[name] as (...args: unknown[]) => unknown;
        module[name] = (...args: unknown[]) => {
          const t = performance.now();
          try {
            return check(...args);
          } finally {
            checksMs += performance.now() - t;
          }
        };
      }
      const { ManifestValidation } = require('../../lib/validation/validate') as typeof import('../../lib/validation/validate'); // eslint-disable-line @typescript-eslint/no-require-imports
      const validate = ManifestValidation.prototype.validate;
      ManifestValidation.prototype.validate = function (this: typeof ManifestValidation.prototype) {
        const t = performance.now();
        try {
          return validate.call(this);
        } finally {
          validateMs += performance.now() - t;
        }
      };
    }
  }

  validateMs = checksMs = writeMs = bytes = 0;
  const baseRssMb = mb(process.memoryUsage().rss);
  if (first) windowStartUs = nowUs();
  const t0 = performance.now();
  const app = new cdk8s.App({ outdir });
  const chart = new cdk8s.Chart(app, 'bench');
  workload.build(chart, pattern, count, names);
  const t1 = performance.now();
  if (mode === 'json') {
    // What app.synth() does minus validation and disk: every ApiObject rendered, dependencies first.
    new cdk8s.DependencyGraph(chart.node).topology()
      .filter((c): c is import('cdk8s').ApiObject => c instanceof cdk8s.ApiObject)
      .map(o => o.toJson());
  } else {
    app.synth();
  }
  const t2 = performance.now();
  const objects = chart.node.findAll().filter(c => c instanceof cdk8s.ApiObject).length;
  return {
    objects, constructMs: t1 - t0, renderMs: t2 - t1, totalMs: t2 - t0, baseRssMb,
    ...(mode === 'synth' ? { writeMs, bytes, ...(impl === 'ours' || impl === 'floor' ? { validateMs, checksMs } : {}) } : {}),
  };
}

main();
