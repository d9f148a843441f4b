import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root (the library as its users get it is packed from here). */
export const root = path.resolve(__dirname, '..', '..');

/** What a command printed and how it ended. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: this process's, less what `npm test` adds (npm_* variables
 * would make the user's npm act as part of this repo's run). npm's cache stays the default one, the
 * cache this repo's `npm ci` filled, so installs take their packages from it.
 */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'JEST_WORKER_ID') env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `command` in `cwd` as a user would type it, in a user's environment. */
export function run(cwd: string, command: string, args: string[], extraEnv: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { cwd, env: userEnv(extraEnv), encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Like {@link run}, but a non-zero exit is an error that shows what the command printed. */
export function runOk(cwd: string, command: string, args: string[], extraEnv: Record<string, string> = {}): Run {
  const result = run(cwd, command, args, extraEnv);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A fresh temporary directory, removed by {@link cleanUp}. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `job-patterns-${prefix}-`));
}

/** Removes what {@link tempDir} made (KEEP_CONSUMER_APPS=1 keeps them to look at). */
export function cleanUp(dir: string): void {
  if (process.env.KEEP_CONSUMER_APPS !== '1') fs.rmSync(dir, { recursive: true, force: true });
}

/** `npm pack` of the repository, as a release would do it (its `prepare` builds the library first). */
export function packLibrary(into: string): string {
  const packed = withPackLock(() => runOk(root, 'npm', ['pack', '--json', '--pack-destination', into]));
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  return path.join(into, filename);
}

/**
 * Runs `fn` alone among the consumer suites of this checkout: `npm pack` (and jsii-pacmak, which
 * runs it) rebuilds dist-lib from nothing, so two at once in parallel jest workers pack each other's
 * half-built files. A lock folder in the checkout (node_modules/.cache), seen by every jest process
 * of it whatever its temporary folder (test/temp-dir); one older than 15 minutes is stale.
 */
export function withPackLock<T>(fn: () => T): T {
  const lock = path.join(root, 'node_modules', '.cache', 'job-patterns-pack.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      Atomics.wait(sleep, 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The versions of the peers (and tools) a user's app installs. */
export interface Peers {
  readonly cdk8s: string;
  readonly constructs: string;
  readonly 'cdk8s-plus-28': string;
}

/** The app's tools, at the versions this repository tests with (package.json's devDependencies). */
function toolVersions(): Record<string, string> {
  const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8')).devDependencies as Record<string, string>;
  return Object.fromEntries(['@types/node', 'cdk8s-cli', 'ts-node', 'typescript'].map(name => [name, own[name]]));
}

/**
 * Makes a user's cdk8s app in a fresh directory, the way `cdk8s init typescript-app` lays one out
 * (its own package.json, main.ts, cdk8s.yaml with the validation plugin, tsconfig.json): the files
 * of test/consumer/app. `library` is the dependency spec of cdk8s-job-patterns (a tarball path or
 * a git URL). Installs with npm from its cache first (`--prefer-offline`).
 */
export function makeUserApp(dir: string, library: string, peers: Peers): void {
  fs.cpSync(path.join(__dirname, 'app'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({
    name: 'my-gitops-repo',
    version: '1.0.0',
    private: true,
    scripts: { synth: 'cdk8s synth' },
    dependencies: { ...peers, 'cdk8s-job-patterns': library },
    devDependencies: toolVersions(),
  }, undefined, 2)}\n`);
  runOk(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
}
