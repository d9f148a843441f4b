import type { V1Pod } from '@kubernetes/client-node';
import { DiagnosisLogOptions, DiagnosisRecorder, LOG_NOT_READ_DEADLINE } from '../../lib/runtime/diagnosis';
import { container, evictedByApi, evictedByKubelet, iso, pod, ran, rejectedAtAdmission } from './pod-builders';

/** The successive states of an OnFailure pod whose first run was OOMKilled and whose second exited 1, as the watch delivers them. */
function oomThenExit1(): V1Pod[] {
  const at = (restartCount: number, state: object, lastState?: object, phase = 'Running') =>
    pod({ phase, containerStatuses: [container('main', restartCount, state, lastState)] }, { name: 'work-x', uid: 'x' });
  return [
    at(0, { running: { startedAt: iso(1) } }),
    at(0, ran(137, 4, 'OOMKilled', 'containerd://run0')),
    at(1, { waiting: { reason: 'CrashLoopBackOff' } }, ran(137, 4, 'OOMKilled', 'containerd://run0')),
    at(1, { running: { startedAt: iso(15) } }, ran(137, 4, 'OOMKilled', 'containerd://run0')),
    at(1, ran(1, 18, 'Error', 'containerd://run1'), ran(137, 4, 'OOMKilled', 'containerd://run0')),
    // The run after: what the pod's status still shows when the Job gives up (the OOM kill is gone from it).
    at(2, { running: { startedAt: iso(38) } }, ran(1, 18, 'Error', 'containerd://run1')),
  ];
}

/** A log reader that records its calls and answers with `lines` lines. */
function logReader(lines = 3) {
  const calls: Array<[string, string, boolean]> = [];
  const readLog: DiagnosisLogOptions['readLog'] = async (p, c, previous) => {
    calls.push([p.name, c, previous]);
    return Array.from({ length: lines }, (_, i) => `${p.name} line ${i + 1}`).join('\n') + '\n';
  };
  return { calls, readLog };
}

const inAMinute = () => Date.now() + 60_000;

