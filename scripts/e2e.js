#!/usr/bin/env node
// Runs the e2e projects (one per Kubernetes version, test/e2e/cluster-env.js) as one jest process
// per version, all at once: each process runs its suites in band against its own cluster, so the
// verifier suite's API-server kill never meets another suite of the same cluster, and the
// versions do not wait for each other. (One jest process cannot do this: it either runs every
// suite in band, or spreads suites of the same cluster over workers.)
//
// Each process's output is printed as it comes, every line prefixed with its version; a summary
// with each version's exit code and wall time ends the run. Exit code: 0 when every version
// passed, else 1.
//
// JOB_PATTERNS_E2E_SERIAL=1 runs the versions one after the other instead (a loaded machine).
// Arguments are passed to every jest process (e.g. a test path pattern, -t).
// Each runs with --ci, as npm test's other jest runs do: a missing snapshot fails instead of being
// written.
const { spawn } = require('child_process');
const path = require('path');
const { VERSIONS, minorOf } = require('../test/e2e/cluster-env');

const root = path.resolve(__dirname, '..');
const jest = path.join(root, 'node_modules', '.bin', 'jest');
const serial = process.env.JOB_PATTERNS_E2E_SERIAL === '1';

/** Runs the e2e project of one version; resolves with its exit code and wall time. */
function run(version) {
  const started = Date.now();
  const prefix = `[${minorOf(version)}] `;
  const child = spawn(jest, ['--ci', '--selectProjects', `e2e-${minorOf(version)}`, '--runInBand', ...process.argv.slice(2)], {
    cwd: root,
    // This process's jest sees only its own version: its global teardown stops only its cluster.
    env: { ...process.env, JOB_PATTERNS_E2E_VERSIONS: version },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let pending = '';
    from.setEncoding('utf-8');
    from.on('data', chunk => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) to.write(`${prefix}${line}\n`);
    });
    from.on('end', () => { if (pending) to.write(`${prefix}${pending}\n`); });
  }
  return new Promise(resolve => child.on('close', (code, signal) => resolve({ version, code: code ?? 1, signal, seconds: (Date.now() - started) / 1000 })));
}

async function main() {
  const started = Date.now();
  const results = [];
  if (serial) {
    for (const version of VERSIONS) results.push(await run(version));
  } else {
    results.push(...await Promise.all(VERSIONS.map(run)));
  }
  process.stdout.write(`\n[e2e] ${serial ? 'one after the other' : 'side by side'}, ${Math.round((Date.now() - started) / 1000)} s wall:\n`);
  for (const r of results) {
    process.stdout.write(`[e2e]   Kubernetes ${r.version}: ${r.code === 0 ? 'passed' : `FAILED (jest exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`} in ${Math.round(r.seconds)} s\n`);
  }
  process.exitCode = results.every(r => r.code === 0) ? 0 : 1;
}

main();
