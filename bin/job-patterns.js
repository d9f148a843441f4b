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
// A reader that stops early (`| head`) closes the pipe: that is not a failure of the verification,
// whose exit code stands.
process.stdout.on('error', error => { if (error.code !== 'EPIPE') throw error; });
// The exit code is the verification's; once it is known, nothing may keep the process alive (a
// request to a frozen API server would), so it ends at most 2 s later whatever is still open.
const exitSoon = () => setTimeout(() => process.exit(), 2000).unref();
cli.main(process.argv.slice(2)).then(code => { process.exitCode = code; exitSoon(); }, error => {
  process.stderr.write(`job-patterns: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 3;
  exitSoon();
});