describe('DiagnosisRecorder: exits', () => {
  test('an OnFailure pod whose first run was OOMKilled, then exit 1: both kept, each counted once', async () => {
    // GIVEN
    const recorder = new DiagnosisRecorder();
    // WHEN every state is seen, the last one twice (the watch, then the fresh read after the verdict)
    for (const state of [...oomThenExit1(), oomThenExit1()[5]]) recorder.observe(state);
    // THEN
    expect(recorder.current()).toEqual({
      failedPods: [{ name: 'work-x', exits: [{ container: 'main', exitCode: 137, reason: 'OOMKilled' }, { container: 'main', exitCode: 1, reason: 'Error' }] }],
      failedPodsOmitted: 0,
      exitCounts: [{ container: 'main', exitCode: 1, reason: 'Error', count: 1 }, { container: 'main', exitCode: 137, reason: 'OOMKilled', count: 1 }],
    });
  });

  test('a lagging watch: older states after the fresh read add the runs it no longer showed, and nothing twice', () => {
    // GIVEN the fresh read first, then the watch's late events
    const states = oomThenExit1();
    const recorder = new DiagnosisRecorder();
    // WHEN
    for (const state of [states[5], ...states]) recorder.observe(state);
    // THEN
    expect(recorder.current().failedPods[0].exits.map(e => e.exitCode)).toEqual([137, 1]);
    expect(recorder.current().exitCounts.map(c => c.count)).toEqual([1, 1]);
  });

  test('30 failed pods with exit 1 or 2: 20 listed, 10 more, counted 15 and 15 over all 30', () => {
    // GIVEN 30 pods of an Indexed Job, even indexes exit 1, odd ones exit 2
    const recorder = new DiagnosisRecorder();
    const failed = (i: number) => pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(i % 2 === 0 ? 1 : 2, 3))] }, { name: `ix-${i}`, uid: `u${i}` });
    // WHEN each is seen Failed, then deleted (the DELETED event shows the same status)
    for (let i = 0; i < 30; i++) recorder.observe(failed(i));
    for (let i = 0; i < 30; i++) recorder.observe({ ...failed(i), metadata: { ...failed(i).metadata, deletionTimestamp: iso(60) } });
    // THEN
    const diagnosis = recorder.current();
    expect(diagnosis.failedPods.map(p => p.name)).toEqual(Array.from({ length: 20 }, (_, i) => `ix-${i}`));
    expect(diagnosis.failedPodsOmitted).toBe(10);
    expect(diagnosis.exitCounts).toEqual([
      { container: 'main', exitCode: 1, reason: 'Error', count: 15 },
      { container: 'main', exitCode: 2, reason: 'Error', count: 15 },
    ]);
  });

  test('a container restarted 14 times: its first 5 and last 5 failed runs kept, 5 more counted', () => {
    // GIVEN a crash loop seen at each restart (run n ended at 10n s with exit n)
    const recorder = new DiagnosisRecorder();
    for (let n = 1; n <= 15; n++) {
      const lastState = n > 1 ? ran(n - 1, 10 * (n - 1)) : undefined;
      recorder.observe(pod({ phase: 'Running', containerStatuses: [container('main', n - 1, ran(n, 10 * n), lastState)] }, { name: 'loop' }));
    }
    // THEN
    const [loop] = recorder.current().failedPods;
    expect(loop.exits.map(e => e.exitCode)).toEqual([1, 2, 3, 4, 5, 11, 12, 13, 14, 15]);
    expect(loop.exitsOmitted).toBe(5);
    expect(recorder.current().exitCounts.reduce((n, c) => n + c.count, 0)).toBe(15);
  });

  test("a native sidecar's exit 143 at pod end is no failure; the main container's exit is", () => {
    // GIVEN a pod that succeeded and one that failed, both with a sidecar stopped by SIGTERM
    const spec = { initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }], containers: [{ name: 'main', image: 'busybox' }] };
    const ended = (name: string, phase: string, exit: number) => pod({
      phase,
      initContainerStatuses: [container('proxy', 2, ran(143, 9), ran(1, 4))],
      containerStatuses: [container('main', 0, ran(exit, 8))],
    }, { name, uid: name }, spec);
    const recorder = new DiagnosisRecorder();
    // WHEN
    recorder.observe(ended('ok', 'Succeeded', 0));
    recorder.observe(ended('bad', 'Failed', 3));
    // THEN
    expect(recorder.current()).toEqual({
      failedPods: [{ name: 'bad', exits: [{ container: 'main', exitCode: 3, reason: 'Error' }] }],
      failedPodsOmitted: 0,
      exitCounts: [{ container: 'main', exitCode: 3, reason: 'Error', count: 1 }],
    });
  });

  test('pods that never failed are not kept', () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Running', containerStatuses: [container('main', 0, { running: { startedAt: iso(1) } })] }));
    recorder.observe(pod({ phase: 'Succeeded', containerStatuses: [container('main', 0, ran(0, 5))] }));
    expect(recorder.current()).toEqual({ failedPods: [], failedPodsOmitted: 0, exitCounts: [] });
  });

  test('a long termination message is kept to its last 1024 characters, from a line start', () => {
    const message = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, { terminated: { ...ran(1, 3).terminated, message } })] }));
    const kept = recorder.current().failedPods[0].exits[0].message!;
    expect(kept.length).toBeLessThanOrEqual(1026);
    expect(kept.split('\n')[0]).toBe('…');
    expect(kept.split('\n')[1]).toMatch(/^line \d+$/);
    expect(kept.endsWith('\nline 199')).toBe(true);
  });
});

