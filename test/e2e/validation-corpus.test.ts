// The differential corpus (test/validation/corpus.ts): every manifest is judged by
// validateManifests() and by a strict server-side dry run of the real API server. Prints the
// agreement table and the figure "agreement N/M"; fails on a disagreement that the reviewed
// allow-list (test/validation/corpus-allow.ts) does not give a reason for, and on an allow-list
// entry that no longer disagrees.
import { Chart, Testing } from 'cdk8s';
import { buildExampleApp } from '../../examples/app';
import { CompletionMode, FixedCompletionJob, KubernetesVersion, SingleBatchJob, validateManifests } from '../../index';
import type { KubeConfig } from '@kubernetes/client-node';
import { applyManifests, Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { KNOWN_DIFFERENCES } from '../validation/corpus-allow';
import { corpusCases } from '../validation/corpus';
import { e2eMinor, kubeConfig, restrictedNamespace } from './cluster';

/** The kubernetes/website examples docs/kubernetes-versions.md writes with typed props (success policy, native sidecar). */
function websiteExamples(): Manifest[] {
  const app = Testing.app();
  KubernetesVersion.V1_37.applyTo(app);
  const chart = new Chart(app, 'newer');
  new FixedCompletionJob(chart, 'job-success', {
    metadata: { name: 'job-success' }, completions: 10, parallelism: 10, completionMode: CompletionMode.INDEXED,
    successPolicy: [{ succeededIndexes: '0,2-3', succeededCount: 1 }],
    container: { image: 'python:3.12.7', command: ['python3', '-c', 'import sys; sys.exit(0)'] },
  });
  new SingleBatchJob(chart, 'myjob', {
    metadata: { name: 'myjob' },
    container: { image: 'alpine:3.20.3', command: ['sh', '-c', 'echo "logging" > /opt/logs.txt'] },
    sidecars: [{ name: 'logshipper', image: 'alpine:3.20.3', command: ['sh', '-c', 'tail -F /opt/logs.txt'] }],
  });
  return Testing.synth(chart) as Manifest[];
}

type Verdict = { readonly accept: boolean; readonly why: string };

/** Deletes what a case created for real (a Job with its pods, or a ConfigMap). */
async function deleteObject(kc: KubeConfig, object: Manifest): Promise<void> {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  await client.delete(object as any, undefined, undefined, undefined, undefined, 'Background');
}

const short = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}...` : text).replace(/\s+/g, ' ');

test('validateManifests() and the API server agree on accept/reject for the corpus', async () => {
  // GIVEN
  const kc = kubeConfig();
  const namespace = await restrictedNamespace(kc, 'corpus');
  const example = Testing.app();
  buildExampleApp(example);
  const exampleObjects = example.charts.flatMap(c => c.toJson()) as Manifest[];
  const cases = corpusCases(exampleObjects, websiteExamples());
  const minor = e2eMinor;
  const allowed = KNOWN_DIFFERENCES[minor] ?? {};

  // WHEN each is judged by both
  const rows: Array<{ name: string; library: Verdict; server: Verdict }> = [];
  for (const { name, manifest, create } of cases) {
    const object = { ...manifest, metadata: { namespace, ...manifest.metadata } } as Manifest;
    const report = validateManifests([object], { kubernetesVersion: `1.${minor}` });
    const library: Verdict = { accept: report.ok, why: report.errors.map(e => `${e.ruleId}: ${e.message}`).join('; ') };
    const [applied] = await applyManifests(kc, [object], { namespace, dryRun: !create });
    if (create && applied.error === undefined) await deleteObject(kc, object);
    rows.push({ name, library, server: { accept: applied.error === undefined, why: applied.error ?? '' } });
  }

  // THEN
  const word = (v: Verdict) => (v.accept ? 'accept' : 'reject');
  const differ = rows.filter(r => r.library.accept !== r.server.accept);
  const lines = [
    `| case | library | API server 1.${minor} |`,
    '| --- | --- | --- |',
    ...rows.map(r => `| ${r.name.slice(0, 70)} | ${word(r.library)} | ${word(r.server)}${r.library.accept === r.server.accept ? '' : ' (DIFFERS)'} |`),
    '',
    ...differ.map(r => `DIFFERS ${r.name}\n  library: ${word(r.library)} ${short(r.library.why)}\n  server:  ${word(r.server)} ${short(r.server.why)}\n  allow-list: ${allowed[r.name] ?? '(none)'}`),
    `agreement ${rows.length - differ.length}/${rows.length} on Kubernetes 1.${minor} (${differ.length} difference(s), ${differ.filter(r => allowed[r.name]).length} of them in the allow-list with a reason)`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  expect(rows.length).toBeGreaterThanOrEqual(150);
  expect(differ.filter(r => allowed[r.name] === undefined).map(r => r.name)).toEqual([]);
  expect(Object.keys(allowed).filter(name => !differ.some(r => r.name === name))).toEqual([]);
}, 300_000);
