import { CompletionMode, FixedCompletionJob, JobPattern, warningsOf } from '../../index';
import { chart, CONTAINER, job, synth } from '../util';

describe('FixedCompletionJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new FixedCompletionJob(c, 'even-seconds', { metadata: { name: 'even-seconds' }, completions: 6, container: CONTAINER });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(j.completions).toBe(6);
    expect(j.parallelism).toBe(1);
    expect(j.completionMode).toBe(CompletionMode.NON_INDEXED);
    expect(j.pattern).toBe(JobPattern.FIXED_COMPLETION);
  });

  test('completions, parallelism and mode are rendered', () => {
    const c = chart();
    new FixedCompletionJob(c, 'job', { completions: 6, parallelism: 2, container: CONTAINER });
    expect(job(c).spec).toMatchObject({ completions: 6, parallelism: 2, completionMode: 'NonIndexed' });
  });

  test('Indexed mode with a per-index backoff limit', () => {
    const c = chart();
    new FixedCompletionJob(c, 'job', {
      completions: 3, parallelism: 3, completionMode: CompletionMode.INDEXED, backoffLimitPerIndex: 1, maxFailedIndexes: 1, container: CONTAINER,
    });
    expect(job(c).spec).toMatchObject({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1, maxFailedIndexes: 1 });
  });

  test('parallelism 0 is legal (a paused Job)', () => {
    const c = chart();
    new FixedCompletionJob(c, 'job', { completions: 2, parallelism: 0, container: CONTAINER });
    expect(job(c).spec.parallelism).toBe(0);
  });

  test('parallelism above completions is legal, with a warning', () => {
    const c = chart();
    new FixedCompletionJob(c, 'job', { completions: 2, parallelism: 4, container: CONTAINER });
    expect(job(c).spec.parallelism).toBe(4);
    expect(warningsOf(c, { skipRules: ['gitops/ttl-on-tracked-job'] }).map(w => w.message))
      .toEqual(['parallelism (4) is greater than completions (2): at most 2 pods run at once']);
  });

  test('fails when completions is 0', () => {
    const c = chart();
    expect(() => new FixedCompletionJob(c, 'job', { completions: 0, container: CONTAINER }))
      .toThrow("test/job (FixedCompletionJob): 'completions' must be a whole number >= 1, got 0. Set completions to 1 or more, or leave it unset for a work queue.");
  });

  test('fails when parallelism is not a whole number', () => {
    const c = chart();
    expect(() => new FixedCompletionJob(c, 'job', { completions: 3, parallelism: 1.5, container: CONTAINER }))
      .toThrow("test/job (FixedCompletionJob): 'parallelism' must be a whole number >= 0, got 1.5. Set parallelism to 0 (paused) or more.");
  });
});
