import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
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
