#!/usr/bin/env node
// `job-patterns` CLI. In a source checkout (the TypeScript sources are there) it runs them through
// ts-node, so it never runs a stale build; an installed package ships only the compiled runtime.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'runtime', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  cli = require(source);
} else {
  cli = require(path.join(__dirname, '..', 'dist-lib', 'lib', 'runtime', 'cli.js'));
}
cli.main(process.argv.slice(2)).then(code => { process.exitCode = code; }, error => {
  process.stderr.write(`job-patterns: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 3;
});
