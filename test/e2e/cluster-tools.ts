/**
 * Cluster helpers that do not depend on which control plane a suite runs against: the e2e
 * projects (test/e2e/cluster.ts re-exports them) and the Argo CD suite, which has its own.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from '../../lib/runtime/k8s';
import { applyManifests, Manifest } from '../../runtime';

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
 * Test-only outcome for the pods of a Job (see docs/maintainers/control-plane.md): annotations on the pod
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
