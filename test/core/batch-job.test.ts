import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchJob, CompletionMode, GitOpsMode, GitOpsPolicy, JobDefault, JobPattern, JobPatternAnnotations, PodFailurePolicyAction, PodFailurePolicyOperator,
  ManifestValidation, PodReplacementPolicy, warningsOf,
} from '../../index';
import { chart, CONTAINER, furnishRichPod, job, nested, podSpec, RESTRICTED_CONTAINER_SECURITY_CONTEXT, RICH_POD_RESOURCES, synth } from '../util';

describe('BatchJob defaults', () => {
  test('each documented default is rendered and exposed', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const b = new BatchJob(c, 'job', { container: CONTAINER });

    // THEN
    const spec = job(c).spec;
    expect(spec.backoffLimit).toBe(3);
    expect(spec.activeDeadlineSeconds).toBe(3600);
    // The default GitOps policy runs the Job once per spec, tracked by Argo CD: no TTL.
    expect(spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(spec.template.spec.restartPolicy).toBe('Never');
    // A failed container's log tail is kept in the pod status; the pull policy is Kubernetes' own.
    expect(spec.template.spec.containers[0].terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(spec.template.spec.containers[0]).not.toHaveProperty('imagePullPolicy');
    expect(b.backoffLimit).toBe(3);
    expect(b.activeDeadline?.toSeconds()).toBe(3600);
    expect(b.ttlAfterFinished).toBeUndefined();
    expect(b.gitOps.mode).toBe(GitOpsMode.RUN_ONCE_PER_SPEC);
    expect(b.restartPolicy).toBe(kplus.RestartPolicy.NEVER);
    expect(b.pattern).toBe(JobPattern.CUSTOM);
    expect(b.suspend).toBe(false);
  });

  test('containers get resource requests and a memory limit, no cpu limit', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER });
    expect(podSpec(c).containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
  });

  test('pod and containers pass the restricted Pod Security Standard', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER, initContainers: [{ image: 'busybox:1.36.1', name: 'init' }] });
    const spec = podSpec(c);
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: 'Always',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of [...spec.containers, ...spec.initContainers]) {
      expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
    }
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('the container keeps its own settings over the defaults', () => {
    const c = chart();
    new BatchJob(c, 'job', {
      container: {
        ...CONTAINER,
        resources: { cpu: { request: kplus.Cpu.millis(250) } },
        securityContext: { readOnlyRootFilesystem: false },
      },
      securityContext: { user: 1000 },
    });
    const spec = podSpec(c);
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '250m' } });
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.securityContext.runAsUser).toBe(1000);
    expect(spec.securityContext.runAsGroup).toBe(65532);
  });

  test('every default can be left out (the restricted-profile rules then need skipping)', () => {
    const c = chart();
    ManifestValidation.enable(c, { skipRules: ['pss/*'] });
    new BatchJob(c, 'job', {
      container: CONTAINER,
      omitDefaults: Object.values(JobDefault),
    });
    const spec = job(c).spec;
    expect(spec.backoffLimit).toBeUndefined();
    expect(spec.activeDeadlineSeconds).toBeUndefined();
    expect(spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.template.spec.containers[0].resources).toBeUndefined();
    expect(spec.template.spec.securityContext.seccompProfile).toBeUndefined();
    expect(spec.template.spec.securityContext.runAsUser).toBeUndefined();
    expect(spec.template.spec.containers[0].securityContext.capabilities).toBeUndefined();
  });

  test.each([GitOpsPolicy.hook(), GitOpsPolicy.none()])('the default TTL of a day applies under %s', gitOps => {
    const c = chart();
    const b = new BatchJob(c, 'job', { container: CONTAINER, gitOps });
    expect(job(c).spec.ttlSecondsAfterFinished).toBe(86400);
    expect(b.ttlAfterFinished?.toSeconds()).toBe(86400);
  });

  test('a default can be overridden, 0 included', () => {
    const c = chart();
    const b = new BatchJob(c, 'job', { container: CONTAINER, backoffLimit: 0, ttlAfterFinished: Duration.seconds(0), gitOps: GitOpsPolicy.none() });
    expect(job(c).spec.backoffLimit).toBe(0);
    expect(job(c).spec.ttlSecondsAfterFinished).toBe(0);
    expect(b.backoffLimit).toBe(0);
  });
});

