// The construct library in a Go cdk8s app: the Go module jsii-pacmak generates from this checkout
// (scripts/package/go.js, which also generates cdk8s core's and cdk8s-plus-28's, as the proxy has no
// usable ones; it says why), required by an app whose go.mod pins every other module
// (test/consumer/go/go.mod, go.sum: constructs-go and jsii-runtime-go from the Go module proxy) and
// replaces the generated ones with the lines the script prints, as docs/go.md tells a user to. The
// app (test/consumer/go/main.go) writes one Job of every pattern, and `cdk8s synth` (`go run .`, with
// the validation plugin in its cdk8s.yaml) must write the YAML the same chart in TypeScript
// (test/consumer/python/chart.ts) writes, byte for byte. The README's first chart, translated to Go
// in docs/go.md, must write what the README's TypeScript writes.
import * as fs from 'fs';
import * as path from 'path';
import { argoCdKueueSettings, WorkItems } from '../../index';
import { expectBadJobRefused, expectTwinYaml, snippetAfter, synthReadmeTypeScript, writeCdk8sYaml, yamlIn } from './twin';
import { cleanUp, root, runOk, tempDir, withPackLock } from './user-app';

// A Node script (scripts/package/go.js), also run by hand: required, it has no types.
const { buildGoModules, replaceLine } = require('../../scripts/package/go');

// The library's module takes 20-40 s (jsii compile, npm pack); cold, the first `go run` compiles
// cdk8s-plus-28's 8 MB of generated Go (Go's build cache keeps it for the next run).
jest.setTimeout(10 * 60_000);

let work: string;
let app: string;
/** The `replace` lines scripts/package/go.js printed, as a user appends them to the app's go.mod. */
let replaces: string;
/** Quiets the jsii runtime's notice that Node 20 is end-of-life (printed by every jsii app). */
const env = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };

/** A Go app in `dir`: the consumer app's pinned go.mod (plus the replace lines) and go.sum, and `main.go`. */
function goApp(dir: string, main: string): void {
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'go.mod'), `${fs.readFileSync(path.join(__dirname, 'go', 'go.mod'), 'utf-8')}\n${replaces}`);
  fs.copyFileSync(path.join(__dirname, 'go', 'go.sum'), path.join(dir, 'go.sum'));
  fs.writeFileSync(path.join(dir, 'main.go'), main);
}

beforeAll(() => {
  work = tempDir('go');
  const modules: { module: string; dir: string }[] = withPackLock(() => buildGoModules(path.join(work, 'modules')));
  replaces = `${modules.map(replaceLine).join('\n')}\n`;

  app = path.join(work, 'app');
  goApp(app, fs.readFileSync(path.join(__dirname, 'go', 'main.go'), 'utf-8'));
  writeCdk8sYaml(app, 'go', 'go run .');
});

afterAll(() => cleanUp(work));

test('cdk8s synth of the Go app writes, byte for byte, the YAML the TypeScript app writes for the same chart', () => {
  expectTwinYaml(app, work, env);
});

test('the README\'s first chart in Go (docs/go.md), in a new module set up as docs/go.md says, writes, byte for byte, what the README\'s TypeScript main.ts writes', () => {
  // GIVEN the Go snippet as the main.go of a new module (the TypeScript one imports this checkout),
  // the replace lines appended to its go.mod and docs/go.md's `go mod edit` and `go mod tidy` run
  const go = path.join(work, 'readme-go');
  fs.mkdirSync(go);
  fs.writeFileSync(path.join(go, 'main.go'), snippetAfter('docs/go.md', 'main.go', 'go'));
  runOk(go, 'go', ['mod', 'init', 'example.com/my-app'], env);
  fs.appendFileSync(path.join(go, 'go.mod'), replaces);
  const requireThem = /```sh\n(go mod edit [^`]*)```/.exec(fs.readFileSync(path.join(root, 'docs', 'go.md'), 'utf-8'));
  expect(requireThem).not.toBeNull();
  runOk(go, 'bash', ['-euc', requireThem![1]], env);

  // WHEN
  runOk(go, 'go', ['run', '.'], { ...env, CDK8S_OUTDIR: path.join(go, 'dist') });
  const typescript = synthReadmeTypeScript(path.join(work, 'readme-typescript'));

  // THEN
  const written = yamlIn(path.join(go, 'dist'));
  expect(Object.keys(written)).toEqual(['batch.k8s.yaml']);
  expect(written).toEqual(typescript);
});

/** The main.go of a program whose main is `body`; it imports `imports` and the library as `jp`. */
function goMain(imports: string[], body: string): string {
  const lines = [...imports.map(i => `"${i}"`), 'jp "example.invalid/cdk8s-job-patterns-go/cdk8sjobpatterns"'];
  return `package main\n\nimport (\n${lines.map(l => `\t${l}\n`).join('')})\n\nfunc main() {\n\t${body}\n}\n`;
}

test('a record\'s fields reach the library in alphabetical order (a Go map has none), so the key fromRecords joins follows it (docs/go.md)', () => {
  // GIVEN a record whose fields are not in alphabetical order, in Go and in TypeScript
  const go = path.join(work, 'record-order');
  goApp(go, goMain(['fmt', 'github.com/aws/jsii-runtime-go'], 'fmt.Println(*(*jp.WorkItems_FromRecords(&[]*map[string]*string{{"day": jsii.String("mon"), "city": jsii.String("paris")}}, nil).Items())[0].Key)'));

  // WHEN
  const key = runOk(go, 'go', ['run', '.'], env).stdout.trim();

  // THEN
  expect(key).toBe('paris-mon');
  expect(WorkItems.fromRecords([{ day: 'mon', city: 'paris' }]).items[0].key).toBe('mon-paris');
});

test('KueueQueue_ArgoCdSettings() gives a Go app the Argo CD Application settings argoCdKueueSettings() gives TypeScript', () => {
  // GIVEN
  const go = path.join(work, 'argocd-settings');
  goApp(go, goMain(['encoding/json', 'os'], 'json.NewEncoder(os.Stdout).Encode(jp.KueueQueue_ArgoCdSettings())'));

  // WHEN
  const printed = runOk(go, 'go', ['run', '.'], env);

  // THEN
  expect(JSON.parse(printed.stdout)).toEqual(argoCdKueueSettings());
});

test('fails on a bad Job: exits non-zero with the error the TypeScript app throws (rule job/restart-policy first), writes no YAML', () => {
  // The jsii runtime panics with the library's error; Go prints a panic's message with a tab after
  // each line break.
  expectBadJobRefused(app, work, env, message => `panic: Error: ${message.replace(/\n/g, '\n\t')}`);
});
