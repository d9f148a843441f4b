// The house as CONTRIBUTING.md draws it, read from the imports of every source file: which wing
// may import which. A new arrow against the picture fails here, naming the file and the import.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');

/** Every .ts file under `dir` (relative to the root), recursively. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** The modules a file imports (static imports, `export ... from`, `require()` and `import()`), relative ones resolved to root-relative paths. */
function importsOf(file: string): string[] {
  // TypeScript's own pre-processor: imports, re-exports, require() and import() calls, not comments.
  const specs = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf-8'), true, true).importedFiles.map(f => f.fileName);
  return specs.map(spec => (spec.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(file), spec)) : spec));
}

/** The wing a root-relative module path belongs to, or the package name for a dependency. */
function wingOf(module: string): string {
  for (const wing of ['lib/core', 'lib/validation', 'lib/runtime', 'lib/schema', 'patterns', 'examples']) {
    if (module === wing || module.startsWith(`${wing}/`)) return wing;
  }
  if (module === 'index' || module === 'runtime') return `${module}.ts`;
  return module.startsWith('@') ? module.split('/').slice(0, 2).join('/') : module.split('/')[0];
}

/** What each wing may import besides itself and Node's own modules and the cdk8s family. */
const ALLOWED: Record<string, readonly string[]> = {
  'lib/core': ['lib/schema', 'fastest-levenshtein'],
  'patterns': ['lib/core'],
  'lib/validation': ['lib/core', 'lib/schema', 'ajv', 'fastest-levenshtein', 'yaml'],
  'lib/runtime': ['lib/core', 'lib/validation', '@kubernetes/client-node', 'yaml', 'commander'],
};
const EVERYONE = new Set(['cdk8s', 'readline', 'cdk8s-plus-28', 'constructs', 'fs', 'path', 'os', 'crypto', 'child_process', 'util', 'http', 'https', 'net', 'tls', 'url', 'events', 'stream', 'zlib', 'timers', 'buffer']);

describe('the house', () => {
  const wings = Object.keys(ALLOWED);
  const files = wings.flatMap(wing => sources(wing).map(file => ({ file, wing })));

  test('every wing has source files (the test reads the tree it means)', () => {
    expect(wings.filter(wing => !files.some(f => f.wing === wing))).toEqual([]);
  });

  test.each(wings)('%s imports only what the picture allows', wing => {
    const arrows = files.filter(f => f.wing === wing).flatMap(({ file }) => importsOf(file).map(module => ({ file, module, to: wingOf(module.replace(/^node:/, '')) })));
    const against = arrows.filter(a => a.to !== wing && !EVERYONE.has(a.to) && !ALLOWED[wing].includes(a.to));
    expect(against.map(a => `${a.file} imports ${a.module}`)).toEqual([]);
  });

  test('only lib/runtime loads the Kubernetes client', () => {
    const loaders = [...files.map(f => f.file), 'index.ts'].filter(file => importsOf(file).some(m => m.startsWith('@kubernetes/client-node')));
    expect(loaders.filter(file => !file.startsWith('lib/runtime/'))).toEqual([]);
  });

  // Tests mirror the code's folders: lib/core/x.ts -> test/core/x.test.ts, patterns/x.ts ->
  // test/patterns/x.test.ts. A file covered elsewhere names where, and why, here.
  const COVERED_ELSEWHERE: Record<string, string> = {
    'lib/core/errors.ts': 'every constructor test matches its exact messages (test/core/job-checks.test.ts, test/patterns/*)',
    'lib/core/identity.ts': 'the names of every child object (test/patterns/*, test/examples/app.test.ts)',
    'lib/core/job-options.ts': 'types only: the props interfaces',
    'lib/core/job-spec.ts': 'each Job field read back from Testing.synth (test/core/batch-job.test.ts)',
    'lib/core/names.ts': 'test/core/job-name.test.ts and the name cases of test/patterns/*',
    'lib/runtime/k8s.ts': 'one re-export of the client, loaded lazily (test/runtime/api-connection.test.ts checks when)',
    'lib/runtime/verify.ts': 'the I/O under one deadline: test/runtime/verify-life.test.ts (a fake API server) and test/e2e/*',
    'lib/validation/cdk8s-plugin.ts': 'test/validation/cdk8s-synth.test.ts runs it under the real cdk8s-cli',
    'lib/validation/maturity.ts': 'test/core/kubernetes-version.test.ts and the version/field cases of test/validation/matrix.test.ts',
    'lib/validation/rule.ts': 'types only: Rule and Severity',
    'lib/validation/rules.ts': 'test/validation/matrix.test.ts (every rule, its exact finding) and the corpus',
    'lib/validation/validate.ts': 'test/validation/validate-once.test.ts and test/core/app-validation.test.ts',
    'lib/validation/warnings.ts': 'test/validation/matrix.test.ts reads every warning through warningsOf',
    'patterns/work-queue/queue.ts': 'test/patterns/work-queue/work-queue-job.test.ts (the queues are made through WorkQueueJob)',
    'patterns/work-queue/redis-queue.ts': 'test/patterns/work-queue/work-queue-job.test.ts',
    'patterns/work-queue/ticket-queue.ts': 'test/patterns/work-queue/work-queue-job.test.ts',
    'patterns/work-queue/work-queue.ts': 'test/patterns/work-queue/work-queue-job.test.ts',
  };

  test('every source file has its test file, or says here which tests cover it', () => {
    const testOf = (file: string) => path.join('test', `${file.replace(/^lib\//, '').replace(/\.ts$/, '')}.test.ts`);
    const missing = files.map(f => f.file).filter(file => !fs.existsSync(path.join(root, testOf(file))) && !(file in COVERED_ELSEWHERE));
    expect(missing.map(file => `${file}: no ${testOf(file)}`)).toEqual([]);
    // and an exemption ends when the file gets its own test, or goes
    expect(Object.keys(COVERED_ELSEWHERE).filter(file => !fs.existsSync(path.join(root, file)) || fs.existsSync(path.join(root, testOf(file))))).toEqual([]);
  });
});
