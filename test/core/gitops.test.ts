import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import {
  ArgoCdAnnotations, BatchJob, BatchJobProps, GitOpsMode, GitOpsPolicy, HookDeletePolicy, HookPhase, JobDefault, jobBaseName, JobPatternAnnotations,
  JobPatternLabels, SingleBatchJob, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { contentHash } from '../../lib/core/hash';
import { chart, CONTAINER, job, manifest, synth } from '../util';

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

describe('GitOpsPolicy', () => {
  test('the factories', () => {
    expect(GitOpsPolicy.runOncePerSpec()).toMatchObject({ mode: GitOpsMode.RUN_ONCE_PER_SPEC, hashesName: true, allowsTtl: false, replacesOnChange: true });
    expect(GitOpsPolicy.hook()).toMatchObject({ mode: GitOpsMode.HOOK, hookPhase: HookPhase.SYNC, hookDeletePolicy: HookDeletePolicy.BEFORE_HOOK_CREATION, hashesName: false, allowsTtl: true, replacesOnChange: false });
    expect(GitOpsPolicy.recreateOnChange()).toMatchObject({ mode: GitOpsMode.RECREATE_ON_CHANGE, hashesName: false, allowsTtl: false, replacesOnChange: true });
    expect(GitOpsPolicy.none()).toMatchObject({ mode: GitOpsMode.NONE, hashesName: false, allowsTtl: true, replacesOnChange: false });
    expect(`${GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC })}`).toBe("GitOpsPolicy.hook({ phase: 'PostSync', deletePolicy: 'BeforeHookCreation' })");
    expect(GitOpsPolicy.MAX_BASE_NAME_LENGTH).toBe(54);
  });

  test('jobBaseName strips the spec hash of a run-once-per-spec Job only', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });
    new SingleBatchJob(c, 'hook', { metadata: { name: 'hook-0123abcd' }, container: CONTAINER, gitOps: GitOpsPolicy.hook() });
    expect(synth(c).map(jobBaseName)).toEqual(['pi', 'hook-0123abcd']);
    expect(jobBaseName({ metadata: { name: 'hand-written-0123abcd' } })).toBe('hand-written-0123abcd');
  });

});

