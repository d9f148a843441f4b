// KueueQueue on every pattern (lib/core/kueue.ts): the labels Kueue reads on the Job and nowhere
// else, no suspend, partial admission only where the pattern does its work with fewer pods, and
// the same answers from the constructor as from the validator's kueue/* rules.
import {
  argoCdKueueSettings, BatchJob, ControllerPodJob, FixedCompletionJob, JobTemplateExpansion, KueueQueue, PodToPodJob, SingleBatchJob, StaticWorkAssignmentJob,
  validateManifests, WorkItems, WorkQueue, WorkQueueJob, WorkQueueMode,
} from '../../index';
import { chart, CONTAINER, Manifest, synth } from '../util';

const QUEUE = 'kueue.x-k8s.io/queue-name';
const PRIORITY = 'kueue.x-k8s.io/priority-class';
const MIN = 'kueue.x-k8s.io/job-min-parallelism';
const team = (options = {}) => KueueQueue.localQueue('team-a', options);
const jobs = (manifests: Manifest[]) => manifests.filter(m => m.kind === 'Job');

describe('argoCdKueueSettings', () => {
  test('ignores the fields Kueue\'s field manager owns on Jobs, and keeps Kueue\'s values when Argo CD syncs (proven by test/argocd/argocd-kueue.test.ts)', () => {
    expect(argoCdKueueSettings()).toEqual({
      ignoreDifferences: [{ group: 'batch', kind: 'Job', managedFieldsManagers: ['kueue'] }],
      syncOptions: ['RespectIgnoreDifferences=true'],
    });
  });

  test('each call gives its own arrays, so an Application that adds to them changes no other', () => {
    const mine = argoCdKueueSettings();
    (mine.syncOptions as string[]).push('ApplyOutOfSyncOnly=true');
    expect(argoCdKueueSettings().syncOptions).toEqual(['RespectIgnoreDifferences=true']);
  });

  test('KueueQueue.argoCdSettings() (for Python, Java and Go, which have no free functions) gives the same settings', () => {
    expect(KueueQueue.argoCdSettings()).toEqual(argoCdKueueSettings());
    expect(KueueQueue.argoCdSettings().ignoreDifferences[0].managedFieldsManagers).toEqual(['kueue']);
  });
});

