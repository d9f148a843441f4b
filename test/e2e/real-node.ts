/**
 * The real node's test helpers (docs/maintainers/real-node.md), shared by test/e2e/real-node*.test.ts: start
 * it with scripts/node/up.sh, and move a synthesized pod template onto it. Only tests change the
 * library's output, here and only here: the toleration and node selector that choose the real
 * node, and the host names of the Services the pods use (there is no cluster DNS on this node).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { KubeConfig } from '@kubernetes/client-node';
import { Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { e2eVersion } from './cluster';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clusterFor, root } = require('./cluster-env');

/** The real node's label and taint (scripts/node/up.sh). */
export const REAL_NODE = 'job-patterns.cdk8s.io/real-node';

/** Runs a script of scripts/ (`node/up.sh`) with this project's cluster environment; its seconds. Throws with its output on failure. */
export function nodeScript(script: string): number {
  const started = Date.now();
  const run = spawnSync('bash', [path.join(root, 'scripts', script)], { env: clusterFor(e2eVersion).env, encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`scripts/${script} exited ${run.status}:\n${run.stderr}${run.stdout}`);
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

/**
 * The objects of the TypeScript snippet of `doc` (a path from the repository's root) that contains
 * `marker`: the snippet runs as written (importing this working tree for 'cdk8s-job-patterns'),
 * its `app.synth()` replaced by reading the app's charts.
 */
export function snippetManifests(doc: string, marker: string): Manifest[] {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  const snippets = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]).filter(code => code.includes(marker));
  if (snippets.length !== 1) throw new Error(`${doc} has ${snippets.length} TypeScript snippets containing ${JSON.stringify(marker)}, expected 1`);
  if (!/^app\.synth\(\);$/m.test(snippets[0])) throw new Error(`the snippet of ${doc} containing ${JSON.stringify(marker)} does not call app.synth()`);
  const code = snippets[0]
    .replace(/from 'cdk8s-job-patterns'/g, `from '${root}/index'`)
    .replace(/^app\.synth\(\);$/m, 'module.exports = app.charts.flatMap(c => c.toJson());');
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const module = { exports: [] as Manifest[] };
  new Function('require', 'module', 'exports', js)(require, module, module.exports);
  return module.exports;
}