describe('BatchJob fields cdk8s-plus-28 lacks', () => {
  test('each is read back from the synthesized Job', () => {
    const c = chart();
    new BatchJob(c, 'job', {
      container: CONTAINER,
      completions: 4,
      parallelism: 2,
      completionMode: CompletionMode.INDEXED,
      suspend: true,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 2,
      podReplacementPolicy: PodReplacementPolicy.FAILED,
      podFailurePolicy: [
        { action: PodFailurePolicyAction.FAIL_JOB, onExitCodes: { containerName: 'main', operator: PodFailurePolicyOperator.IN, values: [42] } },
        { action: PodFailurePolicyAction.IGNORE, onPodConditions: [{ type: 'DisruptionTarget' }] },
      ],
    });
    const spec = job(c).spec;
    expect(spec.completions).toBe(4);
    expect(spec.parallelism).toBe(2);
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.suspend).toBe(true);
    expect(spec.backoffLimitPerIndex).toBe(1);
    expect(spec.maxFailedIndexes).toBe(2);
    expect(spec.podReplacementPolicy).toBe('Failed');
    expect(spec.podFailurePolicy).toEqual({
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    });
  });

  test('unset fields are not written', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER });
    const spec = job(c).spec;
    for (const field of ['completions', 'parallelism', 'completionMode', 'suspend', 'podFailurePolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy']) {
      expect(spec).not.toHaveProperty(field);
    }
    expect(spec.template.spec).not.toHaveProperty('imagePullSecrets');
  });

  test('imagePullSecrets: the private registries\' credentials, in order', () => {
    // GIVEN two pull secrets, one of them created in the app
    const c = chart();
    const own = new kplus.Secret(c, 'registry', { metadata: { name: 'registry-auth' }, type: 'kubernetes.io/dockerconfigjson' });
    const j = new BatchJob(c, 'job', {
      container: { image: 'registry.example.com/team/tool:1.2.0' },
      imagePullSecrets: [kplus.Secret.fromSecretName(c, 'shared', 'shared-registry'), own],
    });

    // THEN the pod reads them back, and the object model keeps them
    expect(job(c).spec.template.spec.imagePullSecrets).toEqual([{ name: 'shared-registry' }, { name: 'registry-auth' }]);
    expect(j.props.imagePullSecrets?.map(secret => secret.name)).toEqual(['shared-registry', 'registry-auth']);
  });
});

describe('BatchJob as a pod selector', () => {
  test('selects the pods of every run of the Job by its labels (cdk8s-plus\' own would throw)', () => {
    // GIVEN a Job in a namespace
    const c = chart();
    const j = new BatchJob(c, 'job', { metadata: { name: 'pi', namespace: 'batch' }, container: CONTAINER, partOf: 'math' });

    // WHEN it is a NetworkPolicy's peer
    const policy = new kplus.NetworkPolicy(c, 'policy', { selector: kplus.Pods.all(c, 'all') });
    policy.addIngressRule(j);

    // THEN the selector names the Job's labels, which its pod template carries
    const config = j.toPodSelectorConfig();
    expect(config.labelSelector._toKube()).toEqual({ matchLabels: j.labels, matchExpressions: undefined });
    expect(config.namespaces?.names).toEqual(['batch']);
    expect(job(c).spec.template.metadata.labels).toMatchObject(j.labels);
    const ingress = synth(c).find(m => m.kind === 'NetworkPolicy')!.spec.ingress[0].from[0];
    expect(ingress.podSelector).toEqual({ matchLabels: j.labels });
  });
});

