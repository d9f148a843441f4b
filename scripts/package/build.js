#!/usr/bin/env node
// Builds the published library into dist-lib/ from nothing: `npm run build`, and `prepare` (which
// `npm pack`, `npm ci` and an install from a git URL or a path run). Starting from an empty dist-lib
// keeps files of an earlier build (a removed module, the example app) out of the package.
//
// The compiler is jsii (TypeScript 5.9 plus the jsii type model): one compile of tsconfig.build.json
// writes the same JavaScript and declarations as tsc, and the jsii assembly `.jsii` that describes
// the construct library (index.ts) to Python and the other jsii languages (jsii-pacmak reads it;
// scripts/package/python.js). The verifier runtime and the CLI are compiled in the same pass and
// stay plain Node modules: index.ts does not export them, so jsii does not describe them.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'dist-lib');
fs.rmSync(out, { recursive: true, force: true });
fs.rmSync(path.join(root, '.jsii'), { force: true });
execFileSync(process.execPath, [require.resolve('jsii/bin/jsii'),
  // The props keep Kubernetes' own words (`namespace`, `operator`, `type`, `params`), which are
  // reserved words in C# and Go only: Python (the language built and tested) takes them as they are.
  '--silence-warnings', 'reserved-word',
  // jsii asks for devDependencies at the lowest peer versions; the consumer tests install those.
  '--silence-warnings', 'JSII6',
], {
  cwd: root,
  stdio: 'inherit',
  // jsii 5.9 supports Node 22 and 24 and prints a banner on Node 20 (which this package supports
  // until its engines field says otherwise); it compiles the same on 20.
  env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
});

// The schemas and their precompiled validators are loaded by name when first needed (tsc copies
// only the JSON files it sees imported).
const schema = path.join(root, 'lib', 'schema');
for (const file of fs.readdirSync(schema).filter(f => f.endsWith('.validators.js') || f.endsWith('.schema.json'))) {
  fs.mkdirSync(path.join(out, 'lib', 'schema'), { recursive: true });
  fs.copyFileSync(path.join(schema, file), path.join(out, 'lib', 'schema', file));
}
