// Stops Argo CD and its control plane (KEEP_CLUSTER=1 keeps them running for a faster next run),
// then removes the run's temporary folder (test/temp-dir), which they do not use (their TMPDIR is
// the machine's).
const { spawnSync } = require('child_process');
const path = require('path');
const argocd = require('./argocd-env');
const removeTemporaryFolder = require('../temp-dir/teardown');

module.exports = async () => {
  if (process.env.KEEP_CLUSTER !== '1') {
    spawnSync('bash', [path.join(argocd.root, 'scripts', 'argocd', 'down.sh')], { env: argocd.env, stdio: 'inherit' });
  }
  await removeTemporaryFolder();
};
