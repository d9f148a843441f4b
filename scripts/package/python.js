#!/usr/bin/env node
// Builds the Python package of the construct library: a wheel (and an sdist) made by jsii-pacmak
// from the jsii assembly `.jsii` and the npm tarball it packs (its `prepare` compiles the library
// first, scripts/package/build.js), written to OUTDIR/python/.
//
//   node scripts/package/python.js OUTDIR      prints the wheel's path
//
// jsii-pacmak builds in a fresh virtual environment and installs setuptools, build and twine into
// it from PyPI; pip's downloads are cached under ~/.cache/cdk8s-job-patterns/pip (PIP_CACHE_DIR, if
// set, wins), so only a cold machine downloads them. Needs python3 with venv.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

/** pip's cache for this project's Python builds and tests (shared by test/consumer/python.test.ts). */
const PIP_CACHE = process.env.PIP_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'cdk8s-job-patterns', 'pip');

function buildWheel(outdir) {
  fs.rmSync(path.join(outdir, 'python'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), '--targets', 'python', '--outdir', outdir], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
    env: { ...process.env, PIP_CACHE_DIR: PIP_CACHE, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
  const wheels = fs.readdirSync(path.join(outdir, 'python')).filter(f => f.endsWith('.whl'));
  if (wheels.length !== 1) throw new Error(`jsii-pacmak wrote ${wheels.length} wheels to ${path.join(outdir, 'python')}: ${wheels.join(', ')}`);
  return path.join(outdir, 'python', wheels[0]);
}

module.exports = { buildWheel, PIP_CACHE };

if (require.main === module) {
  const [outdir] = process.argv.slice(2);
  if (!outdir) {
    console.error('usage: node scripts/package/python.js OUTDIR');
    process.exit(2);
  }
  console.log(buildWheel(path.resolve(outdir)));
}
