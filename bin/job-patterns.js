#!/usr/bin/env node
// `job-patterns` CLI. Uses the compiled runtime when it exists (an installed package), else the
// TypeScript sources through ts-node (this repository).
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'dist-lib', 'lib', 'runtime', 'cli.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  cli = require('../lib/runtime/cli.ts');
}
cli.main(process.argv.slice(2)).then(code => { process.exitCode = code; }, error => {
  process.stderr.write(`job-patterns: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 3;
});
