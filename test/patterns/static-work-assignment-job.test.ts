import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CompletionMode, GitOpsPolicy, HookPhase, JobPattern, StaticWorkAssignmentJob, warningsOf, WorkItems } from '../../index';
import { chart, CONTAINER, job, manifest, podSpec, synth } from '../util';

const FRAMES = WorkItems.fromList(['frame-001', 'frame-002', 'frame-003']);

describe('StaticWorkAssignmentJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: FRAMES, container: CONTAINER });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(j.completions).toBe(3);
    expect(j.parallelism).toBe(3);
    expect(j.completionMode).toBe(CompletionMode.INDEXED);
    expect(j.pattern).toBe(JobPattern.STATIC_WORK_ASSIGNMENT);
    expect(j.mountPath).toBe('/etc/work-items');
    expect(j.configMap.name).toMatch(/^render-work-items-[0-9a-f]{8}$/);
    expect(j.items).toBe(FRAMES);
  });

  test('an Indexed Job with one completion per item', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: FRAMES, parallelism: 2, container: CONTAINER });
    expect(job(c).spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 2 });
  });

  test('parallelism defaults to the number of items, at most 10', () => {
    const c = chart();
    const items = WorkItems.fromList(Array.from({ length: 25 }, (_, i) => `item-${i}`));
    const j = new StaticWorkAssignmentJob(c, 'job', { items, container: CONTAINER });
    expect(j.parallelism).toBe(10);
    expect(job(c).spec).toMatchObject({ completions: 25, parallelism: 10 });
  });

  test('the ConfigMap holds one key per index: strings as they are, records as JSON', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'frames', { metadata: { name: 'frames' }, items: FRAMES, container: CONTAINER });
    new StaticWorkAssignmentJob(c, 'weather', {
      metadata: { name: 'weather' },
      items: WorkItems.fromRecords([{ city: 'paris', day: 'mon' }, { city: 'rome', day: 'tue' }]),
      container: CONTAINER,
    });
    expect(manifest(c, 'ConfigMap', 'frames-work-items').data).toEqual({ 0: 'frame-001', 1: 'frame-002', 2: 'frame-003' });
    expect(manifest(c, 'ConfigMap', 'weather-work-items').data).toEqual({ 0: '{"city":"paris","day":"mon"}', 1: '{"city":"rome","day":"tue"}' });
  });

  test('the ConfigMap is labelled like the Job, in its namespace, and written before it', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render', namespace: 'batch' }, partOf: 'studio', items: FRAMES, container: CONTAINER });
    const configMap = manifest(c, 'ConfigMap');
    expect(configMap.metadata).toEqual({
      name: expect.stringMatching(/^render-work-items-[0-9a-f]{8}$/),
      namespace: 'batch',
      labels: {
        'app.kubernetes.io/name': 'render',
        'app.kubernetes.io/component': 'work-items',
        'app.kubernetes.io/part-of': 'studio',
        'app.kubernetes.io/managed-by': 'cdk8s-job-patterns',
      },
    });
    expect(synth(c).map(m => m.kind)).toEqual(['ConfigMap', 'Job']);
  });

  test('the ConfigMap name is derived from the Job\'s base name and stays a DNS label', () => {
    const c = chart();
    const long = new StaticWorkAssignmentJob(c, 'long', { metadata: { name: 'r'.repeat(60) }, items: FRAMES, container: CONTAINER });
    const generated = new StaticWorkAssignmentJob(c, 'generated', { items: FRAMES, container: CONTAINER });
    const plain = new StaticWorkAssignmentJob(c, 'plain', { metadata: { name: 'plain' }, items: FRAMES, container: CONTAINER, gitOps: GitOpsPolicy.none() });
    const longPlain = new StaticWorkAssignmentJob(c, 'long-plain', { metadata: { name: 'p'.repeat(60) }, items: FRAMES, container: CONTAINER, gitOps: GitOpsPolicy.none() });
    expect(long.configMap.name).toMatch(/^r{54}-[0-9a-f]{8}$/);
    expect(long.configMap.name).toHaveLength(63);
    expect(generated.configMap.name).toMatch(new RegExp(`^${generated.baseName}-work-items-[0-9a-f]{8}$`));
    expect(plain.configMap.name).toBe('plain-work-items');
    expect(longPlain.configMap.name).toMatch(/^p{54}-[0-9a-f]{8}$/);
    expect(ApiObject.of(long.configMap).name).toBe(long.configMap.name);
  });

  test('under runOncePerSpec and recreateOnChange, new items are a new ConfigMap name, and so a new Job spec', () => {
    const render = (items: string[], gitOps: GitOpsPolicy) => {
      const c = chart();
      const j = new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: WorkItems.fromList(items), container: CONTAINER, gitOps });
      return { configMap: j.configMap.name, job: job(c) };
    };
    for (const gitOps of [GitOpsPolicy.runOncePerSpec(), GitOpsPolicy.recreateOnChange()]) {
      const before = render(['a', 'b'], gitOps);
      const after = render(['a', 'c'], gitOps);
      expect(after.configMap).not.toBe(before.configMap);
      expect(after.job.spec.template.spec.volumes[0].configMap.name).toBe(after.configMap);
      expect(after.job.spec).not.toEqual(before.job.spec);
    }
    // Under hook() and none() the name stays: a hook is re-created on every sync anyway.
    expect(render(['a', 'c'], GitOpsPolicy.hook()).configMap).toBe('render-work-items');
  });

  test('under a hook, the ConfigMap is a hook of the same phase, a wave before the Job', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', {
      metadata: { name: 'render', annotations: { 'argocd.argoproj.io/sync-wave': '3' } },
      items: FRAMES,
      container: CONTAINER,
      gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }),
    });
    expect(manifest(c, 'ConfigMap').metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '2',
    });
  });

  test('the main container reads its item from a read-only mount, named in WORK_ITEM_FILE', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', {
      metadata: { name: 'render' },
      items: FRAMES,
      container: { ...CONTAINER, envVariables: { MODE: kplus.EnvValue.fromValue('fast') } },
    });
    const pod = podSpec(c);
    // Beside the library's writable /tmp (JobDefault.TMP_VOLUME).
    expect(pod.volumes).toEqual([
      { name: 'work-items', configMap: { name: manifest(c, 'ConfigMap').metadata.name } },
      { name: 'job-patterns-tmp', emptyDir: { sizeLimit: '1024Mi' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'work-items', mountPath: '/etc/work-items', readOnly: true }, { name: 'job-patterns-tmp', mountPath: '/tmp' }]);
    // JOB_COMPLETION_INDEX comes before WORK_ITEM_FILE so that $(JOB_COMPLETION_INDEX) expands.
    expect(pod.containers[0].env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
      { name: 'WORK_ITEM_FILE', value: '/etc/work-items/$(JOB_COMPLETION_INDEX)' },
    ]);
    // The mount keeps the restricted profile: read-only root file system, non-root, no privilege escalation.
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  test('mountPath moves the mount and WORK_ITEM_FILE', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', { items: FRAMES, mountPath: '/work', container: CONTAINER });
    const main = podSpec(c).containers[0];
    expect(main.volumeMounts[0].mountPath).toBe('/work');
    expect(main.env).toContainEqual({ name: 'WORK_ITEM_FILE', value: '/work/$(JOB_COMPLETION_INDEX)' });
  });

  test('backoffLimitPerIndex and maxFailedIndexes, with the 1.28 alpha warning', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: FRAMES, backoffLimitPerIndex: 1, maxFailedIndexes: 1, container: CONTAINER });
    expect(job(c).spec).toMatchObject({ backoffLimitPerIndex: 1, maxFailedIndexes: 1 });
    expect(warningsOf(c, { skipRules: ['gitops/ttl-on-tracked-job'] }).map(w => w.message)).toEqual([
      'backoffLimitPerIndex is alpha on Kubernetes 1.28: without the JobBackoffLimitPerIndex feature gate the API server drops it silently (on by default from 1.29)',
      'maxFailedIndexes is alpha on Kubernetes 1.28: without the JobBackoffLimitPerIndex feature gate the API server drops it silently (on by default from 1.29)',
    ]);
  });

  test('fails when there are no items', () => {
    const c = chart();
    expect(() => new StaticWorkAssignmentJob(c, 'render', { items: WorkItems.fromList([]), container: CONTAINER }))
      .toThrow("test/render (StaticWorkAssignmentJob): 'items' must hold at least one work item, got []. Pass at least one item to WorkItems.fromList().");
  });

  test('fails when two items are the same', () => {
    const c = chart();
    expect(() => new StaticWorkAssignmentJob(c, 'render', { items: WorkItems.fromList(['a', 'a']), container: CONTAINER }))
      .toThrow("test/render (StaticWorkAssignmentJob): 'items[1]' must be unique, but item 0 has the same key, got 'a'. Remove the duplicate, or key records by a field that is unique.");
  });

  test('fails when maxFailedIndexes exceeds the number of items', () => {
    const c = chart();
    expect(() => new StaticWorkAssignmentJob(c, 'render', { items: FRAMES, backoffLimitPerIndex: 1, maxFailedIndexes: 4, container: CONTAINER }))
      .toThrow("test/render (StaticWorkAssignmentJob): 'maxFailedIndexes' must not exceed completions (3), got 4. Set maxFailedIndexes to at most 3.");
  });

  test('fails when the container sets WORK_ITEM_FILE itself', () => {
    const c = chart();
    expect(() => new StaticWorkAssignmentJob(c, 'render', {
      items: FRAMES,
      container: { ...CONTAINER, envVariables: { WORK_ITEM_FILE: kplus.EnvValue.fromValue('/tmp/x') } },
    })).toThrow("test/render (StaticWorkAssignmentJob): 'container.envVariables.WORK_ITEM_FILE' is set by StaticWorkAssignmentJob (the pod's index and the path of its work item), got '/tmp/x'. Remove it; the worker reads its item from the file named in WORK_ITEM_FILE.");
  });

  test('fails when mountPath is not an absolute directory', () => {
    const c = chart();
    expect(() => new StaticWorkAssignmentJob(c, 'render', { items: FRAMES, mountPath: 'work-items', container: CONTAINER }))
      .toThrow("test/render (StaticWorkAssignmentJob): 'mountPath' must be an absolute directory path, not '/', without a trailing '/' or ':', got 'work-items'. Use a path such as '/etc/work-items'.");
  });

  test('fails when the items do not fit in one ConfigMap', () => {
    const c = chart();
    const items = WorkItems.fromList(Array.from({ length: 3 }, (_, i) => `${i}-${'x'.repeat(400 * 1024)}`));
    expect(() => new StaticWorkAssignmentJob(c, 'render', { items, container: CONTAINER }))
      .toThrow("test/render (StaticWorkAssignmentJob): 'items' must fit in one ConfigMap (at most 1048576 bytes of keys and values), got '1228809 bytes'. Pass references (object-store keys, URLs) instead of contents, or split the items over several Jobs.");
  });
});
