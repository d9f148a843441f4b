// The e2e cluster's own state dir and ports, apart from a developer's `npm run cluster:up`.
// Two e2e clusters can run side by side: give the second its own JOB_PATTERNS_E2E_CLUSTER_DIR and
// a JOB_PATTERNS_E2E_PORT_OFFSET (added to every port below; default 0). Use a multiple of 1000:
// smaller offsets can land one cluster's port on another port of the other (24790 + 10 = 24800).
const path = require('path');

/** The offset read from the environment variable `name` (default `fallback`). */
function portOffset(name, fallback) {
  const offset = Number(process.env[name] || String(fallback));
  if (!Number.isInteger(offset) || offset < 0 || offset > 10000) {
    throw new Error(`${name} must be an integer from 0 to 10000, not '${process.env[name]}'`);
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

const dir = process.env.JOB_PATTERNS_E2E_CLUSTER_DIR || '/tmp/job-patterns-e2e';
const offset = portOffset('JOB_PATTERNS_E2E_PORT_OFFSET', 0);

module.exports = {
  root: path.resolve(__dirname, '..', '..'),
  dir,
  kubeconfig: path.join(dir, 'kubeconfig'),
  env: {
    ...process.env,
    JOB_PATTERNS_CLUSTER_DIR: dir,
    ...clusterPorts(offset),
  },
  portOffset,
  clusterPorts,
};
