import { App, Chart, Testing } from 'cdk8s';
import {
  BatchJob, CompletionMode, FixedCompletionJob, KubernetesVersion, ManifestValidation, SingleBatchJob, validateManifests, warningsOf,
} from '../../index';
import { FIELD_MATURITY } from '../../lib/validation/maturity';
import { chart, CONTAINER, podSpec, synth } from '../util';

const SIDECAR = { name: 'logshipper', image: 'alpine:3.20.3', command: ['sh', '-c', 'tail -F /opt/logs.txt'] };

/** A chart in an app whose YAML is for `version`. */
function chartFor(version: string): Chart {
  const app = Testing.app();
  KubernetesVersion.of(version).applyTo(app);
  return new Chart(app, 'c');
}

describe('KubernetesVersion', () => {
  test('names every minor from 1.28 to 1.37', () => {
    expect(['1.28', 'v1.33', '1.37.2'].map(v => KubernetesVersion.of(v).toString())).toEqual(['1.28', '1.33', '1.37']);
  });

  test.each(['1.27', '1.38', 'latest'])('fails when the version is %s', version => {
    expect(() => KubernetesVersion.of(version)).toThrow(`Kubernetes version '${version}' is not supported: use one from 1.28 to 1.37 (e.g. '1.33').`);
  });

  test('an app or a chart states its version; 1.28 by default', () => {
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    const newer = new Chart(app, 'newer');
    KubernetesVersion.V1_37.applyTo(newer);
    expect([KubernetesVersion.targetOf(plain).minor, KubernetesVersion.targetOf(newer).minor]).toEqual([28, 37]);
  });

  test('1.28 is the one default: validation without a version, and an app that names none', () => {
    expect(KubernetesVersion.DEFAULT).toBe(KubernetesVersion.V1_28);
    expect(KubernetesVersion.targetOf(Testing.app())).toBe(KubernetesVersion.DEFAULT);
    // A field 1.28 does not know is refused without a version, as with 1.28 named.
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { managedBy: 'kueue.x-k8s.io/multikueue', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36.1' }] } } } };
    const ids = (options: { kubernetesVersion?: string }) => validateManifests([job], options).errors.map(f => f.ruleId);
    expect(ids({})).toEqual(ids({ kubernetesVersion: '1.28' }));
  });

  test.each([
    ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['jobs'] }] }, validations: [{ expression: 'object.spec.backoffLimit <= 6' }] }],
    ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', { policyName: 'jobs', validationActions: ['Deny'] }],
    ['networking.k8s.io/v1', 'ServiceCIDR', { cidrs: ['10.96.0.0/16'] }],
  ])('a 1.37 target knows %s/%s; 1.28 does not', (apiVersion, kind, spec) => {
    // GIVEN an object of a kind 1.28 does not have
    const manifest = { apiVersion, kind, metadata: { name: 'x' }, spec };
    const unknownKind = (kubernetesVersion: string) => validateManifests([manifest], { kubernetesVersion }).findings.filter(f => f.ruleId === 'schema/unknown-kind');

    // THEN a 1.37 target checks it against its schema without a warning, and 1.28 warns
    expect(unknownKind('1.37')).toEqual([]);
    expect(validateManifests([manifest], { kubernetesVersion: '1.37' }).findings).toEqual([]);
    expect(unknownKind('1.28').map(f => f.message)).toEqual([`${apiVersion}/${kind} is not in the Kubernetes 1.28 schema; not checked`]);
  });

  test('the maturity table cites a source for every field', () => {
    for (const f of FIELD_MATURITY) {
      expect([f.field, f.alpha <= f.beta && f.beta <= f.ga, /KEP-\d+; feature gate \w+: alpha 1\.\d+, beta 1\.\d+, GA 1\.\d+/.test(f.source)]).toEqual([f.field, true, true]);
    }
  });
});

