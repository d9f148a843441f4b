import * as fs from 'fs';
import * as path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { ArgoCdHealthStatus, argoCdJobHealth } from '../../lib/runtime/argocd-health';
import type { ExitCount, FailedPod } from '../../lib/runtime/diagnosis';
import { DOMParser, Document as XmlDocument, Element as XmlElement } from '@xmldom/xmldom';
import { junitReport, textReport } from '../../lib/runtime/report';
import { judgeJob, JobLike, JobState } from '../../lib/runtime/verdict';
import { JobReport, JobVerifier, Outage, VerifyOutcome, VerifyResult } from '../../lib/runtime/verify';
import { evenSeconds, jobReport, preempted, queuedForQuota, unluckyNever, verifyResult } from './report-builders';

const iso = (ms: number) => new Date(ms).toISOString();

function captured(name: string): JobLike {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'jobs-1.28', `${name}.json`), 'utf-8'));
}

function reportOf(name: string): JobReport {
  const job = captured(name);
  return {
    name,
    namespace: 'capture',
    verdict: judgeJob(job),
    stats: { podsCreated: 1, maxRunning: 1, maxTerminating: 0, failedAttempts: 0 },
    earlierRuns: [],
    earlierRunsOmitted: 0,
    timeline: { conditions: [], pods: [] },
    failedPods: [],
    failedPodsOmitted: 0,
    exitCounts: [],
    stuckPods: [],
    argoCdHealth: argoCdJobHealth(job),
  };
}

function result(jobs: JobReport[], outages: Outage[] = []): VerifyResult {
  return { outcome: VerifyOutcome.TIMEOUT, exitCode: 2, summary: 'timed out after 1 s', jobs, groups: [], requests: { lists: 2, watches: 2, logs: 0 }, outages, durationMs: 1000, finishedAt: '2026-11-29T00:00:01.000Z' };
}

describe('textReport and outages', () => {
  test('says when the API server could not be reached, how long, and the last error', () => {
    const end = Date.parse('2026-11-29T00:00:01Z');
    const lines = textReport(result([], [
      { watch: 'batch/jobs', from: iso(end - 31_000), to: iso(end - 20_000), failures: 4, lastError: 'connect ECONNREFUSED 127.0.0.1:17443' },
      { watch: 'batch/pods', from: iso(end - 12_000), failures: 2, lastError: 'connect ECONNREFUSED 127.0.0.1:17443' },
    ])).split('\n');
    expect(lines.filter(l => l.startsWith('API server'))).toEqual([
      'API server unreachable while watching batch/jobs: for 11 s, then back (4 failed request(s); last: connect ECONNREFUSED 127.0.0.1:17443)',
      'API server unreachable while watching batch/pods: for the last 12 s (2 failed request(s); last: connect ECONNREFUSED 127.0.0.1:17443)',
    ]);
  });
});

describe('textReport and Argo CD', () => {
  test('a line under the Job where Argo CD disagrees with the verdict (a resumed Job)', () => {
    const lines = textReport(result([reportOf('resumed'), reportOf('complete'), reportOf('suspended')])).split('\n');
    expect(lines.filter(l => l.includes('Argo CD'))).toEqual([
      '    Argo CD shows Healthy while the Job is running: it counts a Complete, Failed or Suspended condition of any status (a resumed Job has Suspended=False) as finished',
    ]);
    expect(lines[lines.findIndex(l => l.startsWith('capture/resumed')) + 1]).toContain('Argo CD shows Healthy');
  });

  test('nothing when Argo CD\'s health is unknown (the Job was never seen)', () => {
    const { argoCdHealth: _, ...unseen } = reportOf('running');
    expect(textReport(result([unseen]))).not.toContain('Argo CD');
  });
});

describe('JobVerifier and Argo CD', () => {
  test('each Job\'s report carries Argo CD\'s health of the last Job object seen', async () => {
    // GIVEN: a verifier that is never started; Job events are fed to it as the watch would
    const reports: JobReport[][] = [];
    const verifier = new JobVerifier({
      kubeConfig: new KubeConfig(),
      targets: [{ name: 'resumed', namespace: 'capture' }],
      namespace: 'capture',
      timeoutMs: 1000,
      onProgress: jobs => reports.push([...jobs]),
    });
    const onJob = (verifier as unknown as { onJob(type: string, job: unknown): void }).onJob.bind(verifier);

    // WHEN
    onJob('ADDED', { ...captured('suspended'), metadata: { name: 'resumed', namespace: 'capture', uid: 'u1' } });
    onJob('MODIFIED', { ...captured('resumed'), metadata: { name: 'resumed', namespace: 'capture', uid: 'u1' } });
    await new Promise(resolve => setTimeout(resolve, 300));
    verifier.stop();

    // THEN
    const last = reports[reports.length - 1][0];
    expect(last.verdict.state).toBe('running');
    expect(last.argoCdHealth).toEqual({ status: ArgoCdHealthStatus.HEALTHY, message: 'Job resumed' });
  });
});

