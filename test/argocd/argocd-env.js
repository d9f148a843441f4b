// The Argo CD suite's own control planes and Argo CDs (scripts/argocd), apart from the e2e suites.
//
// The main one (the project's global setup starts it): Kubernetes 1.28.15, state dir
// /tmp/job-patterns-e2e-argocd (Argo CD's in <dir>-argocd), ports offset by 3000 (the e2e suites use
// offsets 0 and 1000). The Kueue one (test/argocd/argocd-kueue.test.ts starts it for its file
// only): Kubernetes 1.37.2 (Kueue v0.17 needs 1.29+), dir <dir>-kueue, ports offset by 1000 more.
// Override with JOB_PATTERNS_ARGOCD_E2E_DIR and JOB_PATTERNS_ARGOCD_E2E_PORT_OFFSET (a multiple of
// 1000, with 1000 free above it).
const path = require('path');
const { clusterPorts, portOffset } = require('../e2e/cluster-env');
const { outerEnv } = require('../temp-dir/outer-env');

const root = path.resolve(__dirname, '..', '..');
const baseDir = (process.env.JOB_PATTERNS_ARGOCD_E2E_DIR || '/tmp/job-patterns-e2e-argocd').replace(/\/+$/, '');
const baseOffset = portOffset('JOB_PATTERNS_ARGOCD_E2E_PORT_OFFSET', 3000);

/** One control plane of `version` with its Argo CD: state dirs, ports, and the environment of scripts/argocd. */
function argocdInstance(version, dir, offset) {
  const argocdDir = `${dir}-argocd`;
  const redisPort = 17379 + offset;
  const gitPort = 17418 + offset;
  return {
    root,
    version,
    dir,
    argocdDir,
    kubeconfig: path.join(dir, 'kubeconfig'),
    redisPort,
    gitPort,
    // The machine's TMPDIR, not the test run's folder: Argo CD and its control plane may outlive the run.
    env: {
      ...outerEnv(),
      K8S_VERSION: version,
      JOB_PATTERNS_CLUSTER_DIR: dir,
      JOB_PATTERNS_ARGOCD_DIR: argocdDir,
      ...clusterPorts(offset),
      JOB_PATTERNS_REDIS_PORT: String(redisPort),
      JOB_PATTERNS_REPO_SERVER_PORT: String(17081 + offset),
      JOB_PATTERNS_REPO_SERVER_METRICS_PORT: String(17084 + offset),
      JOB_PATTERNS_CONTROLLER_METRICS_PORT: String(17082 + offset),
      JOB_PATTERNS_GIT_PORT: String(gitPort),
    },
  };
}

/** The main instance's fields at the top level (what the suite's helpers read by default), and the Kueue instance. */
module.exports = {
  ...argocdInstance('1.28.15', baseDir, baseOffset),
  kueue: argocdInstance('1.37.2', `${baseDir}-kueue`, baseOffset + 1000),
};
