import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, Yaml } from 'cdk8s';
import { buildExampleApp } from '../app';
import { Manifest } from './util';

function exampleManifests(): Manifest[] {
  const app = Testing.app();
  buildExampleApp(app);
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
}

function jobNamed(manifests: Manifest[], name: string): Manifest {
  const found = manifests.filter(m => m.kind === 'Job' && m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('example app', () => {
  const manifests = exampleManifests();

  test('golden YAML', () => {
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  // Each seed example keeps its meaning: [name, completions, parallelism, backoffLimit, deadline, ttl, restartPolicy, command]
  const seeds: Array<[string, number | undefined, number | undefined, number, number, number, string, string]> = [
    ['job-demo', 1, 1, 3, 3600, 86400, 'Never', 'for i in $(seq 1 10); do echo $i; done'],
    ['pi', 1, 1, 4, 3600, 86400, 'Never', 'print bpi(2000)'],
    ['pi-with-ttl', 1, 1, 3, 3600, 100, 'Never', 'print bpi(2000)'],
    ['pi-with-timeout', 1, 1, 5, 100, 86400, 'Never', 'print bpi(2000)'],
    ['two-times', 1, 1, 3, 3600, 86400, 'Never', 'for i in $(seq 10);do echo $(($i*2));done'],
    ['unlucky-never', 1, 1, 3, 3600, 86400, 'Never', 'echo $HOSTNAME failed on $(date) ; exit 1'],
    ['unlucky-onfailure', 1, 1, 3, 3600, 86400, 'OnFailure', 'echo $HOSTNAME failed on $(date) ; exit 1'],
    ['even-seconds', 6, 2, 3, 3600, 86400, 'Never', 'if [ $((n%2)) -eq 0 ]'],
    // The book's externally coordinated batch: completions unset, three workers on the ticket queue.
    ['multiplier', undefined, 3, 3, 3600, 86400, 'Never', 'nc -w 1 $QUEUE_HOST $QUEUE_PORT'],
    // The Kubernetes docs' Redis work queue (queue with variable pod count).
    ['job-wq-2', undefined, 2, 3, 3600, 86400, 'Never', 'LPOP'],
  ];

  test.each(seeds)('%s keeps the seed\'s meaning', (name, completions, parallelism, backoffLimit, deadline, ttl, restartPolicy, command) => {
    const spec = jobNamed(manifests, name).spec;
    expect(spec.completions).toBe(completions);
    expect(spec.parallelism).toBe(parallelism);
    expect(spec.backoffLimit).toBe(backoffLimit);
    expect(spec.activeDeadlineSeconds).toBe(deadline);
    expect(spec.ttlSecondsAfterFinished).toBe(ttl);
    expect(spec.template.spec.restartPolicy).toBe(restartPolicy);
    expect(spec.template.spec.containers[0].command.join(' ')).toContain(command);
  });

  test('every pod template (Jobs and Deployments) passes the restricted profile fields', () => {
    const templates = manifests.filter(m => m.kind === 'Job' || m.kind === 'Deployment').map(m => m.spec.template.spec);
    expect(templates.length).toBe(manifests.filter(m => m.kind === 'Job' || m.kind === 'Deployment').length);
    expect(manifests.filter(m => m.kind === 'Deployment').length).toBe(2);
    for (const pod of templates) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(container.image).toMatch(/:[\w.-]+$/);
        expect(container.image).not.toMatch(/:latest$/);
      }
    }
  });

  test('app.synth() writes the YAML to the output directory', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-'));
    const app = new App({ outdir });
    buildExampleApp(app);
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['seeds.k8s.yaml']);
    const written = Yaml.load(path.join(outdir, 'seeds.k8s.yaml'));
    // The seeds' Jobs, the Redis filler, three template-expansion Jobs, the Indexed Job and the controller Job.
    expect(written.filter((m: Manifest) => m.kind === 'Job').map((m: Manifest) => m.metadata.name).sort()).toEqual([
      ...seeds.map(s => s[0]), 'job-wq-2-filler', 'process-item-apple', 'process-item-banana', 'process-item-cherry', 'indexed-job', 'pi-driver',
    ].sort());
  });
});