describe('textReport and termination messages', () => {
  const failed = (pod: JobReport['failedPods'][number]): JobReport => ({ ...reportOf('backoff-limit-exceeded'), failedPods: [pod] });

  test("a failed container's termination message is shown when its log could not be read", () => {
    // GIVEN a failed pod whose log could not be read, its container's message in the pod status
    const report = failed({
      name: 'unlucky-abc', exits: [{ container: 'main', exitCode: 1, reason: 'Error', message: 'Traceback (most recent call last):\nValueError: bad row 17\n' }],
      logError: 'pods "unlucky-abc" is forbidden',
    });
    // WHEN
    const lines = textReport(result([report])).split('\n');
    // THEN
    const at = lines.indexOf('    failed pod unlucky-abc: container main exit 1 (Error)');
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '      (no logs: pods "unlucky-abc" is forbidden)',
      '      termination message of container main:',
      '      | Traceback (most recent call last):',
      '      | ValueError: bad row 17',
    ]);
  });

  test('only its last 10 lines, and not when the log tail is there', () => {
    const message = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n');
    const withoutLog = textReport(result([failed({ name: 'p', exits: [{ container: 'main', exitCode: 2, message }], logError: 'x' })])).split('\n');
    expect(withoutLog).toContain('      termination message of container main (last 10 lines):');
    expect(withoutLog.filter(l => l.startsWith('      | line'))).toEqual(Array.from({ length: 10 }, (_, i) => `      | line ${i + 6}`));
    const withLog = textReport(result([failed({ name: 'p', exits: [{ container: 'main', exitCode: 2, message }], logTail: ['from the log'] })]));
    expect(withLog).not.toContain('termination message');
  });
});

