#!/usr/bin/env node
// Builds the Go module of the construct library with jsii-pacmak (from the jsii assembly `.jsii`
// and the npm tarball it packs; its `prepare` compiles the library first, scripts/package/build.js),
// written to OUTDIR/go/cdk8sjobpatterns, and the Go modules of cdk8s core and cdk8s-plus-28 it
// needs, generated the same way from the assemblies in node_modules.
//
//   node scripts/package/go.js OUTDIR      prints a go.mod `replace` line for each module
//
// Why cdk8s core and cdk8s-plus-28 are generated here: the Go module proxy refuses
// github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 at every version (403 "not available"), and the
// cdk8splus28 v2.5.6 it serves was generated against constructs 10.3; with constructs-go 10.8.1
// (the version the npm and Python sides use) it does not compile (constructs' new `With` method is
// an ambiguous selector in its proxies). The cdk8s team's Go modules are jsii-pacmak's output of the
// same npm packages, so generating them from node_modules/cdk8s (2.70.106) and
// node_modules/cdk8s-plus-28 (2.5.6) gives the code they publish, built against the same constructs.
// constructs-go and jsii-runtime-go come from the proxy.
//
// The two generated peers depend only on the versions in node_modules and jsii-pacmak's, so they are
// cached under ~/.cache/cdk8s-job-patterns/go/<versions>/ (JOB_PATTERNS_CACHE, if set, wins): a warm
// run generates only the library's module, and the stable folder lets Go's build cache (GOCACHE)
// keep their compiled packages between runs.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const CACHE = path.join(process.env.JOB_PATTERNS_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-job-patterns'), 'go');

/** The npm packages whose Go modules are generated here, not taken from the proxy. */
const PEERS = ['cdk8s', 'cdk8s-plus-28'];

/** The version of an installed npm package (this checkout's node_modules). */
function versionOf(name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf-8')).version;
}

/** Runs jsii-pacmak (Go, source only: the app's `go build` compiles it) on the npm package in `dir`. */
function pacmakGo(dir, outdir) {
  execFileSync(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), '--targets', 'go', '--code-only', '--outdir', outdir, dir], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
}

/** The module path a generated module's go.mod declares. */
function moduleOf(dir) {
  const declared = /^module (\S+)$/m.exec(fs.readFileSync(path.join(dir, 'go.mod'), 'utf-8'));
  if (!declared) throw new Error(`${path.join(dir, 'go.mod')} declares no module`);
  return declared[1];
}

/** The module folders jsii-pacmak wrote to `outdir/go`. */
function modulesIn(outdir) {
  const go = path.join(outdir, 'go');
  return fs.readdirSync(go).map(name => path.join(go, name)).filter(dir => fs.existsSync(path.join(dir, 'go.mod')));
}

/** The Go modules of cdk8s core and cdk8s-plus-28: generated once per set of versions, then cached. */
function peerModules() {
  const versions = [...PEERS, 'constructs', 'jsii-pacmak'].map(name => `${name}-${versionOf(name)}`).join('_');
  const cached = path.join(CACHE, versions);
  if (!fs.existsSync(cached)) {
    // Written beside the cache entry and renamed into place: a run stopped half-way leaves no entry.
    fs.mkdirSync(CACHE, { recursive: true });
    const partial = fs.mkdtempSync(path.join(CACHE, `.${versions}-`));
    try {
      for (const name of PEERS) pacmakGo(path.join(root, 'node_modules', name), partial);
      fs.renameSync(partial, cached);
    } catch (e) {
      fs.rmSync(partial, { recursive: true, force: true });
      // Another run may have put the same entry in place first.
      if (!fs.existsSync(cached)) throw e;
    }
  }
  return modulesIn(cached);
}

/**
 * Generates the library's Go module into OUTDIR/go and the peers' into the cache. Returns every
 * module as the app's go.mod must replace it: `{ module, dir }`, the library first.
 */
function buildGoModules(outdir) {
  fs.rmSync(path.join(outdir, 'go'), { recursive: true, force: true });
  pacmakGo(root, outdir);
  return [...modulesIn(outdir), ...peerModules()].map(dir => ({ module: moduleOf(dir), dir }));
}

/** The go.mod directive that makes an app build `module` from `dir`. */
function replaceLine({ module, dir }) {
  return `replace ${module} => ${dir}`;
}

module.exports = { buildGoModules, replaceLine };

if (require.main === module) {
  const [outdir] = process.argv.slice(2);
  if (!outdir) {
    console.error('usage: node scripts/package/go.js OUTDIR');
    process.exit(2);
  }
  console.log(buildGoModules(path.resolve(outdir)).map(replaceLine).join('\n'));
}
