import { JobPatternAnnotations, JobPatternLabels, SingleBatchJob, WorkItems, WorkQueue, WorkQueueJob } from '../../index';
import { standardLabels } from '../../lib/core/labels';
import { chart, CONTAINER, job, manifest } from '../util';

describe('standardLabels', () => {
  test('writes name, component, part-of and managed-by, in that order', () => {
    expect(Object.entries(standardLabels({ name: 'pi', component: 'job', partOf: 'reports' }))).toEqual([
      ['app.kubernetes.io/name', 'pi'],
      ['app.kubernetes.io/component', 'job'],
      ['app.kubernetes.io/part-of', 'reports'],
      ['app.kubernetes.io/managed-by', 'cdk8s-job-patterns'],
    ]);
  });

  test('leaves part-of out when none is given', () => {
    expect(standardLabels({ name: 'pi', component: 'job' })).toEqual({
      [JobPatternLabels.NAME]: 'pi',
      [JobPatternLabels.COMPONENT]: 'job',
      [JobPatternLabels.MANAGED_BY]: JobPatternLabels.MANAGED_BY_VALUE,
    });
  });

  test('a Job and a queue server carry the same standard set, each with its own name and component', () => {
    // GIVEN
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, partOf: 'reports', container: CONTAINER });
    new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, partOf: 'reports', queue: WorkQueue.redis({ items: WorkItems.fromList(['apple']) }), container: CONTAINER });

    // THEN
    expect(job(c, 'pi').metadata.labels).toEqual(standardLabels({ name: 'pi', component: 'job', partOf: 'reports' }));
    expect(manifest(c, 'Deployment', 'fruit-queue').spec.template.metadata.labels).toEqual(standardLabels({ name: 'fruit-queue', component: 'queue', partOf: 'reports' }));
  });
});

describe('JobPatternLabels and JobPatternAnnotations', () => {
  test('the queue is named by an annotation on the workers and a label on the queue, with one key', () => {
    expect(JobPatternAnnotations.QUEUE).toBe(JobPatternLabels.QUEUE);
  });

  test('hold only labels and only annotations: a Job carries each key where its class says', () => {
    // GIVEN
    const c = chart();
    new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(['apple']) }), container: CONTAINER });
    const workers = job(c, 'fruit');

    // THEN
    expect(Object.keys(workers.metadata.annotations!)).toEqual(expect.arrayContaining([JobPatternAnnotations.PATTERN, JobPatternAnnotations.GITOPS_POLICY, JobPatternAnnotations.QUEUE]));
    expect(Object.keys(workers.spec.template.metadata.annotations)).toContain(JobPatternAnnotations.QUEUE_ITEMS);
    expect(Object.keys(workers.metadata.labels!)).not.toEqual(expect.arrayContaining([JobPatternAnnotations.PATTERN]));
    expect(Object.keys(JobPatternLabels)).not.toEqual(expect.arrayContaining(['PATTERN_ANNOTATION', 'GITOPS_POLICY_ANNOTATION', 'QUEUE_ITEMS']));
  });
});
