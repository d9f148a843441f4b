// The library in its users' world: packed as it would be published, installed into a separate
// cdk8s app (a GitOps repo) from the tarball and from a git URL, with the lowest and the newest
// versions of its peer dependencies. Slow (npm installs): a project of its own in jest.config.js.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { cleanUp, makeUserApp, packLibrary, Peers, root, run, runOk, tempDir } from './user-app';

// An install takes 15-60 s from npm's cache (minutes when the registry must be asked).
jest.setTimeout(10 * 60_000);

/** Each peer dependency's range (package.json) at its lowest and its newest version the registry serves. */
const PEERS: Array<[string, Peers]> = [
  ['the lowest supported peers', { 'cdk8s': '2.70.0', 'constructs': '10.3.0', 'cdk8s-plus-28': '2.5.6' }],
  ['the newest peers', { 'cdk8s': '2.70.106', 'constructs': '10.8.1', 'cdk8s-plus-28': '2.5.6' }],
];
const NEWEST = PEERS[1][1];

/** `Kind/name` of every object a synth wrote to `outdir`, each spec hash shown as `<hash>`. */
function objectsIn(outdir: string): string[] {
  return fs.readdirSync(outdir).filter(f => f.endsWith('.yaml'))
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJS()))
    .map(o => `${o.kind}/${String(o.metadata.name).replace(/-[0-9a-f]{8}$/, '-<hash>')}`)
    .sort();
}

/** The YAML a release wrote for this app (test/consumer/released, see its README). */
const released = (version: string) => fs.readFileSync(path.join(__dirname, 'released', version, 'batch.k8s.yaml'), 'utf-8');
const PIN_NOTICE = 'cdk8s-job-patterns: defaults pinned to 0.1 (app); not using 4 newer default(s):';
/** The same for an app pinned to 0.2: the two defaults of 0.3 (`/tmp`, Redis' protected mode off). */
const PIN_NOTICE_0_2 = 'cdk8s-job-patterns: defaults pinned to 0.2 (app); not using 2 newer default(s):\n  tmpVolume (0.3):';

const EXPECTED_OBJECTS = ['Deployment/fruit-queue', 'Job/even-seconds-<hash>', 'Job/fruit-<hash>', 'Job/fruit-filler-<hash>', 'Job/pi-<hash>', 'Service/fruit-queue'];
const WARNING = 'warning job/parallelism-exceeds-completions Job/batch/even-seconds-';
const BAD_JOB_ERROR = "error job/restart-policy\n  object:    Job/batch/manual\n  construct: batch/manual\n  field:     spec.template.spec.restartPolicy\n  problem:   restartPolicy is 'Always'; a Job allows only 'Never' or 'OnFailure'\n  fix:       ";

let packDir: string;
let tarball: string;

beforeAll(() => {
  packDir = tempDir('pack');
  tarball = packLibrary(packDir);
});

afterAll(() => cleanUp(packDir));

