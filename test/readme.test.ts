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
