import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as ts from 'typescript';
import { buildExampleApp } from '../../examples/app';
import { GitOpsMode, jobBaseName, JobPatternAnnotations, JobPatternLabels, validateManifests } from '../../index';
import { JobPattern } from '../../lib/core/catalogue';
import { isArgoCdHook } from '../../lib/validation/rules';
import { hasBaseName, Manifest } from '../util';

const root = path.resolve(__dirname, '..', '..');
const POLICY = JobPatternAnnotations.GITOPS_POLICY;
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

function exampleManifests(app: App = Testing.app()): Manifest[] {
  buildExampleApp(app);
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
}

/** The example app built from examples/app.ts as edited by `edit`: what a user gets after changing the source. */
function editedExampleManifests(edit: (source: string) => string): Manifest[] {
  const source = fs.readFileSync(path.join(root, 'examples', 'app.ts'), 'utf-8');
  const edited = edit(source);
  expect(edited).not.toBe(source);
  const js = ts.transpileModule(edited, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: { buildExampleApp?: typeof buildExampleApp } = {};
  const load = (id: string) => require(id.startsWith('.') ? path.join(root, 'examples', id) : id);
  new Function('exports', 'require', 'module', js)(exports, load, { exports });
  const app = Testing.app();
  exports.buildExampleApp!(app);
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
}

/** The one Job whose base name is `name` (its name, or its name plus the spec hash). */
function jobNamed(manifests: Manifest[], name: string): Manifest {
  const found = manifests.filter(m => m.kind === 'Job' && hasBaseName(m, name));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The name of an object without the spec hash of a run-once-per-spec Job. */
const baseName = (m: Manifest) => jobBaseName(m);

/** `after` differs from `before` only in the objects `changed` accepts, in the way `expectChange` checks. */
function expectOnlyChanged(before: Manifest[], after: Manifest[], changed: (m: Manifest) => boolean, expectChange: (b: Manifest, a: Manifest) => void): void {
  expect(after.map(m => `${m.kind}/${baseName(m)}`)).toEqual(before.map(m => `${m.kind}/${baseName(m)}`));
  let count = 0;
  for (const [i, b] of before.entries()) {
    if (changed(b)) {
      count++;
      expectChange(b, after[i]);
    } else {
      expect(after[i]).toEqual(b);
    }
  }
  expect(count).toBe(1);
}

describe('example app', () => {
  const manifests = exampleManifests();

  test('has a Job of every pattern in the catalogue (the e2e and Argo CD suites run what it holds)', () => {
    // GIVEN the patterns of the catalogue
    const patterns = Object.values(JobPattern).filter(p => p !== JobPattern.CUSTOM).sort();
    // WHEN the example app's Jobs are read by their pattern annotation
    const present = new Set(manifests.filter(m => m.kind === 'Job').map(m => m.metadata.annotations?.[JobPatternAnnotations.PATTERN]));
    // THEN each pattern is there: an example removed from the app fails here, naming its pattern
    expect(patterns.filter(p => !present.has(p))).toEqual([]);
  });

  test('golden YAML', () => {
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  // Each seed example keeps its meaning: [base name, completions, parallelism, backoffLimit, deadline, ttl, restartPolicy, command]
  const seeds: Array<[string, number | undefined, number | undefined, number, number, number | undefined, string, string]> = [
    ['job-demo', 1, 1, 3, 3600, undefined, 'Never', 'for i in $(seq 1 10); do echo $i; done'],
    ['pi', 1, 1, 4, 3600, undefined, 'Never', 'print bpi(2000)'],
    // The seed's TTL, kept on a hook (a TTL on a tracked Job makes Argo CD re-run it).
    ['pi-with-ttl', 1, 1, 3, 3600, 100, 'Never', 'print bpi(2000)'],
    ['pi-with-timeout', 1, 1, 5, 100, undefined, 'Never', 'print bpi(2000)'],
    ['two-times', 1, 1, 3, 3600, undefined, 'Never', 'for i in $(seq 10);do echo $(($i*2));done'],
    ['unlucky-never', 1, 1, 3, 3600, undefined, 'Never', 'echo $HOSTNAME failed on $(date) ; exit 1'],
    ['unlucky-onfailure', 1, 1, 3, 3600, undefined, 'OnFailure', 'echo $HOSTNAME failed on $(date) ; exit 1'],
    ['even-seconds', 6, 2, 3, 3600, undefined, 'Never', 'if [ $((n%2)) -eq 0 ]'],
    // The book's externally coordinated batch: completions unset, three workers on the ticket queue.
    ['multiplier', undefined, 3, 3, 3600, undefined, 'Never', 'nc -w 1 $QUEUE_HOST $QUEUE_PORT'],
    // The Kubernetes docs' Redis work queue (queue with variable pod count).
    ['job-wq-2', undefined, 2, 3, 3600, undefined, 'Never', 'LPOP'],
    // The Kubernetes docs' coarse work queue (queue with pod per work item), on Redis.
    ['job-wq-1', 8, 2, 3, 3600, undefined, 'Never', 'LPOP'],
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
    // 19 Jobs (the 11 of the table above, two fillers, three expansion items, Indexed, controller, pod-to-pod, job-wq-1) and the three queue Deployments.
    expect(templates).toHaveLength(22);
    expect(manifests.filter(m => m.kind === 'Deployment').length).toBe(3);
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
    const written = Yaml.load(path.join(outdir, 'seeds.k8s.yaml')) as Manifest[];
    fs.rmSync(outdir, { recursive: true, force: true });
    // The seeds' Jobs, the two Redis fillers, three template-expansion Jobs, the Indexed Job, the controller Job and the pod-to-pod Job.
    expect(written.filter(m => m.kind === 'Job').map(baseName).sort()).toEqual([
      ...seeds.map(s => s[0]), 'job-wq-1-filler', 'job-wq-2-filler', 'process-item-apple', 'process-item-banana', 'process-item-cherry', 'indexed-job', 'pi-driver', 'ring',
    ].sort());
  });
});

describe('example app under Argo CD', () => {
  const manifests = exampleManifests();
  const jobs = manifests.filter(m => m.kind === 'Job');

  test('each policy is shown: most Jobs run once per spec, pi-with-ttl is a PostSync hook, indexed-job is re-created on change', () => {
    const policies = Object.fromEntries(jobs.map(m => [baseName(m), m.metadata.annotations![POLICY]]));
    expect(policies['pi-with-ttl']).toBe(GitOpsMode.HOOK);
    expect(policies['indexed-job']).toBe(GitOpsMode.RECREATE_ON_CHANGE);
    const others = Object.entries(policies).filter(([name]) => name !== 'pi-with-ttl' && name !== 'indexed-job');
    expect(others.length).toBe(jobs.length - 2);
    expect(new Set(others.map(([, policy]) => policy))).toEqual(new Set([GitOpsMode.RUN_ONCE_PER_SPEC]));

    expect(jobNamed(manifests, 'pi-with-ttl').metadata).toMatchObject({
      name: 'pi-with-ttl',
      annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    });
    expect(jobNamed(manifests, 'indexed-job').metadata).toMatchObject({
      name: 'indexed-job',
      annotations: { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' },
    });
  });

  test('run-once-per-spec Jobs are named <name>-<8 hex>, valid DNS labels; their pod labels keep the base name', () => {
    const hashed = jobs.filter(j => j.metadata.annotations![POLICY] === GitOpsMode.RUN_ONCE_PER_SPEC);
    expect(hashed.length).toBe(jobs.length - 2);
    for (const m of hashed) {
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?-[0-9a-f]{8}$/);
      expect(m.metadata.name.length).toBeLessThanOrEqual(63);
      // The template expansion's Jobs are labelled with their group's name, every other Job with its base name.
      const labels = m.spec.template.metadata.labels;
      expect(labels['app.kubernetes.io/name']).toBe(labels[JobPatternLabels.GROUP] ?? baseName(m));
    }
  });

  test('no Job has a TTL unless it is an Argo CD hook', () => {
    const withTtl = jobs.filter(m => m.spec.ttlSecondsAfterFinished !== undefined);
    expect(withTtl.map(baseName)).toEqual(['pi-with-ttl']);
    for (const m of withTtl) {
      expect(isArgoCdHook(m.metadata.annotations ?? {})).toBe(true);
    }
  });

  test('the gitops rules find nothing', () => {
    expect(validateManifests(manifests).findings.filter(f => f.ruleId.startsWith('gitops/'))).toEqual([]);
  });

  test('the output is the same on every synth (the hashes are deterministic)', () => {
    expect(exampleManifests()).toEqual(manifests);
  });

  test('changing a Job\'s command in examples/app.ts changes its name under runOncePerSpec, and nothing else', () => {
    // GIVEN / WHEN: job-demo counts to 11 instead of 10
    const edited = editedExampleManifests(source => source.replace("'for i in $(seq 1 10); do echo $i; done'", "'for i in $(seq 1 11); do echo $i; done'"));

    // THEN
    const isJobDemo = (m: Manifest) => m.kind === 'Job' && hasBaseName(m, 'job-demo');
    expectOnlyChanged(manifests, edited, isJobDemo, (before, after) => {
      expect(after.metadata.name).toMatch(/^job-demo-[0-9a-f]{8}$/);
      expect(after.metadata.name).not.toBe(before.metadata.name);
      expect(after.spec.template.spec.containers[0].command[2]).toBe('for i in $(seq 1 11); do echo $i; done');
      // Nothing but the name and the command changed.
      const restored = JSON.parse(JSON.stringify(after));
      restored.metadata.name = before.metadata.name;
      restored.spec.template.spec.containers[0].command = before.spec.template.spec.containers[0].command;
      expect(restored).toEqual(before);
    });
  });

  test('changing the template expansion\'s command renames its three Jobs, and nothing else', () => {
    const edited = editedExampleManifests(source => source.replace('echo Processing item {{item}} && sleep 5', 'echo Processing item {{item}} && sleep 6'));
    const renamed = edited.filter((m, i) => m.metadata.name !== manifests[i].metadata.name);
    expect(renamed.map(baseName)).toEqual(['process-item-apple', 'process-item-banana', 'process-item-cherry']);
    expect(edited.filter(m => !renamed.includes(m))).toEqual(manifests.filter(m => !(m.kind === 'Job' && baseName(m).startsWith('process-item-'))));
  });

  test('changing one item of the template expansion replaces that item\'s Job only', () => {
    const edited = editedExampleManifests(source => source.replace("WorkItems.fromList(['apple', 'banana', 'cherry'])", "WorkItems.fromList(['apple', 'banana', 'cherries'])"));
    expect(edited.filter(m => m.kind === 'Job' && baseName(m) === 'process-item-cherries')).toHaveLength(1);
    expect(edited.filter(m => !(m.kind === 'Job' && baseName(m) === 'process-item-cherries')))
      .toEqual(manifests.filter(m => !(m.kind === 'Job' && baseName(m) === 'process-item-cherry')));
  });

  // Every Job of the example, changed one at a time through a JSON patch on its command (the same
  // thing, for a Job whose command is shared with others in examples/app.ts, or made by a pattern).
  const jobNames = jobs.map(baseName);
  test.each(jobNames)('a changed command of %s changes its name only under runOncePerSpec, and nothing else', name => {
    // GIVEN
    const app = Testing.app();
    buildExampleApp(app);
    const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Job');
    const target = objects.filter(o => hasBaseName(o.toJson(), name));
    expect(target).toHaveLength(1);

    // WHEN
    target[0].addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/command/-', 'changed'));
    const after = app.charts.flatMap(c => c.toJson()) as Manifest[];
    // A headless Service that selects the Job's pods (PodToPodJob) follows the Job's new name, as it must.
    const oldName = jobs.find(m => baseName(m) === name)!.metadata.name;
    const newName = after.find(m => m.kind === 'Job' && baseName(m) === name)!.metadata.name;
    for (const service of after.filter(m => m.kind === 'Service' && m.spec.selector?.[JOB_NAME_LABEL] === newName && newName !== oldName)) {
      service.spec.selector[JOB_NAME_LABEL] = oldName;
    }

    // THEN
    expectOnlyChanged(manifests, after, m => m.kind === 'Job' && baseName(m) === name, (before, changed) => {
      expect(changed.spec.template.spec.containers[0].command).toEqual([...before.spec.template.spec.containers[0].command, 'changed']);
      if (before.metadata.annotations![POLICY] === GitOpsMode.RUN_ONCE_PER_SPEC) {
        expect(changed.metadata.name).not.toBe(before.metadata.name);
        expect(baseName(changed)).toBe(baseName(before));
      } else {
        expect(changed.metadata.name).toBe(before.metadata.name);
      }
    });
  });
});
