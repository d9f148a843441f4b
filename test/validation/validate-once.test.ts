import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { ManifestValidation, SingleBatchJob } from '../../index';

test('app.synth() validates the app once, not once per chart', () => {
  // GIVEN an app of five charts
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-'));
  const app = new App({ outdir });
  for (let c = 0; c < 5; c++) {
    new SingleBatchJob(new Chart(app, `chart${c}`), 'job', { container: { image: 'busybox:1.36.1' } });
  }
  const validation = ManifestValidation.enable(app);
  const report = jest.spyOn(validation, 'report');

  // WHEN it is synthesized twice
  app.synth();
  const first = report.mock.calls.length;
  app.synth();

  // THEN each synth validated once (cdk8s alone would run the validation six times)
  expect(first).toBe(1);
  expect(report.mock.calls.length).toBe(2);
  expect(fs.readdirSync(outdir).sort()).toEqual(['chart0.k8s.yaml', 'chart1.k8s.yaml', 'chart2.k8s.yaml', 'chart3.k8s.yaml', 'chart4.k8s.yaml']);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('app.synth() renders each object once: the manifests it validated are the ones it writes', () => {
  // GIVEN an app with a Job and a hand-written object that counts its renders
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-'));
  const app = new App({ outdir });
  const chart = new Chart(app, 'chart');
  const job = new SingleBatchJob(chart, 'job', { metadata: { name: 'job' }, container: { image: 'busybox:1.36.1' } });
  let renders = 0;
  const configMap = new ApiObject(chart, 'cm', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: Lazy.any({ produce: () => ({ renders: `${++renders}` }) }),
  });

  // WHEN it is synthesized
  app.synth();

  // THEN the object was rendered once (cdk8s alone renders it for validation and again to write it)
  expect(renders).toBe(1);
  expect(fs.readFileSync(path.join(outdir, 'chart.k8s.yaml'), 'utf-8')).toContain('renders: "1"');
  // and after synth every object renders afresh again: a later change still shows in the Job's name
  expect(configMap.toJson().data.renders).toBe('2');
  const before = job.name;
  job.addContainer({ name: 'second', image: 'busybox:1.36.1' });
  expect(job.name).not.toBe(before);
  expect(job.apiObject.toJson().metadata.name).toBe(job.name);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('a failed app.synth() leaves no remembered renders behind', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-once-')) });
  const chart = new Chart(app, 'chart');
  new SingleBatchJob(chart, 'job', { container: { image: 'busybox:1.36.1' } });
  let renders = 0;
  const bad = new ApiObject(chart, 'bad', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: Lazy.any({ produce: () => ({ renders: ++renders }) }),
  });
  expect(() => app.synth()).toThrow(/error schema\/invalid\n  object:    ConfigMap\/bad\n/);
  expect(bad.toJson().data.renders).toBe(2);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});