describe('native sidecars (sidecars)', () => {
  test('render as init containers with restartPolicy Always, first, with the defaults', () => {
    // GIVEN / WHEN
    const c = chartFor('1.37');
    new SingleBatchJob(c, 'myjob', { metadata: { name: 'myjob' }, container: CONTAINER, sidecars: [SIDECAR], initContainers: [{ name: 'setup', image: 'busybox:1.36.1' }] });

    // THEN
    const init = podSpec(c).initContainers;
    expect(init.map((x: any) => [x.name, x.restartPolicy])).toEqual([['logshipper', 'Always'], ['setup', undefined]]);
    expect(init[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('fails for Kubernetes 1.28, naming the version where they work', () => {
    const c = chartFor('1.28');
    new SingleBatchJob(c, 'myjob', { metadata: { name: 'myjob' }, container: CONTAINER, sidecars: [SIDECAR] });
    expect(() => (c.node.root as App).synth()).toThrow(
      'problem:   initContainers[].restartPolicy (a native sidecar) is alpha on Kubernetes 1.28: without the SidecarContainers feature gate the API server drops it silently (on by default from 1.29), and the sidecar then runs as an init container that never ends: the pod never starts its containers, and the Job hangs until its deadline');
  });
});

describe('successPolicy', () => {
  const props = { metadata: { name: 'sp' }, completions: 10, parallelism: 10, completionMode: CompletionMode.INDEXED, successPolicy: [{ succeededIndexes: '0,2-3', succeededCount: 1 }], container: CONTAINER };

  test('is written for 1.37 and read back', () => {
    const c = chartFor('1.37');
    const job = new FixedCompletionJob(c, 'sp', props);
    expect(synth(c).find(m => m.kind === 'Job')!.spec.successPolicy).toEqual({ rules: [{ succeededIndexes: '0,2-3', succeededCount: 1 }] });
    expect(warningsOf(job)).toEqual([]);
  });

  test('fails for 1.28 (unknown there) and 1.30 (alpha: dropped, so the Job waits for every index)', () => {
    const errors = (version: string) => {
      const c = chartFor(version);
      new FixedCompletionJob(c, 'sp', props);
      return ManifestValidation.enable(c).report().errors.map(e => `${e.ruleId} ${e.path}: ${e.message}`);
    };
    expect(errors('1.28')).toEqual(['version/field spec.successPolicy: successPolicy does not exist on Kubernetes 1.28: it exists from 1.30 and is on by default from 1.31; the API server refuses it as an unknown field']);
    expect(errors('1.30')).toEqual(['version/field spec.successPolicy: successPolicy is alpha on Kubernetes 1.30: without the JobSuccessPolicy feature gate the API server drops it silently (on by default from 1.31), and the Job then succeeds only when every index succeeded, not when the success policy is met']);
  });

  test('fails when the Job is not Indexed', () => {
    expect(() => new BatchJob(chart(), 'sp', { container: CONTAINER, completions: 2, successPolicy: [{ succeededCount: 1 }] }))
      .toThrow("test/sp (BatchJob): 'successPolicy' needs completionMode 'Indexed', got [{\"succeededCount\":1}]. Set completionMode: CompletionMode.INDEXED, or remove successPolicy.");
  });

  test('fails when a rule names neither indexes nor a count', () => {
    expect(() => new BatchJob(chart(), 'sp', { container: CONTAINER, completions: 2, completionMode: CompletionMode.INDEXED, successPolicy: [{}] }))
      .toThrow("test/sp (BatchJob): 'successPolicy[0]' must name succeededIndexes, succeededCount or both, got {}.");
  });
});

describe('managedBy', () => {
  test('is written, and refused for a target where the built-in controller would run the Job too', () => {
    const build = (version: string) => {
      const c = chartFor(version);
      new BatchJob(c, 'mk', { metadata: { name: 'mk' }, container: CONTAINER, managedBy: 'kueue.x-k8s.io/multikueue' });
      return c;
    };
    expect(synth(build('1.37')).find(m => m.kind === 'Job')!.spec.managedBy).toBe('kueue.x-k8s.io/multikueue');
    expect(validateManifests(synth(build('1.37')), { kubernetesVersion: '1.31' }).errors.map(e => e.message)).toEqual([
      'managedBy is alpha on Kubernetes 1.31: without the JobManagedBy feature gate the API server drops it silently (on by default from 1.32), and the built-in Job controller then runs the Job as well as the controller it names',
    ]);
  });

  test('fails when it is not a domain-prefixed path', () => {
    expect(() => new BatchJob(chart(), 'mk', { container: CONTAINER, managedBy: 'kueue' }))
      .toThrow("test/mk (BatchJob): 'managedBy' must be a domain-prefixed path of the controller that runs the Job, got 'kueue'. Name the controller as its docs say, e.g. 'kueue.x-k8s.io/multikueue'.");
  });
});

describe('fields by target version', () => {
  test('a field alpha on the target without a behaviour change is a warning (podReplacementPolicy on 1.28), and none on 1.29', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { podReplacementPolicy: 'Failed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36.1' }] } } } };
    const versionFindings = (v: string) => validateManifests([job], { kubernetesVersion: v, skipRules: ['pss/*', 'resources/*'] }).findings.map(f => [f.ruleId, f.severity]);
    expect(versionFindings('1.28')).toEqual([['version/field', 'warning']]);
    expect(versionFindings('1.29')).toEqual([]);
  });
});
