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
});