describe('the packed package', () => {
  test('holds exactly the allow-listed files (test/consumer/packed-files.txt)', () => {
    // A bundled dependency (package.json's bundledDependencies, and what they depend on) is one entry: `node_modules/<name>/`.
    const listed = [...new Set(runOk(packDir, 'tar', ['tzf', tarball]).stdout.trim().split('\n')
      .map(f => f.replace(/^package\//, '').replace(/^(node_modules\/(?:@[^/]+\/)?[^/]+\/).*$/, '$1')))].sort();
    const allowed = fs.readFileSync(path.join(__dirname, 'packed-files.txt'), 'utf-8').trim().split('\n');
    expect({ extra: listed.filter(f => !allowed.includes(f)), missing: allowed.filter(f => !listed.includes(f)) }).toEqual({ extra: [], missing: [] });
  });
});

describe.each(PEERS)('a user\'s cdk8s app on %s, installed from the tarball', (_name, peers) => {
  let app: string;

  beforeAll(() => {
    app = tempDir('user-app');
    makeUserApp(app, `file:${tarball}`, peers);
  });

  afterAll(() => cleanUp(app));

  test('cdk8s synth writes the Jobs, prints the warning once, and the app loads one copy of cdk8s', () => {
    // WHEN
    const loaded = path.join(app, 'loaded-modules.json');
    const synth = runOk(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false'], { LOADED_MODULES_FILE: loaded });

    // THEN
    expect(objectsIn(path.join(app, 'dist'))).toEqual(EXPECTED_OBJECTS);
    expect(synth.stdout).toContain('Validations ended succesfully');
    expect(`${synth.stdout}${synth.stderr}`.split(WARNING).length - 1).toBe(1);
    const modules = path.join(fs.realpathSync(app), 'node_modules');
    expect(JSON.parse(fs.readFileSync(loaded, 'utf-8'))).toEqual({
      'cdk8s': [path.join(modules, 'cdk8s')],
      'constructs': [path.join(modules, 'constructs')],
      'cdk8s-plus-28': [path.join(modules, 'cdk8s-plus-28')],
    });
    expect(JSON.parse(fs.readFileSync(path.join(modules, 'cdk8s', 'package.json'), 'utf-8')).version).toBe(peers.cdk8s);
  });

  test('pinned to 0.2 (main.ts), cdk8s synth writes byte for byte the YAML 0.2.0 wrote for this app, and says once which newer defaults it does not use', () => {
    // WHEN
    const outdir = path.join(app, 'dist-pinned-0.2');
    const synth = runOk(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false', '--output', outdir]);

    // THEN
    expect(fs.readFileSync(path.join(outdir, 'batch.k8s.yaml'), 'utf-8')).toEqual(released('0.2.0'));
    expect(`${synth.stdout}${synth.stderr}`.split(PIN_NOTICE_0_2).length - 1).toBe(1);
  });

  test('pinned to 0.1, it writes the YAML 0.1.0 wrote, and says once which four newer defaults it does not use', () => {
    // WHEN
    const outdir = path.join(app, 'dist-pinned-0.1');
    const synth = runOk(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false', '--output', outdir], { PIN_DEFAULTS: '0.1' });

    // THEN
    expect(fs.readFileSync(path.join(outdir, 'batch.k8s.yaml'), 'utf-8')).toEqual(released('0.1.0'));
    expect(`${synth.stdout}${synth.stderr}`.split(PIN_NOTICE).length - 1).toBe(1);
  });

  test('pinned to 0.1 with one flag on, only what the flag names changes', () => {
    // WHEN
    const outdir = path.join(app, 'dist-pinned-0.1-flag');
    runOk(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false', '--output', outdir], { PIN_DEFAULTS: '0.1', ENABLE_FLAGS: 'terminationMessageFallbackToLogs' });

    // THEN the six containers get the policy; every Job (they all run once per spec) gets a new name
    const written = fs.readFileSync(path.join(outdir, 'batch.k8s.yaml'), 'utf-8');
    const withoutFlag = written.split('\n').filter(line => line !== '          terminationMessagePolicy: FallbackToLogsOnError');
    expect(written.split('\n').length - withoutFlag.length).toBe(6);
    const hashesMasked = (text: string) => text.replace(/-[0-9a-f]{8}$/gm, '-<hash>');
    expect(hashesMasked(withoutFlag.join('\n'))).toEqual(hashesMasked(released('0.1.0')));

    // AND `job-patterns plan` against the YAML of 0.1.0 names exactly those Jobs as running again
    const planned = run(app, 'npx', ['job-patterns', 'plan', outdir, '--baseline', path.join(__dirname, 'released', '0.1.0'), '-o', 'json']);
    expect([planned.status, planned.stderr]).toEqual([0, '']);
    const jobs: Array<{ name: string; action: string; runs: boolean }> = JSON.parse(planned.stdout).jobs;
    expect(jobs.filter(j => j.runs).map(j => `${j.name.replace(/-[0-9a-f]{8}$/, '')}: ${j.action}`).sort())
      .toEqual(['even-seconds: runs-again', 'fruit-filler: runs-again', 'fruit: runs-again', 'pi: runs-again']);
  });

  test('fails on a bad Job: exits non-zero, names the rule, writes no YAML', () => {
    // WHEN
    const outdir = path.join(app, 'bad-dist');
    const synth = run(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false', '--output', outdir], { BAD_JOB: '1' });

    // THEN
    expect(synth.status).not.toBe(0);
    expect(`${synth.stdout}${synth.stderr}`).toContain(BAD_JOB_ERROR);
    expect(fs.existsSync(outdir) ? fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')) : []).toEqual([]);
  });

  test('type-checks with the tsconfig of `cdk8s init typescript-app`, a CI script using the runtime included (library types checked too)', () => {
    runOk(app, 'npx', ['tsc', '-p', 'tsconfig.json']);
  });

  test('`npx job-patterns verify --help` works', () => {
    const help = runOk(app, 'npx', ['job-patterns', 'verify', '--help']);
    expect(help.stdout).toContain('Usage: job-patterns verify [options] [manifests...]');
  });

  test('`cdk8s-job-patterns/runtime` can be imported', () => {
    const imported = runOk(app, 'npx', ['ts-node', 'runtime-check.ts']);
    expect(JSON.parse(imported.stdout)).toEqual({ verifyJobs: 'function', jobTargets: 'function', argoCdJobHealth: 'function', complete: 'complete' });
  });
});

describe('a user\'s cdk8s app installed from a git URL of this checkout (its committed HEAD)', () => {
  let app: string;

  beforeAll(() => {
    app = tempDir('user-app-git');
    makeUserApp(app, `git+file://${root}`, NEWEST);
  });

  afterAll(() => cleanUp(app));

  test('the install built the library (prepare), and cdk8s synth writes the Jobs', () => {
    const installed = path.join(app, 'node_modules', 'cdk8s-job-patterns');
    expect(fs.existsSync(path.join(installed, 'dist-lib', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'lib'))).toBe(false);
    runOk(app, 'npx', ['cdk8s', 'synth', '--check-upgrade=false']);
    expect(objectsIn(path.join(app, 'dist'))).toEqual(EXPECTED_OBJECTS);
  });

  test('`npx job-patterns verify --help` works', () => {
    expect(runOk(app, 'npx', ['job-patterns', 'verify', '--help']).stdout).toContain('Usage: job-patterns verify');
  });
});