describe('GitOpsPolicy.runOncePerSpec (the default)', () => {
  test('the name is <name>-<8 hex of the spec>; labels and derived names keep the base name', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });

    // THEN
    const m = job(c);
    expect(m.metadata.name).toBe(`pi-${contentHash(m.spec)}`);
    expect(j.name).toBe(m.metadata.name);
    expect(j.baseName).toBe('pi');
    expect(ApiObject.of(j).name).toBe('pi');
    expect(j.gitOps.mode).toBe(GitOpsMode.RUN_ONCE_PER_SPEC);
    // The hash never covers itself: the pod template names the base name only.
    expect(m.metadata.labels![JobPatternLabels.NAME]).toBe('pi');
    expect(m.spec.template.metadata.labels[JobPatternLabels.NAME]).toBe('pi');
    expect(JSON.stringify(m.spec)).not.toContain(m.metadata.name);
    expect(m.metadata.annotations).toEqual({ [JobPatternAnnotations.PATTERN]: 'single-batch', [JobPatternAnnotations.GITOPS_POLICY]: 'run-once-per-spec' });
  });

  test('no TTL: the default is not applied', () => {
    const c = chart();
    const j = new SingleBatchJob(c, 'pi', { container: CONTAINER });
    expect(job(c).spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(j.ttlAfterFinished).toBeUndefined();
  });

  test('the same spec gives the same name, on every synth', () => {
    const render = () => {
      const c = chart();
      new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });
      return job(c).metadata.name;
    };
    expect(render()).toBe(render());
  });

  test('any change of the spec changes the name; a change of labels or annotations does not', () => {
    const render = (props: Partial<BatchJobProps> = {}) => new BatchJob(chart(), 'job', { metadata: { name: 'job' }, container: CONTAINER, ...props }).name;
    const base = render();
    expect(render({ backoffLimit: 4 })).not.toBe(base);
    expect(render({ container: { ...CONTAINER, command: ['false'] } })).not.toBe(base);
    expect(render({ podMetadata: { annotations: { note: 'x' } } })).not.toBe(base);
    expect(render({ metadata: { name: 'job', labels: { team: 'a' }, annotations: { note: 'x' } } })).toBe(base);
  });

  test('containers added later, and JSON patches, are covered: the name is computed when the Job is rendered', () => {
    // GIVEN
    const c = chart();
    const j = new BatchJob(c, 'job', { metadata: { name: 'job' }, container: CONTAINER });
    const before = j.name;

    // WHEN
    j.addContainer({ name: 'sidecar', image: 'busybox:1.36.1' });
    const withSidecar = j.name;
    ApiObject.of(j).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/args', ['x']));

    // THEN
    const m = job(c);
    expect(withSidecar).not.toBe(before);
    expect(m.metadata.name).not.toBe(withSidecar);
    expect(m.metadata.name).toBe(`job-${contentHash(m.spec)}`);
    expect(j.name).toBe(m.metadata.name);
  });

  test('a long name is cut to 54 characters before the hash: at most 63 in all', () => {
    const c = chart();
    const j = new SingleBatchJob(c, 'long', { metadata: { name: `${'a'.repeat(53)}-bbbbbbbbb` }, container: CONTAINER });
    expect(j.name).toMatch(/^a{53}-[0-9a-f]{8}$/);
    expect(j.baseName).toBe(`${'a'.repeat(53)}-bbbbbbbbb`);
    // Without metadata.name, the name cdk8s generates from the construct path.
    const generated = new SingleBatchJob(c, 'a-very-long-construct-id-that-goes-on-and-on-and-on-and-on-and-on-and-on', { container: CONTAINER });
    expect(generated.name.length).toBeLessThanOrEqual(63);
    expect(generated.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test('fails when ttlAfterFinished is set', () => {
    const c = chart();
    expect(() => new SingleBatchJob(c, 'pi', { container: CONTAINER, ttlAfterFinished: Duration.seconds(100) })).toThrow(
      "test/pi (SingleBatchJob): 'ttlAfterFinished' must not be set under gitOps GitOpsPolicy.runOncePerSpec() (the default): Argo CD tracks the Job, "
      + 'and once the TTL deletes it, auto-sync re-creates it and it runs again, got 100 seconds. Remove ttlAfterFinished (Argo CD prunes the Job '
      + 'when it leaves Git), or use gitOps: GitOpsPolicy.hook() to run it on every sync with a TTL, or GitOpsPolicy.none() without Argo CD.');
  });

  test('omitting the TTL default is allowed (it has nothing to omit)', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { container: CONTAINER, omitDefaults: [JobDefault.TTL_AFTER_FINISHED] });
    expect(job(c).spec).not.toHaveProperty('ttlSecondsAfterFinished');
  });
});

