// Stops the e2e project's control plane (KEEP_CLUSTER=1 keeps it running for a faster next run while developing).
const { spawnSync } = require('child_process');
const path = require('path');
const { clusterFor, root } = require('./cluster-env');

module.exports = async (_globalConfig, projectConfig) => {
  if (process.env.KEEP_CLUSTER === '1') return;
  const cluster = clusterFor(projectConfig.globals.JOB_PATTERNS_E2E_VERSION);
  spawnSync('bash', [path.join(root, 'scripts', 'cluster', 'down.sh')], { env: cluster.env, stdio: 'inherit' });
};
