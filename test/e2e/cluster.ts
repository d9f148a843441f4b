import type { KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GitOpsPolicy, JobDefault, SingleBatchJob } from '../../index';
import { k8s } from '../../lib/runtime/k8s';
import { applyManifests, Manifest } from '../../lib/runtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor } = require('./cluster-env');

/** The Kubernetes version of this e2e project (jest.config.js `globals`), e.g. "1.37.2". */
export const e2eVersion: string = (globalThis as { JOB_PATTERNS_E2E_VERSION?: string }).JOB_PATTERNS_E2E_VERSION ?? '';
if (!e2eVersion) throw new Error('test/e2e runs in an e2e-<minor> jest project (jest.config.js sets globals.JOB_PATTERNS_E2E_VERSION)');
const cluster: { dir: string; kubeconfig: string } = clusterFor(e2eVersion);

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

let counter = 0;

/** Creates a fresh namespace that enforces the "restricted" Pod Security Standard. */
export async function restrictedNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid % 10000}-${Date.now() % 100000}-${counter++}`.slice(0, 63).replace(/-+$/, '');
  const [result] = await applyManifests(kc, [{
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
  } as Manifest], { namespace: name });
  if (result.error) throw new Error(`cannot create namespace ${name}: ${result.error}`);
  // The serviceaccount controller creates `default` shortly after; pods need it.
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < 100; i++) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return name;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(`namespace ${name} got no default ServiceAccount`);
}

/**
 * Test-only outcome for the pods of a Job (see docs/control-plane.md): annotations on the pod
 * template that the kwok stages read. Library code never sets them.
 */
export interface SimulatedOutcome {
  /** The container fails with this exit code. */
  readonly exitCode?: number;
  /** Time each pod runs before its outcome, e.g. "30s". */
  readonly duration?: string;
  /** restartPolicy OnFailure: the first K runs fail, then it succeeds. */
  readonly failAttempts?: number;
  /** Indexed Jobs, restartPolicy Never: every attempt of these completion indexes fails, the others succeed. */
  readonly failIndexes?: readonly number[];
  /** Indexed Jobs: the time the pods of these indexes run, instead of `duration`. */
  readonly indexDurations?: Readonly<Record<number, string>>;
  /** Indexed Jobs: the exit code of the pods of these indexes, instead of `exitCode` (0: success). */
  readonly indexExitCodes?: Readonly<Record<number, number>>;
  /** A pod deleted while it runs takes this long to terminate (then exits 143, SIGTERM), e.g. "5s". */
  readonly terminationDelay?: string;
  /** Native sidecars fail and are restarted in place this many times before the pod ends. */
  readonly sidecarRestarts?: number;
  /** The exit code of native sidecars when the pod ends (143: stopped by SIGTERM). */
  readonly sidecarExitCode?: number;
  /** A failing container's termination message (`state.terminated.message`). */
  readonly terminationMessage?: string;
}

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

/** A copy of `job` whose pods get the simulated outcome. */
export function withOutcome(job: Manifest, outcome: SimulatedOutcome): Manifest {
  const byIndex = (values: Readonly<Record<number, string | number>>) => JSON.stringify(Object.fromEntries(Object.entries(values).map(([i, v]) => [i, String(v)])));
  const annotations: Record<string, string> = {
    ...(outcome.exitCode !== undefined ? { 'job-patterns.test/exit-code': String(outcome.exitCode) } : {}),
    ...(outcome.duration !== undefined ? { 'job-patterns.test/duration': outcome.duration } : {}),
    ...(outcome.failAttempts !== undefined ? { 'job-patterns.test/fail-attempts': String(outcome.failAttempts) } : {}),
    ...(outcome.failIndexes !== undefined ? { 'job-patterns.test/fail-indexes': outcome.failIndexes.join(',') } : {}),
    ...(outcome.indexDurations !== undefined ? { 'job-patterns.test/index-durations': byIndex(outcome.indexDurations) } : {}),
    ...(outcome.indexExitCodes !== undefined ? { 'job-patterns.test/index-exit-codes': byIndex(outcome.indexExitCodes) } : {}),
    ...(outcome.terminationDelay !== undefined ? { 'job-patterns.test/termination-delay': outcome.terminationDelay } : {}),
    ...(outcome.sidecarRestarts !== undefined ? { 'job-patterns.test/sidecar-restarts': String(outcome.sidecarRestarts) } : {}),
    ...(outcome.sidecarExitCode !== undefined ? { 'job-patterns.test/sidecar-exit-code': String(outcome.sidecarExitCode) } : {}),
    ...(outcome.terminationMessage !== undefined ? { 'job-patterns.test/termination-message': outcome.terminationMessage } : {}),
  };
  const template = job.spec.template;
  return {
    ...job,
    spec: {
      ...job.spec,
      template: { ...template, metadata: { ...template.metadata, annotations: { ...template.metadata?.annotations, ...annotations } } },
    },
  };
}

/** Kills the e2e kube-apiserver (SIGKILL) and starts it again with the same command line; resolves when it is ready. */
export async function restartApiServer(kc: KubeConfig, downForMs = 2000): Promise<void> {
  const pidFile = path.join(cluster.dir, 'pids', 'kube-apiserver.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf-8').trim());
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').filter(a => a.length > 0);
  // SIGKILL: a crash. (SIGTERM starts a graceful shutdown that keeps serving open watches for a while.)
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf-8').includes(') Z'); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  await new Promise(r => setTimeout(r, downForMs));
  const log = fs.openSync(path.join(cluster.dir, 'logs', 'kube-apiserver.log'), 'a');
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < 300; i++) {
    try {
      await core.listNamespace({ limit: 1 });
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error('kube-apiserver did not come back within 30 s');
}
