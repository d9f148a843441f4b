import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { ControllerPodJob, GitOpsPolicy, ManifestValidation, PodToPodJob, SingleBatchJob, StaticWorkAssignmentJob, WorkItems } from '../../index';
import { JobApiObject } from '../../lib/core/job-name';
import { LibraryApiObject } from '../../lib/core/library-api-object';

// Validation is a cdk8s node validation (no method of cdk8s or of an object is replaced): cdk8s runs
// it before app.synth() renders and again before each chart. These tests count renders to show
// that one synth validates once and renders each of the library's Jobs once.

/** An app of `charts` charts with a Job each, and a hand-written object in the first that counts its renders. */
function appOfCharts(charts: number): { app: App; renders: () => number; configMap: ApiObject; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-'));
  const app = new App({ outdir });
  let renders = 0;
  let configMap: ApiObject | undefined;
  for (let c = 0; c < charts; c++) {
    const chart = new Chart(app, `chart${c}`);
    new SingleBatchJob(chart, 'job', { metadata: { name: `job${c}` }, container: { image: 'busybox:1.36.1' } });
    configMap ??= new ApiObject(chart, 'cm', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: Lazy.any({ produce: () => ({ renders: `${++renders}` }) }),
    });
  }
  return { app, renders: () => renders, configMap: configMap!, outdir };
}

/** Counts the renders of the library's Jobs while `run` runs. */
function jobRenders(run: () => void): number {
  const render = jest.spyOn(JobApiObject.prototype as unknown as { render(): unknown }, 'render');
  try {
    run();
    return render.mock.calls.length;
  } finally {
    render.mockRestore();
  }
}