describe('textReport and the diagnosis', () => {
  const diagnosed = (failedPods: FailedPod[], failedPodsOmitted = 0, exitCounts: ExitCount[] = []): JobReport => ({ ...reportOf('backoff-limit-exceeded'), failedPods, failedPodsOmitted, exitCounts });
  /** The lines of the report from the first failed pod's on, up to the summary. */
  const diagnosisLines = (job: JobReport) => {
    const lines = textReport(result([job])).split('\n');
    return lines.slice(lines.findIndex(l => l.startsWith('    failed pod')), -1);
  };

  test("each pod's reason and failed runs, a previous container's log, the pods left out and the counts", () => {
    // GIVEN
    const job = diagnosed([
      { name: 'w-0', exits: [{ container: 'main', exitCode: 137, reason: 'OOMKilled' }, { container: 'main', exitCode: 1, reason: 'Error' }], logTail: ['loading 3 GiB'], logContainer: 'main', logPrevious: true },
      { name: 'w-1', exits: [], podReason: { reason: 'Evicted', message: 'The node was low on resource: memory. ' } },
      { name: 'w-2', exits: [{ container: 'main', exitCode: 143, reason: 'Error' }], podReason: { reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, logTail: ['terminating'], logContainer: 'main' },
      { name: 'w-3', exits: [] },
    ], 10, [
      { container: 'main', exitCode: 1, reason: 'Error', count: 12 }, { container: 'main', exitCode: 137, reason: 'OOMKilled', count: 1 },
      { container: 'main', exitCode: 143, reason: 'Error', count: 1 }, { reason: 'Evicted', count: 1 }, { reason: 'EvictionByEvictionAPI', count: 1 },
    ]);
    // WHEN / THEN
    expect(diagnosisLines(job)).toEqual([
      '    failed pod w-0: container main exit 137 (OOMKilled), container main exit 1 (Error)',
      '      log of container main (previous container):',
      '      | loading 3 GiB',
      '    failed pod w-1: Evicted (The node was low on resource: memory.)',
      '    failed pod w-2: EvictionByEvictionAPI (Eviction API: evicting), container main exit 143 (Error)',
      '      | terminating',
      '    failed pod w-3: no exit code or reason in its status',
      '    and 10 more failed pod(s)',
      '    failed runs by exit code: container main exit 1 (Error) ×12, container main exit 137 (OOMKilled) ×1, container main exit 143 (Error) ×1',
      '    failed pods by reason: Evicted ×1, EvictionByEvictionAPI ×1',
    ]);
  });

  test('a crash loop: the failed runs left out are said where they were, between the first and the last kept', () => {
    const exits = [1, 2, 3, 4, 5, 11, 12, 13, 14, 15].map(exitCode => ({ container: 'main', exitCode }));
    const [line] = diagnosisLines(diagnosed([{ name: 'loop', exits, exitsOmitted: 5 }]));
    expect(line).toBe('    failed pod loop: container main exit 1, container main exit 2, container main exit 3, container main exit 4, container main exit 5, '
      + '… 5 more failed run(s) …, container main exit 11, container main exit 12, container main exit 13, container main exit 14, container main exit 15');
  });

  test('one failure: no count lines (the failed pod line says it all)', () => {
    const job = diagnosed([{ name: 'once', exits: [{ container: 'main', exitCode: 1, reason: 'Error' }] }], 0, [{ container: 'main', exitCode: 1, reason: 'Error', count: 1 }]);
    expect(diagnosisLines(job)).toEqual(['    failed pod once: container main exit 1 (Error)']);
  });

  test('a termination message left by every run of a restarted container is shown once', () => {
    const exit = { container: 'main', exitCode: 1, reason: 'Error', message: 'bad row 17' };
    const job = diagnosed([{ name: 'again', exits: [exit, exit, { ...exit, message: 'bad row 18' }], logError: 'pods "again" not found' }], 0, [{ container: 'main', exitCode: 1, reason: 'Error', count: 3 }]);
    expect(diagnosisLines(job).filter(l => l.startsWith('      '))).toEqual([
      '      (no logs: pods "again" not found)',
      '      termination message of container main:',
      '      | bad row 17',
      '      termination message of container main:',
      '      | bad row 18',
    ]);
  });
});

describe('junitReport', () => {
  /**
   * `text` parsed as XML 1.0: each of its characters one XML allows (the Char production; a parser
   * must refuse a document with any other, though @xmldom/xmldom reads one), and well-formed.
   */
  function parseXml(text: string): XmlDocument {
    const forbidden = [...text].filter(c => !/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]$/u.test(c));
    expect(forbidden.map(c => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)).toEqual([]);
    return new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(text, 'text/xml');
  }
  const cases = (doc: XmlDocument) => Array.from(doc.getElementsByTagName('testcase'));
  /** The one child element of a test case (failure or error), if any. */
  const outcomeOf = (testcase: XmlElement) => Array.from(testcase.childNodes).find((n): n is XmlElement => n.nodeType === n.ELEMENT_NODE);

  test('one test case per Job: a complete Job passes, a failed one fails, an unfinished one is an error', () => {
    // GIVEN
    const running = jobReport('slow', [], { state: JobState.RUNNING, terminal: false });
    const result = verifyResult([evenSeconds(), unluckyNever(), running], 120, VerifyOutcome.TIMEOUT);

    // WHEN
    const doc = parseXml(junitReport(result));

    // THEN
    const suite = doc.documentElement!;
    expect(['name', 'tests', 'failures', 'errors', 'time'].map(a => suite.getAttribute(a))).toEqual(['job-patterns verify', '3', '1', '1', '120']);
    expect(cases(doc).map(c => [c.getAttribute('classname'), c.getAttribute('name'), c.getAttribute('time'), outcomeOf(c)?.tagName, outcomeOf(c)?.getAttribute('message')])).toEqual([
      ['ns', 'even-seconds', '3', undefined, undefined],
      ['ns', 'unlucky', '74', 'failure', 'failed (BackoffLimitExceeded)'],
      ['ns', 'slow', '0', 'error', 'not finished: running'],
    ]);
  });

  test('a queued Job is an error (not finished), a gone Job is skipped (it cannot be judged)', () => {
    // GIVEN
    const queued = jobReport('train', [], { state: JobState.QUEUED, terminal: false, reason: 'JobSuspended' });
    const gone = jobReport('cleanup', [], { state: JobState.GONE, terminal: true, reason: 'DeletedAfterCompleted', message: 'never seen' });

    // WHEN
    const doc = parseXml(junitReport(verifyResult([queued, gone], 6, VerifyOutcome.TIMEOUT)));

    // THEN
    expect(['tests', 'failures', 'errors', 'skipped'].map(a => doc.documentElement!.getAttribute(a))).toEqual(['2', '0', '1', '1']);
    expect(cases(doc).map(c => [c.getAttribute('name'), outcomeOf(c)?.tagName, outcomeOf(c)?.getAttribute('message')])).toEqual([
      ['train', 'error', 'not finished: queued (JobSuspended)'],
      ['cleanup', 'skipped', 'gone (DeletedAfterCompleted): never seen'],
    ]);
  });

  test('a cluster that could not be reached is an error of its own, first, before any Job', () => {
    // GIVEN
    const missing = jobReport('pi', [], { state: JobState.MISSING, terminal: false });
    const result = { ...verifyResult([missing], 20, VerifyOutcome.ERROR), summary: 'cannot reach the cluster at https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (40 failed requests over 20 s)' };

    // WHEN
    const doc = parseXml(junitReport(result));
    const text = textReport(result).split('\n');

    // THEN
    expect(['tests', 'errors'].map(a => doc.documentElement!.getAttribute(a))).toEqual(['2', '2']);
    expect(cases(doc).map(c => [c.getAttribute('name'), outcomeOf(c)?.getAttribute('message')])).toEqual([
      ['reach the cluster', result.summary],
      ['pi', 'not finished: missing'],
    ]);
    expect(text[0]).toBe(`error: ${result.summary} (20 s, 2 list(s), 2 watch(es), 0 log read(s))`);
    expect(text.slice(1).some(l => l.startsWith('error:'))).toBe(false);
  });

  test('a coloured log tail with a NUL makes valid XML: escape sequences and characters XML forbids are left out, markup is escaped', () => {
    // GIVEN a failed pod whose log has colour codes (SGR, and tput sgr0's ESC ( B), a line erase, a window title (OSC), a NUL, a bell and markup
    const failed = {
      ...unluckyNever(),
      failedPods: [{
        name: 'unlucky-a',
        exits: [{ container: 'unlucky', exitCode: 1, reason: 'Error' }],
        logTail: ['\x1b[1;31mERROR\x1b(B\x1b[m row 17: if a < b && c > "d"', '\x1b]0;title\x07progress\x1b[2K 100%', 'NUL\x00 here, bell\x07, tab\tkept'],
      }],
    };

    // WHEN
    const doc = parseXml(junitReport(verifyResult([failed], 120, VerifyOutcome.FAILED)));

    // THEN the failure holds the log as it reads on a terminal
    const [failure] = Array.from(doc.getElementsByTagName('failure'));
    expect(failure.textContent!.split('\n').slice(1)).toEqual([
      'failed pod unlucky-a: exit 1',
      'ERROR row 17: if a < b && c > "d"',
      'progress 100%',
      'NUL here, bell, tab\tkept',
    ]);
  });
});

