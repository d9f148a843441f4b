// `npm run bench [-- options]`: the synth and verifier benchmarks of issue 9. Prints tables,
// ratios and PASS/MISS lines for the targets, profiles what misses, and (on a full run) rewrites
// the results block of docs/benchmarks.md, which explains them.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  machineLine, Machine, MEMORY_MARKERS, memoryTables, memoryTargets, rewriteBlock, synthTables, synthTargets, Target, targetLines, verifyTables, verifyTargets, VerifyResults,
} from './report';
import { CASES, CaseKey, countOf, profileCase, runSynth, SynthResults } from './synth/run';
import { Cluster, runScenario, startCluster, stopCluster } from './verify/bench';
import { runMemoryScenario } from './verify/memory';
import { ImplId, ModeId, PATTERNS, WorkloadId } from './workloads/spec';
import { MAX_RATIO_TO_RAW } from './report';

const USAGE = `Usage: npm run bench [-- options]
  --synth-only        only the synth benchmark (about 10 minutes; no cluster)
  --verify-only       only the verifier benchmark (its memory scenario included)
  --memory-only       only the verifier's memory scenario beside kubectl wait (about 5 minutes)
  --memory-jobs LIST  Jobs of each size of the memory scenario (default 100,1000,10000; 100,1000
                      skips the 10,000 row, about 2 minutes less; 0 skips the scenario)
  --runs N            runs of each synth case; the median is reported (default 5)
  --all-runs N        runs of each case of all patterns in one app (default 1)
  --scale F           multiply the synth counts (default 1: 10,000 + 5 x 1,000 Jobs)
  --jobs N            Jobs of the verifier benchmark (default 1000)
  --namespaces N      namespaces of its second scenario (default 4)
  --ns-jobs N         Jobs of that scenario (default 400; see docs/benchmarks.md)
  --duration D        simulated pod run time (default 3s)
  --no-profile        do not profile the cases that miss their target
  --no-readme         do not rewrite docs/benchmarks.md (only a full run with default sizes does)
  --keep-cluster      leave the benchmark's control plane running
`;

interface Options {
  synth: boolean;
  verify: boolean;
  /** The scenarios of requests and verdict delay (and kubectl wait), apart from the memory scenario. */
  verifyTime: boolean;
  memoryJobs: number[];
  runs: number;
  allRuns: number;
  scale: number;
  jobs: number;
  namespaces: number;
  nsJobs: number;
  duration: string;
  profile: boolean;
  readme: boolean;
  keepCluster: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = { synth: true, verify: true, verifyTime: true, memoryJobs: [...DEFAULT_MEMORY_JOBS], runs: 5, allRuns: 1, scale: 1, jobs: 1000, namespaces: 4, nsJobs: 400, duration: '3s', profile: true, readme: true, keepCluster: false };
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--synth-only': o.verify = false; break;
      case '--verify-only': o.synth = false; break;
      case '--memory-only': o.synth = false; o.verifyTime = false; break;
      case '--memory-jobs': {
        const list = argv[++i];
        const sizes = (list ?? '').split(',').map(x => Number(x.trim()));
        if (list === undefined || sizes.some(n => !Number.isInteger(n) || n < 0)) throw new Error(`--memory-jobs needs whole numbers separated by commas, got '${list}'`);
        o.memoryJobs = [...new Set(sizes.filter(n => n > 0))].sort((a, b) => a - b);
        break;
      }
      case '--runs': o.runs = Math.round(num(a, argv[++i])); break;
      case '--all-runs': o.allRuns = Math.round(num(a, argv[++i])); break;
      case '--scale': o.scale = num(a, argv[++i]); break;
      case '--jobs': o.jobs = Math.round(num(a, argv[++i])); break;
      case '--namespaces': o.namespaces = Math.round(num(a, argv[++i])); break;
      case '--ns-jobs': o.nsJobs = Math.round(num(a, argv[++i])); break;
      case '--duration': o.duration = argv[++i]; break;
      case '--no-profile': o.profile = false; break;
      case '--no-readme': o.readme = false; break;
      case '--keep-cluster': o.keepCluster = true; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: throw new Error(`unknown option '${a}'\n${USAGE}`);
    }
  }
  return o;
}

/** Sizes of the memory scenario (issue 21, item 8: 100, 1,000 and 10,000 Jobs). */
const DEFAULT_MEMORY_JOBS = [100, 1000, 10_000];

const root = path.resolve(__dirname, '..', '..', '..');
const started = Date.now();
const log = (line: string) => process.stdout.write(`${line}\n`);
const stamp = () => `[${Math.round((Date.now() - started) / 1000)} s]`;

function machine(): Machine {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? '?',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg()[0],
  };
}

/**
 * The cases of ours to profile (one run each) among those that miss a target, per measure: the
 * single-pattern workload furthest from its target among those built on BatchJob (they share
 * their code paths), the template expansion (a path of its own) and all patterns in one app.
 */
