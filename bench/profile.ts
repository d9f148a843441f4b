// Summarizes a V8 .cpuprofile (node --cpu-prof): where the time of a window went, by area
// (our code, cdk8s, cdk8s-plus, ajv, yaml, ...), by function (self time) and by function
// including what it calls (inclusive time).

import * as fs from 'fs';

interface CallFrame { readonly functionName: string; readonly url: string; readonly lineNumber: number }
interface ProfileNode { readonly id: number; readonly callFrame: CallFrame; readonly children?: number[] }
interface CpuProfile { readonly nodes: ProfileNode[]; readonly startTime: number; readonly samples: number[]; readonly timeDeltas: number[] }

export interface Hotspot {
  /** `function file:line`, or an area's name. */
  readonly name: string;
  /** `function (file)`, short, for docs/benchmarks.md. */
  readonly short: string;
  readonly ms: number;
  readonly share: number;
}
export interface ProfileSummary {
  readonly totalMs: number;
  readonly areas: Hotspot[];
  readonly self: Hotspot[];
  readonly inclusive: Hotspot[];
}

/** The area a source file belongs to. */
function area(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'GC' : fn.startsWith('(') ? fn : 'V8 builtins';
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url); // the innermost package (cdk8s bundles its own yaml)
  if (pkg) return pkg[1];
  if (/\/bench\/\.out\/(lib|index)/.test(url)) return 'cdk8s-job-patterns (lib/)';
  if (/\/bench\/\.out\/bench\//.test(url)) return 'bench harness';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** Where a function is, short: `file.js:line` under node_modules/<pkg>/ or the repo. */
function where(f: CallFrame): string {
  const short = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/bench\/\.out\//, '').replace(/^file:\/\//, '');
  return `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
}

/**
 * Reads `file` and keeps the samples between `fromUs` and `toUs` (the monotonic clock in
 * microseconds, as `process.hrtime.bigint() / 1000n`; V8 stamps samples on the same clock).
 */
export function summarizeProfile(file: string, fromUs?: number, toUs?: number, top = 12): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf-8')) as CpuProfile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  /** How deep in the stack each function is seen (from the root), to tell callers from callees. */
  const depth = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const weight = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]) / 1000; // ms until the next sample
    if ((fromUs !== undefined && t < fromUs) || (toUs !== undefined && t > toUs)) continue;
    const node = byId.get(profile.samples[i])!;
    if (node.callFrame.functionName === '(idle)') continue;
    total += weight;
    const name = where(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + weight);
    const a = area(node.callFrame.url, node.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + weight);
    const stack: string[] = []; // leaf first
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (f.url && !f.url.startsWith('node:')) stack.push(where(f));
    }
    const seen = new Set<string>();
    stack.forEach((n, i) => {
      depth.set(n, Math.max(depth.get(n) ?? 0, stack.length - i));
      if (!seen.has(n)) {
        seen.add(n);
        inclusive.set(n, (inclusive.get(n) ?? 0) + weight);
      }
    });
  }
  const hotspot = ([name, ms]: [string, number]): Hotspot => ({ name, short: shortName(name), ms: Math.round(ms), share: ms / total });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  // Callers whose time is all in one callee (synth > validate > report > ...) say nothing more than
  // the callee: of a run of frames within 0.5% of each other, keep the deepest.
  const calls = sorted(inclusive).filter(([name]) => !name.includes('bench/synth/') && !name.includes('bench/workloads/'));
  const distinct: Array<[string, number]> = [];
  for (let i = 0; i < calls.length;) {
    let j = i;
    while (j + 1 < calls.length && calls[j][1] - calls[j + 1][1] <= 0.005 * total) j++;
    const run = calls.slice(i, j + 1);
    distinct.push(run.reduce((a, b) => (depth.get(b[0]) ?? 0) > (depth.get(a[0]) ?? 0) ? b : a));
    i = j + 1;
  }
  return {
    totalMs: Math.round(total),
    areas: sorted(areas).slice(0, 10).map(hotspot),
    self: sorted(self).slice(0, top).map(hotspot),
    inclusive: distinct.slice(0, top).map(hotspot),
  };
}

/** `resolve cdk8s/lib/resolve.js:101` -> `resolve (cdk8s/lib/resolve.js)`. */
function shortName(name: string): string {
  const m = /^(.*) (\S*):\d+$/.exec(name);
  if (!m) return name;
  return m[2] === '' ? m[1] : `${m[1]} (${m[2]})`;
}

/** The summary as indented lines. */
export function formatProfile(s: ProfileSummary): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const rows = (h: Hotspot[]) => h.map(x => `    ${pct(x.share)} ${String(x.ms).padStart(6)} ms  ${x.name}`);
  return [
    `  ${s.totalMs} ms of samples in the measured window`,
    '  by area (self time):', ...rows(s.areas),
    '  hottest functions (self time):', ...rows(s.self),
    '  heaviest calls (inclusive time):', ...rows(s.inclusive),
  ];
}
