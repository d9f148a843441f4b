// The construct library in a Python cdk8s app: the wheel jsii-pacmak builds from this checkout
// (scripts/package/python.js), installed into a fresh virtual environment beside cdk8s,
// cdk8s-plus-28 and constructs from PyPI, at the versions the npm side is tested with; the app
// (test/consumer/python/main.py) writes one Job of every pattern, and `cdk8s synth` (with the
// validation plugin in its cdk8s.yaml) must write the YAML the same chart in TypeScript
// (test/consumer/python/chart.ts) writes, byte for byte. The README's first chart, translated to
// Python in docs/python.md, must write what the README's TypeScript writes.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { argoCdKueueSettings } from '../../index';
import { buildPythonTwin } from './python/chart';
import { cleanUp, root, run, runOk, tempDir, withPackLock } from './user-app';

// A Node script (scripts/package/python.js), also run by hand: required, it has no types.
const { buildWheel, PIP_CACHE } = require('../../scripts/package/python');

// The wheel takes 30-60 s (jsii compile, npm pack, a build venv), the app's venv 5-10 s from pip's cache.
jest.setTimeout(10 * 60_000);

/** The Python packages of the peers, at the versions package.json's devDependencies pin for npm. */
const PYTHON_PEERS = ['cdk8s==2.70.106', 'cdk8s-plus-28==2.5.6', 'constructs==10.8.1'];

/** The YAML files `outdir` holds, by name. */
function yamlIn(outdir: string): Record<string, string> {
  if (!fs.existsSync(outdir)) return {};
  return Object.fromEntries(fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')).map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf-8')]));
}

/** What the TypeScript app writes for the chart: its YAML files, or the error its synth threw. */
function synthTypeScript(outdir: string, badJob: boolean): { yaml: Record<string, string>; error?: string } {
  const app = new App({ outdir });
  try {
    buildPythonTwin(app, badJob);
    app.synth();
    return { yaml: yamlIn(outdir) };
  } catch (e) {
    return { yaml: yamlIn(outdir), error: (e as Error).message };
  }
}

/** The code of the first ```lang block that follows the line "`file`:" in `doc` (a file of the repository). */
function snippetAfter(doc: string, file: string, lang: string): string {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  const found = text.split(`\`${file}\`:\n\n\`\`\`${lang}\n`)[1]?.split('```\n')[0];
  if (found === undefined) throw new Error(`${doc} has no ${lang} snippet introduced by \`${file}\`:`);
  return found;
}

let work: string;
let app: string;
/** The app's environment: its virtual environment first on PATH, as after `source .venv/bin/activate`. */
let env: Record<string, string>;

beforeAll(() => {
  work = tempDir('python');
  const wheel: string = withPackLock(() => buildWheel(path.join(work, 'wheel')));

  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.copyFileSync(path.join(__dirname, 'python', 'main.py'), path.join(app, 'main.py'));
  // The plugin runs in Node whatever the app's language: a Python app names the package's plugin
  // folder (installed with npm, or, as here, this checkout's).
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), [
    'language: python',
    'app: python main.py',
    'imports: []',
    'validations:',
    `  - package: ${path.join(root, 'plugin')}`,
    '    version: 0.0.1',
    '    class: JobPatternsValidation',
    '',
  ].join('\n'));
  runOk(app, 'python3', ['-m', 'venv', '.venv']);
  const venvBin = path.join(app, '.venv', 'bin');
  env = { PATH: `${venvBin}:${process.env.PATH}`, VIRTUAL_ENV: path.join(app, '.venv'), PIP_CACHE_DIR: PIP_CACHE, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
  runOk(app, path.join(venvBin, 'pip'), ['install', '--disable-pip-version-check', '--no-input', ...PYTHON_PEERS, wheel], env);
});

afterAll(() => cleanUp(work));

const cdk8s = () => path.join(root, 'node_modules', '.bin', 'cdk8s');

