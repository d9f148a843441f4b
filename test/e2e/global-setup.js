// Starts the real control plane for the e2e project (building it first on a fresh machine).
// If it cannot start, the suite fails here with the reason; it never skips silently.
const { spawnSync } = require('child_process');
const path = require('path');
const cluster = require('./cluster-env');

module.exports = async () => {
  const started = Date.now();
  process.stderr.write(`\n[e2e] starting the local control plane in ${cluster.dir} (a first run builds it: about 9 minutes)\n`);
  const up = spawnSync('bash', [path.join(cluster.root, 'scripts', 'cluster', 'up.sh')], {
    env: cluster.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf-8',
  });
  if (up.status !== 0) {
    throw new Error(`[e2e] the local control plane did not start (scripts/cluster/up.sh exited ${up.status}); see its output above and ${cluster.dir}/logs`);
  }
  process.env.JOB_PATTERNS_KUBECONFIG = up.stdout.trim().split('\n').pop();
  process.stderr.write(`[e2e] control plane up in ${Math.round((Date.now() - started) / 1000)} s: ${process.env.JOB_PATTERNS_KUBECONFIG}\n`);
};