describe('textReport and junitReport with Kueue', () => {
  test('a Job Kueue preempted and that completed: a kueue line with its queues, admission, waits and eviction; JUnit passes it, with the line as output', () => {
    // GIVEN
    const result = verifyResult([preempted()], 30);

    // WHEN
    const text = textReport(result);
    const junit = junitReport(result);

    // THEN
    const said = `kueue: Kueue LocalQueue user-queue (ClusterQueue team), admitted at ${new Date(Date.parse('2026-11-29T10:00:10Z')).toISOString()} after 8 s in the queue (2 waits); evicted once, last preempted (InClusterQueue) at 2026-11-29T10:00:01.000Z; Workload finished`;
    expect(text.split('\n')).toContain(`    ${said}`);
    expect(junit).toContain(`<testcase classname="ns" name="low" time="22">\n    <system-out>${said}</system-out>\n  </testcase>`);
  });

  test('a queued Job: the verdict\'s message says where and why it waits (no second kueue line); JUnit\'s error names Kueue\'s reason and message', () => {
    // GIVEN
    const result = verifyResult([queuedForQuota()], 30, VerifyOutcome.TIMEOUT);

    // WHEN
    const text = textReport(result);
    const junit = junitReport(result);

    // THEN
    const why = "waiting in Kueue LocalQueue user-queue (ClusterQueue team) since 2026-11-29T10:00:00.000Z (30 s) for quota: Pending: couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 1 more needed";
    expect(text).toMatch(/ns\/train +queued \(Pending\)/);
    expect(text.split('\n')).toContain(`    ${why}`);
    expect(text).not.toContain('kueue:');
    expect(junit).toContain(`<error message="not finished: queued (Pending): ${why}">ns/train`);
    expect(junit).toContain(`\nkueue: ${why}</error>`);
  });
});
