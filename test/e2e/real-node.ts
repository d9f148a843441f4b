/**
 * The real node's test helpers (docs/maintainers/real-node.md), shared by test/e2e/real-node*.test.ts: start
 * it with scripts/node/up.sh, and move a synthesized pod template onto it. Only tests change the
 * library's output, here and only here: the toleration and node selector that choose the real
 * node, and the host names of the Services the pods use (there is no cluster DNS on this node).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { e2eMinor, e2eVersion } from './cluster';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor, root } = require('./cluster-env');

/** The real node's label and taint (scripts/node/up.sh). */
export const REAL_NODE = 'job-patterns.cdk8s.io/real-node';

/** Why the real-node suites are skipped on this cluster's version ('' when they run). */
export const realNodeSkipped = e2eMinor !== 28
  ? 'skipped: the real node runs 1.28 only (the 1.37 kubelet is not tried here, docs/maintainers/real-node.md)'
  : '';

/** Runs a script of scripts/node with this project's cluster environment; its seconds. Throws with its output on failure. */
export function nodeScript(script: string): number {
  const started = Date.now();
  const run = spawnSync('bash', [path.join(root, 'scripts', 'node', script)], { env: clusterFor(e2eVersion).env, encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`scripts/node/${script} exited ${run.status}:\n${run.stderr}${run.stdout}`);
  return (Date.now() - started) / 1000;
}

/** Host names a pod resolves through its /etc/hosts: `ip` for each of `hostnames`. */
export interface HostAlias { readonly ip: string; readonly hostnames: string[] }

/** The pod template of a Job or a Deployment (undefined for other kinds). */
function podSpecOf(manifest: Manifest): any {
  return manifest.kind === 'Job' || manifest.kind === 'Deployment' ? (manifest as any).spec.template.spec : undefined;
}

/**
 * A copy of `manifest` whose pods (a Job's or a Deployment's) run on the real node: they tolerate
 * its taint and select its label; `hostAliases` are added to their /etc/hosts. Other kinds are
 * returned as they are.
 */
export function onRealNode(manifest: Manifest, hostAliases: readonly HostAlias[] = []): Manifest {
  const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
  const spec = podSpecOf(copy);
  if (!spec) return copy;
  spec.tolerations = [...(spec.tolerations ?? []), { key: REAL_NODE, operator: 'Equal', value: 'true', effect: 'NoSchedule' }];
  spec.nodeSelector = { ...spec.nodeSelector, [REAL_NODE]: 'true' };
  if (hostAliases.length > 0) spec.hostAliases = [...(spec.hostAliases ?? []), ...hostAliases];
  return copy;
}

/** The real node's name (its address). */
export async function realNodeName(kc: KubeConfig): Promise<string> {
  const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode({ labelSelector: `${REAL_NODE}=true` })).items;
  if (nodes.length !== 1) throw new Error(`expected one Node labelled ${REAL_NODE}=true, found ${nodes.length}: scripts/node/up.sh starts it`);
  return nodes[0].metadata!.name!;
}
