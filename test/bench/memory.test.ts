import { memorySlopes, memoryTargets } from '../../bench/report';
import type { MemoryResults, MemoryRow } from '../../bench/verify/memory';

// The verifier's memory targets (issue 21, item 8; docs/benchmarks.md): per Job above the baseline,
// the baseline itself, and linearity, computed from the figures of a run.
const MB = 1024 * 1024;
const KB = 1024;

/** A row: our steady RSS and heap (undefined: no steady state), kubectl's RSS while waiting. */
function row(jobs: number, rss: number | undefined, heap: number, kubectlRss: number): MemoryRow {
  const sample = rss === undefined ? undefined : { rss, rssBeforeGc: rss, peakRss: rss, heapUsed: heap, heapTotal: heap, external: 0, malloced: 0 };
  return {
    jobs,
    ours: {
      loading: { modules: { rss: 40 * MB, rssBeforeGc: 40 * MB, peakRss: 40 * MB, heapUsed: 5 * MB, heapTotal: 5 * MB, external: 0, malloced: 0 } },
      clientLoaded: false,
      ...(sample ? { steady: sample, steadyAfterMs: 100 } : {}),
      outcome: 'timeout', summary: '', states: { queued: jobs }, requests: { lists: 2, watches: 2, logs: 0 }, peakRss: rss ?? 0,
      process: { peakRss: rss ?? 0, lastRss: rss ?? 0, exitCode: 2, wallMs: 1000 },
      timeoutSeconds: 20,
      runs: [rss],
    },
    kubectl: { peakRss: kubectlRss, lastRss: kubectlRss, exitCode: 1, wallMs: 1000, timeoutSeconds: 20 },
  };
}

function results(rows: MemoryRow[]): MemoryResults {
  return { rows, create: { jobs: 0, seconds: 1, requests: 0 }, wallSeconds: 1 };
}

test('per-Job figures are (RSS at N - baseline) / N, for us and for kubectl', () => {
  // GIVEN a baseline of 50 MB (kubectl 40 MB) and 1,000 Jobs at 55 MB (kubectl 90 MB)
  const m = results([row(0, 50 * MB, 20 * MB, 40 * MB), row(1000, 55 * MB, 25 * MB, 90 * MB)]);

  // WHEN
  const { rows } = memorySlopes(m);

  // THEN
  expect(rows).toEqual([{ jobs: 1000, rss: 55 * MB, perJob: 5 * MB / 1000, heap: 25 * MB, heapPerJob: 5 * MB / 1000, kubectlRss: 90 * MB, kubectlPerJob: 50 * MB / 1000 }]);
});

test('every target passes for a small baseline, a few KB a Job and a constant slope (the 100-Job row enters the slope; its per-Job figure is not judged)', () => {
  // GIVEN 50 MB, then 8 KB a Job at 100, 1,000 and 10,000 Jobs
  const m = results([
    row(0, 50 * MB, 20 * MB, 40 * MB),
    row(100, 50 * MB + 100 * 8 * KB, 21 * MB, 41 * MB),
    row(1000, 50 * MB + 1000 * 8 * KB, 25 * MB, 90 * MB),
    row(10_000, 50 * MB + 10_000 * 8 * KB, 70 * MB, 95 * MB),
  ]);

  // WHEN
  const targets = memoryTargets(m);

  // THEN
  expect(targets.map(t => t.pass)).toEqual([true, true, true, true]);
  expect(targets.map(t => t.text)).toEqual([
    'verifier baseline: 50.0 MB RSS with its modules loaded, watching a namespace with no Job (kubectl wait on one Job: 40.0 MB) (target <= 60 MB)',
    'verifier memory: 8.0 KB per Job above the baseline at 1,000 Jobs (RSS 57.8 MB, baseline 50.0 MB; heap 5.1 KB per Job; kubectl wait 51.2 KB per Job) (target <= 10 KB)',
    'verifier memory: 8.0 KB per Job above the baseline at 10,000 Jobs (RSS 128.1 MB, baseline 50.0 MB; heap 5.1 KB per Job; kubectl wait 5.6 KB per Job) (target <= 10 KB)',
    'verifier memory linear in Jobs: 8.0 KB a further Job from 1,000 to 10,000 Jobs = 1.00x the 8.0 KB from 100 to 1,000 Jobs (target: within 1.5x)',
  ]);
});

test('a cost paid once with the first Jobs, then the same cost a Job, is linear, though the per-Job figure above the baseline falls with more Jobs', () => {
  // GIVEN 47 MB, 2 MB more with the first Jobs, then 3 KB a Job
  const at = (jobs: number) => row(jobs, 47 * MB + 2 * MB + jobs * 3 * KB, 5 * MB, 40 * MB);
  const m = results([row(0, 47 * MB, 5 * MB, 40 * MB), at(100), at(1000), at(10_000)]);

  // WHEN
  const targets = memoryTargets(m);
  const { rows } = memorySlopes(m);

  // THEN 5.0 KB a Job at 1,000 above the baseline, 3.2 KB at 10,000, and linear
  expect(rows.map(r => Math.round(r.perJob! / KB * 10) / 10)).toEqual([23.5, 5.0, 3.2]);
  expect(targets.map(t => t.pass)).toEqual([true, true, true, true]);
  expect(targets[3].text).toBe('verifier memory linear in Jobs: 3.0 KB a further Job from 1,000 to 10,000 Jobs = 1.00x the 3.0 KB from 100 to 1,000 Jobs (target: within 1.5x)');
});

