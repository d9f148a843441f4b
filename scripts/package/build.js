#!/usr/bin/env node
// Builds the published library into dist-lib/ from nothing: `npm run build`, and `prepare` (which
// `npm pack`, `npm ci` and an install from a git URL or a path run). Starting from an empty dist-lib
// keeps files of an earlier build (a removed module, the example app) out of the package.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'dist-lib');
fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

// The schemas and their precompiled validators are loaded by name when first needed (tsc copies
// only the JSON files it sees imported).
const schema = path.join(root, 'lib', 'schema');
for (const file of fs.readdirSync(schema).filter(f => f.endsWith('.validators.js') || f.endsWith('.schema.json'))) {
  fs.mkdirSync(path.join(out, 'lib', 'schema'), { recursive: true });
  fs.copyFileSync(path.join(schema, file), path.join(out, 'lib', 'schema', file));
}
