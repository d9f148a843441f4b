import { htmlReport } from '../../lib/runtime/html-report';
import { PodOutcome } from '../../lib/runtime/pods';
import { JobState } from '../../lib/runtime/verdict';
import type { FailedPod } from '../../lib/runtime/diagnosis';
import { at, attempt, evenSeconds, jobReport, preempted, queuedForQuota, unluckyNever, verifyResult } from './report-builders';

const count = (html: string, pattern: RegExp) => (html.match(new RegExp(pattern.source, 'g')) ?? []).length;
/** The <details class="job"> section of one Job. */
function section(html: string, name: string): string {
  const start = html.indexOf(`<details class="job" data-job="${name}"`);
  if (start < 0) throw new Error(`no section for Job ${name}`);
  return html.slice(start, html.indexOf('</details>', start));
}

describe('htmlReport', () => {
  test('self-contained: no script, no external resource, a policy that forbids any request', () => {
    // GIVEN / WHEN
    const html = htmlReport(verifyResult([evenSeconds(), unluckyNever()]));
    // THEN
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // The only URL is the SVG namespace.
    expect(html.match(/https?:\/\/[^\s"']+/g)).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
  });

  test('even-seconds: 2 lanes, 6 bars coloured succeeded, the Complete condition marked', () => {
    const job = section(htmlReport(verifyResult([evenSeconds()])), 'even-seconds');
    expect(job).toContain('data-lanes="2" data-pods="6"');
    expect(count(job, /<rect class="lane" /)).toBe(2);
    expect(count(job, /<g class="pod succeeded" /)).toBe(6);
    expect(count(job, /<g class="condition" data-type="Complete">/)).toBe(1);
    expect(job).toContain('<dt>completions / parallelism</dt><dd>6 / 2</dd>');
  });

  test('unlucky: 4 failed bars with exit code in 1 lane, 3 back-off gaps, early and terminal conditions, deadline off the chart', () => {
    const job = section(htmlReport(verifyResult([unluckyNever()])), 'unlucky');
    expect(job).toContain('data-lanes="1" data-pods="4"');
    expect(count(job, /<g class="pod failed" data-outcome="failed" data-lane="0" data-name="unlucky-\w" data-exit-code="1"/)).toBe(4);
    expect([...job.matchAll(/<g class="backoff" data-seconds="(\d+)">/g)].map(m => m[1])).toEqual(['10', '20', '40']);
    expect(job).toContain('<g class="condition early" data-type="FailureTarget">');
    expect(job).toContain('<g class="condition" data-type="Failed">');
    expect(job).toContain('>deadline at 1 h (off the chart) →</text>');
    expect(job).not.toContain('<g class="deadline"');
    expect(job).toContain('<span class="verdict failed">failed</span> <span class="reason">BackoffLimitExceeded</span>');
  });

  test('a deadline that cut the Job short is a line at its time, and the killed pod says by what', () => {
    const job = jobReport('pi-with-timeout', [attempt('pi-x', 0, 100, PodOutcome.KILLED)], { state: JobState.FAILED, reason: 'DeadlineExceeded' },
      { activeDeadlineMs: 100_000, conditions: [{ type: 'Failed', reason: 'DeadlineExceeded', at: at(100) }] });
    const html = section(htmlReport(verifyResult([job])), 'pi-with-timeout');
    expect(html).toMatch(/<g class="deadline" data-seconds="100"><line x1="764" /);
    expect(html).toContain('>deadline 1 min 40 s</text>');
    expect(html).toContain('pi-x: killed by DeadlineExceeded');
  });

  test('OnFailure: one bar with a tick per restart in place', () => {
    const job = jobReport('onfailure', [attempt('o', 0, 10, PodOutcome.KILLED, { restartsAt: [3, 6, 9] })], { state: JobState.FAILED, reason: 'BackoffLimitExceeded' });
    const html = section(htmlReport(verifyResult([job])), 'onfailure');
    expect(count(html, /<line class="restart" /)).toBe(3);
    expect(html).toContain('data-restarts="3"');
  });

  test('Indexed: bars labelled with their index, the indexes with failed attempts listed', () => {
    const pods = [
      attempt('x0', 0, 3, PodOutcome.SUCCEEDED, { index: 0 }),
      attempt('x1', 0, 3, PodOutcome.FAILED, { index: 1, exitCode: 3 }),
      attempt('x1b', 13, 16, PodOutcome.FAILED, { index: 1, exitCode: 3 }),
    ];
    const html = section(htmlReport(verifyResult([jobReport('ix', pods, { state: JobState.FAILED }, { completionMode: 'Indexed', completions: 2, parallelism: 2 })])), 'ix');
    expect([...html.matchAll(/<text class="bar-label[^"]*"[^>]*>([^<]*)<\/text>/g)].map(m => m[1])).toEqual(['#0', '#1 exit 3', '#1 exit 3']);
    expect(html).toContain('<p class="failed-indexes">indexes with failed attempts: 1 (2×)</p>');
    // The API's failedIndexes (backoffLimitPerIndex) wins when set.
    const perIndex = htmlReport(verifyResult([jobReport('ix', pods, { state: JobState.FAILED, failedIndexes: '1' })]));
    expect(perIndex).toContain('<p class="failed-indexes">failed indexes: 1</p>');
  });

  test('a Job that succeeded by its success policy: the pods it killed then are not indexes with failed attempts', () => {
    // GIVEN index 0 succeeded, which met the policy; the controller killed indexes 1 and 2
    const pods = [
      attempt('s0', 0, 3, PodOutcome.SUCCEEDED, { index: 0 }),
      attempt('s1', 0, 3, PodOutcome.KILLED, { index: 1 }),
      attempt('s2', 0, 3, PodOutcome.KILLED, { index: 2 }),
    ];
    const job = jobReport('policy', pods, { state: JobState.COMPLETE, reason: 'SuccessPolicy' }, { completionMode: 'Indexed', completions: 3, parallelism: 3 });
    // WHEN
    const html = section(htmlReport(verifyResult([job])), 'policy');
    // THEN
    expect(html).not.toContain('failed-indexes');
  });

  test('an evicted attempt is a failed attempt of its index; a killed one of a failed Job is not', () => {
    const pods = [
      attempt('e1', 0, 3, PodOutcome.KILLED, { index: 1, reason: 'EvictionByEvictionAPI' }),
      attempt('e1b', 13, 16, PodOutcome.FAILED, { index: 1, exitCode: 2 }),
      attempt('e2', 0, 16, PodOutcome.KILLED, { index: 2 }),
    ];
    const html = section(htmlReport(verifyResult([jobReport('ev', pods, { state: JobState.FAILED, reason: 'BackoffLimitExceeded' }, { completionMode: 'Indexed' })])), 'ev');
    expect(html).toContain('<p class="failed-indexes">indexes with failed attempts: 1 (2×)</p>');
  });

  test("a native sidecar's restarts: no tick in the bar (they are no failed attempts), said in its tooltip", () => {
    const job = jobReport('proxied', [attempt('p', 0, 10, PodOutcome.SUCCEEDED, { sidecarRestarts: 2 })]);
    const html = section(htmlReport(verifyResult([job])), 'proxied');
    expect(count(html, /<line class="restart" /)).toBe(0);
    expect(html).toContain('data-restarts="0" data-sidecar-restarts="2">');
    expect(html).toContain('2 restart(s) of its native sidecars (not failed attempts)</title>');
  });

  test('a pod that failed without an exit code shows its reason; an evicted one says it was', () => {
    const pods = [
      attempt('ev', 0, 10, PodOutcome.FAILED, { reason: 'Evicted' }),
      attempt('api', 10, 20, PodOutcome.KILLED, { reason: 'EvictionByEvictionAPI' }),
    ];
    const html = section(htmlReport(verifyResult([jobReport('evicted', pods, { state: JobState.FAILED, reason: 'BackoffLimitExceeded' })])), 'evicted');
    expect([...html.matchAll(/<text class="bar-label[^"]*"[^>]*>([^<]*)<\/text>/g)].map(m => m[1])).toEqual(['Evicted', 'killed']);
    expect(html).toContain('data-reason="Evicted"');
    expect(html).toContain('<title>ev: failed, Evicted\n');
    expect(html).toContain('<title>api: killed (EvictionByEvictionAPI)\n');
  });

  test("the diagnosis: each pod's reason and failed runs, the pods left out, the counts, a previous container's log", () => {
    // GIVEN
    const failedPods: FailedPod[] = [
      { name: 'd-0', exits: [{ container: 'main', exitCode: 137, reason: 'OOMKilled' }, { container: 'main', exitCode: 1, reason: 'Error' }], logTail: ['boom'], logContainer: 'main', logPrevious: true },
      { name: 'd-1', exits: [], podReason: { reason: 'Evicted', message: 'The node was low on resource: memory. ' } },
    ];
    const job = jobReport('diag', [], { state: JobState.FAILED, reason: 'BackoffLimitExceeded' }, {}, {
      failedPods,
      failedPodsOmitted: 10,
      exitCounts: [{ container: 'main', exitCode: 1, reason: 'Error', count: 11 }, { container: 'main', exitCode: 137, reason: 'OOMKilled', count: 1 }, { reason: 'Evicted', count: 1 }],
    });
    // WHEN
    const html = section(htmlReport(verifyResult([job])), 'diag');
    // THEN
    expect(html).toContain('<li><code>d-0</code>: container main exit 137 (OOMKilled), container main exit 1 (Error)<span class="log-heading">log of container main (previous container)</span><pre class="log">boom</pre></li>');
    expect(html).toContain('<li><code>d-1</code>: Evicted (The node was low on resource: memory.)</li>');
    expect(html).toContain('<p class="failed-omitted">and 10 more failed pod(s)</p>');
    expect(html).toContain('<p class="exit-counts">failed runs by exit code: container main exit 1 (Error) ×11, container main exit 137 (OOMKilled) ×1</p><p class="exit-counts">failed pods by reason: Evicted ×1</p>');
  });

  test('100 Jobs in template-expansion groups: one collapsed group each, a failed member opens its group and itself', () => {
    const jobs = Array.from({ length: 100 }, (_, i) => jobReport(`item-${i}`, [attempt(`item-${i}-p`, 0, 2, PodOutcome.SUCCEEDED)], i === 42 ? { state: JobState.FAILED } : {}, {}, { group: `g${Math.floor(i / 25)}` }));
    const html = htmlReport(verifyResult(jobs));
    expect(count(html, /<details class="job" /)).toBe(100);
    expect([...html.matchAll(/<details class="group" data-group="([^"]+)"( open)?>/g)].map(m => [m[1], m[2] === ' open'])).toEqual([
      ['template expansion g0', false], ['template expansion g1', true], ['template expansion g2', false], ['template expansion g3', false],
    ]);
    expect([...html.matchAll(/<details class="job" data-job="([^"]+)"[^>]*?( open)?>/g)].filter(m => m[2]).map(m => m[1])).toEqual(['item-42']);
  });

  test('the Jobs of one work queue form a group', () => {
    const html = htmlReport(verifyResult([
      jobReport('fill', [], {}, {}, { queue: 'redis' }), jobReport('work', [], {}, {}, { queue: 'redis' }), jobReport('alone', []),
    ]));
    expect(html).toMatch(/<details class="group" data-group="work queue redis" open><summary><b>work queue redis<\/b> <span class="line">2 Job\(s\): 2 complete, 0 failed/);
  });

  test('one Job of 200 pods stays within a screen: thinner lanes, every bar drawn', () => {
    const pods = Array.from({ length: 200 }, (_, i) => attempt(`p${i}`, i % 5, 60, PodOutcome.SUCCEEDED));
    const html = htmlReport(verifyResult([jobReport('wide', pods)]));
    const height = Number(/<svg class="timeline"[^>]* height="(\d+)"/.exec(html)![1]);
    expect(html).toContain('data-lanes="200" data-pods="200"');
    expect(count(html, /<g class="pod succeeded" /)).toBe(200);
    expect(height).toBeLessThanOrEqual(700);
  });

  test('text from the cluster is escaped', () => {
    const job = jobReport('x', [], { state: JobState.FAILED, message: '<script>alert(1)</script>' }, {}, {
      failedPods: [{ name: 'x-1', exits: [{ container: 'main', exitCode: 1 }], logTail: ['a < b & "c"'] }],
    });
    const html = htmlReport(verifyResult([job]));
    expect(html).toContain('<p class="message">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('<pre class="log">a &lt; b &amp; &quot;c&quot;</pre>');
  });
});

describe('htmlReport with Kueue', () => {
  test('a "queued" band before the pods for each wait in the queue, a mark at the eviction, and the queues beside the timeline', () => {
    // GIVEN / WHEN
    const job = section(htmlReport(verifyResult([preempted()], 30)), 'low');

    // THEN: x starts with the first wait (0 s), the second wait from 2 s to 10 s, between the pods
    expect([...job.matchAll(/<g class="queued" data-seconds="([\d.]+)"><title>([^<]*)<\/title><rect x="([\d.]+)"/g)].map(m => [m[1], m[2], m[3]])).toEqual([
      ['0', 'queued in Kueue LocalQueue user-queue (ClusterQueue team) for 0 ms, then admitted (from 0 s)', '40'],
      ['8', 'queued in Kueue LocalQueue user-queue (ClusterQueue team) for 8 s, then admitted (from 2 s)', String(40 + Math.round((2 / 22) * 724 * 10) / 10)],
    ]);
    expect(job).toContain('<text class="lane-label queue-label"');
    expect(count(job, /<g class="eviction" data-reason="Preempted">/)).toBe(1);
    expect(count(job, /<g class="pod killed" /)).toBe(1);
    expect(job).toContain('<dt>kueue</dt><dd>LocalQueue user-queue (ClusterQueue team): finished</dd><dt>queued</dt><dd>8 s in 2 waits</dd><dt>evicted</dt><dd>Preempted (InClusterQueue)</dd>');
    expect(job).toContain('<p class="kueue">Kueue LocalQueue user-queue (ClusterQueue team), admitted at 2026-11-29T10:00:10.000Z after 8 s in the queue (2 waits); evicted once, last preempted (InClusterQueue) at 2026-11-29T10:00:01.000Z; Workload finished</p>');
  });

  test('a Job still queued: an open band to the end of verification, no pod, and why it waits', () => {
    const job = section(htmlReport(verifyResult([queuedForQuota()], 30)), 'train');
    expect(job).toMatch(/<g class="queued open" data-seconds="30"><title>queued in Kueue LocalQueue user-queue \(ClusterQueue team\) for 30 s, still waiting \(from 0 s\)<\/title><rect x="40" y="\d+" width="724" /);
    expect(job).toContain('<text class="empty"');
    expect(job).toContain('<dt>kueue</dt><dd>LocalQueue user-queue (ClusterQueue team): pending (waiting for quota)</dd>');
    expect(job).not.toContain('<p class="kueue">');
  });

  test('no Kueue, no band: a Job without a queue draws as before', () => {
    expect(section(htmlReport(verifyResult([evenSeconds()])), 'even-seconds')).not.toMatch(/queued|queue-label|eviction|<dt>kueue/);
  });
});
