// Every TypeScript snippet of the README, CONTRIBUTING.md and docs/ (every folder) is type-checked with the
// compiler options of `cdk8s init typescript-app`, run, and checked against what the line right
// after it says it produces:
//   <!-- test: synth Kind/name ... -->  the objects it synthesizes (`Kind/namespace/name` when
//                                       namespaced, a spec hash shown as `-<hash>`), sorted; then
//                                       `warns rule/id ...`: the rules it warns about (none if absent)
//   <!-- test: snapshot Kind/name ... --> a jest test (`describe`, `test`, `expect`): the objects of
//                                       what it passes to `toMatchSnapshot()`
//   <!-- test: prints TEXT -->          what it prints (console.log / console.error) contains TEXT
//   <!-- test: defines NAME -->         it defines the function NAME (it needs a cluster to run)
// A snippet may `declare const chart: Chart;` (it then gets a chart) or build its own App and call
// `app.synth()` (it then writes into a temporary output directory). A snippet introduced by
// "`main.ts`:" is that file: another snippet may import it (`from './main'`).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { warningsOf } from '../index';
import { RULES } from '../lib/validation/rules';
import { documents, local, markdownUnder, root, Snippet, snippets } from './doc-snippets';

// The compiler options of an app made with `cdk8s init typescript-app` (strict, noUnusedLocals,
// noUnusedParameters, lib es2016, ...): a snippet that compiles here compiles in such an app.
const TEMPLATE = path.join(root, 'node_modules/cdk8s-cli/templates/typescript-app');
const templateOptions = (() => {
  const { config } = ts.readConfigFile(path.join(TEMPLATE, 'tsconfig.json'), ts.sys.readFile);
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, TEMPLATE);
  expect(errors).toEqual([]);
  return { ...options, noEmit: true };
})();
/** `Kind/[namespace/]name` of a manifest, its spec hash shown as `<hash>`. */
const describeObject = (o: any) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${String(o.metadata.name).replace(/-[0-9a-f]{8}$/, '-<hash>')}`;

/** A chart that passes cdk8s-plus-33 objects to the library (the README's "Which cdk8s-plus"). */
const CDK8S_PLUS_33 = {
  file: 'cdk8s-plus-33.ts',
  code: [
    "import { Testing } from 'cdk8s';",
    "import * as kplus33 from 'cdk8s-plus-33';",
    "import { SingleBatchJob } from 'cdk8s-job-patterns';",
    'const chart = Testing.chart();',
    "new SingleBatchJob(chart, 'env', { container: { image: 'busybox:1.36.1', envVariables: { A: kplus33.EnvValue.fromValue('a') }, resources: { cpu: { request: kplus33.Cpu.millis(100) } } } });",
    "new SingleBatchJob(chart, 'sa', { container: { image: 'busybox:1.36.1' }, serviceAccount: new kplus33.ServiceAccount(chart, 'sa') });",
    "new SingleBatchJob(chart, 'volume', { container: { image: 'busybox:1.36.1' }, volumes: [kplus33.Volume.fromEmptyDir(chart, 'v', 'v')] });",
  ].join('\n'),
};

/** The test `cdk8s init typescript-app` writes beside main.ts. */
const INIT_TEST = { file: 'init-main.test.ts', code: fs.readFileSync(path.join(TEMPLATE, 'main.test.ts'), 'utf-8') };

let program: { diagnosticsOf(file: string): readonly ts.Diagnostic[] } | undefined;
/**
 * The snippets, the cdk8s-plus-33 chart and cdk8s init's test, each a file, compiled once as one program (half a
 * minute) with the options of `cdk8s init typescript-app`.
 */
function compiled(): { diagnosticsOf(file: string): readonly ts.Diagnostic[] } {
  if (program) return program;
  const dir = path.join(root, '.readme-snippets');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const files = [...snippets, CDK8S_PLUS_33, INIT_TEST].map(s => {
    const file = path.join(dir, s.file);
    fs.writeFileSync(file, `${local(s.code)}\nexport {};\n`);
    return file;
  });
  const all = ts.getPreEmitDiagnostics(ts.createProgram(files, templateOptions));
  fs.rmSync(dir, { recursive: true, force: true });
  program = { diagnosticsOf: file => all.filter(d => d.file?.fileName === path.join(dir, file)) };
  return program;
}

describe('snippets of the README and the docs', () => {
  test('there are snippets, and each says what it produces', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    expect(snippets.filter(s => !/^(synth|snapshot|prints|defines) \S/.test(s.expectation ?? '')).map(s => s.where)).toEqual([]);
    expect(snippets.filter((s, i) => snippets.findIndex(t => t.file === s.file) !== i).map(s => `${s.where}: ${s.file}`)).toEqual([]);
  });

  test('every snippet type-checks with the options of cdk8s init typescript-app', () => {
    // The snippets' own lines only: they import the library's sources here, which its own
    // tsconfig checks; users get its declarations, which the consumer test checks with these options.
    const messages = snippets.flatMap(s => compiled().diagnosticsOf(s.file)
      .map(d => `${s.where} (${s.file}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
    expect(messages).toEqual([]);
  });

  test.each(snippets.map(s => [s.where, s]))('%s runs and produces what it says', (_where, snippet) => {
    const { code, expectation = '' } = snippet as Snippet;
    const [verb, ...rest] = expectation.split(' ');
    const warns = rest.indexOf('warns');
    const [objects, warnings] = warns === -1 ? [rest, []] : [rest.slice(0, warns), rest.slice(warns + 1)];

    // WHEN
    const chart = Testing.chart();
    const printed: string[] = [];
    const snapshots: unknown[] = [];
    const capture = (...args: unknown[]) => { printed.push(args.map(String).join(' ')); };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-snippet-'));
    const previousOutdir = process.env.CDK8S_OUTDIR;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(text => { printed.push(String(text)); return true; });
    process.env.CDK8S_OUTDIR = outdir;
    let result: unknown;
    try {
      result = run(snippet as Snippet, chart, capture, snapshots);
    } finally {
      stderr.mockRestore();
      if (previousOutdir === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previousOutdir;
    }
    const written = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml'))
      .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJS()));
    fs.rmSync(outdir, { recursive: true, force: true });
    const declaresChart = /^declare const chart: Chart;$/m.test(code);

    // THEN
    switch (verb) {
      case 'synth': {
        expect((declaresChart ? Testing.synth(chart) : written).map(describeObject).sort()).toEqual(objects);
        const warned = declaresChart
          ? warningsOf(chart).map(w => w.ruleId)
          : printed.join('').split('\n').flatMap(line => /^warning (\S+) /.exec(line)?.[1] ?? []);
        expect([...new Set(warned)].sort()).toEqual(warnings);
        break;
      }
      case 'snapshot':
        expect(snapshots.length).toBe(1);
        expect((snapshots[0] as any[]).map(describeObject).sort()).toEqual(objects);
        break;
      case 'prints':
        expect(printed.join('\n')).toContain(rest.join(' '));
        break;
      case 'defines':
        expect(result).toBe('function');
        break;
      default:
        throw new Error(`${snippet}: unknown expectation '${expectation}'`);
    }
  });
});

