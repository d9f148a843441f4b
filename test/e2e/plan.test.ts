// `job-patterns plan --live` on the real control plane: the plan reads what the cluster holds (as
// `kubectl apply` left it, the way Argo CD applies), predicts each change, and the API server then
// does what it predicted. Every update rule of lib/runtime/plan.ts is tried against the real API
// server of each e2e version with a server-side dry run of the very apply a sync would do.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GitOpsPolicy, JobDefault, SingleBatchJob } from '../../index';
import { Manifest } from '../../runtime';
import { runCli } from '../runtime/run-cli';
import { e2eMinor, e2eVersion, kubeConfig, kubeconfigPath, restrictedNamespace } from './cluster';

/** The kubectl built with the e2e cluster's Kubernetes (scripts/cluster). */
const KUBECTL = path.join(process.env.JOB_PATTERNS_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-job-patterns'), 'k8s', `v${e2eVersion}`, 'bin', 'kubectl');

let dir: string;
let namespace: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-plan-e2e-'));
  namespace = await restrictedNamespace(kubeConfig(), 'plan');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Writes `manifests` as a synth directory; returns its path. */
function synthDir(manifests: readonly Manifest[]): string {
  const out = path.join(dir, `synth-${written++}`);
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'app.k8s.yaml'), manifests.map(m => `---\n${JSON.stringify(m)}\n`).join(''));
  return out;
}

