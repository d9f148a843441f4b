import { PodAttempt, PodOutcome, PodRecord, recordOf } from '../../lib/runtime/pods';
import { activeByBucket, assignLanes, backoffGaps, failedAttempt, formatSeconds, peakParallelism, queueBands, timeSpan } from '../../lib/runtime/timeline';
import { attempt as reported, evenSeconds as evenSecondsReport, jobReport, preempted, queuedForQuota, T0, unluckyNever as unluckyReport } from './report-builders';

// The geometry works on pods as the verifier keeps them (times in ms): the report's, converted.
const records = (pods: readonly PodAttempt[]): PodRecord[] => pods.map(recordOf);
const attempt = (...args: Parameters<typeof reported>) => recordOf(reported(...args));
const withPods = <T extends { timeline: { pods: readonly PodAttempt[] } }>(job: T) => ({ ...job, timeline: { ...job.timeline, pods: records(job.timeline.pods) } });
const evenSeconds = () => withPods(evenSecondsReport());
const unluckyNever = () => withPods(unluckyReport());

describe('assignLanes', () => {
  test('even-seconds (6 completions, 2 at a time): 2 lanes, back-to-back attempts share a lane', () => {
    const pods = evenSeconds().timeline.pods;
    expect(assignLanes(pods, T0)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(peakParallelism(pods, T0)).toBe(2);
  });

  test('unlucky (one attempt after the other): 1 lane', () => {
    expect(assignLanes(unluckyNever().timeline.pods, T0)).toEqual([0, 0, 0, 0]);
  });

  test('overlapping attempts get a lane each; a pod still running lasts until now', () => {
    const pods = [
      attempt('a', 0, undefined, PodOutcome.RUNNING),
      attempt('b', 5, 6, PodOutcome.SUCCEEDED),
      attempt('c', 7, 9, PodOutcome.SUCCEEDED),
    ];
    expect(assignLanes(pods, T0 + 10_000)).toEqual([0, 1, 1]);
    expect(peakParallelism([], T0)).toBe(0);
  });
});

describe('backoffGaps', () => {
  test('unlucky: the controller waited 10 s, 20 s and 40 s after the failed attempts', () => {
    expect(backoffGaps(unluckyNever().timeline.pods).map(g => [g.after, (g.to - g.from) / 1000])).toEqual([[0, 10], [1, 20], [2, 40]]);
  });

  test('Indexed: the gap runs to the next attempt of the same index', () => {
    const pods = [
      attempt('i0', 0, 2, PodOutcome.FAILED, { index: 0, exitCode: 1 }),
      attempt('i1', 3, 4, PodOutcome.SUCCEEDED, { index: 1 }),
      attempt('i0b', 12, 13, PodOutcome.SUCCEEDED, { index: 0 }),
    ];
    expect(backoffGaps(pods)).toEqual([{ after: 0, from: T0 + 2000, to: T0 + 12_000 }]);
  });

  test('an evicted attempt is a failed attempt: the wait after it is a back-off; none after a pod the controller killed itself', () => {
    const pods = [
      attempt('evicted', 0, 5, PodOutcome.KILLED, { reason: 'EvictionByEvictionAPI' }),
      attempt('next', 15, 20, PodOutcome.KILLED),
      attempt('last', 40, 41, PodOutcome.SUCCEEDED),
    ];
    expect(backoffGaps(pods)).toEqual([{ after: 0, from: T0 + 5000, to: T0 + 15_000 }]);
    expect(pods.map(failedAttempt)).toEqual([true, false, false]);
  });
});

describe('timeSpan', () => {
  test('a deadline near the last event is drawn to scale', () => {
    const job = jobReport('t', [reported('p', 0, 100, PodOutcome.KILLED)], {}, { activeDeadlineMs: 100_000 });
    expect(timeSpan(job, T0 + 101_000)).toEqual({ start: T0, end: T0 + 100_000, deadlineAt: T0 + 100_000, deadlineOnChart: true });
  });

  test('a deadline far beyond the last event is not (the default 3600 s of a 3-s Job)', () => {
    const job = jobReport('t', [reported('p', 0, 3, PodOutcome.SUCCEEDED)], {}, { activeDeadlineMs: 3_600_000 });
    expect(timeSpan(job, T0 + 5000)).toEqual({ start: T0, end: T0 + 3000, deadlineAt: T0 + 3_600_000, deadlineOnChart: false });
  });
});

test('activeByBucket counts the attempts existing in each slice', () => {
  const job = evenSecondsReport();
  const pods = records(job.timeline.pods);
  expect(activeByBucket(pods, timeSpan(job, T0), 3, T0)).toEqual([2, 2, 2]);
  expect(activeByBucket(pods, timeSpan(job, T0), 6, T0)).toEqual([2, 2, 2, 2, 2, 2]);
});

test('formatSeconds', () => {
  expect([0.25, 1, 42.5, 60, 185, 3600, 3720].map(formatSeconds)).toEqual(['250 ms', '1 s', '42.5 s', '1 min', '3 min 5 s', '1 h', '1 h 2 min']);
});

describe('timeSpan and queueBands with Kueue', () => {
  test('the span starts with the first wait in the queue, before the Job\'s startTime; each wait is a band, each eviction a time', () => {
    const job = preempted();
    expect(timeSpan(job, T0 + 30_000)).toEqual({ start: T0, end: T0 + 22_000, deadlineOnChart: false });
    expect(queueBands(job, T0 + 30_000)).toEqual({
      waits: [{ from: T0, to: T0, open: false }, { from: T0 + 2000, to: T0 + 10_000, open: false }],
      evictions: [{ at: T0 + 1000, reason: 'Preempted' }],
    });
  });

  test('a Job still waiting: its band runs to now, and so does the span', () => {
    expect(queueBands(queuedForQuota(), T0 + 30_000).waits).toEqual([{ from: T0, to: T0 + 30_000, open: true }]);
    expect(timeSpan(queuedForQuota(), T0 + 30_000)).toMatchObject({ start: T0, end: T0 + 30_000 });
  });
});