describe('GitOpsPolicy.hook', () => {
  test.each([
    [{}, 'Sync', 'BeforeHookCreation'],
    [{ phase: HookPhase.PRE_SYNC }, 'PreSync', 'BeforeHookCreation'],
    [{ phase: HookPhase.POST_SYNC, deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED }, 'PostSync', 'HookSucceeded,BeforeHookCreation'],
    [{ phase: HookPhase.SYNC_FAIL, deletePolicy: HookDeletePolicy.HOOK_FAILED }, 'SyncFail', 'HookFailed,BeforeHookCreation'],
  ])('hook(%j): phase %s, delete policy %s', (options, phase, deletePolicy) => {
    const c = chart();
    const j = new SingleBatchJob(c, 'smoke', { metadata: { name: 'smoke' }, container: CONTAINER, gitOps: GitOpsPolicy.hook(options) });
    const m = job(c);
    expect(m.metadata.name).toBe('smoke');
    expect(j.name).toBe('smoke');
    expect(m.metadata.annotations).toEqual({
      [HOOK]: phase,
      [DELETE_POLICY]: deletePolicy,
      [JobPatternAnnotations.PATTERN]: 'single-batch',
      [JobPatternAnnotations.GITOPS_POLICY]: 'hook',
    });
  });

  test('the default TTL is kept, and a TTL may be set', () => {
    const c = chart();
    new SingleBatchJob(c, 'default', { metadata: { name: 'default' }, container: CONTAINER, gitOps: GitOpsPolicy.hook() });
    new SingleBatchJob(c, 'own', { metadata: { name: 'own' }, container: CONTAINER, gitOps: GitOpsPolicy.hook(), ttlAfterFinished: Duration.minutes(10) });
    expect(job(c, 'default').spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job(c, 'own').spec.ttlSecondsAfterFinished).toBe(600);
  });

  test('fails when the hook is suspended: the sync would wait forever', () => {
    const c = chart();
    expect(() => new BatchJob(c, 'job', { container: CONTAINER, gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }), suspend: true })).toThrow(
      "test/job (BatchJob): 'suspend' must not be true under gitOps GitOpsPolicy.hook({ phase: 'PreSync', deletePolicy: 'BeforeHookCreation' }): "
      + 'Argo CD counts a suspended hook as running, so the sync waits for it forever, got true. Remove suspend (a Job queued by Kueue is suspended by Kueue itself), or use another gitOps policy for a Job that something else resumes.');
  });

  test.each([HOOK, DELETE_POLICY, 'helm.sh/hook'])('fails when metadata.annotations sets %s by hand', key => {
    const c = chart();
    expect(() => new BatchJob(c, 'job', { metadata: { annotations: { [key]: 'PreSync' } }, container: CONTAINER })).toThrow(
      `test/job (BatchJob): 'metadata.annotations['${key}']' is written by the gitOps policy, got 'PreSync'. Remove the annotation and use gitOps: GitOpsPolicy.hook({ phase, deletePolicy }).`);
  });
});

describe('GitOpsPolicy.recreateOnChange', () => {
  test('Force=true,Replace=true, a stable name, no TTL', () => {
    const c = chart();
    const j = new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER, gitOps: GitOpsPolicy.recreateOnChange() });
    const m = job(c);
    expect(m.metadata.name).toBe('pi');
    expect(j.name).toBe('pi');
    expect(m.metadata.annotations![SYNC_OPTIONS]).toBe('Force=true,Replace=true');
    expect(ArgoCdAnnotations.FORCE_REPLACE).toBe('Force=true,Replace=true');
    expect(m.spec).not.toHaveProperty('ttlSecondsAfterFinished');
  });

  test('the user\'s own sync options are kept', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi', annotations: { [SYNC_OPTIONS]: 'Prune=false' } }, container: CONTAINER, gitOps: GitOpsPolicy.recreateOnChange() });
    expect(job(c).metadata.annotations![SYNC_OPTIONS]).toBe('Prune=false,Force=true,Replace=true');
  });

  test('fails when ttlAfterFinished is set', () => {
    const c = chart();
    expect(() => new SingleBatchJob(c, 'pi', { container: CONTAINER, gitOps: GitOpsPolicy.recreateOnChange(), ttlAfterFinished: Duration.hours(1) }))
      .toThrow("test/pi (SingleBatchJob): 'ttlAfterFinished' must not be set under gitOps GitOpsPolicy.recreateOnChange(): Argo CD tracks the Job");
  });
});

describe('GitOpsPolicy.none', () => {
  test('a stable name, no Argo CD annotations, the library\'s TTL', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER, gitOps: GitOpsPolicy.none() });
    const m = job(c);
    expect(m.metadata.name).toBe('pi');
    expect(m.metadata.annotations).toEqual({ [JobPatternAnnotations.PATTERN]: 'single-batch', [JobPatternAnnotations.GITOPS_POLICY]: 'none' });
    expect(m.spec.ttlSecondsAfterFinished).toBe(86400);
  });
});

