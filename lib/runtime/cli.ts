import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { contextNamespace, loadKubeConfig, LoadedKubeConfig, serverOf } from './kubeconfig';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { applyManifests } from './apply';
import { ArgoCdVersion } from './argocd-health';
import { jobTargets, loadManifests } from './manifests';
import { htmlReport } from './html-report';
import { junitReport, progressTable, textReport } from './report';
import { markdownSummary } from './summary';
import { planCommand, PlanFlags } from './plan';
import { EXIT_CODES, JobReport, JobVerifier, MAX_TIMEOUT_MS, VerifyOutcome, VerifyResult } from './verify';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

/** Parses "90", "90s", "5m", "1h" into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw new InvalidArgumentError(`'${text}' is not a duration > 0; use e.g. 90s, 5m or 1h`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  if (ms > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(`'${text}' is longer than ${Math.floor(MAX_TIMEOUT_MS / 3_600_000)}h, the longest a timer can wait; use e.g. 24h`);
  }
  return ms;
}

function argoCdVersion(text: string): ArgoCdVersion {
  try {
    return ArgoCdVersion.of(text);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function strictlyPositiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${text}' is not a whole number >= 1`);
  return n;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${text}' is not a whole number >= 0`);
  return n;
}

interface VerifyFlags {
  readonly selector?: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeout: number;
  readonly apply: boolean;
  readonly fieldManager: string;
  readonly failFast: boolean;
  readonly allowSuspended: boolean;
  readonly replacementGrace: number;
  readonly expect?: number;
  readonly templateCheck: boolean;
  readonly output: 'text' | 'json';
  readonly junit?: string;
  readonly html?: string;
  readonly summary?: string;
  readonly logLines: number;
  readonly argoCdVersion: ArgoCdVersion;
}

/**
 * The version in the package's package.json: two directories up in a checkout (lib/runtime),
 * three in the installed package (dist-lib/lib/runtime), so found by its name on the way up.
 */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    const pkg = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined;
    if (pkg?.name === 'cdk8s-job-patterns') return String(pkg.version);
    if (path.dirname(dir) === dir) throw new Error(`no package.json of cdk8s-job-patterns above ${__dirname}`);
  }
}

/**
 * `job-patterns verify`: watches Jobs until they converged as their pattern says. Exit codes:
 * 0 converged, 1 failed, 2 timed out, 3 usage or connection error.
 */
