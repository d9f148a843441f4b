import type { FailedPod } from '../../lib/runtime/diagnosis';
import { PodOutcome } from '../../lib/runtime/pods';
import { markdownSummary, sparkline } from '../../lib/runtime/summary';
import { JobState } from '../../lib/runtime/verdict';
import { VerifyOutcome } from '../../lib/runtime/verify';
import { attempt, evenSeconds, jobReport, preempted, queuedForQuota, T0, unluckyNever, verifyResult } from './report-builders';

describe('markdownSummary', () => {
  test('a table row per Job, those that did not converge first, with a sparkline', () => {
    // GIVEN
    const unlucky = { ...unluckyNever(), failedPods: [{ name: 'unlucky-a', exits: [{ container: 'main', exitCode: 1, reason: 'Error' }], logTail: ['unlucky-a failed'] }] };
    // WHEN
    const md = markdownSummary(verifyResult([evenSeconds(), unlucky], 80, VerifyOutcome.FAILED));
    // THEN
    const rows = md.split('\n').filter(l => l.startsWith('| ✅') || l.startsWith('| ❌'));
    expect(rows).toEqual([
      '| ❌ | `ns/unlucky` | failed (BackoffLimitExceeded) | 4 | 1 | 4 | 1 min 14 s | `✕··✕······✕············✕` |',
      '| ✅ | `ns/even-seconds` | complete | 6 | 2 | 0 | 3 s | `████████████████████████` |',
    ]);
    expect(md.startsWith('### job-patterns verify: ❌ failed\n')).toBe(true);
    expect(md).toContain('<details><summary>ns/unlucky: failed (BackoffLimitExceeded)</summary>\n\nJob has reached the specified backoff limit\n\n- `unlucky-a`: container main exit 1 (Error)\n  ```\n  unlucky-a failed\n  ```\n\n</details>');
    expect(md.endsWith('\n\n')).toBe(true);
  });

  test("the diagnosis of a Job that failed: each pod's reason and failed runs, a previous container's log, the pods left out, the counts", () => {
    // GIVEN
    const failedPods: FailedPod[] = [
      { name: 'w-0', exits: [{ container: 'main', exitCode: 137, reason: 'OOMKilled' }, { container: 'main', exitCode: 1, reason: 'Error' }], logTail: ['loading 3 GiB'], logContainer: 'main', logPrevious: true },
      { name: 'w-1', exits: [], podReason: { reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 500, capacity: 2000" } },
    ];
    const job = { ...unluckyNever(), failedPods, failedPodsOmitted: 3, exitCounts: [{ container: 'main', exitCode: 1, reason: 'Error', count: 4 }, { reason: 'OutOfcpu', count: 1 }] };
    // WHEN
    const md = markdownSummary(verifyResult([job], 80, VerifyOutcome.FAILED));
    // THEN
    expect(md).toContain([
      '- `w-0`: container main exit 137 (OOMKilled), container main exit 1 (Error)',
      '  log of container main (previous container):',
      '  ```',
      '  loading 3 GiB',
      '  ```',
      "- `w-1`: OutOfcpu (Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 500, capacity: 2000)",
      '- and 3 more failed pod(s)',
      '- failed runs by exit code: container main exit 1 (Error) ×4',
      '- failed pods by reason: OutOfcpu ×1',
      '',
      '</details>',
    ].join('\n'));
  });

  test('pipes in a cell are escaped; rows beyond maxRows are counted', () => {
    const jobs = [jobReport('a', [], { state: JobState.FAILED, reason: 'x|y' }), jobReport('b', []), jobReport('c', [])];
    const md = markdownSummary(verifyResult(jobs), { maxRows: 2 });
    expect(md).toContain('| failed (x\\|y) |');
    expect(md).toContain('… and 1 more Job(s)');
  });
});

test('sparkline: levels scale to the Job\'s peak; a slice with a failed attempt is ✕', () => {
  const job = jobReport('s', [
    attempt('a', 0, 4, PodOutcome.SUCCEEDED),
    attempt('b', 2, 4, PodOutcome.FAILED, { exitCode: 1 }),
  ]);
  // Slices of 1 s: a; a; a and b; b failed at its end (4 s).
  expect(sparkline(job, T0, 4)).toBe('▄▄█✕');
});

describe('markdownSummary with Kueue', () => {
  test('the verdict cell says how long a Job waited in its queue and how often it was preempted; a queued Job\'s details say why it waits', () => {
    // GIVEN / WHEN
    const md = markdownSummary(verifyResult([preempted(), queuedForQuota()], 30, VerifyOutcome.TIMEOUT));

    // THEN
    expect(md).toContain('| ⏸️ | `ns/train` | queued (Pending), queued 30 s | 0 | 0 | 0 | - |  |');
    expect(md).toMatch(/\| ✅ \| `ns\/low` \| complete \(CompletionsReached\), queued 8 s, preempted 1× \| 2 \| 1 \|/);
    expect(md).toContain("<details><summary>ns/train: queued (Pending)</summary>\n\nwaiting in Kueue LocalQueue user-queue (ClusterQueue team) since 2026-11-29T10:00:00.000Z (30 s) for quota: Pending: couldn't assign flavors");
  });
});
