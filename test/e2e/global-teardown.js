// Stops the e2e control plane (KEEP_CLUSTER=1 keeps it running for a faster next run while developing).
const { spawnSync } = require('child_process');
const path = require('path');
const cluster = require('./cluster-env');

module.exports = async () => {
  if (process.env.KEEP_CLUSTER === '1') return;
  spawnSync('bash', [path.join(cluster.root, 'scripts', 'cluster', 'down.sh')], { env: cluster.env, stdio: 'inherit' });
};