test('cdk8s synth of the Python app writes, byte for byte, the YAML the TypeScript app writes for the same chart', () => {
  // WHEN
  const outdir = path.join(app, 'dist');
  const synth = runOk(app, cdk8s(), ['synth', '--check-upgrade=false', '--output', outdir], env);
  const typescript = synthTypeScript(path.join(work, 'ts-dist'), false);

  // THEN
  expect(synth.stdout).toContain('Validations ended succesfully');
  expect(typescript.error).toBeUndefined();
  expect(Object.keys(typescript.yaml)).toEqual(['batch.k8s.yaml']);
  // One Job of every pattern (the template expansion: one per item; the Redis queue's filler is a
  // single-batch Job), from Python.
  const written = yamlIn(outdir);
  expect([...written['batch.k8s.yaml'].matchAll(/job-patterns\.cdk8s\.io\/pattern: (\S+)/g)].map(m => m[1]).sort()).toEqual([
    'controller-pod', 'fixed-completion', 'pod-to-pod', 'single-batch', 'single-batch', 'static-work-assignment',
    'template-expansion', 'template-expansion', 'template-expansion', 'work-queue-pod-per-item', 'work-queue-variable-pod-count',
  ]);
  expect(written).toEqual(typescript.yaml);
});

test('the README\'s first chart in Python (docs/python.md) writes, byte for byte, what the README\'s TypeScript main.ts writes', () => {
  // GIVEN the two snippets, each a main file of its own app (the TypeScript one imports this checkout)
  const python = path.join(work, 'readme-python');
  fs.mkdirSync(python);
  fs.writeFileSync(path.join(python, 'main.py'), snippetAfter('docs/python.md', 'main.py', 'python'));
  fs.mkdirSync(path.join(root, 'test-output'), { recursive: true });
  const typescript = fs.mkdtempSync(path.join(root, 'test-output', 'python-readme-'));
  try {
    fs.writeFileSync(path.join(typescript, 'main.ts'), snippetAfter('README.md', 'main.ts', 'ts').replace(/from 'cdk8s-job-patterns'/g, `from '${root}/index'`));

    // WHEN
    runOk(python, 'python', ['main.py'], { ...env, CDK8S_OUTDIR: path.join(python, 'dist') });
    runOk(root, process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(typescript, 'main.ts')], { CDK8S_OUTDIR: path.join(typescript, 'dist') });

    // THEN
    const written = yamlIn(path.join(python, 'dist'));
    expect(Object.keys(written)).toEqual(['batch.k8s.yaml']);
    expect(written).toEqual(yamlIn(path.join(typescript, 'dist')));
  } finally {
    fs.rmSync(typescript, { recursive: true, force: true });
  }
});

test('KueueQueue.argo_cd_settings() gives a Python app the Argo CD Application settings argoCdKueueSettings() gives TypeScript', () => {
  // WHEN
  const script = [
    'import json',
    'from cdk8s_job_patterns import KueueQueue',
    's = KueueQueue.argo_cd_settings()',
    'print(json.dumps({"ignoreDifferences": [{"group": d.group, "kind": d.kind, "managedFieldsManagers": list(d.managed_fields_managers)} for d in s.ignore_differences], "syncOptions": list(s.sync_options)}))',
  ].join('\n');
  const printed = runOk(app, 'python', ['-c', script], env);

  // THEN
  expect(JSON.parse(printed.stdout)).toEqual(argoCdKueueSettings());
});

test('fails on a bad Job: exits non-zero with the error the TypeScript app throws (rule job/restart-policy first), writes no YAML', () => {
  // WHEN
  const outdir = path.join(app, 'bad-dist');
  const synth = run(app, cdk8s(), ['synth', '--check-upgrade=false', '--output', outdir], { ...env, BAD_JOB: '1' });
  const typescript = synthTypeScript(path.join(work, 'ts-bad-dist'), true);

  // THEN
  expect(typescript.error).toMatch(/^cdk8s-job-patterns: 5 error\(s\) in the manifests; nothing was written\.\n\nerror job\/restart-policy\n  object:    Job\/batch\/manual\n/);
  expect(synth.status).not.toBe(0);
  expect(`${synth.stdout}${synth.stderr}`).toContain(typescript.error);
  expect(yamlIn(outdir)).toEqual({});
  expect(typescript.yaml).toEqual({});
});
