import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
// README imports the published package name; here it is the working tree.
const local = (code: string) => code
  .replace(/from 'cdk8s-job-patterns\/runtime'/g, `from '${root.replace(/\\/g, '/')}/runtime'`)
  .replace(/from 'cdk8s-job-patterns'/g, `from '${root.replace(/\\/g, '/')}/index'`);

describe('README examples', () => {
  test('there are examples', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
  });

  test('every example type-checks', () => {
    const dir = path.join(root, '.readme-snippets');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const files = snippets.map((code, i) => {
      const file = path.join(dir, `snippet${i}.ts`);
      fs.writeFileSync(file, `${local(code)}\nexport {};\n`);
      return file;
    });
    const options: ts.CompilerOptions = { strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS };
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(files, options));
    const messages = diagnostics.map(d => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(messages).toEqual([]);
  });

  test.each(snippets.map((code, i) => [i, code]))('example %i runs and synthesizes', (_i, code) => {
    const js = ts.transpileModule(local(code as string).replace(/^declare const chart: Chart;$/m, ''), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const chart = Testing.chart();
    const printed: unknown[] = [];
    const console = { ...global.console, log: (...a: unknown[]) => printed.push(a), error: (...a: unknown[]) => printed.push(a) };
    new Function('exports', 'require', 'chart', 'console', js)({}, require, chart, console);
    if ((code as string).includes('declare const chart')) {
      expect(Testing.synth(chart).length).toBeGreaterThan(0);
    }
  });
});