test('app.synth() validates the app once, not once per chart, and renders each Job once', () => {
  // GIVEN an app of five charts
  const { app, renders, outdir } = appOfCharts(5);

  // WHEN it is synthesized twice
  const first = jobRenders(() => app.synth());
  const hand = renders();
  const second = jobRenders(() => app.synth());

  // THEN each synth rendered each Job once (validated, then written), and the hand-written object
  // twice: once validated, once written (cdk8s alone would validate six times)
  expect(first).toBe(5);
  expect(second).toBe(5);
  expect(hand).toBe(2);
  expect(renders()).toBe(4);
  expect(fs.readdirSync(outdir).sort()).toEqual(['chart0.k8s.yaml', 'chart1.k8s.yaml', 'chart2.k8s.yaml', 'chart3.k8s.yaml', 'chart4.k8s.yaml']);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('app.synth() renders the objects the patterns create once too: a ConfigMap, a ServiceAccount, a Role, a RoleBinding, a Service', () => {
  // GIVEN an app with a StaticWorkAssignmentJob and a ControllerPodJob
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-'));
  const app = new App({ outdir });
  const chart = new Chart(app, 'chart');
  new StaticWorkAssignmentJob(chart, 'static', { metadata: { name: 'static' }, items: WorkItems.fromList(['a', 'b']), container: { image: 'busybox:1.36.1' } });
  new ControllerPodJob(chart, 'driver', { metadata: { name: 'driver' }, container: { image: 'busybox:1.36.1' } });
  const peers = new Chart(app, 'peers');
  new PodToPodJob(peers, 'ring', { metadata: { name: 'ring' }, completions: 2, container: { image: 'busybox:1.36.1' } });

  // WHEN it is synthesized
  const render = jest.spyOn(LibraryApiObject.prototype as unknown as { render(): unknown }, 'render');
  try {
    app.synth();

    // THEN each object of the library was rendered once (validated; that manifest written), and written
    const rendered = render.mock.contexts.map(o => `${(o as ApiObject).kind}/${(o as ApiObject).name}`).sort();
    // (the pod-to-pod Job too, though its Service's selector names it: the Service reads the Job's
    // name from the manifest validation rendered, as the Job is rendered before it)
    expect(rendered).toEqual(['ConfigMap/static-work-items-9a88cda7', 'Job/driver', 'Job/ring', 'Job/static', 'Role/driver', 'RoleBinding/driver', 'Service/ring-peers', 'ServiceAccount/driver']);
  } finally {
    render.mockRestore();
  }
  const written = fs.readFileSync(path.join(outdir, 'chart.k8s.yaml'), 'utf-8');
  expect(written.match(/^kind: .*$/gm)).toEqual(['kind: ConfigMap', 'kind: Job', 'kind: ServiceAccount', 'kind: Role', 'kind: RoleBinding', 'kind: Job']);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('the manifests validated are the ones written; after synth every object renders afresh', () => {
  // GIVEN an app with a Job and a hand-written object
  const { app, renders, configMap, outdir } = appOfCharts(1);
  const job = app.node.findAll().find((c): c is SingleBatchJob => c instanceof SingleBatchJob)!;

  // WHEN it is synthesized
  app.synth();

  // THEN the hand-written object was rendered for validation and again to be written
  expect(renders()).toBe(2);
  expect(fs.readFileSync(path.join(outdir, 'chart0.k8s.yaml'), 'utf-8')).toContain('renders: "2"');
  // and a later change still shows in the Job's name, in the same synchronous run
  expect(configMap.toJson().data.renders).toBe('3');
  const before = job.name;
  job.addContainer({ name: 'second', image: 'busybox:1.36.1' });
  expect(job.name).not.toBe(before);
  expect(ApiObject.of(job).toJson().metadata.name).toBe(job.name);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('a change between two synths of the same synchronous run is validated and written', () => {
  // GIVEN a chart synthesized once
  const chart = Testing.chart();
  const job = new SingleBatchJob(chart, 'job', { metadata: { name: 'job' }, container: { image: 'busybox:1.36.1' } });
  const first = Testing.synth(chart)[0];

  // WHEN a container is added and the chart synthesized again at once
  job.addContainer({ name: 'second', image: 'busybox:1.36.1' });
  const second = Testing.synth(chart)[0];

  // THEN the second synth wrote the change
  expect(second.spec.template.spec.containers).toHaveLength(2);
  expect(second.metadata.name).not.toBe(first.metadata.name);
  // and validated it: a second bad container fails at once
  job.addContainer({ name: 'root', image: 'busybox:1.36.1', securityContext: { ensureNonRoot: false, user: 0 } });
  expect(() => Testing.synth(chart)).toThrow(/error pss\/run-as-user/);
});

test('a failed app.synth() leaves no manifest behind: the next render renders afresh', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-')) });
  const chart = new Chart(app, 'chart');
  const job = new SingleBatchJob(chart, 'job', { container: { image: 'busybox:1.36.1' } });
  let renders = 0;
  const bad = new ApiObject(chart, 'bad', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: Lazy.any({ produce: () => ({ renders: ++renders }) }),
  });
  expect(() => app.synth()).toThrow(/error schema\/invalid\n  object:    ConfigMap\/bad\n/);
  expect(bad.toJson().data.renders).toBe(2);
  expect(jobRenders(() => ApiObject.of(job).toJson())).toBe(1);
  expect(fs.readdirSync(app.outdir)).toEqual([]);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

test('a render that throws during validation\'s render pass leaves nothing of the pass behind: a Job\'s name is rendered afresh', () => {
  // GIVEN a Job, and an object after it whose rendering names the Job and then throws
  const chart = Testing.chart();
  const job = new SingleBatchJob(chart, 'job', { metadata: { name: 'job' }, gitOps: GitOpsPolicy.runOncePerSpec(), container: { image: 'busybox:1.36.1' } });
  const seen: string[] = [];
  new ApiObject(chart, 'throws', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'throws' }, data: Lazy.any({ produce: () => { seen.push(job.name); throw new Error('cannot render'); } }),
  });

  // WHEN the synth fails in the pass, and the Job changes
  expect(() => Testing.synth(chart)).toThrow('cannot render');
  job.addContainer({ name: 'second', image: 'busybox:1.36.1' });

  // THEN the object read the Job's name in the pass, and after it the name is the changed Job's
  expect(seen).toHaveLength(1);
  expect(job.name).not.toBe(seen[0]);
  expect(job.name).toBe(ApiObject.of(job).toJson().metadata.name);
});

test('Testing.synth() throws the same report as app.synth(): each error a block', () => {
  const chart = Testing.chart();
  new ApiObject(chart, 'hand', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, datta: {} } as any);
  ManifestValidation.enable(chart);
  expect(() => Testing.synth(chart)).toThrow('cdk8s-job-patterns: 1 error(s) in the manifests; nothing was written.\n\nerror schema/invalid\n'
    + '  object:    ConfigMap/x\n  construct: test/hand\n  field:     datta\n  problem:   unknown field "datta"\n');
});

test('app.synth() prints each warning once, also when a later chart holds no Job of the library', () => {
  // GIVEN a Job's chart, then a chart with a hand-written Job whose image has no tag (a warning)
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-'));
  const app = new App({ outdir });
  new SingleBatchJob(new Chart(app, 'jobs'), 'job', { metadata: { name: 'job' }, container: { image: 'busybox:1.36.1' } });
  new ApiObject(new Chart(app, 'hand'), 'cm', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'untagged' }, spec: { containers: [{ name: 'm', image: 'busybox' }] } });
  ManifestValidation.enable(app, { skipRules: ['pss/*'] });
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    // WHEN it is synthesized (validation runs again before the second chart: no Job holds a manifest any more)
    app.synth();

    // THEN the image warning was printed once
    const lines = write.mock.calls.map(([text]) => String(text)).filter(text => text.startsWith('warning image/tag Pod/untagged '));
    expect(lines).toHaveLength(1);
  } finally {
    write.mockRestore();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
