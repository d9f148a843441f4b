// Our verifier's memory, in a process of its own (run with --expose-gc):
//   node --expose-gc memory-child.js [--cli] <kubeconfig> <targets.json> <timeoutMs> <result.json>
//   node --expose-gc memory-child.js [--cli] <kubeconfig> --empty <namespace> <timeoutMs> <result.json>
// With --cli the process first takes the V8 settings of the `job-patterns` CLI (CLI_V8_FLAGS of
// bin/job-patterns.js, set the way the CLI sets them, before anything else is loaded): what users
// run. Without it, the library in a plain Node process: what a program that imports JobVerifier gets.
// The first form verifies the targets (Jobs that stay suspended, so it waits until the timeout);
// the second is the baseline: the same verifier watching a namespace with no Job (a selector that
// matches nothing, and `expectJobs: 1` so that it waits). At steady state (the first lists done,
// every target's Job seen, both watches open) it measures its memory after a full GC; after the
// verdict it measures what each of its structures holds, by releasing them one by one.

import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { IDLE_MS } from './idle';

/** Memory as the kernel and V8 see it, in bytes. */
export interface MemorySample {
  /** VmRSS of /proc/self/status, after the GCs. */
  readonly rss: number;
  /** VmRSS before them. */
  readonly rssBeforeGc: number;
  /** VmHWM: the peak RSS so far. */
  readonly peakRss: number;
  /** V8's heap: used after a full GC, and committed. */
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Memory of C++ objects bound to JavaScript (buffers, TLS). */
  readonly external: number;
  /** V8's own malloc'd memory (parser, compiler). */
  readonly malloced: number;
}

/** What the memory child reports. */
export interface MemoryRun {
  /** After the verifier's modules and the kubeconfig, before any request; in the baseline run also Node alone. */
  readonly loading: { readonly node?: MemorySample; readonly modules: MemorySample };
  /** Whether @kubernetes/client-node was loaded by the end of the run (the verifier should not need it). */
  readonly clientLoaded: boolean;
  /** At steady state; undefined when the timeout came first. */
  readonly steady?: MemorySample;
  /** From the start of `run()` to steady state. */
  readonly steadyAfterMs?: number;
  /** V8 heap spaces at steady state (bytes used): where the heap is. */
  readonly spaces?: Record<string, number>;
  readonly outcome: string;
  readonly summary: string;
  /** The verdict states of the targets: each should be `queued` (seen, suspended). */
  readonly states: Record<string, number>;
  readonly requests: { lists: number; watches: number; logs: number };
  /** Heap held by each structure (bytes, after GC), measured after the verdict by releasing them in this order. */
  readonly heldBy?: ReadonlyArray<{ readonly what: string; readonly bytes: number }>;
  /** Peak RSS over the whole run, the verdict and its report included. */
  readonly peakRss: number;
}

const gc = (global as { gc?: () => void }).gc;

/** Set when anything requires @kubernetes/client-node (the verifier should not need it). */
let clientLoaded = false;
{
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  Module._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === '@kubernetes/client-node' || request.startsWith('@kubernetes/client-node/')) clientLoaded = true;
    return load.call(this, request, ...rest);
  };
}

/** The heap after a full GC, without waiting: enough to compare what structures hold. */
function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/**
 * Memory after full GCs, the way V8 leaves it in a process that waits. V8 shrinks its young
 * generation (up to 32 MB, grown by any burst of allocation: loading modules, a list) only in a GC
 * that finds the process idle, and hands the pages a GC freed back to the system a moment later,
 * from a background task. So: `idleMs` without allocating, then two rounds of GC each followed by
 * a pause, then RSS. Without the idle time, RSS varies by 15 MB from one process to the next;
 * without the pauses it still counts 20 to 30 MB of freed pages after a list of 10,000 Jobs.
 * `rssBeforeGc` is what the system saw before.
 */
async function sample(idleMs = IDLE_MS, pauseMs = PAUSE_MS): Promise<MemorySample> {
  await sleep(idleMs);
  const rssBeforeGc = kbOf(fs.readFileSync('/proc/self/status', 'utf-8'), 'VmRSS');
  for (let round = 0; round < 2; round++) {
    gc!();
    gc!();
    await sleep(pauseMs);
  }
  const m = process.memoryUsage();
  const status = fs.readFileSync('/proc/self/status', 'utf-8');
  return {
    rss: kbOf(status, 'VmRSS'), rssBeforeGc, peakRss: kbOf(status, 'VmHWM'),
    heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, malloced: v8.getHeapStatistics().malloced_memory,
  };
}

/** See `sample`: the pause after each round of GCs, for the freed pages to go back to the system. */
const PAUSE_MS = 1500;

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}

/** A field of /proc/self/status, in bytes. */
function kbOf(status: string, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
}

/**
 * The verifier's private state that the benchmark reads (JobVerifier has no public signal for
 * "the first lists are in"). Read only, except after the verdict, when the breakdown releases it.
 */
interface VerifierInternals {
  synced: boolean;
  requests: { watches: number };
  trackers: Map<string, { current?: unknown; run?: unknown }>;
  reflectors: Array<{ known: Map<string, unknown> }>;
}

/** Whether every target's Job was seen (no array: this runs every 50 ms over up to 10,000 trackers). */
function allSeen(trackers: VerifierInternals['trackers']): boolean {
  for (const t of trackers.values()) if (t.current === undefined) return false;
  return true;
}

