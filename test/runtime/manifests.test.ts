import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { JobTemplateExpansion, WorkItems } from '../../index';
import { JobPatternAnnotations, JobPatternLabels } from '../../lib/core/labels';
import { jobTargets, loadManifests, Manifest, queueOf } from '../../lib/runtime/manifests';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-manifests-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to `file` under the test's directory; returns its path. */
function write(file: string, text: string): string {
  const full = path.join(dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  return full;
}

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const names = (manifests: Manifest[]) => manifests.map(m => `${m.kind}/${m.metadata.name}`);

describe('loadManifests', () => {
  test('reads every document of a directory, its subdirectories included, *.yaml and *.yml in name order', () => {
    // GIVEN
    write('b.yaml', `${configMap('b1')}---\n${configMap('b2')}`);
    write('a.yml', configMap('a'));
    write('sub/c.yaml', configMap('c'));
    write('notes.txt', configMap('not-yaml-by-name'));
    write('d.json', '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "json"}}');

    // WHEN
    const manifests = loadManifests([dir]);

    // THEN
    expect(names(manifests)).toEqual(['ConfigMap/a', 'ConfigMap/b1', 'ConfigMap/b2', 'ConfigMap/c']);
    expect(manifests[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
  });

  test('reads files and directories in the order given; a file is read whatever its name', () => {
    // GIVEN
    const later = write('later/x.yaml', configMap('in-dir'));
    const first = write('first.k8s', configMap('file'));

    // THEN
    expect(names(loadManifests([first, path.dirname(later)]))).toEqual(['ConfigMap/file', 'ConfigMap/in-dir']);
  });

  test('leaves out documents that are no object with a kind: empty, comments only, a list, a plain map', () => {
    // GIVEN
    const file = write('mixed.yaml', ['', '# only a comment', configMap('kept'), '- a\n- b', 'foo: bar', 'kind: ""'].join('\n---\n'));

    // THEN
    expect(names(loadManifests([file]))).toEqual(['ConfigMap/kept']);
  });

  test('fails when a document is not valid YAML, naming the file, the line and the error', () => {
    // GIVEN a file whose second document lacks a closing brace
    const file = write('broken.yaml', `${configMap('fine')}---\nkind: Job\nmetadata: {name: x\n`);

    // THEN
    expect(() => loadManifests([file])).toThrow(
      `${file}:8:1: not valid YAML (BAD_INDENT): Flow map in block collection must be sufficiently indented and end with a } at line 8, column 1; fix the file, or leave it out of the paths given`);
  });

  test('fails when the paths hold no YAML file', () => {
    // GIVEN
    write('README.md', '# nothing to apply');
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));

    // THEN
    expect(() => loadManifests([dir, empty])).toThrow(`no YAML files found in ${dir}, ${empty}`);
  });
});

describe('jobTargets', () => {
  /** A Job with this metadata and pod template (null: none). */
  const job = (name: string, metadata: Partial<Manifest['metadata']> = {}, template: object | null = { spec: { containers: [{ name: 'c' }] } }): Manifest => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, ...metadata }, spec: template === null ? {} : { template },
  });

  test('the Jobs of batch/v1 only, in order, each in its namespace or the default one, with its template', () => {
    // GIVEN
    const manifests: Manifest[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } },
      job('elsewhere', { namespace: 'batch' }),
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: {} },
      { apiVersion: 'example.com/v1', kind: 'Job', metadata: { name: 'not-a-kubernetes-job' }, spec: {} },
      job('here'),
    ];

    // WHEN
    const targets = jobTargets(manifests, 'default');

    // THEN
    const template = { spec: { containers: [{ name: 'c' }] } };
    expect(targets).toEqual([
      { name: 'elsewhere', namespace: 'batch', template },
      { name: 'here', namespace: 'default', template },
    ]);
  });

  test('a Job without a template is any run of its name (no template in the target)', () => {
    expect(jobTargets([job('bare', {}, null)], 'ns')).toEqual([{ name: 'bare', namespace: 'ns' }]);
  });

  test("the pattern annotation, the group label, the queue and the Argo CD hook annotations of each Job", () => {
    // GIVEN
    const manifests = [
      job('worker', { annotations: { [JobPatternAnnotations.PATTERN]: 'work-queue-pod-per-item', [JobPatternAnnotations.QUEUE]: 'redis' } }),
      job('filler', { labels: { [JobPatternLabels.QUEUE]: 'redis' } }),
      job('item-a', { labels: { [JobPatternLabels.GROUP]: 'process-item' } }),
      job('migrate', { annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' } }),
      job('smoke', { annotations: { 'argocd.argoproj.io/hook': 'PostSync' } }),
    ];

    // WHEN
    const targets = jobTargets(manifests, 'ns').map(({ template: _, ...t }) => t);

    // THEN
    expect(targets).toEqual([
      { name: 'worker', namespace: 'ns', pattern: 'work-queue-pod-per-item', queue: 'redis' },
      { name: 'filler', namespace: 'ns', queue: 'redis' },
      { name: 'item-a', namespace: 'ns', group: 'process-item' },
      { name: 'migrate', namespace: 'ns', argoCdHook: { hook: 'PreSync', deletePolicy: 'HookSucceeded' } },
      { name: 'smoke', namespace: 'ns', argoCdHook: { hook: 'PostSync' } },
    ]);
  });

  test("a template expansion's Jobs as the library writes them: one target per item, each with the group and the pattern", () => {
    // GIVEN
    const chart = Testing.chart();
    new JobTemplateExpansion(chart, 'process', {
      items: WorkItems.fromList(['apple', 'banana']),
      container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo {{item}}'] },
    });
    const manifests = Testing.synth(chart) as Manifest[];

    // WHEN
    const targets = jobTargets(manifests, 'ns');

    // THEN
    const jobs = manifests.filter(m => m.kind === 'Job');
    expect(targets.map(t => [t.name, t.namespace, t.group, t.pattern, t.template])).toEqual(jobs.map(j => [
      j.metadata.name, 'ns', j.metadata.labels![JobPatternLabels.GROUP], j.metadata.annotations![JobPatternAnnotations.PATTERN], j.spec.template,
    ]));
    expect(targets).toHaveLength(2);
    expect(new Set(targets.map(t => t.group)).size).toBe(1);
    expect(targets[0].pattern).toBeDefined();
  });
});

describe('queueOf', () => {
  test("the workers' annotation, else a filler's label, else nothing", () => {
    expect(queueOf({ annotations: { [JobPatternAnnotations.QUEUE]: 'from-annotation' }, labels: { [JobPatternLabels.QUEUE]: 'from-label' } })).toEqual({ queue: 'from-annotation' });
    expect(queueOf({ labels: { [JobPatternLabels.QUEUE]: 'from-label' } })).toEqual({ queue: 'from-label' });
    expect(queueOf({ labels: { other: 'x' } })).toEqual({});
    expect(queueOf({})).toEqual({});
  });
});