test('misses for a baseline above 60 MB, more than 10 KB a Job, and a slope that grows by more than 1.5x', () => {
  // GIVEN 97 MB, then 5 KB a further Job up to 1,000 Jobs and 12 KB a further Job up to 10,000
  const m = results([
    row(0, 97 * MB, 31 * MB, 46 * MB),
    row(100, 97 * MB + 100 * 5 * KB, 32 * MB, 47 * MB),
    row(1000, 97 * MB + 1000 * 5 * KB, 36 * MB, 94 * MB),
    row(10_000, 97 * MB + 1000 * 5 * KB + 9000 * 12 * KB, 81 * MB, 93 * MB),
  ]);

  // WHEN
  const targets = memoryTargets(m);

  // THEN
  expect(targets.map(t => [t.pass, t.text.split(':')[0]])).toEqual([
    [false, 'verifier baseline'],
    [true, 'verifier memory'],
    [false, 'verifier memory'],
    [false, 'verifier memory linear in Jobs'],
  ]);
  expect(targets[3].text).toBe('verifier memory linear in Jobs: 12.0 KB a further Job from 1,000 to 10,000 Jobs = 2.40x the 5.0 KB from 100 to 1,000 Jobs (target: within 1.5x)');
});

test('a slope that falls by more than 1.5x misses too', () => {
  // GIVEN 50 MB, then 9 KB a further Job up to 1,000 Jobs and 3 KB a further Job up to 10,000
  const m = results([
    row(0, 50 * MB, 20 * MB, 40 * MB),
    row(100, 50 * MB + 100 * 9 * KB, 21 * MB, 41 * MB),
    row(1000, 50 * MB + 1000 * 9 * KB, 25 * MB, 90 * MB),
    row(10_000, 50 * MB + 1000 * 9 * KB + 9000 * 3 * KB, 70 * MB, 95 * MB),
  ]);

  // WHEN
  const targets = memoryTargets(m);

  // THEN
  expect(targets[3]).toEqual({ pass: false, text: 'verifier memory linear in Jobs: 3.0 KB a further Job from 1,000 to 10,000 Jobs = 0.33x the 9.0 KB from 100 to 1,000 Jobs (target: within 1.5x)' });
});

test('a size whose steady state never came before the timeout misses, and so does linearity', () => {
  // GIVEN no steady state at 10,000 Jobs
  const m = results([row(0, 50 * MB, 20 * MB, 40 * MB), row(100, 51 * MB, 21 * MB, 41 * MB), row(1000, 55 * MB, 25 * MB, 90 * MB), row(10_000, undefined, 0, 95 * MB)]);

  // WHEN
  const targets = memoryTargets(m);

  // THEN
  expect(targets[2]).toEqual({ pass: false, text: 'verifier memory at 10,000 Jobs: no steady state before the timeout (target <= 10 KB per Job above the baseline)' });
  expect(targets[3]).toEqual({ pass: false, text: 'verifier memory linear in Jobs: - a further Job from 1,000 to 10,000 Jobs = - the 4.6 KB from 100 to 1,000 Jobs (target: within 1.5x)' });
});

test('the library\'s per-Job figures are against its own baseline; the targets judge the CLI\'s (ours)', () => {
  // GIVEN the CLI at 47 MB, then 5 KB a Job at 1,000; the library at 52 MB, then 10 KB a Job
  const withLibrary = (r: MemoryRow, rss: number): MemoryRow => ({ ...r, library: { ...r.ours, steady: { ...r.ours.steady!, rss } } });
  const m = results([
    withLibrary(row(0, 47 * MB, 5 * MB, 44 * MB), 52 * MB),
    withLibrary(row(1000, 47 * MB + 1000 * 5 * KB, 7 * MB, 90 * MB), 52 * MB + 1000 * 10 * KB),
  ]);

  // WHEN
  const library = memorySlopes(m, 'library').rows;
  const targets = memoryTargets(m);

  // THEN
  expect(library.map(s => [s.jobs, s.rss, s.perJob])).toEqual([[1000, 52 * MB + 1000 * 10 * KB, 10 * KB]]);
  expect(targets.map(t => [t.pass, t.text.split(' (')[0]])).toEqual([
    [true, 'verifier baseline: 47.0 MB RSS with its modules loaded, watching a namespace with no Job'],
    [true, 'verifier memory: 5.0 KB per Job above the baseline at 1,000 Jobs'],
  ]);
});
