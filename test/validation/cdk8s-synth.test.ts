import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');

/** Runs the real `cdk8s synth` (with the repo's cdk8s.yaml, plugin included) on an app whose body is `body`. */
function cdk8sSynth(name: string, body: string): { status: number | null; output: string; written: string[] } {
  const work = path.join(root, '.synth-test', name);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const appFile = path.join(work, 'app.ts');
  fs.writeFileSync(appFile, `import { ApiObject, App, Chart } from 'cdk8s';
import { SingleBatchJob } from '../../index';
const app = new App();
const chart = new Chart(app, 'hand');
new SingleBatchJob(chart, 'ok', { metadata: { name: 'ok' }, container: { image: 'busybox:1.36.1' } });
${body}
app.synth();
`);
  const outdir = path.join(work, 'dist');
  const result = spawnSync(cli, ['synth', '--check-upgrade=false', '--app', `npx ts-node --transpile-only ${appFile}`, '--output', outdir], { cwd: root, encoding: 'utf-8' });
  const written = fs.existsSync(outdir) ? fs.readdirSync(outdir) : [];
  fs.rmSync(work, { recursive: true, force: true });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, written };
}

const handWrittenJob = (spec: string) => `new ApiObject(chart, 'manual', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'manual' }, spec: ${spec} } as any);`;
const podSpec = (restartPolicy: string) => `{ restartPolicy: '${restartPolicy}', securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'm', image: 'busybox:1.36.1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] }`;

describe('cdk8s synth of an app with a hand-written Job', () => {
  test('fails on an unknown spec field, with a readable report, and writes nothing', () => {
    const result = cdk8sSynth('unknown-field', handWrittenJob(`{ completionz: 2, template: { spec: ${podSpec('Never')} } }`));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('cdk8s-job-patterns: 1 error(s) in the manifests; nothing was written.\n\nerror schema/invalid\n  object:    Job/manual\n  construct: hand/manual\n  field:     spec.completionz\n  problem:   unknown field "completionz"\n  fix:       ');
    expect(result.output).not.toContain('[]');
    expect(result.written).toEqual([]);
  }, 60_000);

  test('fails on restartPolicy Always, with a readable report, and writes nothing', () => {
    const result = cdk8sSynth('restart-always', handWrittenJob(`{ template: { spec: ${podSpec('Always')} } }`));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("error job/restart-policy\n  object:    Job/manual\n  construct: hand/manual\n  field:     spec.template.spec.restartPolicy\n  problem:   restartPolicy is 'Always'; a Job allows only 'Never' or 'OnFailure'\n  fix:       Set restartPolicy to 'Never' (each attempt a new pod) or 'OnFailure'.");
    expect(result.written).toEqual([]);
  }, 60_000);

  test('a valid app synthesizes and the plugin reports success', () => {
    const result = cdk8sSynth('valid', handWrittenJob(`{ template: { spec: ${podSpec('Never')} } }`));
    expect(result.output).toContain('Validations ended succesfully');
    expect(result.status).toBe(0);
    expect(result.written).toEqual(['construct-metadata.json', 'hand.k8s.yaml']);
  }, 60_000);

  test('prints each warning once: the app prints it, the plugin leaves it to the app', () => {
    const result = cdk8sSynth('warning', handWrittenJob(`{ template: { spec: ${podSpec('Never')} } }`));
    // The plugin sees only the YAML (no construct path), the app its constructs: match both.
    const lines = result.output.split('\n').filter(line => line.startsWith('warning resources/requests Job/manual '));
    expect(lines).toEqual(["warning resources/requests Job/manual (hand/manual) at spec.template.spec.containers[0].resources.requests: container 'm' does not request both cpu and memory. Fix: Set resources.requests (cpu and memory) so the scheduler can place the pod."]);
    expect(result.status).toBe(0);
  }, 60_000);
});
