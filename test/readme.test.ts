// Every TypeScript snippet of the README, CONTRIBUTING.md and docs/ is type-checked, run, and
// checked against what the line right after it says it produces:
//   <!-- test: synth Kind/name ... -->  the objects it synthesizes (`Kind/namespace/name` when
//                                       namespaced, a spec hash shown as `-<hash>`), sorted
//   <!-- test: prints TEXT -->          what it prints (console.log / console.error) contains TEXT
//   <!-- test: defines NAME -->         it defines the function NAME (it needs a cluster to run)
// A snippet may `declare const chart: Chart;` (it then gets a chart) or build its own App and call
// `app.synth()` (it then writes into a temporary output directory).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { RULES } from '../lib/validation/rules';

const root = path.resolve(__dirname, '..');
const documents = ['README.md', 'CONTRIBUTING.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];

interface Snippet { readonly where: string; readonly code: string; readonly expectation?: string }
const snippets: Snippet[] = documents.flatMap(doc => {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```\n(?:<!-- test: (.*?) -->)?/g)].map(m => ({
    where: `${doc}:${text.slice(0, m.index).split('\n').length}`,
    code: m[1],
    expectation: m[2],
  }));
});

// The docs import the published package name; here it is the working tree.
const local = (code: string) => code
  .replace(/from 'cdk8s-job-patterns\/runtime'/g, `from '${root.replace(/\\/g, '/')}/runtime'`)
  .replace(/from 'cdk8s-job-patterns'/g, `from '${root.replace(/\\/g, '/')}/index'`);

/** `Kind/[namespace/]name` of a manifest, its spec hash shown as `<hash>`. */
const describeObject = (o: any) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${String(o.metadata.name).replace(/-[0-9a-f]{8}$/, '-<hash>')}`;

describe('snippets of the README and the docs', () => {
  test('there are snippets, and each says what it produces', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    expect(snippets.filter(s => !/^(synth|prints|defines) \S/.test(s.expectation ?? '')).map(s => s.where)).toEqual([]);
  });

  test('every snippet type-checks', () => {
    const dir = path.join(root, '.readme-snippets');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const files = snippets.map((s, i) => {
      const file = path.join(dir, `snippet${i}.ts`);
      fs.writeFileSync(file, `// ${s.where}\n${local(s.code)}\nexport {};\n`);
      return file;
    });
    const options: ts.CompilerOptions = { strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS };
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(files, options));
    const messages = diagnostics.map(d => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(messages).toEqual([]);
  });

  test.each(snippets.map(s => [s.where, s]))('%s runs and produces what it says', (_where, snippet) => {
    const { code, expectation = '' } = snippet as Snippet;
    const [verb, ...rest] = expectation.split(' ');
    const declaresChart = /^declare const chart: Chart;$/m.test(code);
    const returned = verb === 'defines' ? `\nreturn typeof ${rest[0]};` : '';
    const js = ts.transpileModule(local(code).replace(/^declare const chart: Chart;$/m, '') + returned, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;

    // WHEN
    const chart = Testing.chart();
    const printed: string[] = [];
    const capture = (...args: unknown[]) => { printed.push(args.map(String).join(' ')); };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-snippet-'));
    const previousOutdir = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    let result: unknown;
    try {
      result = new Function('exports', 'require', declaresChart ? 'chart' : 'unusedChart', 'console', js)({}, require, chart, { ...console, log: capture, error: capture });
    } finally {
      if (previousOutdir === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previousOutdir;
    }
    const written = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml'))
      .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJS()));
    fs.rmSync(outdir, { recursive: true, force: true });

    // THEN
    switch (verb) {
      case 'synth':
        expect((declaresChart ? Testing.synth(chart) : written).map(describeObject).sort()).toEqual(rest);
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

describe('the README rules table', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8').split('\n');
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
