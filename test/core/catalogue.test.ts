import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { PATTERN_CATALOGUE } from '../../lib/core/catalogue';
import {
  BatchJob, ControllerPodJob, FixedCompletionJob, JobPattern, JobPatternAnnotations, JobPatternLabels, JobTemplateExpansion, PodToPodJob, SingleBatchJob,
  StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob, WorkQueueMode,
} from '../../index';
import { chart, CONTAINER, job, Manifest } from '../util';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');

describe('the pattern catalogue', () => {
  test('the README\'s pattern table is the catalogue, row for row, each linking its pattern\'s page', () => {
    // GIVEN the table under "## Patterns": its rows after the header and the separator
    const lines = readme.slice(readme.indexOf('\n## Patterns\n')).split('\n');
    const start = lines.findIndex(line => line.startsWith('| ---')) + 1;
    const end = lines.findIndex((line, i) => i >= start && !line.startsWith('| '));
    const rows = lines.slice(start, end);

    // THEN
    const expected = Object.values(PATTERN_CATALOGUE)
      .map(e => `| [${e.title}](docs/patterns/${e.page}.md) | ${e.construct} | ${e.completions} | ${e.parallelism} |`);
    expect(rows).toEqual(expected);
  });

  test('every page under docs/patterns/ is a pattern\'s page', () => {
    const pages = fs.readdirSync(path.join(__dirname, '..', '..', 'docs', 'patterns')).sort();
    expect(pages).toEqual([...new Set(Object.values(PATTERN_CATALOGUE).map(e => `${e.page}.md`))].sort());
  });

  test.each([
    [JobPattern.SINGLE_BATCH, { completions: 1, parallelism: 1 }],
    [JobPattern.FIXED_COMPLETION, { completions: 6, parallelism: 2 }],
    [JobPattern.WORK_QUEUE_POD_PER_ITEM, { completions: 3, parallelism: 2 }],
    [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, { parallelism: 3 }],
    [JobPattern.TEMPLATE_EXPANSION, { completions: 1, parallelism: 1 }],
    [JobPattern.STATIC_WORK_ASSIGNMENT, { completions: 5, parallelism: 3, completionMode: 'Indexed' }],
    [JobPattern.CONTROLLER_POD, {}],
    [JobPattern.POD_TO_POD, { completions: 4, parallelism: 4, completionMode: 'Indexed' }],
    [JobPattern.CUSTOM, { completions: 4, parallelism: 9 }],
  ])('accepts a %s Job of its shape', (pattern, spec) => {
    expect(PATTERN_CATALOGUE[pattern].matches(spec)).toBe(true);
  });

  test('has a row for every JobPattern', () => {
    expect(Object.keys(PATTERN_CATALOGUE).sort()).toEqual(Object.values(JobPattern).sort());
  });

  test.each([
    [JobPattern.SINGLE_BATCH, { completions: 2 }],
    [JobPattern.CONTROLLER_POD, { parallelism: 3 }],
    [JobPattern.WORK_QUEUE_POD_PER_ITEM, {}],
    [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, { completions: 3 }],
    [JobPattern.STATIC_WORK_ASSIGNMENT, { completions: 3 }],
    [JobPattern.POD_TO_POD, { completions: 3, parallelism: 1, completionMode: 'Indexed' }],
  ])('rejects a %s Job of another shape', (pattern, spec) => {
    expect(PATTERN_CATALOGUE[pattern].matches(spec)).toBe(false);
  });
});

describe('the constructors follow the catalogue', () => {
  const items = (n: number) => WorkItems.fromList(Array.from({ length: n }, (_, i) => `item-${i}`));
  // One construct per pattern, with nothing set that the catalogue decides.
  const patterns: Array<[JobPattern, (c: Chart) => Manifest]> = [
    [JobPattern.SINGLE_BATCH, c => { new SingleBatchJob(c, 'j', { metadata: { name: 'j' }, container: CONTAINER }); return job(c, 'j'); }],
    [JobPattern.FIXED_COMPLETION, c => { new FixedCompletionJob(c, 'j', { metadata: { name: 'j' }, completions: 4, container: CONTAINER }); return job(c, 'j'); }],
    [JobPattern.WORK_QUEUE_POD_PER_ITEM, c => {
      new WorkQueueJob(c, 'j', { metadata: { name: 'j' }, queue: WorkQueue.redis({ items: items(3) }), container: CONTAINER });
      return job(c, 'j');
    }],
    [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, c => {
      new WorkQueueJob(c, 'j', { metadata: { name: 'j' }, queue: WorkQueue.ticket(), mode: WorkQueueMode.VARIABLE_POD_COUNT, container: CONTAINER });
      return job(c, 'j');
    }],
    [JobPattern.TEMPLATE_EXPANSION, c => new JobTemplateExpansion(c, 'j', { baseName: 'j', items: items(2), container: CONTAINER }).jobs[0].toJson()],
    [JobPattern.STATIC_WORK_ASSIGNMENT, c => { new StaticWorkAssignmentJob(c, 'j', { metadata: { name: 'j' }, items: items(3), container: CONTAINER }); return job(c, 'j'); }],
    [JobPattern.CONTROLLER_POD, c => { new ControllerPodJob(c, 'j', { metadata: { name: 'j' }, container: CONTAINER }); return job(c, 'j'); }],
    [JobPattern.POD_TO_POD, c => { new PodToPodJob(c, 'j', { metadata: { name: 'j' }, completions: 3, container: CONTAINER }); return job(c, 'j'); }],
    [JobPattern.CUSTOM, c => { new BatchJob(c, 'j', { metadata: { name: 'j' }, container: CONTAINER }); return job(c, 'j'); }],
  ];

  test('every pattern has a construct here', () => {
    expect(patterns.map(([pattern]) => pattern).sort()).toEqual(Object.values(JobPattern).sort());
  });

  test.each(patterns)('%s: the Job has the fixed fields, the defaults, the component and the shape of its row', (pattern, make) => {
    // GIVEN
    const entry = PATTERN_CATALOGUE[pattern];

    // WHEN
    const m = make(chart());

    // THEN
    expect(m.metadata.annotations![JobPatternAnnotations.PATTERN]).toBe(pattern);
    expect(m.spec).toMatchObject({ ...entry.defaults, ...entry.fixed });
    expect(m.metadata.labels![JobPatternLabels.COMPONENT]).toBe(entry.component);
    expect(m.spec.template.metadata.labels[JobPatternLabels.COMPONENT]).toBe(entry.component);
    expect(entry.matches(m.spec)).toBe(true);
  });

  test.each([
    [3, 3],
    [15, PATTERN_CATALOGUE[JobPattern.STATIC_WORK_ASSIGNMENT].maxDefaultParallelism],
  ])('a static work assignment of %i items runs %i pods at once by default (the items, at most the catalogue\'s maximum)', (count, parallelism) => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'j', { metadata: { name: 'j' }, items: items(count), container: CONTAINER });
    expect(job(c, 'j').spec.parallelism).toBe(parallelism);
  });

  test('the table\'s parallelism text states the constructors\' default', () => {
    for (const pattern of [JobPattern.FIXED_COMPLETION, JobPattern.WORK_QUEUE_POD_PER_ITEM, JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT]) {
      const entry = PATTERN_CATALOGUE[pattern];
      expect(entry.parallelism).toBe(`P (default ${entry.defaults.parallelism})`);
    }
    const assignment = PATTERN_CATALOGUE[JobPattern.STATIC_WORK_ASSIGNMENT];
    expect(assignment.parallelism).toBe(`P (default W, at most ${assignment.maxDefaultParallelism})`);
  });
});