describe('BatchJob pod model (cdk8s-plus)', () => {
  test('renders the pod exactly as a cdk8s-plus Job does with the same calls', () => {
    // GIVEN: the same pod on a BatchJob (defaults left out) and on a plain kplus.Job
    const c = chart();
    const ours = new BatchJob(c, 'ours', {
      metadata: { name: 'ours' },
      container: { ...CONTAINER, name: 'sidecar', resources: RICH_POD_RESOURCES },
      omitDefaults: Object.values(JobDefault),
      gitOps: GitOpsPolicy.none(),
    });
    const theirs = new kplus.Job(c, 'theirs', { metadata: { name: 'theirs' } });
    theirs.addContainer({ ...CONTAINER, name: 'sidecar', resources: RICH_POD_RESOURCES });
    ManifestValidation.enable(c, { skipRules: ['pss/*'] });

    // WHEN
    furnishRichPod(ours, c);
    furnishRichPod(theirs, c);

    // THEN: the same pod spec (kplus adds only its construct-path label to the template), but for
    // the pull policy, which kplus writes as Always and ours leaves to Kubernetes' default
    const specOf = (name: string) => synth(c).find(m => m.kind === 'Job' && m.metadata.name === name)!.spec.template.spec;
    const strip = (list: any[]) => list.map(({ imagePullPolicy: _, ...rest }: any) => rest);
    const withoutPullPolicy = (spec: any) => ({ ...spec, containers: strip(spec.containers), initContainers: strip(spec.initContainers) });
    expect(specOf('theirs').containers.map((x: any) => x.imagePullPolicy)).toEqual(['Always', 'Always']);
    expect(specOf('ours').containers.map((x: any) => x.imagePullPolicy)).toEqual([undefined, undefined]);
    expect(specOf('ours')).toEqual(withoutPullPolicy(specOf('theirs')));
    expect(specOf('ours').tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'batch' }]);
    expect(specOf('ours').affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }]);
    expect(specOf('ours').volumes).toEqual([{ name: 'cache', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(specOf('ours').containers.find((x: any) => x.name === 'main').resources)
      .toEqual({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
    // The typed model's setHostnameAsFqdn is written with the API's spelling.
    expect(specOf('ours').setHostnameAsFQDN).toBe(false);
    expect(specOf('ours')).not.toHaveProperty('setHostnameAsFqdn');
  });

  test('init containers added later get the defaults too', () => {
    const c = chart();
    const b = new BatchJob(c, 'job', { container: CONTAINER });
    b.addInitContainer({ ...CONTAINER, name: 'later' });
    const init = podSpec(c).initContainers[0];
    expect(init.name).toBe('later');
    expect(init.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
    expect(init.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  });

  test('a container added after construction is in the spec and in the hashed name', () => {
    const c = chart();
    const b = new BatchJob(c, 'job', { metadata: { name: 'job' }, container: CONTAINER });
    const before = b.name;
    b.addContainer({ ...CONTAINER, name: 'second' });
    expect(podSpec(c).containers.map((x: any) => x.name)).toEqual(['main', 'second']);
    expect(b.name).not.toBe(before);
    expect(job(c).metadata.name).toBe(b.name);
  });

  test('dns: the subdomain and hostname are written, and the object model has them', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const b = new BatchJob(c, 'job', { container: CONTAINER, dns: { subdomain: 'peers', hostname: 'leader' } });

    // THEN
    expect(podSpec(c)).toMatchObject({ subdomain: 'peers', hostname: 'leader', dnsPolicy: 'ClusterFirst' });
    expect([b.dns.subdomain, b.dns.hostname]).toEqual(['peers', 'leader']);
  });
});

describe('BatchJob metadata', () => {
  test('labels on Job and pod template, pattern annotation, no construct-path label', () => {
    const c = chart();
    new BatchJob(c, 'job', { metadata: { name: 'my-job' }, container: CONTAINER, partOf: 'billing', component: 'worker', pattern: JobPattern.SINGLE_BATCH });
    const m = job(c);
    const expected = {
      'app.kubernetes.io/name': 'my-job',
      'app.kubernetes.io/component': 'worker',
      'app.kubernetes.io/part-of': 'billing',
      'app.kubernetes.io/managed-by': 'cdk8s-job-patterns',
    };
    expect(m.metadata.labels).toEqual(expected);
    expect(m.spec.template.metadata.labels).toEqual(expected);
    expect(m.metadata.annotations).toEqual({ [JobPatternAnnotations.PATTERN]: 'single-batch', [JobPatternAnnotations.GITOPS_POLICY]: 'run-once-per-spec' });
    expect(m.spec.template.metadata.labels).not.toHaveProperty(kplus.Pod.ADDRESS_LABEL);
  });

  test('the pod template does not change when the construct moves', () => {
    const render = (path: string[]) => {
      const c = chart();
      new BatchJob(nested(c, path), 'job', { metadata: { name: 'stable' }, container: CONTAINER });
      return job(c).spec.template;
    };
    expect(render(['a'])).toEqual(render(['b', 'c']));
  });

  test('ApiObject.of() returns the Job', () => {
    const c = chart();
    const b = new BatchJob(c, 'job', { container: CONTAINER });
    expect(ApiObject.of(b).kind).toBe('Job');
    expect(ApiObject.of(b)).toBe(b.node.findChild('Resource'));
  });

  test('a generated name is a valid label value', () => {
    const c = chart();
    const b = new BatchJob(c, 'a-very-long-construct-id-that-goes-on-and-on-and-on-and-on-and-on-and-on', { container: CONTAINER });
    expect(b.name.length).toBeLessThanOrEqual(63);
    expect(b.baseName.length).toBeLessThanOrEqual(63);
    expect(job(c).metadata.name).toBe(b.name);
  });
});

describe('BatchJob warnings', () => {
  test('parallelism greater than completions', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER, completions: 2, parallelism: 5 });
    expect(warningsOf(c)).toEqual([{
      path: 'test/job',
      ruleId: 'job/parallelism-exceeds-completions',
      message: 'parallelism (5) is greater than completions (2): at most 2 pods run at once',
    }]);
  });

  test('alpha fields on Kubernetes 1.28', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER, completions: 2, completionMode: CompletionMode.INDEXED, backoffLimitPerIndex: 1 });
    expect(warningsOf(c).map(w => w.message)).toEqual([
      'backoffLimitPerIndex is alpha on Kubernetes 1.28: without the JobBackoffLimitPerIndex feature gate the API server drops it silently (on by default from 1.29)',
    ]);
  });

  test('no warning for the defaults: under every GitOps policy, a TTL only where Argo CD does not re-create the Job', () => {
    const c = chart();
    new BatchJob(c, 'default', { container: CONTAINER });
    new BatchJob(c, 'hook', { container: CONTAINER, gitOps: GitOpsPolicy.hook() });
    new BatchJob(c, 'recreate', { container: CONTAINER, gitOps: GitOpsPolicy.recreateOnChange() });
    new BatchJob(c, 'none', { container: CONTAINER, gitOps: GitOpsPolicy.none() });
    expect(warningsOf(c)).toEqual([]);
  });

  test('no warning for a plain Job without TTL', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER, completions: 2, parallelism: 2, omitDefaults: [JobDefault.TTL_AFTER_FINISHED] });
    expect(warningsOf(c)).toEqual([]);
  });
});