/** `kubectl apply` of a synth directory into the test's namespace (client-side, as Argo CD applies); `dryRun` asks the server only. */
function kubectlApply(synth: string, dryRun = false): { status: number | null; output: string } {
  const run = spawnSync(KUBECTL, ['--kubeconfig', kubeconfigPath, 'apply', '-n', namespace, '-f', synth, ...(dryRun ? ['--dry-run=server'] : [])], { encoding: 'utf-8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `job-patterns plan <synth> --kubeconfig <e2e cluster> -n <namespace> -o json`. */
async function planLive(synth: string): Promise<{ code: number; plan: any }> {
  const result = await runCli('plan', synth, '--kubeconfig', kubeconfigPath, '-n', namespace, '-o', 'json');
  if (result.stderr !== '') throw new Error(result.stderr);
  return { code: result.code, plan: JSON.parse(result.stdout) };
}

/** A library Job's manifest (restricted pod security, so the namespace admits it). */
function libraryJob(name: string, props: Partial<ConstructorParameters<typeof SingleBatchJob>[2]> = {}): Manifest {
  const chart = Testing.chart();
  new SingleBatchJob(chart, name, {
    metadata: { name },
    container: { name: 'main', image: 'busybox:1.36.1', command: ['true'] },
    omitDefaults: [JobDefault.TTL_AFTER_FINISHED],
    ...props,
  } as ConstructorParameters<typeof SingleBatchJob>[2]);
  return Testing.synth(chart)[0] as Manifest;
}

test('an immutable change of a stable-named Job is "will fail" before any sync tries it, and the API server then refuses exactly that field', async () => {
  // GIVEN a none() Job and a runOncePerSpec() Job, applied with kubectl apply
  const v1 = synthDir([libraryJob('by-hand', { gitOps: GitOpsPolicy.none() }), libraryJob('migrate')]);
  expect(kubectlApply(v1).status).toBe(0);
  const migrateIn = (synth: string) => fs.readFileSync(path.join(synth, 'app.k8s.yaml'), 'utf-8').match(/"name":"(migrate-[0-9a-f]{8})"/)![1];
  const oldMigrate = migrateIn(v1);

  // WHEN the same synth is planned against the cluster, and then one with a new image for both
  const same = await planLive(v1);
  const v2 = synthDir([
    libraryJob('by-hand', { gitOps: GitOpsPolicy.none(), container: { name: 'main', image: 'busybox:1.37.0', command: ['true'] } }),
    libraryJob('migrate', { container: { name: 'main', image: 'busybox:1.37.0', command: ['true'] } }),
  ]);
  const changed = await planLive(v2);

  // THEN what the server defaulted is no change: both unchanged, exit 0
  expect(same.plan.jobs.map((j: any) => [j.name, j.action])).toEqual([['by-hand', 'unchanged'], [oldMigrate, 'unchanged']]);
  expect(same.code).toBe(0);
  expect(same.plan.kubernetesVersion).toBe(`1.${e2eMinor}`);
  // and the new synth: by-hand will fail on spec.template, migrate runs again under its new name, the old one is pruned; exit 5
  expect(changed.code).toBe(5);
  expect(changed.plan.jobs.map((j: any) => [j.name, j.action, j.refused.map((r: any) => r.field)])).toEqual([
    ['by-hand', 'will-fail', ['spec.template']],
    [migrateIn(v2), 'runs-again', []],
    [oldMigrate, 'pruned', []],
  ]);
  expect(changed.plan.jobs[1].replaces).toBe(oldMigrate);
  expect(changed.plan.jobs[0].changes).toEqual([{ path: 'spec.template.spec.containers[main].image', before: 'busybox:1.36.1', after: 'busybox:1.37.0' }]);

  // AND applying it as a sync does: the API server refuses by-hand's template, and creates the new migrate Job
  const applied = kubectlApply(v2);
  expect(applied.status).not.toBe(0);
  expect(applied.output).toMatch(/The Job "by-hand" is invalid: spec\.template: Invalid value: [\s\S]*field is immutable/);
  expect(applied.output).toMatch(/job\.batch\/migrate-[0-9a-f]{8} created/);
});

/** One update of a Job: its manifest before and after, and whether Kubernetes takes it on this version. */
interface UpdateCase {
  readonly before: Manifest;
  readonly after: Manifest;
  readonly mutable: boolean;
}

/** A Job named `name` (a library one under none()), and the same with `change` applied to a copy of its manifest. */
function update(name: string, change: (m: any) => void, props: Partial<ConstructorParameters<typeof SingleBatchJob>[2]> = {}, edit: (m: any) => void = () => undefined): { before: Manifest; after: Manifest } {
  const before = libraryJob(name, { gitOps: GitOpsPolicy.none(), ...props });
  edit(before);
  const after = JSON.parse(JSON.stringify(before));
  change(after);
  return { before, after };
}

const indexed = (m: any) => Object.assign(m.spec, { completionMode: 'Indexed', completions: 3, parallelism: 3 });

/** The rules of plan.ts, each with what it predicts on this version (the dry run must agree). */
const CASES: ReadonlyArray<[string, () => UpdateCase]> = [
  ['parallelism', () => ({ ...update('u-parallelism', m => { m.spec.parallelism = 2; }), mutable: true })],
  ['backoffLimit', () => ({ ...update('u-backoff', m => { m.spec.backoffLimit = 5; }), mutable: true })],
  ['activeDeadlineSeconds', () => ({ ...update('u-deadline', m => { m.spec.activeDeadlineSeconds = 7200; }), mutable: true })],
  ['ttlSecondsAfterFinished', () => ({ ...update('u-ttl', m => { m.spec.ttlSecondsAfterFinished = 600; }), mutable: true })],
  ['suspend', () => ({ ...update('u-suspend', m => { m.spec.suspend = true; }), mutable: true })],
  ['podReplacementPolicy', () => ({ ...update('u-replacement', m => { m.spec.podReplacementPolicy = 'Failed'; }), mutable: true })],
  ['completions of a NonIndexed Job', () => ({ ...update('u-completions', m => { m.spec.completions = 2; }), mutable: false })],
  ['completions with parallelism, Indexed', () => ({ ...update('u-elastic', m => { m.spec.completions = 4; m.spec.parallelism = 4; }, {}, indexed), mutable: true })],
  ['completions alone, Indexed', () => ({ ...update('u-indexed', m => { m.spec.completions = 4; }, {}, indexed), mutable: false })],
  ['completionMode', () => ({ ...update('u-mode', m => { m.spec.completionMode = 'Indexed'; }), mutable: false })],
  ['podFailurePolicy', () => ({ ...update('u-pfp', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }; }), mutable: false })],
  ['the image', () => ({ ...update('u-image', m => { m.spec.template.spec.containers[0].image = 'busybox:1.37.0'; }), mutable: false })],
  ['a pod template label', () => ({ ...update('u-label', m => { m.spec.template.metadata.labels.tier = 'batch'; }), mutable: false })],
  ['a node selector of a suspended Job that never started', () => ({ ...update('u-sched', m => { m.spec.template.spec.nodeSelector = { zone: 'b' }; }, { suspend: true }), mutable: true })],
  ['a cpu request of a suspended Job that never started', () => ({ ...update('u-cpu', m => { m.spec.template.spec.containers[0].resources.requests.cpu = '200m'; }, { suspend: true }), mutable: e2eMinor >= 36 })],
];

describe(`Kubernetes ${e2eVersion}'s update rules: the plan predicts what the API server does`, () => {
  test.each(CASES)('%s', async (_name, make) => {
    // GIVEN the Job as first applied
    const { before, after, mutable } = make();
    expect(kubectlApply(synthDir([before]))).toMatchObject({ status: 0 });

    // WHEN the changed Job is planned, and its apply tried with a server-side dry run
    const changed = synthDir([after]);
    const { plan } = await planLive(changed);
    const tried = kubectlApply(changed, true);

    // THEN the plan says what this version's rule says, and the API server agrees
    expect(plan.jobs.map((j: any) => j.action)).toEqual([mutable ? 'changed-in-place' : 'will-fail']);
    expect({ refused: tried.status !== 0, immutable: /field is immutable|can only be modified in tandem/.test(tried.output) })
      .toEqual({ refused: !mutable, immutable: !mutable });
  });
});
