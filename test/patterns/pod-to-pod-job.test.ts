import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOpsPolicy, HookPhase, JobPattern, PodToPodJob, validateManifests, warningsOf } from '../../index';
import { chart, CONTAINER, job, manifest, podSpec, synth } from '../util';

describe('PodToPodJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 3, container: CONTAINER });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(j.pattern).toBe(JobPattern.POD_TO_POD);
    expect([j.completions, j.parallelism, j.completionMode]).toEqual([3, 3, 'Indexed']);
    expect(j.serviceName).toBe('ring-peers');
    expect(j.service.name).toBe('ring-peers');
  });

  test('the pods are Indexed, all at once, in the headless Service\'s subdomain', () => {
    const c = chart();
    const j = new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 4, container: CONTAINER });
    expect(job(c).spec).toMatchObject({ completions: 4, parallelism: 4, completionMode: 'Indexed' });
    expect(podSpec(c).subdomain).toBe('ring-peers');
    expect(manifest(c, 'Service', 'ring-peers').spec).toEqual({
      clusterIP: 'None',
      selector: { 'batch.kubernetes.io/job-name': j.name },
    });
  });

  test('the Service selects the Job by its name as written, spec hash included', () => {
    const c = chart();
    const j = new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 2, container: CONTAINER });
    expect(j.name).toMatch(/^ring-[0-9a-f]{8}$/);
    expect(manifest(c, 'Service', 'ring-peers').spec.selector['batch.kubernetes.io/job-name']).toBe(job(c).metadata.name);
  });

  test('the main container gets the names the pods reach each other by, before its own env', () => {
    const c = chart();
    new PodToPodJob(c, 'ring', {
      metadata: { name: 'ring' },
      completions: 3,
      container: { ...CONTAINER, envVariables: { FIRST_PEER: { value: '$(JOB_NAME)-0.$(PEER_SUBDOMAIN)' } } as any },
    });
    expect(podSpec(c).containers[0].env).toEqual([
      { name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } },
      { name: 'PEER_SUBDOMAIN', value: 'ring-peers' },
      { name: 'PEER_COUNT', value: '3' },
      { name: 'FIRST_PEER', value: '$(JOB_NAME)-0.$(PEER_SUBDOMAIN)' },
    ]);
  });

  test('the Service is named after the Job, so the same id in two charts gives two Services', () => {
    const app = Testing.app();
    const [a, b] = ['a', 'b'].map(id => new PodToPodJob(new Construct(new Chart(app, id), 'team'), 'ring', { completions: 2, container: CONTAINER }));
    expect(a.serviceName).toBe(`${a.baseName}-peers`);
    expect(b.serviceName).toBe(`${b.baseName}-peers`);
    expect(a.serviceName).not.toBe(b.serviceName);
  });

  test('serviceName names the Service and the subdomain', () => {
    const c = chart();
    new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, serviceName: 'mesh', completions: 2, container: CONTAINER });
    expect(podSpec(c).subdomain).toBe('mesh');
    expect(manifest(c, 'Service', 'mesh').metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'ring', 'app.kubernetes.io/component': 'peers' });
  });

  test('under a hook the Service is a hook of the same phase, one wave earlier', () => {
    const c = chart();
    new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 2, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), container: CONTAINER });
    expect(manifest(c, 'Service', 'ring-peers').metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '-1',
    });
  });

  test('the Service comes before the Job, and everything validates without a warning', () => {
    const c = chart();
    new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 2, container: CONTAINER });
    expect(synth(c).map(o => o.kind)).toEqual(['Service', 'Job']);
    expect(validateManifests(synth(c)).findings).toEqual([]);
    expect(warningsOf(c)).toEqual([]);
  });

  test('the rule job/pattern-shape rejects a pod-to-pod Job whose pods do not all run at once', () => {
    const c = chart();
    new PodToPodJob(c, 'ring', { metadata: { name: 'ring' }, completions: 3, container: CONTAINER });
    const manifests = synth(c);
    manifests.find(o => o.kind === 'Job')!.spec.parallelism = 2;
    expect(validateManifests(manifests).errors.map(f => [f.ruleId, f.message])).toEqual([[
      'job/pattern-shape', "pattern 'pod-to-pod' needs completionMode 'Indexed' and parallelism equal to completions (every pod runs at once), found completions 3, parallelism 2, completionMode Indexed",
    ]]);
  });

  test('fails when dns.subdomain is given', () => {
    expect(() => new PodToPodJob(chart(), 'ring', { completions: 2, dns: { subdomain: 'other' }, container: CONTAINER }))
      .toThrow("test/ring (PodToPodJob): 'dns.subdomain' is set by PodToPodJob to its headless Service, got 'other'. Remove dns.subdomain; name the Service with serviceName.");
  });

  test('fails when the container sets one of the pattern\'s env vars', () => {
    expect(() => new PodToPodJob(chart(), 'ring', { completions: 2, container: { ...CONTAINER, envVariables: { PEER_COUNT: { value: '9' } } as any } }))
      .toThrow("test/ring (PodToPodJob): 'container.envVariables.PEER_COUNT' is set by PodToPodJob (the names the pods reach each other by), got '9'. Remove it; build a peer's name as $(JOB_NAME)-<index>.$(PEER_SUBDOMAIN).");
  });

  test('fails when the Service name would start with a digit', () => {
    expect(() => new PodToPodJob(chart(), 'ring', { metadata: { name: '2ring' }, completions: 2, container: CONTAINER }))
      .toThrow("test/ring (PodToPodJob): 'metadata.name' must be a DNS-1035 label of at most 63 characters (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), because it names the pods' headless Service, got '2ring-peers'. Set serviceName to a name that starts with a letter, or give the Job a metadata.name that does.");
  });

  test('fails when completions is 0', () => {
    expect(() => new PodToPodJob(chart(), 'ring', { completions: 0, container: CONTAINER }))
      .toThrow("test/ring (PodToPodJob): 'completions' must be a whole number >= 1, got 0.");
  });
});
