import { SingleBatchJob } from '../../index';
import { JobPattern } from '../../index';
import { chart, CONTAINER, job, synth } from '../util';

describe('SingleBatchJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const j = new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: { name: 'pi', image: 'perl:5.34.0', command: ['perl', '-e', 'print 1'] } });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(j.completions).toBe(1);
    expect(j.parallelism).toBe(1);
    expect(j.pattern).toBe(JobPattern.SINGLE_BATCH);
  });

  test('renders completions and parallelism 1 and the pattern annotation', () => {
    const c = chart();
    new SingleBatchJob(c, 'job', { container: CONTAINER });
    const m = job(c);
    expect(m.spec.completions).toBe(1);
    expect(m.spec.parallelism).toBe(1);
    expect(m.spec).not.toHaveProperty('completionMode');
    expect(m.metadata.annotations!['job-patterns.cdk8s.io/pattern']).toBe('single-batch');
  });

  test('fails when backoffLimit is negative, naming the pattern construct', () => {
    const c = chart();
    expect(() => new SingleBatchJob(c, 'pi', { container: CONTAINER, backoffLimit: -3 }))
      .toThrow("test/pi (SingleBatchJob): 'backoffLimit' must be a whole number >= 0, got -3. Set backoffLimit to 0 (no retries) or more.");
  });
});