describe('KueueQueue', () => {
  test('a queued Job carries the queue and priority labels on the Job only, and writes no suspend', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new SingleBatchJob(c, 'migrate', { metadata: { name: 'migrate' }, kueue: team({ priorityClass: 'high' }), container: CONTAINER });

    // THEN
    const [job] = jobs(synth(c));
    expect(job.metadata.labels).toMatchObject({ [QUEUE]: 'team-a', [PRIORITY]: 'high' });
    expect(job.spec.template.metadata.labels[QUEUE]).toBeUndefined();
    expect(job.spec.template.metadata.labels[PRIORITY]).toBeUndefined();
    expect('suspend' in job.spec).toBe(false);
    expect(job.metadata.annotations?.[MIN]).toBeUndefined();
    // and the validator's kueue/* rules find nothing in it
    expect(validateManifests(synth(c), { kubernetesVersion: '1.37' }).findings.filter(f => f.ruleId.startsWith('kueue/'))).toEqual([]);
  });

  test('an unqueued Job has none of Kueue\'s labels', () => {
    const c = chart();
    new SingleBatchJob(c, 'plain', { container: CONTAINER });
    expect(Object.keys(jobs(synth(c))[0].metadata.labels ?? {}).filter(k => k.startsWith('kueue.x-k8s.io/'))).toEqual([]);
  });

  test('partial admission on a pattern that works with fewer pods writes the annotation', () => {
    const c = chart();
    new FixedCompletionJob(c, 'render', { completions: 8, parallelism: 4, kueue: team({ minParallelism: 2 }), container: CONTAINER });
    expect(jobs(synth(c))[0].metadata.annotations).toMatchObject({ [MIN]: '2' });
  });

  test('every Job of a pattern is queued: each template-expansion Job, the Redis filler with the workers, not the queue server', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new JobTemplateExpansion(c, 'process', { baseName: 'process', items: WorkItems.fromList(['a', 'b']), kueue: team(), container: CONTAINER });
    new WorkQueueJob(c, 'fruit', {
      metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(['apple', 'banana']) }), mode: WorkQueueMode.POD_PER_ITEM,
      parallelism: 2, kueue: team({ priorityClass: 'batch', minParallelism: 1 }), container: CONTAINER,
    });
    const manifests = synth(c);

    // THEN
    const queued = (m: Manifest) => m.metadata.labels?.[QUEUE];
    expect(jobs(manifests).map(m => [m.metadata.name.replace(/-[0-9a-f]{8}$/, ''), queued(m), m.metadata.labels?.[PRIORITY], m.metadata.annotations?.[MIN]]).sort()).toEqual([
      ['fruit', 'team-a', 'batch', '1'],
      // the filler: the same queue and priority, no partial admission (one pod)
      ['fruit-filler', 'team-a', 'batch', undefined],
      ['process-a', 'team-a', undefined, undefined],
      ['process-b', 'team-a', undefined, undefined],
    ]);
    expect(manifests.filter(m => m.kind === 'Deployment').map(queued)).toEqual([undefined]);
  });

  test('a Job created by a controller pod is the user\'s to queue; the controller Job itself is queued', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { kueue: team(), container: CONTAINER });
    expect(jobs(synth(c)).map(m => m.metadata.labels?.[QUEUE])).toEqual(['team-a']);
  });

  describe('fails', () => {
    test.each([
      ['a single batch', (c: any, kueue: KueueQueue) => new SingleBatchJob(c, 'job', { kueue, container: CONTAINER }), 'single-batch', 'test/job (SingleBatchJob)'],
      ['pod-to-pod (every peer must run at once)', (c: any, kueue: KueueQueue) => new PodToPodJob(c, 'job', { completions: 3, kueue, container: CONTAINER }), 'pod-to-pod', 'test/job (PodToPodJob)'],
      ['a controller pod', (c: any, kueue: KueueQueue) => new ControllerPodJob(c, 'job', { kueue, container: CONTAINER }), 'controller-pod', 'test/job (ControllerPodJob)'],
      ['a template expansion', (c: any, kueue: KueueQueue) => new JobTemplateExpansion(c, 'job', { baseName: 'job', items: WorkItems.fromList(['a']), kueue, container: CONTAINER }), 'template-expansion', 'test/job (JobTemplateExpansion)'],
    ])('when partial admission is asked of %s', (_, make, pattern, site) => {
      expect(() => make(chart(), team({ minParallelism: 1 }))).toThrow(
        `${site}: 'kueue.minParallelism' is for patterns that do their work with fewer pods at once (fixed-completion, work-queue-pod-per-item, work-queue-variable-pod-count, static-work-assignment), not ${pattern}, got 1. Leave minParallelism out: Kueue then admits the Job with all its pods or makes it wait.`);
    });

    test('when the min parallelism is not below the pods at once', () => {
      expect(() => new StaticWorkAssignmentJob(chart(), 'job', { items: WorkItems.fromList(['a', 'b']), parallelism: 2, kueue: team({ minParallelism: 2 }), container: CONTAINER }))
        .toThrow("test/job (StaticWorkAssignmentJob): 'kueue.minParallelism' must be an integer from 1 to 1 (Kueue's webhook refuses anything else for a Job of 2 pods at once), got 2. Give a number below 2, or leave minParallelism out.");
    });

    test('when the queue name is not a LocalQueue name', () => {
      expect(() => new FixedCompletionJob(chart(), 'job', { completions: 2, kueue: KueueQueue.localQueue('Team A'), container: CONTAINER }))
        .toThrow("test/job (FixedCompletionJob): 'kueue' must name a LocalQueue: a DNS-1123 subdomain of at most 63 characters (it is a label value), got 'Team A'. Give the LocalQueue's name as `kubectl get localqueues` shows it, e.g. KueueQueue.localQueue('team-a').");
    });

    test('when the priority class is not a WorkloadPriorityClass name', () => {
      expect(() => new FixedCompletionJob(chart(), 'job', { completions: 2, kueue: team({ priorityClass: 'High' }), container: CONTAINER }))
        .toThrow("test/job (FixedCompletionJob): 'kueue.priorityClass' must name a WorkloadPriorityClass: a DNS-1123 subdomain of at most 63 characters, got 'High'. Give the name `kubectl get workloadpriorityclasses` shows, or leave priorityClass out for the default priority.");
    });

    test('when a queued Job writes suspend, as the validator\'s kueue/suspend says of the same Job', () => {
      // GIVEN the same queued Job, made by the constructor and written by hand
      const make = () => new BatchJob(chart(), 'job', { suspend: false, kueue: team(), container: CONTAINER });
      // THEN the constructor refuses it ...
      expect(make).toThrow("test/job (BatchJob): 'suspend' must not be written on a Job queued by Kueue (kueue: 'team-a'), got false. Remove suspend: Kueue's webhook suspends the Job at creation and resumes it on admission.");
      // ... and the validator reports the same rule on the manifest
      const c = chart();
      new BatchJob(c, 'job', { kueue: team(), container: CONTAINER });
      const manifest = jobs(synth(c))[0];
      manifest.spec.suspend = false;
      expect(validateManifests([manifest], { kubernetesVersion: '1.37' }).errors.map(f => f.ruleId)).toEqual(['kueue/suspend']);
    });

    test('when a JavaScript caller gives the queue name as a string', () => {
      expect(() => new SingleBatchJob(chart(), 'job', { kueue: 'team-a' as any, container: CONTAINER }))
        .toThrow("test/job (SingleBatchJob): 'kueue' must be a KueueQueue, got 'team-a'. Make one with KueueQueue.localQueue(...).");
    });
  });
});
