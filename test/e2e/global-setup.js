// Starts the real control plane of the e2e project's Kubernetes version (building it first on a
// fresh machine); see cluster-env.js. If it cannot start, the suite fails here with the reason;
// it never skips silently.
const { spawnSync } = require('child_process');
const path = require('path');
const { clusterFor, root } = require('./cluster-env');

module.exports = async (_globalConfig, projectConfig) => {
  const cluster = clusterFor(projectConfig.globals.JOB_PATTERNS_E2E_VERSION);
  const started = Date.now();
  process.stderr.write(`\n[e2e ${cluster.version}] starting the local control plane in ${cluster.dir} (a first run builds it: about 9 minutes)\n`);
  const up = spawnSync('bash', [path.join(root, 'scripts', 'cluster', 'up.sh')], {
    env: cluster.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf-8',
  });
  if (up.status !== 0) {
    throw new Error(`[e2e ${cluster.version}] the local control plane did not start (scripts/cluster/up.sh exited ${up.status}); see its output above and ${cluster.dir}/logs`);
  }
  const kubeconfig = up.stdout.trim().split('\n').pop();
  if (kubeconfig !== cluster.kubeconfig) {
    throw new Error(`[e2e ${cluster.version}] scripts/cluster/up.sh printed the kubeconfig ${kubeconfig}, expected ${cluster.kubeconfig}`);
  }
  process.stderr.write(`[e2e ${cluster.version}] control plane up in ${Math.round((Date.now() - started) / 1000)} s: ${kubeconfig}\n`);
};
