// The Argo CD suite's own control plane and Argo CD (scripts/argocd), apart from the e2e suites:
// state dir /tmp/job-patterns-e2e-argocd (Argo CD's in <dir>-argocd) and ports offset by 3000
// (the e2e suites use offsets 0 and 1000). Override with JOB_PATTERNS_ARGOCD_E2E_DIR and
// JOB_PATTERNS_ARGOCD_E2E_PORT_OFFSET (a multiple of 1000).
const path = require('path');
const { clusterPorts, portOffset } = require('../e2e/cluster-env');

const dir = process.env.JOB_PATTERNS_ARGOCD_E2E_DIR || '/tmp/job-patterns-e2e-argocd';
const offset = portOffset('JOB_PATTERNS_ARGOCD_E2E_PORT_OFFSET', 3000);
const argocdDir = `${dir}-argocd`;
const redisPort = 17379 + offset;
const gitPort = 17418 + offset;

module.exports = {
  root: path.resolve(__dirname, '..', '..'),
  dir,
  argocdDir,
  kubeconfig: path.join(dir, 'kubeconfig'),
  redisPort,
  gitPort,
  env: {
    ...process.env,
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
