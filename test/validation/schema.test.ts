import { execFileSync } from 'child_process';
import * as path from 'path';
import { checkSchema } from '../../lib/validation/schema';

const ROOT = path.join(__dirname, '..', '..');

describe('schema validators', () => {
  test.each(['1.28.15', '1.37.2'])('the precompiled validators of %s are what scripts/schema/precompile.js makes of the committed schema', version => {
    // --check exits 1 (and execFileSync throws) when lib/validation/k8s-<version>.validators.js differs.
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'schema', 'precompile.js'), version, '--check'], { cwd: ROOT }).toString();
    expect(out).toContain(`k8s-${version}.validators.js is up to date`);
  });

  test('the 1.37 schema knows the Job fields 1.28 lacks', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { managedBy: 'kueue.x-k8s.io/multikueue', template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    expect(checkSchema(job, 28)).toEqual([{ path: 'spec.managedBy', message: 'unknown field "managedBy"' }]);
    expect(checkSchema(job, 37)).toEqual([]);
  });

  test('a precompiled kind (Job) rejects an unknown field', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } }, completion: 3 } };
    expect(checkSchema(job)).toEqual([{ path: 'spec.completion', message: 'unknown field "completion"' }]);
  });

  test('a kind that is not precompiled (CronJob) is compiled when first met and checked as strictly', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 7 }] } } } } } };
    expect(checkSchema(cron)).toEqual([
      { path: 'spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy', message: 'must be of type string' },
    ]);
  });

  test('a kind the schema does not know is not checked', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', spec: { anything: true } };
    expect(checkSchema(widget)).toEqual([]);
  });
});