function toProfile(s: SynthResults): CaseKey[] {
  const total = (w: WorkloadId, impl: ImplId, mode: ModeId) => s.cases.find(c => c.pattern === w && c.impl === impl && c.mode === mode)!.totalMs;
  const ratio = (w: WorkloadId, mode: ModeId) => total(w, 'ours', mode) / total(w, 'raw', mode);
  const misses = (w: WorkloadId, mode: ModeId) => ratio(w, mode) > MAX_RATIO_TO_RAW[mode] || total(w, 'ours', mode) >= total(w, 'kplus', mode);
  const keys: CaseKey[] = [];
  for (const mode of ['json', 'synth'] as const) {
    const worst = PATTERNS.map(p => p.id).filter(w => w !== 'expansion' && misses(w, mode)).sort((a, b) => ratio(b, mode) - ratio(a, mode))[0];
    for (const w of [worst, 'expansion', 'all'] as const) {
      if (w !== undefined && misses(w, mode)) keys.push({ pattern: w, impl: 'ours', mode });
    }
  }
  return keys;
}

function workloadTitle(w: WorkloadId, count: number): string {
  return w === 'all' ? `all patterns in one app (${count.toLocaleString('en-US')} Jobs)` : `${PATTERNS.find(p => p.id === w)!.construct} x ${count.toLocaleString('en-US')}`;
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  const m = machine();
  log(`cdk8s-job-patterns benchmarks: ${machineLine(m)}`);
  const readme: string[] = [`_Generated by \`npm run bench\` on ${machineLine(m)}._`, ''];
  const targets: Target[] = [];
  const profiles: string[] = [];
  const profileSummaries: unknown[] = [];
  const json: Record<string, unknown> = { machine: m };

  if (o.synth) {
    const counts = PATTERNS.map(p => workloadTitle(p.id, countOf(p.id, o.scale))).join(', ');
    log(`\n${stamp()} synth: ${counts}, each pattern in its own app (${o.runs} run(s)) and all in one app (${o.allRuns} run(s)); ${CASES.length} cases each, every case in a fresh process`);
    const s = runSynth({ runs: o.runs, allRuns: o.allRuns, scale: o.scale }, log);
    json.synth = s;
    const diffs = Object.entries(s.differences).flatMap(([p, byImpl]) => Object.entries(byImpl).flatMap(([impl, d]) => d.map(x => `${p}/${impl}: ${x}`)));
    const same = diffs.length === 0
      ? 'Every case renders the same manifests (checked object by object before timing).'
      : `Cases differ from our constructs' manifests:\n${diffs.slice(0, 20).map(d => `- ${d}`).join('\n')}`;
    const tables = synthTables(s);
    log(['', same, '', ...tables].join('\n'));
    readme.push('### Synth', '', same, '', ...tables, '');
    const t = synthTargets(s);
    targets.push(...t);
    log(`\n${targetLines(t).join('\n')}`);

    if (o.profile) {
      const missed = toProfile(s);
      if (missed.length > 0) log(`\n${stamp()} profiling ${missed.length} case(s) of ours that miss a target (node --cpu-prof, one run each)`);
      for (const key of missed) {
        const { summary, lines } = profileCase(key, countOf(key.pattern, o.scale));
        const title = `${workloadTitle(key.pattern, countOf(key.pattern, o.scale))}, ${key.mode === 'json' ? 'construct + toJson' : 'app.synth'}`;
        log(`\n${title}:\n${lines.join('\n')}`);
        const pct = (x: number) => `${Math.round(x * 100)}%`;
        profiles.push(`- ${title}: by area ${summary.areas.slice(0, 4).map(a => `${a.name} ${pct(a.share)}`).join(', ')}; `
          + `heaviest calls ${summary.inclusive.slice(0, 5).map(h => `\`${h.short}\` ${pct(h.share)}`).join(', ')}; `
          + `hottest functions ${summary.self.slice(0, 4).map(h => `\`${h.short}\` ${pct(h.share)}`).join(', ')}`);
        profileSummaries.push({ title, ...summary });
      }
    }
    log(`\n${stamp()} synth done in ${Math.round(s.wallSeconds)} s`);
  }

  const memoryReadme: string[] = [];
  const memoryTargetList: Target[] = [];
  const memory = o.verify && o.memoryJobs.length > 0;
  if (o.verify && (o.verifyTime || memory)) {
    const what = [
      ...(o.verifyTime ? [`${o.jobs} Jobs in 1 namespace (with kubectl wait), then ${o.nsJobs} in ${o.namespaces} namespaces`] : []),
      ...(memory ? [`memory at ${o.memoryJobs.map(n => n.toLocaleString('en-US')).join(', ')} suspended Jobs (with kubectl wait)`] : []),
    ];
    log(`\n${stamp()} verifier: local control plane, ${what.join('; ')}`);
    const t0 = Date.now();
    let cluster: Cluster | undefined;
    const stop = () => { if (!o.keepCluster) stopCluster(root, log); };
    const onSignal = () => { log('interrupted: stopping the control plane'); stop(); process.exit(130); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      cluster = startCluster(root, log);
      log(`${stamp()} control plane ${cluster.serverVersion} up in ${cluster.upSeconds.toFixed(1)} s; kubectl ${cluster.kubectlVersion}`);
      if (o.verifyTime) {
        const timeoutSeconds = Math.max(600, Math.round(o.jobs * 1.5));
        const scenarios = [];
        scenarios.push(await runScenario(cluster, { name: 'one', jobs: o.jobs, namespaces: 1, duration: o.duration, kubectl: true, timeoutSeconds }, log));
        log(`${stamp()} 1 namespace done`);
        scenarios.push(await runScenario(cluster, { name: 'many', jobs: o.nsJobs, namespaces: o.namespaces, duration: o.duration, kubectl: false, timeoutSeconds }, log));
        log(`${stamp()} ${o.namespaces} namespaces done`);
        const pace = scenarios[0].completed / (scenarios[0].convergeMs / 1000);
        const jobsReason = o.nsJobs < o.jobs
          ? `The ${o.namespaces}-namespace scenario runs ${o.nsJobs.toLocaleString('en-US')} Jobs, not ${o.jobs.toLocaleString('en-US')}: at ${pace.toFixed(1)} Jobs/s `
            + `${o.jobs.toLocaleString('en-US')} Jobs would add about ${Math.round((o.jobs - o.nsJobs) / pace / 60)} minutes to a run meant to stay under 15; `
            + `the verifier's requests per namespace do not depend on the number of Jobs, which the two rows show (${Math.round(o.jobs)} and ${Math.round(o.nsJobs / o.namespaces)} Jobs per namespace).`
          : undefined;
        const v: VerifyResults = {
          serverVersion: cluster.serverVersion,
          kubectlVersion: cluster.kubectlVersion,
          clusterUpSeconds: cluster.upSeconds,
          ...(jobsReason ? { jobsReason } : {}),
          scenarios,
          wallSeconds: (Date.now() - t0) / 1000,
        };
        json.verify = v;
        const tables = verifyTables(v);
        log(['', ...tables].join('\n'));
        readme.push(`### Verifier (Kubernetes ${v.serverVersion} control plane of scripts/cluster, kubectl ${v.kubectlVersion})`, '', ...tables, '');
        const t = verifyTargets(v);
        targets.push(...t);
        log(`\n${targetLines(t).join('\n')}`);
      }
      // Last: it leaves 11,100 suspended Jobs behind and pauses the controller while it runs.
      if (memory) {
        const mem = await runMemoryScenario(cluster, { sizes: o.memoryJobs }, log);
        log(`${stamp()} memory done in ${Math.round(mem.wallSeconds)} s`);
        json.memory = mem;
        const tables = memoryTables(mem, cluster.kubectlVersion);
        log(['', ...tables].join('\n'));
        // Their PASS/MISS lines go to the memory block, not to the results block's list.
        const t = memoryTargets(mem);
        memoryTargetList.push(...t);
        log(`\n${targetLines(t).join('\n')}`);
        memoryReadme.push(
          `_Generated by \`npm run bench\` on ${machineLine(m)}; Kubernetes ${cluster.serverVersion} control plane of scripts/cluster; the memory scenario took ${Math.round(mem.wallSeconds)} s._`,
          '', ...tables, '', '```text', ...targetLines(t), '```',
        );
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      stop();
    }
    log(`${stamp()} verifier done in ${Math.round((Date.now() - t0) / 1000)} s`);
  }

  const all = [...targets, ...memoryTargetList];
  const passed = all.filter(t => t.pass).length;
  log(`\n${stamp()} targets: ${passed} PASS, ${all.length - passed} MISS`);
  readme.push('### Targets', '', '```text', ...targetLines(targets), '```');
  if (profiles.length > 0) {
    readme.push('', 'Where the time of the cases that miss goes (`node --cpu-prof`, measured window only; full output in the run\'s log):', '', ...profiles);
  }
  fs.mkdirSync(path.join(root, 'bench', '.out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', '.out', 'last-run.json'), JSON.stringify({ ...json, targets: all, profiles: profileSummaries }, null, 2));

  const file = path.join(root, 'docs', 'benchmarks.md');
  const full = o.synth && o.verify && o.verifyTime && o.scale === 1 && o.jobs === 1000 && o.nsJobs === 400 && o.namespaces === 4;
  const fullMemory = memoryReadme.length > 0 && o.memoryJobs.join() === DEFAULT_MEMORY_JOBS.join();
  if (!o.readme) {
    log('docs/benchmarks.md not rewritten (--no-readme)');
  } else {
    if (full) {
      rewriteBlock(file, readme);
      log('docs/benchmarks.md: results block rewritten');
    }
    if (fullMemory) {
      rewriteBlock(file, memoryReadme, MEMORY_MARKERS);
      log('docs/benchmarks.md: memory results block rewritten');
    }
    if (!full && !fullMemory) log('docs/benchmarks.md not rewritten (only a full run with default sizes rewrites it; a memory run with the default sizes rewrites the memory block)');
  }
  log(`${stamp()} done`);
  return 0;
}

main().then(code => process.exit(code), error => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
