// Stops every e2e control plane this run may have started (test/e2e/cluster-setup.ts starts them,
// one per version); a version whose cluster never started has nothing to stop. KEEP_CLUSTER=1
// keeps them running for a faster next run while developing. Then removes the run's temporary
// folder (test/temp-dir), which the clusters do not use (their TMPDIR is the machine's).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { clusterFor, root, VERSIONS } = require('./cluster-env');
const removeTemporaryFolder = require('../temp-dir/teardown');

module.exports = async () => {
  if (process.env.KEEP_CLUSTER !== '1') {
    for (const cluster of VERSIONS.map(clusterFor).filter(c => fs.existsSync(c.dir))) {
      spawnSync('bash', [path.join(root, 'scripts', 'cluster', 'down.sh')], { env: cluster.env, stdio: 'inherit' });
    }
  }
  await removeTemporaryFolder();
};
