#!/usr/bin/env node
// `job-patterns` CLI. In a source checkout (the TypeScript sources are there) it runs them through
// ts-node, so it never runs a stale build; an installed package ships only the compiled runtime.
const fs = require('fs');
const path = require('path');
const v8 = require('v8');

/**
 * V8 settings of the CLI's process, set before it loads anything else. `--no-opt`: no optimizing
 * compiler (TurboFan). The verifier waits on the network; its CPU work is JSON.parse (native) and
 * a little bookkeeping per event. TurboFan compiles on V8's worker threads, and glibc keeps what
 * those compilations freed in each thread's own arena, and its code is paged in: with it, 1,000
 * Jobs cost 9.9 KB each above the baseline, without it 5.6 KB, and the baseline is 4.4 MB smaller
 * (docs/benchmarks.md, the verifier's memory). It applies to this process only, never to a program that imports the
 * library. The flag is set in the process, not on `node`'s command line: npm's bin shims (a
 * symlink run by its shebang, Windows' cmd-shim) pass no flags portably. Of the flags that
 * avoid that memory it is the one V8 still honours once the process runs
 * (`--no-concurrent-recompilation` is read only when V8 starts).
 */
const CLI_V8_FLAGS = ['--no-opt'];

if (require.main === module) {
  for (const flag of CLI_V8_FLAGS) v8.setFlagsFromString(flag);
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
}

module.exports = { CLI_V8_FLAGS };
