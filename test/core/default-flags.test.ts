// Pinned defaults (lib/core/default-flags.ts): an app pinned to a release writes that release's
// YAML byte for byte, whatever version of the library synthesizes it.
//
// The YAML kept here is what the releases wrote for released-app.ts:
//   released-0.1.0.k8s.yaml  the sources of commit bd060d1 (0.1.0), `app.synthYaml()` of
//                            buildReleasedApp(new App()) run with ts-node in `git archive bd060d1`
//   released-0.2.0.k8s.yaml  the same, run against the packed 0.2.0 (cdk8s-job-patterns-0.2.0.tgz,
//                            commit dfa0b88) installed with cdk8s 2.70.106, cdk8s-plus-28 2.5.6,
//                            the import changed to 'cdk8s-job-patterns'
// Between the two, only the two 0.2 defaults differ (imagePullPolicy, terminationMessagePolicy).
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DefaultFlag, JobDefault, JobPatternDefaults, SingleBatchJob } from '../../index';
import { Manifest } from '../../lib/runtime/manifests';
import { PlanAction, planChanges } from '../../lib/runtime/plan';
import { CONTAINER, job } from '../util';
import { buildReleasedApp } from '../defaults/released-app';

const released = (version: string) => fs.readFileSync(path.join(__dirname, '..', 'defaults', `released-${version}.k8s.yaml`), 'utf-8');
const INSTALLED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version.split('.').slice(0, 2).join('.');
const NOTICE_HEAD = 'cdk8s-job-patterns: defaults pinned to';

/** The released app's YAML, synthesized by this library with `pin` applied first (nothing when undefined). */
function releasedAppYaml(pin?: (app: App) => void): string {
  const app = Testing.app();
  pin?.(app);
  buildReleasedApp(app);
  return app.synthYaml();
}

/** `text` with each `-<8 hex>` name suffix masked and the lines matching `drop` removed. */
function normalized(text: string, drop?: RegExp): string {
  return text.split('\n').filter(l => drop === undefined || !drop.test(l)).join('\n').replace(/-[0-9a-f]{8}$/gm, '-<hash>');
}

/** The names of the Jobs of `yaml` (in order). */
function jobNames(yaml: string): string[] {
  return [...yaml.matchAll(/^kind: Job\nmetadata:\n(?:  .*\n)*?  name: (\S+)$/gm)].map(m => m[1]);
}