describe('GitOps policy of a WorkQueueJob', () => {
  const FRUIT = WorkItems.fromList(['apple', 'banana', 'cherry']);

  test('the workers name their queue; the queue\'s objects carry its label', () => {
    const c = chart();
    new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER });
    expect(job(c, 'fruit').metadata.annotations![JobPatternAnnotations.QUEUE]).toBe('fruit-queue');
    for (const [kind, name] of [['Deployment', 'fruit-queue'], ['Service', 'fruit-queue'], ['Job', 'fruit-filler']]) {
      expect(manifest(c, kind, name).metadata.labels![JobPatternLabels.QUEUE]).toBe('fruit-queue');
    }
  });

  test('under runOncePerSpec, new items restart Redis empty and replace the filler and the workers', () => {
    const render = (items: string[]) => {
      const c = chart();
      new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(items) }), parallelism: 2, container: CONTAINER });
      return synth(c);
    };
    const before = render(['apple', 'banana', 'cherry']);
    const after = render(['apple', 'banana', 'date']);
    const names = (ms: typeof before) => ms.map(m => m.metadata.name);
    expect(names(after)[0]).toBe(names(before)[0]); // the Deployment keeps its name...
    expect(after[0].spec.template.metadata.annotations[JobPatternAnnotations.QUEUE_ITEMS]).not.toBe(before[0].spec.template.metadata.annotations[JobPatternAnnotations.QUEUE_ITEMS]); // ...and restarts
    expect(names(after)[1]).toBe(names(before)[1]); // the Service
    expect(names(after)[2]).not.toBe(names(before)[2]); // the filler
    expect(names(after)[3]).not.toBe(names(before)[3]); // the workers
    expect(after[3].spec.template.metadata.annotations[JobPatternAnnotations.QUEUE_ITEMS]).toBe(after[0].spec.template.metadata.annotations[JobPatternAnnotations.QUEUE_ITEMS]);
  });

  test('under a hook, the queue and the filler are hooks of the same phase, in their waves before the workers', () => {
    const c = chart();
    new WorkQueueJob(c, 'fruit', {
      metadata: { name: 'fruit' },
      queue: WorkQueue.redis({ items: FRUIT }),
      container: CONTAINER,
      gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC, deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED }),
    });
    const hook = (wave: string) => ({ [HOOK]: 'PostSync', [DELETE_POLICY]: 'BeforeHookCreation', [SYNC_WAVE]: wave });
    expect(manifest(c, 'Deployment', 'fruit-queue').metadata.annotations).toEqual(hook('-2'));
    expect(manifest(c, 'Service', 'fruit-queue').metadata.annotations).toEqual(hook('-2'));
    expect(job(c, 'fruit-filler').metadata.annotations).toMatchObject({ ...hook('-1'), [DELETE_POLICY]: 'HookSucceeded,BeforeHookCreation' });
    expect(job(c, 'fruit').metadata.annotations).toMatchObject({ [HOOK]: 'PostSync', [DELETE_POLICY]: 'HookSucceeded,BeforeHookCreation', [SYNC_WAVE]: '0' });
    // Re-created on every sync, so no items hash is needed.
    expect(manifest(c, 'Deployment', 'fruit-queue').spec.template.metadata).not.toHaveProperty('annotations');
  });

  test('the filler follows the workers\' policy', () => {
    const c = chart();
    const wq = new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER, gitOps: GitOpsPolicy.none() });
    expect(wq.queue.filler!.gitOps.mode).toBe(GitOpsMode.NONE);
    expect(wq.queue.filler!.name).toBe('fruit-filler');
    expect(job(c, 'fruit-filler').spec.ttlSecondsAfterFinished).toBe(86400);
  });
});
