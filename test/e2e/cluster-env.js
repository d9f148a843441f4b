// The e2e clusters: one per Kubernetes version in ALL_VERSIONS, each with its own state dir and ports,
// apart from a developer's `npm run cluster:up`. jest.config.js makes one e2e project per version
// (e2e-1.28, e2e-1.37); the project's `globals.JOB_PATTERNS_E2E_VERSION` says which cluster its
// global setup starts and its tests use.
//
// The first version keeps the base dir and ports; each next one adds `-<major.minor>` to the dir
// and 1000 to the ports. Two e2e runs side by side (two people, two jest invocations that would
// tear each other's clusters down) take another JOB_PATTERNS_E2E_CLUSTER_DIR and a
// JOB_PATTERNS_E2E_PORT_OFFSET (added to every port; default 0). Use a multiple of 1000 and leave
// 1000 per version free above it: smaller offsets can land one cluster's port on another port of
// the other (24790 + 10 = 24800).
const path = require('path');
const { outerEnv } = require('../temp-dir/outer-env');

/**
 * The highest offset: the highest base port (24800) plus 1000 per further version, plus what
 * scripts (the real node, Kueue) add above the API server's port, stays below 65536.
 */
const MAX_PORT_OFFSET = 39000;

/** The offset read from the environment variable `name` (default `fallback`). */
function portOffset(name, fallback) {
  const offset = Number(process.env[name] || String(fallback));
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_PORT_OFFSET) {
    throw new Error(`${name} must be an integer from 0 to ${MAX_PORT_OFFSET}, not '${process.env[name]}'`);
  }
  return offset;
}

/** The control plane's port variables (scripts/cluster/lib.sh), each e2e base port plus `offset`. */
function clusterPorts(offset) {
  const port = base => String(base + offset);
  return {
    JOB_PATTERNS_ETCD_PORT: port(24790),
    JOB_PATTERNS_ETCD_PEER_PORT: port(24800),
    JOB_PATTERNS_APISERVER_PORT: port(17443),
    JOB_PATTERNS_KCM_PORT: port(17257),
    JOB_PATTERNS_SCHEDULER_PORT: port(17259),
    JOB_PATTERNS_KWOK_PORT: port(17247),
  };
}

/** The Kubernetes versions the e2e suites run on: the oldest supported and the newest that builds here. */
const ALL_VERSIONS = ['1.28.15', '1.37.2'];

/**
 * The versions of this run: all, or those in JOB_PATTERNS_E2E_VERSIONS (comma-separated; set by
 * scripts/e2e.js, which runs one jest process per version). Dirs and ports stay those of
 * ALL_VERSIONS, so a version's cluster is the same whichever run starts it.
 */
const VERSIONS = process.env.JOB_PATTERNS_E2E_VERSIONS ? process.env.JOB_PATTERNS_E2E_VERSIONS.split(',').map(v => v.trim()) : ALL_VERSIONS;
for (const v of VERSIONS) {
  if (!ALL_VERSIONS.includes(v)) throw new Error(`JOB_PATTERNS_E2E_VERSIONS: no e2e cluster for Kubernetes '${v}'; test/e2e/cluster-env.js knows ${ALL_VERSIONS.join(', ')}`);
}

const baseDir = (process.env.JOB_PATTERNS_E2E_CLUSTER_DIR || '/tmp/job-patterns-e2e').replace(/\/+$/, '');
const baseOffset = portOffset('JOB_PATTERNS_E2E_PORT_OFFSET', 0);

/** "1.37.2" -> "1.37". */
const minorOf = version => version.split('.').slice(0, 2).join('.');

/** The cluster of one version: its state dir, kubeconfig and the environment for scripts/cluster. */
function clusterFor(version) {
  const index = ALL_VERSIONS.indexOf(version);
  if (index < 0) throw new Error(`no e2e cluster for Kubernetes ${version}: test/e2e/cluster-env.js knows ${ALL_VERSIONS.join(', ')}`);
  const dir = index === 0 ? baseDir : `${baseDir}-${minorOf(version)}`;
  return {
    version,
    dir,
    kubeconfig: path.join(dir, 'kubeconfig'),
    // The machine's TMPDIR, not the test run's folder: the control plane may outlive the run.
    env: {
      ...outerEnv(),
      K8S_VERSION: version,
      JOB_PATTERNS_CLUSTER_DIR: dir,
      ...clusterPorts(baseOffset + 1000 * index),
    },
  };
}

module.exports = {
  root: path.resolve(__dirname, '..', '..'),
  VERSIONS,
  minorOf,
  clusterFor,
  portOffset,
  clusterPorts,
};
