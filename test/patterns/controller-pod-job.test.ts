import * as kplus from 'cdk8s-plus-28';
import { ControllerPodJob, GitOpsPolicy, HookPhase, JobPattern } from '../../index';
import { chart, CONTAINER, job, manifest, podSpec, synth } from '../util';

const DRIVER: kplus.ContainerProps = { image: 'example.com/spark-driver:3.5.1' };

describe('ControllerPodJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new ControllerPodJob(c, 'spark-driver', { metadata: { name: 'spark-driver' }, container: DRIVER });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(j.completions).toBe(1);
    expect(j.parallelism).toBe(1);
    expect(j.pattern).toBe(JobPattern.CONTROLLER_POD);
    expect(j.rules).toBe(ControllerPodJob.DEFAULT_RULES);
    expect(j.serviceAccount?.name).toBe('spark-driver');
    // a RoleBinding subject as cdk8s-plus' ServiceAccount is one (a RoleBinding writes the core group 'core' as '')
    expect(j.serviceAccount?.toSubjectConfiguration()).toEqual({ kind: 'ServiceAccount', apiGroup: 'core', name: 'spark-driver', namespace: undefined });
    expect(j.role.name).toBe('spark-driver');
    expect(j.roleBinding.name).toBe('spark-driver');
    expect(manifest(c, 'RoleBinding', 'spark-driver').subjects).toEqual([{ kind: 'ServiceAccount', apiGroup: '', name: 'spark-driver' }]);
  });

  test('the pod runs as its own service account, with the token mounted', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: DRIVER });
    const pod = podSpec(c);
    expect(pod.serviceAccountName).toBe('driver');
    expect(pod.automountServiceAccountToken).toBe(true);
    // Other pods that use the service account do not get the token unless they ask.
    expect(manifest(c, 'ServiceAccount', 'driver').automountServiceAccountToken).toBe(false);
    expect(job(c).spec).toMatchObject({ completions: 1, parallelism: 1 });
  });

  test('the default Role: pods create/get/list/watch/delete and pods/log get, nothing else', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: DRIVER });
    expect(manifest(c, 'Role', 'driver').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    expect(manifest(c, 'RoleBinding', 'driver')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'driver' },
      subjects: [{ kind: 'ServiceAccount', name: 'driver' }],
    });
  });

  test('rules of your own', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', {
      metadata: { name: 'driver' },
      container: DRIVER,
      rules: [{ verbs: ['create', 'get', 'watch', 'delete'], resources: [kplus.ApiResource.JOBS] }],
    });
    expect(manifest(c, 'Role').rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'watch', 'delete'] }]);
  });

  test('a service account of your own is bound instead of a new one, in the Job\'s namespace', () => {
    const c = chart();
    const account = kplus.ServiceAccount.fromServiceAccountName(c, 'spark', 'spark');
    const j = new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: DRIVER, serviceAccount: account });
    expect(j.serviceAccount).toBe(account);
    expect(synth(c).filter(m => m.kind === 'ServiceAccount')).toEqual([]);
    expect(podSpec(c).serviceAccountName).toBe('spark');
    expect(manifest(c, 'RoleBinding').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'spark' }]);
  });

  test('every object is named after the Job\'s base name, in its namespace, labelled like it, and written before it', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver', namespace: 'spark' }, partOf: 'analytics', container: DRIVER });
    const labels = {
      'app.kubernetes.io/name': 'driver',
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/part-of': 'analytics',
      'app.kubernetes.io/managed-by': 'cdk8s-job-patterns',
    };
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) {
      expect(manifest(c, kind).metadata).toMatchObject({ name: 'driver', namespace: 'spark', labels });
    }
    // The Job's own name carries the hash of its spec (the default GitOps policy); its identity does not.
    expect(manifest(c, 'Job').metadata).toMatchObject({ name: expect.stringMatching(/^driver-[0-9a-f]{8}$/), namespace: 'spark', labels });
    expect(manifest(c, 'RoleBinding').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'driver', namespace: 'spark' }]);
    expect(synth(c).map(m => m.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
  });

  test('under a hook, the service account, Role and RoleBinding are hooks of the same phase, a wave before the Job', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: DRIVER, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }) });
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) {
      expect(manifest(c, kind).metadata.annotations).toEqual({
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'argocd.argoproj.io/sync-wave': '-1',
      });
    }
    expect(job(c, 'driver').metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'PreSync' });
  });

  test('the controller knows its pod, for owner references on what it creates', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { container: DRIVER });
    expect(podSpec(c).containers[0].env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
    ]);
  });

  test('the pod keeps the restricted profile', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { container: DRIVER });
    const pod = podSpec(c);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  const wildcard = kplus.ApiResource.custom({ apiGroup: '*', resourceType: 'pods' });
  const cases: Array<[string, any, string]> = [
    ['fails when a verb is *', { rules: [{ verbs: ['*'], resources: [kplus.ApiResource.PODS] }] },
      "test/driver (ControllerPodJob): 'rules[0].verbs' must name at least one verb and no '*' (the controller gets only what it names), got [\"*\"]. List the verbs it needs, e.g. ['get', 'list', 'watch']."],
    ['fails when a rule has no verbs', { rules: [{ verbs: [], resources: [kplus.ApiResource.PODS] }] },
      "test/driver (ControllerPodJob): 'rules[0].verbs' must name at least one verb and no '*' (the controller gets only what it names), got []. List the verbs it needs, e.g. ['get', 'list', 'watch']."],
    ['fails when an API group is *', { rules: [{ verbs: ['get'], resources: [kplus.ApiResource.PODS, wildcard] }] },
      "test/driver (ControllerPodJob): 'rules[0].resources[1]' must name its API group and resource type, without '*', got {\"apiGroup\":\"*\",\"resourceType\":\"pods\"}. Name each one, e.g. kplus.ApiResource.JOBS or kplus.ApiResource.custom({ apiGroup: 'example.com', resourceType: 'widgets' })."],
    ['fails when a resource is *', { rules: [{ verbs: ['get'], resources: [kplus.ApiResource.custom({ apiGroup: '', resourceType: '*' })] }] },
      "test/driver (ControllerPodJob): 'rules[0].resources[0]' must name its API group and resource type, without '*', got {\"apiGroup\":\"\",\"resourceType\":\"*\"}. Name each one, e.g. kplus.ApiResource.JOBS or kplus.ApiResource.custom({ apiGroup: 'example.com', resourceType: 'widgets' })."],
    ['fails when a rule has no resources', { rules: [{ verbs: ['get'], resources: [] }] },
      "test/driver (ControllerPodJob): 'rules[0].resources' must name at least one resource, got []. Add the resources the verbs apply to, e.g. kplus.ApiResource.PODS."],
    ['fails when there are no rules', { rules: [] },
      "test/driver (ControllerPodJob): 'rules' must hold at least one rule, got []. Name what the controller needs, or use SingleBatchJob if it needs no API access."],
    ['fails when the token is switched off', { automountServiceAccountToken: false },
      "test/driver (ControllerPodJob): 'automountServiceAccountToken' must not be false: the controller needs its token to call the API server, got false. Remove automountServiceAccountToken, or use SingleBatchJob if the pod needs no API access."],
    ['fails when the container sets POD_UID itself', { container: { ...CONTAINER, envVariables: { POD_UID: kplus.EnvValue.fromValue('x') } } },
      "test/driver (ControllerPodJob): 'container.envVariables.POD_UID' is set by ControllerPodJob (from the pod itself, for owner references), got 'x'. Remove it; the controller reads POD_NAME, POD_NAMESPACE and POD_UID."],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const c = chart();
    expect(() => new ControllerPodJob(c, 'driver', { container: DRIVER, ...props })).toThrow(message);
  });
});
