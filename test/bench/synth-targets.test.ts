import { runRatios } from '../../bench/report';
import type { CaseMedian } from '../../bench/synth/run';

// The synth target lines show how much of a verdict is noise (docs/benchmarks.md, Targets): the
// lowest and highest ratio of ours to the other case run by run. The verdict stays the medians'.

/** A case of the workload `single` whose runs took `runsMs`; its median is the median of those. */
function caseOf(impl: CaseMedian['impl'], runsMs: number[]): CaseMedian {
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    pattern: 'single', impl, mode: 'synth', count: 1000, objects: 1000,
    totalMs: sorted[Math.floor(sorted.length / 2)], constructMs: 0, renderMs: 0, peakRssMb: 0, baseRssMb: 0, runsMs,
  };
}

describe('the runs\' ratios on a synth target line', () => {
  test('are the lowest and highest of ours against the other case, run by run', () => {
    // GIVEN three runs whose ratios are 1.10x, 0.90x and 1.50x
    const ours = caseOf('ours', [110, 90, 300]);
    const raw = caseOf('raw', [100, 100, 200]);

    // THEN the line shows 0.90-1.50x, though the medians' ratio is 1.10x / 1.00x
    expect(runRatios(ours, raw)).toBe('; runs 0.90-1.50x');
  });

  test('are left out with one run (all patterns in one app) or without runs (the sum of the rows)', () => {
    expect(runRatios(caseOf('ours', [120]), caseOf('raw', [100]))).toBe('');
    expect(runRatios({ totalMs: 120, objects: 1, count: 1 }, { totalMs: 100, objects: 1, count: 1 })).toBe('');
  });
});
