// Stops Argo CD and its control plane (KEEP_CLUSTER=1 keeps them running for a faster next run).
const { spawnSync } = require('child_process');
const path = require('path');
const argocd = require('./argocd-env');

module.exports = async () => {
  if (process.env.KEEP_CLUSTER === '1') return;
  spawnSync('bash', [path.join(argocd.root, 'scripts', 'argocd', 'down.sh')], { env: argocd.env, stdio: 'inherit' });
};