/**
 * Runs a snippet as a module and returns what it returned (`typeof NAME` for `defines NAME`). It
 * gets `chart` (when it declares one), `console`, a jest `describe`/`test`/`expect` whose
 * `toMatchSnapshot()` records the value in `snapshots`, and a `require` that loads `./main` from
 * the snippet that is `main.ts`.
 */
function run(snippet: Snippet, chart: Chart, log: (...args: unknown[]) => void, snapshots: unknown[]): unknown {
  const [verb, name] = (snippet.expectation ?? '').split(' ');
  const returned = verb === 'defines' ? `\nreturn typeof ${name};` : '';
  const js = ts.transpileModule(local(snippet.code).replace(/^declare const chart: Chart;$/m, '') + returned, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const requireSnippet = (id: string) => {
    const file = snippets.find(s => `./${s.file}` === `${id}.ts`);
    if (!file) return require(id);
    const exports = {};
    runModule(file, exports);
    return exports;
  };
  const expectRecording = (value: unknown) => ({ ...expect(value), toMatchSnapshot: () => { snapshots.push(value); } });
  const runModule = (s: Snippet, exports: object) => {
    const code = s === snippet ? js : ts.transpileModule(local(s.code), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    // A snippet that makes its own `chart` must not get one as a parameter (a redeclaration).
    const chartParameter = /^declare const chart: Chart;$/m.test(s.code) ? 'chart' : 'unusedChart';
    return new Function('exports', 'require', chartParameter, 'console', 'describe', 'test', 'expect', code)(
      exports, requireSnippet, chart, { ...console, log, error: log },
      (_name: string, body: () => void) => body(), (_name: string, body: () => void) => body(), expectRecording);
  };
  return runModule(snippet, {});
}

describe("the README's claims about cdk8s and cdk8s-plus", () => {
  test('objects of cdk8s-plus-33 (what cdk8s init installs): a Volume does not fit the props, an EnvValue, Cpu and ServiceAccount do', () => {
    // GIVEN a chart that passes cdk8s-plus-33 objects to the library, compiled as a cdk8s init app
    const diagnostics = compiled().diagnosticsOf(CDK8S_PLUS_33.file);

    // THEN only the Volume's line fails, for its private member
    expect(diagnostics.map(d => [d.file!.getLineAndCharacterOfPosition(d.start!).line + 1, ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').pop()!.trim()]))
      .toEqual([[7, "Types have separate declarations of a private property 'config'."]]);
  });

  test("cdk8s init's own main.test.ts compiles and passes against the README's main.ts (MyChart)", () => {
    // GIVEN the template's test, unchanged
    const initTest: Snippet = { where: 'cdk8s-cli template main.test.ts', file: INIT_TEST.file, code: INIT_TEST.code, expectation: 'snapshot' };

    // WHEN
    const snapshots: unknown[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const previousOutdir = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-init-test-'));
    try {
      run(initTest, Testing.chart(), () => undefined, snapshots);
    } finally {
      stderr.mockRestore();
      fs.rmSync(process.env.CDK8S_OUTDIR, { recursive: true, force: true });
      if (previousOutdir === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previousOutdir;
    }

    // THEN
    expect(compiled().diagnosticsOf(INIT_TEST.file).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(snapshots.map(objects => (objects as any[]).map(describeObject).sort())).toEqual([['Job/batch/even-seconds-<hash>', 'Job/batch/pi-<hash>']]);
  });

  test('an app writes construct-metadata.json when cdk8s synth asks for it, unless recordConstructMetadata is false', () => {
    // GIVEN what cdk8s synth sets for an app when cdk8s.yaml has validations
    const previous = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    const written = (props: { recordConstructMetadata?: boolean }) => {
      const app = Testing.app(props);
      new Chart(app, 'batch');
      app.synth();
      return fs.readdirSync(app.outdir).sort();
    };
    try {
      // WHEN / THEN
      expect(written({})).toEqual(['batch.k8s.yaml', 'construct-metadata.json']);
      expect(written({ recordConstructMetadata: false })).toEqual(['batch.k8s.yaml']);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA; else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = previous;
    }
  });
});

describe('the rules table (docs/validation.md)', () => {
  const readme = fs.readFileSync(path.join(root, 'docs', 'validation.md'), 'utf-8').split('\n');
  const header = readme.indexOf('| Rule id | Severity | What it catches |');
  // A Markdown table ends at the first line that is not a row: rows after it render as text.
  const end = readme.findIndex((line, i) => i > header && !line.startsWith('|'));
  const rows = readme.slice(header + 2, end).map(line => line.split(' | '));
  const documented = rows.flatMap(([ids, severity]) => [...ids.matchAll(/`([^`]+)`/g)].map(m => [m[1], severity]));

  test('lists every rule of the registry with its severity, and nothing else', () => {
    // GIVEN the rule registry
    const rules = Object.values(RULES).map(r => [r.id, r.severity]);

    // THEN
    expect(header).toBeGreaterThan(0);
    expect(documented.sort()).toEqual(rules.sort());
  });

  test('is one table: no row of it stands outside it', () => {
    const ids = new Set(Object.values(RULES).map(r => r.id));
    const stray = readme.map((line, i) => [i + 1, line] as const)
      .filter(([i, line]) => (i - 1 < header || i - 1 >= end) && /^\| `[^`]+`/.test(line) && ids.has(/^\| `([^`]+)`/.exec(line)![1]));
    expect(stray).toEqual([]);
  });

  test('the docs name no rule id that does not exist', () => {
    // GIVEN every `prefix/name` in backticks of the README, CONTRIBUTING.md and docs/ whose prefix is a rule's
    const ids = Object.values(RULES).map(r => r.id);
    const prefixes = new Set(ids.map(id => id.split('/')[0]));
    const named = documents.flatMap(doc => [...fs.readFileSync(path.join(root, doc), 'utf-8').matchAll(/`([a-z]+)\/([a-z*-]+)`/g)]
      .filter(m => prefixes.has(m[1]))
      .map(m => `${doc}: ${m[1]}/${m[2]}`));

    // THEN each is a rule id (or a prefix/* that matches one)
    expect(named.length).toBeGreaterThan(ids.length);
    expect(named.filter(n => {
      const id = n.slice(n.indexOf(': ') + 2);
      return id.endsWith('/*') ? !ids.some(known => known.startsWith(id.slice(0, -1))) : !ids.includes(id);
    })).toEqual([]);
  });
});

/** GitHub's anchor of a heading: lower case, punctuation (backticks, colons, dots, ...) dropped, blanks as '-'. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The anchors of a Markdown file's headings (outside code blocks), a repeated one numbered as GitHub does (`-1`, `-2`). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (heading) {
      const base = anchorOf(heading[1]);
      let anchor = base;
      for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
      anchors.add(anchor);
    }
  }
  return anchors;
}

/** The relative links (`[text](target)`, images too) of a Markdown file, outside code blocks and inline code. */
function relativeLinksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]).filter(target => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('links of the README and the docs', () => {
  test.each(['README.md', 'CONTRIBUTING.md', ...markdownUnder('docs')])('every relative link of %s names a file, and its anchor a heading there', doc => {
    // GIVEN
    const text = fs.readFileSync(path.join(root, doc), 'utf-8');

    // WHEN
    const broken = relativeLinksOf(text).filter(link => {
      const [file, anchor] = link.split('#');
      const target = file === '' ? path.join(root, doc) : path.resolve(path.dirname(path.join(root, doc)), decodeURIComponent(file));
      if (!fs.existsSync(target)) return true;
      return anchor !== undefined && (!target.endsWith('.md') || !anchorsOf(fs.readFileSync(target, 'utf-8')).has(anchor));
    });

    // THEN
    expect(broken).toEqual([]);
  });

  test('the check finds a broken file, a broken anchor and a good one', () => {
    const text = '# Top\n\n## A `code` heading: here\n\n[a](#a-code-heading-here) [b](#nowhere) [c](no-such-file.md) [d](https://example.com) `[e](not-a-link.md)`\n';
    expect(relativeLinksOf(text)).toEqual(['#a-code-heading-here', '#nowhere', 'no-such-file.md']);
    expect([...anchorsOf(text)]).toEqual(['top', 'a-code-heading-here']);
  });
});
