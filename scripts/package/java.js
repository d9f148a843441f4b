#!/usr/bin/env node
// Builds the Java package of the construct library: a jar (with its sources and javadoc jars and
// its pom) made by jsii-pacmak from the jsii assembly `.jsii` and the npm tarball it packs (its
// `prepare` compiles the library first, scripts/package/build.js), deployed into a Maven repository
// folder OUTDIR/java beside the jars of the peers it needs that Maven Central lacks.
//
//   node scripts/package/java.js OUTDIR      prints the jar's path, then the repository's
//
// Maven Central serves constructs 10.8.1 and the jsii runtime, but its newest org.cdk8s:cdk8s is
// 2.70.47 and it has no cdk8s-plus-28 at all. The cdk8s team publishes its Java packages as
// jsii-pacmak's output of the assemblies it ships on npm, so they are built here the same way, from
// node_modules/cdk8s and node_modules/cdk8s-plus-28 (the versions the npm side is tested with):
// once per version, cached under ~/.cache/cdk8s-job-patterns/java/<versions>/ (JOB_PATTERNS_CACHE
// moves the root) with the Maven local repository that holds what those builds downloaded. Each
// library build gets a fresh copy of that repository, so a jar rebuilt at the same version never
// meets a stale copy of itself, and what it downloaded besides is saved back.
// Needs a JDK (8 or newer) and Maven 3.6 or newer (`javac`, `mvn`): Debian's `maven` and
// `default-jdk-headless` are installed when missing (needs root and apt).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const own = require(path.join(root, 'package.json'));

/** The peers built here, at the versions in node_modules (package.json's devDependencies). */
const LOCAL_PEERS = ['cdk8s', 'cdk8s-plus-28'];
const versionOf = name => require(path.join(root, 'node_modules', name, 'package.json')).version;

/** This version set's cache: `java/` the peers' Maven repository folder, `repository/` Maven's local repository. */
const CACHE = path.join(process.env.JOB_PATTERNS_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-job-patterns'), 'java',
  ['jsii-pacmak', ...LOCAL_PEERS].map(name => `${name}-${versionOf(name)}`).join('_'));

/** The library's Maven coordinates (package.json's jsii.targets.java) and version. */
const MAVEN = { ...own.jsii.targets.java.maven, version: own.version };

const onPath = command => execFileSync('sh', ['-c', `command -v ${command} || true`], { encoding: 'utf-8' }).trim() !== '';

/** Installs Debian's Maven and JDK when `mvn` or `javac` is missing, as scripts/browser/ensure.sh does Chromium. */
function ensureToolchain() {
  if (onPath('mvn') && onPath('javac')) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error('scripts/package/java.js needs a JDK (javac, 8 or newer) and Maven 3.6 or newer (mvn) on PATH: install them (Debian: apt-get install maven default-jdk-headless)');
  }
  console.error('[java] installing Debian\'s maven and default-jdk-headless');
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'maven', 'default-jdk-headless']]) {
    // Another apt run may hold the lock: wait for it.
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: ['ignore', process.stderr, 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

function jsiiPacmak(args) {
  ensureToolchain();
  // `--targets` last: it takes a list, and would take the folders named after it as targets.
  execFileSync(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), ...args, '--targets', 'java'], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
}

/** Builds the peers' jars into the cache once (3 to 5 minutes on 2 cores); returns the cache folder. */
function buildPeers() {
  const done = path.join(CACHE, 'complete');
  if (fs.existsSync(done)) return CACHE;
  fs.rmSync(CACHE, { recursive: true, force: true });
  jsiiPacmak([...LOCAL_PEERS.map(name => path.join('node_modules', name)), '--outdir', CACHE, '--maven-local-repository', path.join(CACHE, 'repository')]);
  fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  return CACHE;
}

/** A fresh Maven local repository at `dir`: a copy of the cached one. */
function seedRepository(dir) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  execFileSync('cp', ['-a', path.join(buildPeers(), 'repository'), dir]);
}

/** Copies what Maven downloaded into `dir` (a repository made by seedRepository) back to the cache; never the library itself. */
function saveDownloads(dir) {
  const ownGroup = path.join(dir, ...MAVEN.groupId.split('.'));
  fs.cpSync(dir, path.join(CACHE, 'repository'), { recursive: true, force: false, filter: src => src !== ownGroup });
}

/**
 * Builds the library's jar into OUTDIR/java, a Maven repository folder that also holds the peers
 * Maven Central lacks. Maven's local repository is `localRepository` (made by seedRepository), or
 * a temporary one whose downloads are saved to the cache.
 */
function buildJar(outdir, localRepository) {
  const repository = path.join(outdir, 'java');
  fs.rmSync(repository, { recursive: true, force: true });
  fs.cpSync(path.join(buildPeers(), 'java'), repository, { recursive: true });
  const temporary = localRepository === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-m2-')) : undefined;
  const m2 = localRepository ?? path.join(temporary, 'repository');
  try {
    if (temporary) seedRepository(m2);
    // jsii-pacmak names OUTDIR/java as a Maven repository of the build, so the peers resolve from there.
    jsiiPacmak(['--outdir', outdir, '--maven-local-repository', m2]);
    if (temporary) saveDownloads(m2);
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
  const jar = path.join(repository, ...MAVEN.groupId.split('.'), MAVEN.artifactId, MAVEN.version, `${MAVEN.artifactId}-${MAVEN.version}.jar`);
  if (!fs.existsSync(jar)) throw new Error(`jsii-pacmak wrote no ${path.relative(outdir, jar)} to ${outdir}`);
  return { jar, repository };
}

module.exports = { buildJar, buildPeers, seedRepository, saveDownloads, MAVEN, CACHE };

if (require.main === module) {
  const [outdir] = process.argv.slice(2);
  if (!outdir) {
    console.error('usage: node scripts/package/java.js OUTDIR');
    process.exit(2);
  }
  const { jar, repository } = buildJar(path.resolve(outdir));
  console.log(jar);
  console.log(repository);
}
