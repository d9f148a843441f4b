// Checks that every case renders the same manifests: our constructs, raw ApiObjects, kplus.Job,
// the plain literals of the YAML floor and the validated floor, for a few instances of each pattern.
//   node check.js <count>
// Prints one JSON line: { [pattern]: { [impl]: differences[] } } (empty arrays: identical).
//   node check.js --names <pattern> <count> <out.json>
// Writes the final names of our constructs' objects (see workloads/plain.ts) for the other cases.

import * as fs from 'fs';
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import * as floor from '../workloads/floor';
import * as kplus from '../workloads/kplus';
import * as ours from '../workloads/ours';
import { Names, namesOf, plainObjects } from '../workloads/plain';
import * as raw from '../workloads/raw';
import { PATTERNS, WorkloadId } from '../workloads/spec';

type Builder = (chart: Chart, workload: WorkloadId, count: number, names: Names) => void;

function render(build: Builder, pattern: WorkloadId, count: number, names: Names = {}): any[] {
  const app = new App();
  const chart = new Chart(app, 'bench');
  build(chart, pattern, count, names);
  return new DependencyGraph(chart.node).topology().filter((c): c is ApiObject => c instanceof ApiObject).map(o => o.toJson());
}

/** JSON with sorted keys, so that key order does not count. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Paths where `a` and `b` differ (at most a few). */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap(k => differences((a as any)[k], (b as any)[k], `${path}/${k}`)).slice(0, 5);
  }
  return [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
}

/** The objects of each kind, in the order written. */
function byKind(objects: any[]): Map<string, any[]> {
  const kinds = new Map<string, any[]>();
  for (const o of objects) kinds.set(o.kind, [...kinds.get(o.kind) ?? [], o]);
  return kinds;
}

/** Pairs the objects of each kind in order (names may be what differs) and lists the differences. */
function compare(expected: any[], actual: any[]): string[] {
  const want = byKind(expected);
  const got = byKind(actual);
  const out: string[] = [];
  for (const kind of new Set([...want.keys(), ...got.keys()])) {
    const w = want.get(kind) ?? [];
    const g = got.get(kind) ?? [];
    if (w.length !== g.length) out.push(`${kind}: ${w.length} expected, ${g.length} rendered`);
    for (let i = 0; i < Math.min(w.length, g.length); i++) {
      out.push(...differences(w[i], g[i]).map(d => `${kind}/${w[i].metadata?.name} ${d}`));
    }
  }
  // cdk8s writes dependencies first: the order of kinds must match too.
  const kinds = (l: any[]) => l.map(o => o.kind).join(',');
  if (out.length === 0 && kinds(expected) !== kinds(actual)) out.push(`order of objects: ${kinds(expected)} != ${kinds(actual)}`);
  return out.slice(0, 10);
}

/**
 * For `count` instances of each pattern, the differences of each other case (raw ApiObjects,
 * kplus.Job, the plain literals, the validated floor) from our constructs' manifests. Also a unit test
 * (test/bench/workloads.test.ts), so that a change of the library's output cannot leave the
 * benchmark comparing different YAML unnoticed.
 */
export function caseDifferences(count: number): Record<string, Record<string, string[]>> {
  const report: Record<string, Record<string, string[]>> = {};
  for (const { id } of PATTERNS) {
    const expected = render(ours.build, id, count);
    const names = namesOf(expected);
    const plain = Array.from({ length: count }, (_, i) => plainObjects(id, i, names).objects).flat();
    report[id] = {
      raw: compare(expected, render(raw.build, id, count, names)),
      kplus: compare(expected, render(kplus.build, id, count, names)),
      yaml: compare(expected, JSON.parse(JSON.stringify(plain))),
      floor: compare(expected, render(floor.build, id, count, names)),
    };
  }
  return report;
}

function main(): void {
  if (process.argv[2] === '--names') {
    const [pattern, count, out] = process.argv.slice(3);
    fs.writeFileSync(out, JSON.stringify(namesOf(render(ours.build, pattern as WorkloadId, Number(count)))));
    return;
  }
  process.stdout.write(`${JSON.stringify(caseDifferences(Number(process.argv[2] ?? 3)))}\n`);
}

if (require.main === module) main();
