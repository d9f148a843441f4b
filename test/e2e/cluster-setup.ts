// Starts the e2e project's control plane before the first test of each suite (setupFilesAfterEnv):
// scripts/cluster/up.sh builds it first on a fresh machine, starts it once, and afterwards only
// finds it healthy (60 ms). Per suite rather than in a jest globalSetup, because jest runs a
// globalSetup module once for all projects that name it (runGlobalHook keeps a Set of module
// paths), so one shared setup could not start one cluster per version; test/e2e/global-teardown.js
// stops them all. If the cluster cannot start, every test of the suite fails with the reason.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { e2eVersion } from './cluster';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor, root } = require('./cluster-env');

beforeAll(() => {
  const cluster = clusterFor(e2eVersion);
  const started = Date.now();
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
  const seconds = (Date.now() - started) / 1000;
  // Only a start or a build is worth a line (a healthy cluster answers in about 0.1 s).
  if (seconds > 1) process.stderr.write(`[e2e ${cluster.version}] control plane up in ${seconds.toFixed(0)} s: ${kubeconfig}\n`);
}, 3_600_000);
