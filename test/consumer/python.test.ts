// The construct library in a Python cdk8s app: the wheel jsii-pacmak builds from this checkout
// (scripts/package/python.js), installed into a fresh virtual environment beside cdk8s,
// cdk8s-plus-28 and constructs from PyPI, at the versions the npm side is tested with; the app
// (test/consumer/python/main.py) writes one Job of every pattern, and `cdk8s synth` (with the
// validation plugin in its cdk8s.yaml) must write the YAML the same chart in TypeScript
// (test/consumer/python/chart.ts) writes, byte for byte. The README's first chart, translated to
// Python in docs/python.md, must write what the README's TypeScript writes.
import * as fs from 'fs';
import * as path from 'path';
import { argoCdKueueSettings } from '../../index';
import { expectBadJobRefused, expectTwinYaml, snippetAfter, synthReadmeTypeScript, writeCdk8sYaml, yamlIn } from './twin';
import { cleanUp, runOk, tempDir, withPackLock } from './user-app';

// A Node script (scripts/package/python.js), also run by hand: required, it has no types.
const { buildWheel, PIP_CACHE } = require('../../scripts/package/python');

// The wheel takes 30-60 s (jsii compile, npm pack, a build venv), the app's venv 5-10 s from pip's cache.
jest.setTimeout(10 * 60_000);

/** The Python packages of the peers, at the versions package.json's devDependencies pin for npm. */
const PYTHON_PEERS = ['cdk8s==2.70.106', 'cdk8s-plus-28==2.5.6', 'constructs==10.8.1'];

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
  writeCdk8sYaml(app, 'python', 'python main.py');
  runOk(app, 'python3', ['-m', 'venv', '.venv']);
  const venvBin = path.join(app, '.venv', 'bin');
  env = { PATH: `${venvBin}:${process.env.PATH}`, VIRTUAL_ENV: path.join(app, '.venv'), PIP_CACHE_DIR: PIP_CACHE, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
  runOk(app, path.join(venvBin, 'pip'), ['install', '--disable-pip-version-check', '--no-input', ...PYTHON_PEERS, wheel], env);
});

afterAll(() => cleanUp(work));

test('cdk8s synth of the Python app writes, byte for byte, the YAML the TypeScript app writes for the same chart', () => {
  expectTwinYaml(app, work, env);
});

test('the README\'s first chart in Python (docs/python.md) writes, byte for byte, what the README\'s TypeScript main.ts writes', () => {
  // GIVEN the two snippets, each a main file of its own app (the TypeScript one imports this checkout)
  const python = path.join(work, 'readme-python');
  fs.mkdirSync(python);
  fs.writeFileSync(path.join(python, 'main.py'), snippetAfter('docs/python.md', 'main.py', 'python'));

  // WHEN
  runOk(python, 'python', ['main.py'], { ...env, CDK8S_OUTDIR: path.join(python, 'dist') });
  const typescript = synthReadmeTypeScript(path.join(work, 'readme-typescript'));

  // THEN
  const written = yamlIn(path.join(python, 'dist'));
  expect(Object.keys(written)).toEqual(['batch.k8s.yaml']);
  expect(written).toEqual(typescript);
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
  // The jsii runtime raises the library's error as a JSIIError carrying its message.
  expectBadJobRefused(app, work, env, message => message);
});
