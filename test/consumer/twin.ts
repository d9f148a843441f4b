// What the consumer tests of the jsii languages (python.test.ts, go.test.ts, java.test.ts) share:
// an app in that language is synthesized with `cdk8s synth` and compared with the same chart
// synthesized in TypeScript (python/chart.ts, the twin of every language's app); the docs'
// snippets likewise.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildPythonTwin } from './python/chart';
import { root, run, runOk } from './user-app';

/** The YAML files `outdir` holds, by name. */
export function yamlIn(outdir: string): Record<string, string> {
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
export function snippetAfter(doc: string, file: string, lang: string): string {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  const found = text.split(`\`${file}\`:\n\n\`\`\`${lang}\n`)[1]?.split('```\n')[0];
  if (found === undefined) throw new Error(`${doc} has no ${lang} snippet introduced by \`${file}\`:`);
  return found;
}

/** The pattern of every Job in a synthesized YAML file, sorted: one Job of every pattern is the twin's promise. */
function patternsIn(yaml: string): string[] {
  return [...yaml.matchAll(/job-patterns\.cdk8s\.io\/pattern: (\S+)/g)].map(m => m[1]).sort();
}

/** The patterns of the twin's Jobs (the template expansion: one per item; the Redis queue's filler is a single-batch Job). */
const TWIN_PATTERNS = [
  'controller-pod', 'fixed-completion', 'pod-to-pod', 'single-batch', 'single-batch', 'static-work-assignment',
  'template-expansion', 'template-expansion', 'template-expansion', 'work-queue-pod-per-item', 'work-queue-variable-pod-count',
];

/**
 * The README's first chart (its TypeScript main.ts, importing this checkout) synthesized into
 * `outdir`, in a folder of its own under test-output that is removed afterwards.
 */
export function synthReadmeTypeScript(outdir: string): Record<string, string> {
  fs.mkdirSync(path.join(root, 'test-output'), { recursive: true });
  const typescript = fs.mkdtempSync(path.join(root, 'test-output', 'readme-'));
  try {
    fs.writeFileSync(path.join(typescript, 'main.ts'), snippetAfter('README.md', 'main.ts', 'ts').replace(/from 'cdk8s-job-patterns'/g, `from '${root}/index'`));
    runOk(root, process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(typescript, 'main.ts')], { CDK8S_OUTDIR: outdir });
    return yamlIn(outdir);
  } finally {
    fs.rmSync(typescript, { recursive: true, force: true });
  }
}

/**
 * Writes the cdk8s.yaml of an app in `language` that `command` runs. The plugin runs in Node
 * whatever the app's language: the app names the package's plugin folder (installed with npm, or,
 * as here, this checkout's).
 */
export function writeCdk8sYaml(app: string, language: string, command: string): void {
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), [
    `language: ${language}`,
    `app: ${command}`,
    'imports: []',
    'validations:',
    `  - package: ${path.join(root, 'plugin')}`,
    '    version: 0.0.1',
    '    class: JobPatternsValidation',
    '',
  ].join('\n'));
}

const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');
const synthArgs = (outdir: string) => ['synth', '--check-upgrade=false', '--output', outdir];

/**
 * `cdk8s synth` of the twin app in `app` (its cdk8s.yaml by {@link writeCdk8sYaml}) writes, byte for
 * byte, the YAML the TypeScript twin writes: one Job of every pattern. `work` takes the TypeScript output.
 */
export function expectTwinYaml(app: string, work: string, env: Record<string, string>): void {
  // WHEN
  const outdir = path.join(app, 'dist');
  const synth = runOk(app, cdk8s, synthArgs(outdir), env);
  const typescript = synthTypeScript(path.join(work, 'ts-dist'), false);

  // THEN
  expect(synth.stdout).toContain('Validations ended succesfully');
  expect(typescript.error).toBeUndefined();
  expect(Object.keys(typescript.yaml)).toEqual(['batch.k8s.yaml']);
  const written = yamlIn(outdir);
  expect(patternsIn(written['batch.k8s.yaml'])).toEqual(TWIN_PATTERNS);
  expect(written).toEqual(typescript.yaml);
}

/**
 * With BAD_JOB=1, `cdk8s synth` of the twin app in `app` exits non-zero, prints the error the
 * TypeScript twin throws (rule job/restart-policy first) as `printed` says the app's language prints
 * it, and writes no YAML; nor does the TypeScript twin.
 */
export function expectBadJobRefused(app: string, work: string, env: Record<string, string>, printed: (message: string) => string): void {
  // WHEN
  const outdir = path.join(app, 'bad-dist');
  const synth = run(app, cdk8s, synthArgs(outdir), { ...env, BAD_JOB: '1' });
  const typescript = synthTypeScript(path.join(work, 'ts-bad-dist'), true);

  // THEN
  expect(typescript.error).toMatch(/^cdk8s-job-patterns: 5 error\(s\) in the manifests; nothing was written\.\n\nerror job\/restart-policy\n  object:    Job\/batch\/manual\n/);
  expect(synth.status).not.toBe(0);
  expect(`${synth.stdout}${synth.stderr}`).toContain(printed(typescript.error!));
  expect(yamlIn(outdir)).toEqual({});
  expect(typescript.yaml).toEqual({});
}