export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  let exitCode = EXIT_CODES[VerifyOutcome.ERROR];
  const program = new Command('job-patterns')
    .description('Companion runtime of cdk8s-job-patterns')
    .version(packageVersion(), '-V, --version', 'print the version of cdk8s-job-patterns')
    .exitOverride()
    .configureOutput({ writeOut: s => io.stdout.write(s), writeErr: s => io.stderr.write(s) });

  program.command('verify')
    .description('Watch Jobs until each converged as its pattern says; explain failures.\nExit codes: 0 converged, 1 failed, 2 timed out, 3 usage or connection error, 4 a Job cannot be verified (deleted before verification began).')
    .argument('[manifests...]', 'YAML files or directories (e.g. dist/); their Jobs are verified')
    .option('-l, --selector <selector>', 'verify every Job matching this label selector instead of manifests')
    .option('-n, --namespace <namespace>', 'namespace of Jobs that name none (default: the context\'s, else "default")')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(new Option('--timeout <duration>', 'give up after this long, counted from the start (e.g. 90s, 5m): connecting, --apply and watching included').argParser(parseDuration).default(parseDuration('10m'), '10m'))
    .option('--apply', 'server-side apply the manifests first (strict field validation)', false)
    .option('--field-manager <name>', 'field manager of --apply', 'job-patterns')
    .option('--fail-fast', 'fail at the first failed Job or stuck pod', false)
    .option('--allow-suspended', 'count queued and suspended Jobs as converged (the summary names them)', false)
    .addOption(new Option('--replacement-grace <duration>', 'how long a Job deleted before it finished waits for a new run under its name').argParser(parseDuration).default(15_000, '15s'))
    .option('--no-template-check', 'never call a Job created before verification outdated because its pod template differs from the manifest (a webhook rewrites every template)')
    .option('--expect <n>', 'with --selector: wait until this many Jobs match (later sync waves)', strictlyPositiveInteger)
    .option('-o, --output <format>', 'text or json', (v: string) => {
      if (v !== 'text' && v !== 'json') throw new InvalidArgumentError(`'${v}' is not text or json`);
      return v;
    }, 'text')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--html <file>', 'also write a self-contained HTML report: a timeline of every Job\'s pods')
    .option('--summary <file>', 'also append a Markdown summary (for $GITHUB_STEP_SUMMARY)')
    .option('--log-lines <n>', 'log lines to show per failed pod', positiveInteger, 10)
    .addOption(new Option('--argo-cd-version <version>', 'Argo CD release whose health wording the report follows (e.g. 3.5.4)').argParser(argoCdVersion).default(ArgoCdVersion.NEWEST, ArgoCdVersion.NEWEST.toString()))
    .action(async (manifests: string[], flags: VerifyFlags) => {
      exitCode = await verifyCommand(manifests, flags, io);
    });

  program.command('plan')
    .description('What will this merge run? Compares the synthesized manifests with a previous synth, a git ref and/or the live cluster: for every Job (and the objects it uses), unchanged, runs again, changed in place, replaced and re-run, will fail to sync, pruned, or a hook that runs on every sync.\nExit codes: 0 every object syncs, 5 a sync would fail (an immutable field of an object that keeps its name), 3 usage or connection error.')
    .argument('[manifests...]', 'YAML files or directories of this synth', ['dist'])
    .option('--baseline <path>', 'a previous synth: a directory or a file')
    .option('--baseline-ref <ref>', 'the same manifests at this git ref of the repository (e.g. origin/main)')
    .option('--live', 'compare with the live cluster: what it holds of each object, and the status of its Jobs')
    .option('--kubeconfig <file>', 'kubeconfig file of --live (default: $KUBECONFIG, else ~/.kube/config); implies --live')
    .option('--context <name>', 'kubeconfig context of --live; implies --live')
    .option('-n, --namespace <namespace>', 'namespace of objects that name none (default: the context\'s with --live, else "default")')
    .option('--kubernetes-version <version>', 'the Kubernetes version whose update rules apply, 1.28 to 1.37 (default: the cluster\'s with --live, else 1.28)')
    .option('--apply-out-of-sync-only', 'the Argo CD Application syncs with ApplyOutOfSyncOnly=true (an unchanged recreateOnChange() Job is left alone)', false)
    .option('-o, --output <format>', 'text, json or markdown', (v: string) => {
      if (v !== 'text' && v !== 'json' && v !== 'markdown') throw new InvalidArgumentError(`'${v}' is not text, json or markdown`);
      return v;
    }, 'text')
    .option('--markdown <file>', 'also write the plan as Markdown (a pull request comment)')
    .action(async (manifests: string[], flags: PlanFlags) => {
      exitCode = await planCommand(manifests, flags, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_CODES[VerifyOutcome.ERROR];
    }
    io.stderr.write(`job-patterns: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CODES[VerifyOutcome.ERROR];
  }
  return exitCode;
}

function fail(io: CliIo, message: string): number {
  io.stderr.write(`job-patterns verify: ${message}\n`);
  return EXIT_CODES[VerifyOutcome.ERROR];
}

async function verifyCommand(paths: string[], flags: VerifyFlags, io: CliIo): Promise<number> {
  // --timeout counts from here: loading, --apply and the verification share it.
  const deadline = Date.now() + flags.timeout;
  if ((paths.length === 0) === (flags.selector === undefined)) {
    return fail(io, 'give either manifests (files or directories) or --selector, not both and not neither');
  }
  if (flags.expect !== undefined && flags.selector === undefined) {
    return fail(io, '--expect needs --selector (with manifests, every Job in them is waited for)');
  }
  if (flags.apply && paths.length === 0) {
    return fail(io, '--apply needs manifests');
  }
  // Report files are written after verification: a bad path must not cost the whole wait.
  for (const [flag, file] of [['--junit', flags.junit], ['--html', flags.html], ['--summary', flags.summary]] as const) {
    if (file === undefined) continue;
    const dir = path.dirname(path.resolve(file));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      return fail(io, `${flag} ${file}: the directory ${dir} does not exist; create it first or give a file in an existing directory`);
    }
  }
  // Read without the Kubernetes client: only --apply loads it.
  let kubeConfig: LoadedKubeConfig;
  try {
    kubeConfig = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context }) as LoadedKubeConfig;
  } catch (error) {
    return fail(io, `cannot load the kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  const namespace = flags.namespace ?? contextNamespace(kubeConfig);

  let manifests: ReturnType<typeof loadManifests> = [];
  if (paths.length > 0) {
    try {
      manifests = loadManifests(paths);
    } catch (error) {
      return fail(io, error instanceof Error ? error.message : String(error));
    }
  }
  const targets = paths.length > 0 ? jobTargets(manifests, namespace) : undefined;
  if (targets && targets.length === 0) {
    return fail(io, `no Job in ${paths.join(', ')}`);
  }

  if (flags.apply) {
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<undefined>(resolve => { timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now())); });
    let results: Awaited<ReturnType<typeof applyManifests>> | undefined;
    try {
      results = await Promise.race([applyManifests(kubeConfig, manifests, { namespace, fieldManager: flags.fieldManager }), outOfTime]);
    } catch (error) {
      return fail(io, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
    if (results === undefined) {
      io.stderr.write(`job-patterns verify: timed out after ${Math.round(flags.timeout / 1000)} s during --apply: the API server at ${serverOf(kubeConfig)} did not answer\n`);
      return EXIT_CODES[VerifyOutcome.TIMEOUT];
    }
    const rejected = results.filter(r => r.error);
    for (const r of rejected) io.stderr.write(`apply ${r.kind}/${r.name}: ${r.error}\n`);
    if (rejected.length > 0) {
      return fail(io, `${rejected.length} object(s) were rejected by the API server`);
    }
    if (flags.output === 'text') io.stderr.write(`applied ${results.length} object(s)\n`);
  }

  const live = flags.output === 'text' && io.stdout.isTTY === true;
  const started = Date.now();
  let drawn = 0;
  const states = new Map<string, string>();
  const onProgress = (jobs: readonly JobReport[]) => {
    if (live) {
      if (drawn > 0) {
        readline.moveCursor(io.stdout, 0, -drawn);
        readline.clearScreenDown(io.stdout);
      }
      const lines = progressTable(jobs, Date.now() - started);
      io.stdout.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
    } else if (flags.output === 'text') {
      for (const job of jobs) {
        const key = `${job.namespace}/${job.name}`;
        const state = `${job.verdict.state}${job.verdict.reason ? ` (${job.verdict.reason})` : ''}`;
        if (states.get(key) !== state) {
          states.set(key, state);
          io.stdout.write(`[${Math.round((Date.now() - started) / 1000)}s] ${key} ${state}\n`);
        }
      }
    }
  };

  const verifier = new JobVerifier({
    kubeConfig,
    ...(targets ? { targets } : { selector: flags.selector }),
    namespace,
    // The one deadline counts from the CLI's start: the report says the --timeout the user gave.
    timeoutMs: flags.timeout,
    _startedAt: deadline - flags.timeout,
    failFast: flags.failFast,
    allowSuspended: flags.allowSuspended,
    replacementGraceMs: flags.replacementGrace,
    ...(flags.templateCheck === false ? { checkTemplate: false } : {}),
    ...(flags.expect !== undefined ? { expectJobs: flags.expect } : {}),
    logLines: flags.logLines,
    argoCdVersion: flags.argoCdVersion,
    onProgress,
  });
  const result: VerifyResult = await verifier.run();
  if (live && drawn > 0) {
    readline.moveCursor(io.stdout, 0, -drawn);
    readline.clearScreenDown(io.stdout);
  }
  if (flags.output === 'json') {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    io.stdout.write(`${textReport(result)}\n`);
  }
  if (flags.junit) {
    fs.writeFileSync(flags.junit, junitReport(result));
  }
  if (flags.html) {
    fs.writeFileSync(flags.html, htmlReport(result));
  }
  if (flags.summary) {
    // Appended: GitHub Actions hands each step an empty $GITHUB_STEP_SUMMARY file to add to.
    fs.appendFileSync(flags.summary, markdownSummary(result));
  }
  return result.exitCode;
}
