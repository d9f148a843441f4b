import * as fs from 'fs';
import * as path from 'path';
import { jobReport } from '../../lib/runtime/job-report';
import { PodOutcome } from '../../lib/runtime/pods';
import { TargetTracker } from '../../lib/runtime/tracking';
import { JobLike, JobState } from '../../lib/runtime/verdict';
import { container, pod, ran } from './pod-builders';

// A target's report from its tracker (lib/runtime/job-report.ts): captured 1.37 Jobs, pods built
// as the API server shows them. Durations are in ms, times in ISO 8601.

function captured(name: string): JobLike {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'jobs-1.37', `${name}.json`), 'utf-8'));
}

/** A captured Job as the run `later` in ns, with this uid. */
function run(fixture: string, uid = 'uid-1', labels: Record<string, string> = {}): JobLike {
  const job = captured(fixture);
  return { ...job, metadata: { ...job.metadata, name: 'later', namespace: 'ns', uid, creationTimestamp: '2026-11-29T05:22:40.000Z', labels } };
}

/** Verification began 10 s after the captured Jobs ran (2026-11-29T05:23:00Z). */
const STARTED = Date.parse('2026-11-29T05:23:00Z');

function tracker(): TargetTracker {
  return new TargetTracker({ name: 'later', namespace: 'ns', pattern: 'SingleBatchJob', group: 'g' }, { startedAt: STARTED - 60_000, replacementGraceMs: 15_000 });
}

test('a complete run: its duration in ms, its times in ISO 8601, its conditions on the timeline', () => {
  // GIVEN
  const t = tracker();
  t.onJob('ADDED', run('complete'), STARTED);

  // WHEN
  const report = jobReport(t, STARTED, STARTED - 60_000);

  // THEN
  expect(report).toMatchObject({
    name: 'later', namespace: 'ns', pattern: 'SingleBatchJob', group: 'g', uid: 'uid-1',
    verdict: { state: JobState.COMPLETE, terminal: true },
    stats: { podsCreated: 1, maxRunning: 0, maxTerminating: 0, failedAttempts: 0, durationMs: 4000 },
    terminalAt: '2026-11-29T05:22:52.000Z',
    verdictAt: new Date(STARTED).toISOString(),
    failedPods: [], failedPodsOmitted: 0, exitCounts: [], stuckPods: [], earlierRuns: [], earlierRunsOmitted: 0,
    timeline: {
      startedAt: '2026-11-29T05:22:48.000Z', activeDeadlineMs: 3_600_000, completionMode: 'NonIndexed', completions: 1, parallelism: 1,
      conditions: [{ type: 'SuccessCriteriaMet', reason: 'CompletionsReached', at: '2026-11-29T05:22:52.000Z' }, { type: 'Complete', reason: 'CompletionsReached', at: '2026-11-29T05:22:52.000Z' }],
      pods: [],
    },
  });
  expect(report.finishedBeforeVerification).toBeUndefined();
});

test('a run that ended before verification began says so', () => {
  // GIVEN verification began a minute after the run completed
  const t = tracker();
  t.onJob('ADDED', run('complete'), STARTED);

  // THEN
  expect(jobReport(t, STARTED, STARTED).finishedBeforeVerification).toBe(true);
});

test('a queued run: since when, and its Kueue queue; no duration before it started', () => {
  // GIVEN
  const t = tracker();
  t.onJob('ADDED', run('suspended', 'uid-1', { 'kueue.x-k8s.io/queue-name': 'team-a' }), STARTED);

  // THEN
  expect(jobReport(t, STARTED, STARTED - 60_000)).toMatchObject({
    verdict: { state: JobState.QUEUED, terminal: false },
    suspension: { since: '2026-11-29T05:22:48.000Z', kueueQueue: 'team-a' },
  });
  expect(jobReport(t, STARTED, STARTED - 60_000).stats.durationMs).toBeUndefined();
});

test('its pods: counted, and on the timeline with ISO 8601 times', () => {
  // GIVEN a failed run (startTime 05:22:46, FailureTarget 05:22:49: its duration) with one pod that failed at T0 + 5 s after a restart at T0 + 2 s
  const t = tracker();
  t.onJob('ADDED', run('deadline-exceeded'), STARTED);
  t.onPod('MODIFIED', pod({ phase: 'Failed', containerStatuses: [container('main', 1, ran(1, 5), ran(2, 2))] }, { labels: { 'job-name': 'later' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'later', uid: 'uid-1' }] }), STARTED);

  // WHEN
  const report = jobReport(t, STARTED, STARTED - 60_000);

  // THEN
  expect(report.stats).toEqual({ podsCreated: 1, maxRunning: 0, maxTerminating: 0, failedAttempts: 2, durationMs: 3000 });
  expect(report.timeline.pods).toEqual([{
    name: 'p', createdAt: '2026-11-29T10:00:00.000Z', startedAt: '2026-11-29T10:00:04.000Z', endedAt: '2026-11-29T10:00:05.000Z',
    outcome: PodOutcome.FAILED, exitCode: 1, restarts: 1, restartsAt: ['2026-11-29T10:00:02.000Z'],
  }]);
});

test('a target never seen: missing, with nothing measured', () => {
  expect(jobReport(tracker(), STARTED, STARTED)).toEqual({
    name: 'later', namespace: 'ns', pattern: 'SingleBatchJob', group: 'g',
    verdict: { state: JobState.MISSING, terminal: false, early: false },
    earlierRuns: [], earlierRunsOmitted: 0,
    stats: { podsCreated: 0, maxRunning: 0, maxTerminating: 0, failedAttempts: 0 },
    failedPods: [], failedPodsOmitted: 0, exitCounts: [], stuckPods: [],
    timeline: { conditions: [], pods: [] },
  });
});
