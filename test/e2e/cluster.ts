import type { KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GitOpsPolicy, JobDefault, SingleBatchJob } from '../../index';
import { k8s } from '../../lib/runtime/k8s';
import { Manifest } from '../../runtime';
import { SimulatedOutcome, withOutcome } from './cluster-tools';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor } = require('./cluster-env');

/** The Kubernetes version of this e2e project (jest.config.js `globals`), e.g. "1.37.2". */
export const e2eVersion: string = (globalThis as { JOB_PATTERNS_E2E_VERSION?: string }).JOB_PATTERNS_E2E_VERSION ?? '';
if (!e2eVersion) throw new Error('test/e2e runs in an e2e-<minor> jest project (jest.config.js sets globals.JOB_PATTERNS_E2E_VERSION)');
const cluster: { dir: string; kubeconfig: string; env: NodeJS.ProcessEnv } = clusterFor(e2eVersion);

/** The minor version of this project's cluster, e.g. 37. */
export const e2eMinor = Number(e2eVersion.split('.')[1]);

/** The path of the e2e cluster's admin kubeconfig. */
export const kubeconfigPath: string = cluster.kubeconfig;

/** The e2e cluster's admin kubeconfig. */
export function kubeConfig(): KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

export { restrictedNamespace, withOutcome } from './cluster-tools';
export type { SimulatedOutcome } from './cluster-tools';

/**
 * A single-batch Job from the library itself (its pod passes the restricted Pod Security
 * Standard), with a simulated outcome for its pods. Applied without Argo CD, under
 * GitOpsPolicy.none(): its name is `name`, and a TTL may be set.
 */
export function libraryJob(name: string, outcome: SimulatedOutcome = {}, props: Partial<ConstructorParameters<typeof SingleBatchJob>[2]> = {}): Manifest {
  const chart = Testing.chart();
  new SingleBatchJob(chart, name, {
    metadata: { name },
    container: { image: 'busybox:1.36.1' },
    gitOps: GitOpsPolicy.none(),
    omitDefaults: [JobDefault.TTL_AFTER_FINISHED],
    ...props,
  } as ConstructorParameters<typeof SingleBatchJob>[2]);
  return withOutcome(Testing.synth(chart)[0] as Manifest, outcome);
}

/** The process id of the e2e cluster's kube-apiserver (to stop and continue it). */
export function clusterApiServerPid(): number {
  return Number(fs.readFileSync(path.join(cluster.dir, 'pids', 'kube-apiserver.pid'), 'utf-8').trim());
}

/** Kills the e2e kube-apiserver (SIGKILL) and starts it again with the same command line; resolves when it is ready. */
export async function restartApiServer(kc: KubeConfig, downForMs = 2000): Promise<void> {
  const pidFile = path.join(cluster.dir, 'pids', 'kube-apiserver.pid');
  const pid = clusterApiServerPid();
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').filter(a => a.length > 0);
  // SIGKILL: a crash. (SIGTERM starts a graceful shutdown that keeps serving open watches for a while.)
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf-8').includes(') Z'); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  await new Promise(r => setTimeout(r, downForMs));
  const log = fs.openSync(path.join(cluster.dir, 'logs', 'kube-apiserver.log'), 'a');
  // The cluster's environment (the machine's TMPDIR): the API server outlives the suite.
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log], env: cluster.env });
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  await waitForApiServer(kc, 'kube-apiserver did not come back within 30 s');
}

/** Resolves once the API server answers a request (within 30 s), else rejects with `failure`. */
export async function waitForApiServer(kc: KubeConfig, failure = 'kube-apiserver did not answer within 30 s'): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < 300; i++) {
    try {
      await core.listNamespace({ limit: 1 });
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(failure);
}
