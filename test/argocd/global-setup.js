// Gives the run its temporary folder (test/temp-dir), then starts the control plane and a real Argo
// CD for the argocd project (building both first on a fresh machine), with the machine's TMPDIR
// (they may outlive the run). If they cannot start, the suite fails here with the reason; it never
// skips.
const { spawnSync } = require('child_process');
const path = require('path');
const argocd = require('./argocd-env');
const ownTemporaryFolder = require('../temp-dir/setup');
const removeTemporaryFolder = require('../temp-dir/teardown');

module.exports = async () => {
  await ownTemporaryFolder();
  const started = Date.now();
  process.stderr.write(`\n[argocd] starting the control plane in ${argocd.dir} and Argo CD in ${argocd.argocdDir} (a first run builds Argo CD too: 6-16 minutes more on 2 cores)\n`);
  const up = spawnSync('bash', [path.join(argocd.root, 'scripts', 'argocd', 'up.sh')], {
    env: argocd.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf-8',
  });
  if (up.status !== 0) {
    // jest runs no global teardown after a failed global setup: stop what did start, so that no
    // control plane or Argo CD component outlives the run (and holds the next run's ports).
    spawnSync('bash', [path.join(argocd.root, 'scripts', 'argocd', 'down.sh')], { env: argocd.env, stdio: ['ignore', 'ignore', 'inherit'] });
    await removeTemporaryFolder();
    throw new Error(`[argocd] Argo CD did not start (scripts/argocd/up.sh exited ${up.status}); see its output above and ${argocd.argocdDir}/logs`);
  }
  process.env.JOB_PATTERNS_KUBECONFIG = up.stdout.trim().split('\n').pop();
  process.stderr.write(`[argocd] up in ${Math.round((Date.now() - started) / 1000)} s\n`);
};