let stderr: jest.SpyInstance;
beforeEach(() => {
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => stderr.mockRestore());

/** What was written to stderr by pin notices. */
const notices = () => stderr.mock.calls.map(c => String(c[0])).filter(s => s.startsWith(NOTICE_HEAD));

describe('an app pinned to a release writes that release\'s YAML, byte for byte', () => {
  test('pinned to 0.1: the YAML 0.1.0 wrote (cdk8s-plus\' imagePullPolicy Always, no terminationMessagePolicy), queue servers included', () => {
    expect(releasedAppYaml(app => JobPatternDefaults.pin(app, '0.1'))).toEqual(released('0.1.0'));
  });

  test.each(['0.2', '0.2.0', 'v0.2', '0.2.7'])('pinned to %s: the YAML 0.2.0 wrote (a patch number is ignored)', version => {
    expect(releasedAppYaml(app => JobPatternDefaults.pin(app, version))).toEqual(released('0.2.0'));
  });

  test('an app that pins nothing gets the newest defaults: every flag on, the YAML of a pin to the installed version with the unreleased flags on', () => {
    // GIVEN / WHEN
    const unpinned = releasedAppYaml();

    // THEN
    expect(unpinned).toEqual(releasedAppYaml(app => JobPatternDefaults.pin(app, INSTALLED, { enable: [...DefaultFlag.all()] })));
    const defaults = JobPatternDefaults.of(Testing.app());
    expect([defaults.version, defaults.flags, defaults.notUsing]).toEqual([undefined, DefaultFlag.all(), []]);
  });

  test('0.1 and 0.2 differ in exactly the two 0.2 flags, and every Job but the hook and the stable names is renamed', () => {
    const drop = /^ {10}(imagePullPolicy: Always|terminationMessagePolicy: FallbackToLogsOnError)$/;
    expect(normalized(released('0.1.0'), drop)).toEqual(normalized(released('0.2.0'), drop));
    expect(jobNames(released('0.1.0')).filter(n => jobNames(released('0.2.0')).includes(n))).toEqual(['smoke-test', 'by-hand', 'shards']);
  });
});

describe('turning one flag on changes only what it names', () => {
  test('TERMINATION_MESSAGE_FALLBACK_TO_LOGS on 0.1: every container gets the policy, nothing else changes', () => {
    // WHEN
    const yaml = releasedAppYaml(app => JobPatternDefaults.pin(app, '0.1', { enable: [DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS] }));

    // THEN
    expect(normalized(yaml, /^ {10}terminationMessagePolicy: FallbackToLogsOnError$/)).toEqual(normalized(released('0.1.0')));
    expect(yaml.split('terminationMessagePolicy: FallbackToLogsOnError').length - 1).toBe(16);
    expect(jobNames(yaml).filter(n => !jobNames(released('0.1.0')).includes(n))).toHaveLength(9);
  });

  test('IMAGE_PULL_POLICY_FROM_KUBERNETES on 0.1: Always goes, a container\'s own policy stays, and that Job keeps its name', () => {
    // WHEN
    const yaml = releasedAppYaml(app => JobPatternDefaults.pin(app, '0.1', { enable: [DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES] }));

    // THEN
    expect(normalized(yaml)).toEqual(normalized(released('0.1.0'), /^ {10}imagePullPolicy: Always$/));
    expect(yaml).toContain('imagePullPolicy: IfNotPresent');
    const renamed = jobNames(yaml).filter(n => !jobNames(released('0.1.0')).includes(n));
    expect(renamed.map(n => n.replace(/-[0-9a-f]{8}$/, ''))).toEqual(['migrate', 'render', 'backfill-2024', 'backfill-2025', 'fruit-filler', 'fruit', 'tickets', 'driver']);
  });

  test('job-patterns plan of that flag against 0.1.0 names exactly those Jobs: 8 run again, the recreateOnChange() one is replaced, the none() one would fail to sync', () => {
    // GIVEN
    const parse = (yaml: string) => parseAllDocuments(yaml).map(d => d.toJS() as Manifest);
    const yaml = releasedAppYaml(app => JobPatternDefaults.pin(app, '0.1', { enable: [DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES] }));

    // WHEN
    const plan = planChanges(parse(yaml), parse(released('0.1.0')), { baseline: '0.1.0' });

    // THEN
    const by = (action: PlanAction) => plan.jobs.filter(j => j.action === action).map(j => j.name.replace(/-[0-9a-f]{8}$/, ''));
    expect(by(PlanAction.RUNS_AGAIN)).toEqual(['migrate', 'render', 'backfill-2024', 'backfill-2025', 'fruit-filler', 'fruit', 'tickets', 'driver']);
    expect([by(PlanAction.REPLACED), by(PlanAction.WILL_FAIL), by(PlanAction.HOOK), by(PlanAction.UNCHANGED)]).toEqual([['shards'], ['by-hand'], ['smoke-test'], ['own-pull-policy']]);
    expect(plan.exitCode).toBe(5);
  });

  test('both flags on 0.1 are the YAML of 0.2.0', () => {
    const both = [DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES, DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS];
    expect(releasedAppYaml(app => JobPatternDefaults.pin(app, '0.1', { enable: both }))).toEqual(released('0.2.0'));
  });

  test('from JavaScript, a flag may be given by its name', () => {
    const defaults = JobPatternDefaults.pin(Testing.app(), '0.1', { enable: ['terminationMessageFallbackToLogs' as unknown as DefaultFlag] });
    expect(defaults.flags).toEqual([DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS]);
  });
});

describe('where the pin applies', () => {
  test('a chart may pin its own defaults under the app\'s; the nearest pin wins', () => {
    // GIVEN
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.1');
    const old = new Chart(app, 'old');
    const added = new Chart(app, 'added');
    JobPatternDefaults.pin(added, '0.2');

    // WHEN
    new SingleBatchJob(old, 'a', { metadata: { name: 'a' }, container: CONTAINER });
    new SingleBatchJob(added, 'b', { metadata: { name: 'b' }, container: CONTAINER });

    // THEN
    expect([JobPatternDefaults.of(old).version, JobPatternDefaults.of(added).version]).toEqual(['0.1', '0.2']);
    expect(job(old).spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always' });
    expect(job(old).spec.template.spec.containers[0].terminationMessagePolicy).toBeUndefined();
    expect(job(added).spec.template.spec.containers[0]).toMatchObject({ terminationMessagePolicy: 'FallbackToLogsOnError' });
    expect(job(added).spec.template.spec.containers[0].imagePullPolicy).toBeUndefined();
  });

  test('a default the pin leaves out may still be set or omitted by the Job (no "omitted and set" error)', () => {
    // GIVEN
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.1');
    const c = new Chart(app, 'c');

    // WHEN
    new SingleBatchJob(c, 'a', { metadata: { name: 'a' }, container: CONTAINER, omitDefaults: [JobDefault.TERMINATION_MESSAGE_POLICY] });

    // THEN
    expect(job(c).spec.template.spec.containers[0].terminationMessagePolicy).toBeUndefined();
  });
});

describe('cdk8s synth says once which newer defaults a pinned app does not use', () => {
  test('pinned to 0.1: one notice on stderr, naming the four newer flags and how to turn one on', () => {
    // GIVEN
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.1');
    for (const id of ['one', 'two']) new SingleBatchJob(new Chart(app, id), 'a', { metadata: { name: id }, container: CONTAINER });

    // WHEN
    app.synth();
    app.synth();

    // THEN
    expect(notices()).toEqual([[
      'cdk8s-job-patterns: defaults pinned to 0.1 (app); not using 4 newer default(s):',
      "  imagePullPolicyFromKubernetes (0.2): imagePullPolicy is left to Kubernetes (IfNotPresent for a tagged image) instead of cdk8s-plus' Always",
      "  terminationMessageFallbackToLogs (0.2): terminationMessagePolicy: FallbackToLogsOnError on every container: a failed container's log tail stays in the pod's status",
      '  tmpVolume (0.3): a writable emptyDir (job-patterns-tmp, 1Gi, on disk) at /tmp in every container: temporary files work under the read-only root file system',
      "  redisAcceptsPods (0.3): the work queue's Redis runs with --protected-mode no, so the filler and the workers (other pods) may use it",
      "  Turn one on with JobPatternDefaults.pin(app, '0.1', { enable: [DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES] }); `job-patterns plan` lists the Jobs it runs again.",
      '',
    ].join('\n')]);
  });

  test('pinned to 0.1 with one flag on: the notice names only the others', () => {
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.1', { enable: [DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES] });
    new SingleBatchJob(new Chart(app, 'c'), 'a', { metadata: { name: 'a' }, container: CONTAINER });
    app.synth();
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain('not using 3 newer default(s):\n  terminationMessageFallbackToLogs (0.2)');
    expect(notices()[0]).toContain('\n  tmpVolume (0.3)');
  });

  test('pinned to 0.2: the notice names the flags of 0.3', () => {
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.2');
    new SingleBatchJob(new Chart(app, 'c'), 'a', { metadata: { name: 'a' }, container: CONTAINER });
    app.synth();
    expect(notices()).toEqual([expect.stringContaining("not using 2 newer default(s):\n  tmpVolume (0.3): a writable emptyDir")]);
    expect(notices()[0]).toContain('\n  redisAcceptsPods (0.3): ');
    expect(notices()[0]).toContain("JobPatternDefaults.pin(app, '0.2', { enable: [DefaultFlag.TMP_VOLUME] })");
  });

  test.each([['pinned to the installed version with the unreleased flags on', true], ['pinning nothing', false]])('nothing when %s', (_name, pinned) => {
    const app = Testing.app();
    if (pinned) JobPatternDefaults.pin(app, INSTALLED, { enable: [...DefaultFlag.all()] });
    new SingleBatchJob(new Chart(app, 'c'), 'a', { metadata: { name: 'a' }, container: CONTAINER });
    app.synth();
    expect(notices()).toEqual([]);
  });
});

describe('the table of flags', () => {
  test('each flag has a unique name, a release from 0.2 to the one after the installed one (unreleased), a summary, and reads as code', () => {
    const flags = DefaultFlag.all();
    expect(new Set(flags.map(f => f.name)).size).toBe(flags.length);
    for (const flag of flags) {
      const [major, minor] = flag.since.split('.').map(Number);
      const [iMajor, iMinor] = INSTALLED.split('.').map(Number);
      expect([flag.name, /^\d+\.\d+$/.test(flag.since), major * 1000 + minor >= 2 && major * 1000 + minor <= iMajor * 1000 + iMinor + 1, flag.summary.length > 20])
        .toEqual([flag.name, true, true, true]);
    }
    expect(flags.map(String)).toEqual(['DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES', 'DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS', 'DefaultFlag.TMP_VOLUME', 'DefaultFlag.REDIS_ACCEPTS_PODS']);
  });

  test('docs/pinned-defaults.md lists every flag with its release', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pinned-defaults.md'), 'utf-8');
    for (const flag of DefaultFlag.all()) {
      expect(doc).toContain(`| \`${flag}\` (\`'${flag.name}'\`) | ${flag.since} |`);
    }
  });
});

describe('errors', () => {
  test.each([
    ['0.0'], ['0.9'], ['1.0'], ['latest'], [''],
  ])('fails when the version is %j', version => {
    expect(() => JobPatternDefaults.pin(Testing.app(), version)).toThrow(
      ` (App): 'version' of JobPatternDefaults.pin must be a release of cdk8s-job-patterns from '0.1' to the installed '${INSTALLED}', got '${version}'. Pin the version the app's YAML was first synthesized with (package.json's cdk8s-job-patterns when it was created), as 'major.minor'; a newer default is turned on with enable.`);
  });

  test('fails when the version is a number (JavaScript)', () => {
    expect(() => JobPatternDefaults.pin(Testing.app(), 0.2 as unknown as string)).toThrow(`(App): 'version' of JobPatternDefaults.pin must be a release of cdk8s-job-patterns from '0.1' to the installed '${INSTALLED}', got 0.2.`);
  });

  test('fails when a flag name is unknown, naming the closest', () => {
    expect(() => JobPatternDefaults.pin(Testing.app(), '0.1', { enable: ['imagePullPolicyFromKubernets' as unknown as DefaultFlag] })).toThrow(
      " (App): 'enable[0]' of JobPatternDefaults.pin is not a default flag of cdk8s-job-patterns, got 'imagePullPolicyFromKubernets'. Did you mean DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES ('imagePullPolicyFromKubernetes')?");
  });

  test('fails when a flag is nothing like one, listing them all', () => {
    expect(() => JobPatternDefaults.pin(Testing.app(), '0.1', { enable: [DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS, undefined as unknown as DefaultFlag] })).toThrow(
      " (App): 'enable[1]' of JobPatternDefaults.pin is not a default flag of cdk8s-job-patterns, got undefined. Use one of DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES ('imagePullPolicyFromKubernetes'), DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS ('terminationMessageFallbackToLogs'), DefaultFlag.TMP_VOLUME ('tmpVolume'), DefaultFlag.REDIS_ACCEPTS_PODS ('redisAcceptsPods').");
  });

  test('fails when enable is not an array', () => {
    expect(() => JobPatternDefaults.pin(Testing.app(), '0.1', { enable: DefaultFlag.TERMINATION_MESSAGE_FALLBACK_TO_LOGS as unknown as DefaultFlag[] })).toThrow(
      " (App): 'enable' of JobPatternDefaults.pin must be an array of DefaultFlag, got {");
  });

  test('fails when the scope already has constructs', () => {
    const c = Testing.chart();
    new SingleBatchJob(c, 'a', { container: CONTAINER });
    expect(() => JobPatternDefaults.pin(c, '0.1')).toThrow(
      "test (Chart): 'JobPatternDefaults.pin' must come before any construct is added to the scope it pins (the constructs already there were made with other defaults), got [\"a\"]. Call JobPatternDefaults.pin(test, ...) right after creating the chart.");
  });

  test('fails when the same scope is pinned twice', () => {
    const app = Testing.app();
    JobPatternDefaults.pin(app, '0.1');
    expect(() => JobPatternDefaults.pin(app, '0.2')).toThrow(
      " (App): 'JobPatternDefaults.pin' is called a second time for the same scope (pinned to 0.1), got '0.2'. Keep one JobPatternDefaults.pin(app, ...) call.");
  });
});