type VerifyResult = import('../../lib/runtime/verify').VerifyResult;

function summarize(r: VerifyResult): Pick<MemoryRun, 'outcome' | 'summary' | 'states' | 'requests'> {
  const states: Record<string, number> = {};
  for (const job of r.jobs) states[job.verdict.state] = (states[job.verdict.state] ?? 0) + 1;
  return { outcome: r.outcome, summary: r.summary.slice(0, 300), states, requests: { ...r.requests } };
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const cli = process.argv[2] === '--cli';
  if (cli) {
    // bench/.out/bench/verify -> the checkout's root
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CLI_V8_FLAGS } = require(path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'job-patterns.js')) as { CLI_V8_FLAGS: string[] };
    for (const flag of CLI_V8_FLAGS) v8.setFlagsFromString(flag);
  }
  const args = process.argv.slice(cli ? 3 : 2);
  const empty = args[1] === '--empty';
  const [kubeconfig, targetsFile, namespace, timeoutMs, resultFile] = empty ? [args[0], undefined, args[2], args[3], args[4]] : [args[0], args[1], undefined, args[2], args[3]];
  // What each step of loading costs (measured in the baseline run): Node alone, then the
  // verifier's own modules and the kubeconfig, read as the CLI reads them (loadKubeConfig: the
  // Kubernetes client is not loaded).
  const node = empty ? await sample() : undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { JobVerifier } = require('../../lib/runtime/verify') as typeof import('../../lib/runtime/verify');
  const { loadKubeConfig } = require('../../lib/runtime/kubeconfig') as typeof import('../../lib/runtime/kubeconfig');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const kubeConfig = loadKubeConfig({ kubeconfig });
  const modules = await sample();

  let targets = targetsFile ? JSON.parse(fs.readFileSync(targetsFile, 'utf-8')) as import('../../lib/runtime/manifests').JobTarget[] : undefined;
  const verifier = new JobVerifier({
    kubeConfig,
    namespace: namespace ?? 'default',
    timeoutMs: Number(timeoutMs),
    logLines: 0,
    ...(targets ? { targets } : { selector: 'job-patterns.cdk8s.io/bench=none', expectJobs: 1 }),
  });
  const internals = verifier as unknown as VerifierInternals;
  // As the CLI: the verifier holds what it needs of the targets (their templates until the first
  // list is in); the caller keeps no reference.
  const namespaces = targets ? new Set(targets.map(t => t.namespace)).size : 1;
  const measureBreakdown = targets !== undefined;
  targets = undefined;
  const started = Date.now();
  const ended: { result?: VerifyResult } = {};
  const running = verifier.run().then(r => { ended.result = r; });

  // Steady state: every namespace listed, every target's Job seen, both watches of each namespace
  // open; then the sample (its idle time included) before the timeout.
  let steady: MemorySample | undefined;
  let steadyAfterMs: number | undefined;
  let spaces: Record<string, number> | undefined;
  while (ended.result === undefined) {
    if (internals.synced && internals.requests.watches >= 2 * namespaces && allSeen(internals.trackers)) {
      steadyAfterMs = Date.now() - started;
      steady = await sample();
      if (ended.result !== undefined) {
        // The timeout came first: the verdict's work is in the sample.
        steady = undefined;
        break;
      }
      spaces = Object.fromEntries(v8.getHeapSpaceStatistics().filter(s => s.space_used_size > 0).map(s => [s.space_name, s.space_used_size]));
      break;
    }
    await sleep(50);
  }
  await running;
  // The result (a report per Job) is dropped before the breakdown: only the verifier holds memory then.
  const head = summarize(ended.result!);
  ended.result = undefined;
  const peakRss = (await sample(0, 0)).peakRss;

  // Where the heap goes: release the verifier's structures one at a time, measuring after each.
  let heldBy: MemoryRun['heldBy'];
  if (steady && measureBreakdown) {
    // Released by assigning undefined, not by `delete`: that would turn each object into a
    // dictionary, which is larger, and hide part of what was freed.
    type Run = Record<string, unknown>;
    const runs = () => [...internals.trackers.values()].map(t => t.run as Run | undefined).filter((r): r is Run => r !== undefined);
    const steps: Array<[string, () => void]> = [
      ['reflector stubs', () => internals.reflectors.forEach(x => x.known.clear())],
      ['pod collections of each run (made at its first pod: none here)', () => runs().forEach(r => { r.pods = undefined; })],
      ['kept Job of each run', () => runs().forEach(r => { r.job = undefined; })],
      ['rest of each run (verdict, Argo CD health, ...)', () => internals.trackers.forEach(t => { t.run = undefined; })],
      ['trackers and their targets (the templates were dropped after the first list)', () => { internals.trackers.clear(); }],
    ];
    const out: Array<{ what: string; bytes: number }> = [];
    let before = heapUsed();
    for (const [what, release] of steps) {
      release();
      const after = heapUsed();
      out.push({ what, bytes: before - after });
      before = after;
    }
    heldBy = out;
  }

  const run: MemoryRun = { loading: { ...(node ? { node } : {}), modules }, clientLoaded, ...(steady ? { steady, steadyAfterMs, spaces } : {}), ...head, ...(heldBy ? { heldBy } : {}), peakRss };
  fs.writeFileSync(resultFile, JSON.stringify(run));
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`memory child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(3);
});