describe('DiagnosisRecorder: pods that failed without an exit code', () => {
  test('evicted by the kubelet, refused at admission, evicted through the Eviction API: each explained and counted by reason', () => {
    // GIVEN
    const recorder = new DiagnosisRecorder();
    // WHEN
    recorder.observe(evictedByKubelet({ name: 'evicted', uid: 'e' }));
    recorder.observe(rejectedAtAdmission({ name: 'rejected', uid: 'r' }));
    recorder.observe(evictedByApi(false, { name: 'disrupted', uid: 'd' }));
    recorder.observe(evictedByApi(true, { name: 'disrupted', uid: 'd' }));
    // THEN
    expect(recorder.current()).toEqual({
      failedPods: [
        { name: 'evicted', exits: [], podReason: { reason: 'Evicted', message: evictedByKubelet().status!.message } },
        { name: 'rejected', exits: [], podReason: { reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 500, capacity: 2000" } },
        { name: 'disrupted', exits: [], podReason: { reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' } },
      ],
      failedPodsOmitted: 0,
      exitCounts: [{ reason: 'Evicted', count: 1 }, { reason: 'EvictionByEvictionAPI', count: 1 }, { reason: 'OutOfcpu', count: 1 }],
    });
  });

  test('a disrupted pod whose container then got SIGTERM: the reason and the exit 143, the reason counted once', () => {
    // GIVEN the Eviction API's condition and deletion, then the kubelet's end of the pod
    const recorder = new DiagnosisRecorder();
    const killed = evictedByApi(true, { name: 'disrupted', uid: 'd' });
    recorder.observe(killed);
    // WHEN
    recorder.observe({ ...killed, status: { ...killed.status, phase: 'Failed', containerStatuses: [container('main', 0, ran(143, 36))] } });
    // THEN
    expect(recorder.current()).toEqual({
      failedPods: [{ name: 'disrupted', exits: [{ container: 'main', exitCode: 143, reason: 'Error' }], podReason: { reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' } }],
      failedPodsOmitted: 0,
      exitCounts: [{ container: 'main', exitCode: 143, reason: 'Error', count: 1 }, { reason: 'EvictionByEvictionAPI', count: 1 }],
    });
  });

  test("a Failed pod's own reason replaces its DisruptionTarget's, and is counted instead of it", () => {
    // GIVEN a pod being deleted by the taint manager, which the kubelet then reports Evicted
    const recorder = new DiagnosisRecorder();
    const tainted = pod({ phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }] }, { deletionTimestamp: iso(30) });
    recorder.observe(tainted);
    // WHEN
    recorder.observe({ ...tainted, status: { ...tainted.status, phase: 'Failed', reason: 'Evicted', message: 'The node had condition: [MemoryPressure].' } });
    recorder.observe(tainted); // a late event of the watch
    // THEN
    expect(recorder.current().failedPods[0].podReason).toEqual({ reason: 'Evicted', message: 'The node had condition: [MemoryPressure].' });
    expect(recorder.current().exitCounts).toEqual([{ reason: 'Evicted', count: 1 }]);
  });
});

describe('DiagnosisRecorder: logs', () => {
  test("a restarted container's log is its previous run's: the run that failed", async () => {
    // GIVEN
    const recorder = new DiagnosisRecorder();
    for (const state of oomThenExit1()) recorder.observe(state);
    const { calls, readLog } = logReader();
    // WHEN
    const diagnosis = await recorder.finish({ logLines: 2, deadline: inAMinute(), readLog });
    // THEN
    expect(calls).toEqual([['work-x', 'main', true]]);
    expect(diagnosis.failedPods[0]).toMatchObject({ logTail: ['work-x line 2', 'work-x line 3'], logContainer: 'main', logPrevious: true });
  });

  test("a container that failed and was not restarted: its current run's log, from the pod's first failed container", async () => {
    // GIVEN an init container that succeeded after a failed run, and a main container that failed
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({
      phase: 'Failed',
      initContainerStatuses: [container('setup', 1, ran(0, 5), ran(2, 3))],
      containerStatuses: [container('main', 0, ran(3, 9))],
    }, { name: 'both' }));
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(3, 9))] }, { name: 'main-only', uid: 'm' }));
    const { calls, readLog } = logReader();
    // WHEN
    const diagnosis = await recorder.finish({ logLines: 10, deadline: inAMinute(), readLog });
    // THEN
    expect(calls).toEqual([['both', 'setup', true], ['main-only', 'main', false]]);
    expect(diagnosis.failedPods[1].logPrevious).toBeUndefined();
  });

  test('the first 5 pods with a failed container are read; a pod that never ran is not', async () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(rejectedAtAdmission({ name: 'rejected', uid: 'r' }));
    for (let i = 0; i < 8; i++) recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }, { name: `p${i}`, uid: `u${i}` }));
    const { calls, readLog } = logReader();
    const diagnosis = await recorder.finish({ logLines: 10, deadline: inAMinute(), readLog });
    expect(calls.map(c => c[0])).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(diagnosis.failedPods.map(p => p.logTail !== undefined)).toEqual([false, true, true, true, true, true, false, false, false]);
    expect(diagnosis.failedPods.every(p => p.logError === undefined)).toBe(true);
  });

  test('logLines 0 reads nothing', async () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }));
    const { calls, readLog } = logReader();
    expect(await recorder.finish({ logLines: 0, deadline: inAMinute(), readLog })).toEqual(recorder.current());
    expect(calls).toEqual([]);
  });

  test("past the deadline no read starts: 'not read: deadline'", async () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }));
    const { calls, readLog } = logReader();
    const diagnosis = await recorder.finish({ logLines: 10, deadline: Date.now() - 1, readLog });
    expect(calls).toEqual([]);
    expect(diagnosis.failedPods[0]).toEqual({ name: 'p', exits: [{ container: 'main', exitCode: 1, reason: 'Error' }], logError: LOG_NOT_READ_DEADLINE });
  });

  test("a read still running at the deadline is aborted, even when the reader does not heed the signal: 'not read: deadline'", async () => {
    // GIVEN a reader that never answers
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }));
    const signals: AbortSignal[] = [];
    // WHEN
    const started = Date.now();
    const diagnosis = await recorder.finish({ logLines: 10, deadline: started + 100, readLog: (_p, _c, _previous, signal) => { signals.push(signal); return new Promise(() => undefined); } });
    // THEN
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signals.map(s => s.aborted)).toEqual([true]);
    expect(diagnosis.failedPods[0].logError).toBe('not read: deadline');
  });

  test("the kubelet's answer for a log it no longer has is no log, not the container's output", async () => {
    // GIVEN the text a kubelet answers for a removed container (an OnFailure pod the Job controller deleted)
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }, { name: 'p' }));
    const answer = `unable to retrieve container logs for containerd://${'a'.repeat(64)}`;
    // WHEN
    const diagnosis = await recorder.finish({ logLines: 10, deadline: inAMinute(), readLog: async () => `${answer}\n` });
    // THEN
    expect(diagnosis.failedPods[0]).toEqual({ name: 'p', exits: [{ container: 'main', exitCode: 1, reason: 'Error' }], logError: `the node no longer has it (the kubelet answered "${answer}")` });
  });

  test('a container that printed that sentence among other lines keeps its log', async () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }, { name: 'p' }));
    const text = 'starting\nunable to retrieve container logs for containerd://x\n';
    const diagnosis = await recorder.finish({ logLines: 10, deadline: inAMinute(), readLog: async () => text });
    expect(diagnosis.failedPods[0].logTail).toEqual(['starting', 'unable to retrieve container logs for containerd://x']);
  });

  test("fails when the log cannot be read: the API's message, then the pod's exits", async () => {
    const recorder = new DiagnosisRecorder();
    recorder.observe(pod({ phase: 'Failed', containerStatuses: [container('main', 0, ran(1, 3))] }, { name: 'p' }));
    const forbidden = Object.assign(new Error('HTTP-Code: 403'), { body: JSON.stringify({ kind: 'Status', message: 'pods "p" is forbidden: User "ci" cannot get resource "pods/log"' }) });
    const diagnosis = await recorder.finish({ logLines: 10, deadline: inAMinute(), readLog: async () => { throw forbidden; } });
    expect(diagnosis.failedPods[0]).toEqual({ name: 'p', exits: [{ container: 'main', exitCode: 1, reason: 'Error' }], logError: 'pods "p" is forbidden: User "ci" cannot get resource "pods/log"' });
  });
});
