import type { V1Pod } from '@kubernetes/client-node';
import { describeApiError } from '../../lib/runtime/apply';
import { apiConnection } from '../../lib/runtime/api-connection';
import { Reflector, ReflectorOptions } from '../../lib/runtime/reflector';
import { EMPTY_WATCH, errorEvent, failWith, FakeWatchServer, NO_ANSWER, SILENT_WATCH } from './fake-watch-server';

// Each test runs a reflector against a fake API server on 127.0.0.1 (fake-watch-server.ts): the
// watch goes over HTTP, the list through the generated client with the abort signal passed the
// way the verifier passes it. Times are checked only as lower bounds (a backoff or a timeout
// cannot end early); "soon enough" is left to Jest's timeout.

const PATH = '/api/v1/namespaces/ns/pods';

// Generous: a test waits for at most a few seconds of backoffs and timeouts.
jest.setTimeout(20_000);

/** What the reflector reported, in order. */
interface Entry {
  readonly what: string;
  readonly at: number;
  readonly object?: V1Pod;
  readonly error?: unknown;
}

let server: FakeWatchServer;
const reflectors: Array<Reflector<V1Pod>> = [];

beforeEach(async () => {
  server = await FakeWatchServer.start();
});

afterEach(async () => {
  for (const r of reflectors.splice(0)) r.stop();
  await server.close();
});

/** A reflector of the fake's pods that logs what it reports. */
function reflect(options: Partial<ReflectorOptions<V1Pod>> = {}) {
  const log: Entry[] = [];
  const requests = { lists: 0, watches: 0 };
  const reflector = new Reflector<V1Pod>({
    connection: apiConnection(server.kubeConfig(), 'test'),
    path: PATH,
    requests,
    onEvent: (type, object) => log.push({ what: `${type} ${object.metadata?.name}`, at: Date.now(), object }),
    onSynced: first => log.push({ what: `synced ${first ? 'first' : 'again'}`, at: Date.now() }),
    onDisconnect: error => log.push({ what: `disconnect: ${describeApiError(error)}`, at: Date.now(), error }),
    ...options,
  });
  reflectors.push(reflector);
  const entries = (prefix: string) => log.filter(e => e.what.startsWith(prefix)).map(e => e.what);
  return { reflector, log, requests, entries };
}

/** Waits until `condition` holds (polling); fails naming `what` after `ms`. */
async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Waits until the reflector's `n`-th watch is open (and so everything before it was emitted). */
async function watching(n: number): Promise<void> {
  await until(`watch #${n}`, () => server.received('watch').length >= n);
  // The fake answers a watch at once; a bookmark through it proves the reflector reads it.
  await sleep(50);
}

describe('list', () => {
  test('lists in pages of 500 with continue, then watches from the list\'s resourceVersion', async () => {
    // GIVEN 1200 pods: three pages
    for (let i = 0; i < 1200; i++) server.add(`pod-${String(i).padStart(4, '0')}`, true);
    const { reflector, log, requests } = reflect({ labelSelector: 'job-name' });

    // WHEN
    await reflector.start();

    // THEN
    const lists = server.received('list');
    expect(lists.map(r => [r.query.get('limit'), r.query.get('continue')])).toEqual([['500', null], ['500', '1300/500'], ['500', '1300/1000']]);
    expect(requests.lists).toBe(3);
    expect(log.map(e => e.what)).toEqual([...Array.from({ length: 1200 }, (_, i) => `ADDED pod-${String(i).padStart(4, '0')}`), 'synced first']);
    await until('the watch', () => server.received('watch').length === 1);
    const watch = server.received('watch')[0].query;
    expect(watch.get('resourceVersion')).toBe('1300');
    expect(watch.get('allowWatchBookmarks')).toBe('true');
    expect(watch.get('labelSelector')).toBe('job-name');
    // The server ends each watch after 5 to 10 minutes; the reflector resumes it.
    expect(Number(watch.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);
    expect(Number(watch.get('timeoutSeconds'))).toBeLessThan(600);
  });

  test('a continue token that expired in the middle of a list starts the list again: each pod is emitted once, a changed one again', async () => {
    // GIVEN 1200 pods; the second page is refused with 410 (the list took longer than etcd keeps its snapshot), and meanwhile pod-0001 changed
    for (let i = 0; i < 1200; i++) server.add(`pod-${String(i).padStart(4, '0')}`, true);
    server.answerNextList('serve', (request, response) => {
      server.modify('pod-0001', true);
      failWith(410, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.', 'Expired')(request, response);
    });
    const { reflector, log } = reflect();

    // WHEN
    await reflector.start();

    // THEN the list started again from its first page; not an outage
    expect(server.received('list').map(r => r.query.get('continue'))).toEqual([null, '1300/500', null, '1301/500', '1301/1000']);
    expect(log.filter(e => e.what.startsWith('ADDED'))).toHaveLength(1200);
    expect(log.filter(e => !e.what.startsWith('ADDED')).map(e => e.what)).toEqual(['MODIFIED pod-0001', 'synced first']);
  });

  test('a first list that fails twice is retried after a backoff, each failure reported', async () => {
    // GIVEN
    server.add('a', true);
    server.answerNextList(failWith(500, 'etcdserver: leader changed'), failWith(503, 'the server is currently unable to handle the request', 'ServiceUnavailable'));
    const { reflector, log } = reflect();

    // WHEN
    await reflector.start();

    // THEN
    expect(log.map(e => e.what)).toEqual(['disconnect: etcdserver: leader changed', 'disconnect: the server is currently unable to handle the request', 'ADDED a', 'synced first']);
    const [first, second, third] = server.received('list').map(r => r.at);
    expect(second - first).toBeGreaterThanOrEqual(245);
    expect(third - second).toBeGreaterThanOrEqual(495);
  });

  test('a list answer that is not JSON (a proxy\'s error page with status 200) is a failed list: reported, then retried', async () => {
    // GIVEN
    server.add('a', true);
    server.answerNextList((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>bad gateway</html>');
    });
    const { reflector, log } = reflect();

    // WHEN
    await reflector.start();

    // THEN
    expect(log.map(e => e.what)).toEqual(["disconnect: the API server's answer is not JSON: <html>bad gateway</html>", 'ADDED a', 'synced first']);
  });

  test('a list answer cut short mid-page: the items before the cut are emitted as they arrived, the failure is reported, and the re-list emits only what changed', async () => {
    // GIVEN a first answer whose connection closes inside the second item
    const a = server.add('a', true);
    server.add('b', true);
    server.answerNextList((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"${server.resourceVersion}"},"items":[${JSON.stringify(a)},{"metadata":`);
      setTimeout(() => response.destroy(), 50);
    });
    const { reflector, log } = reflect();

    // WHEN
    await reflector.start();

    // THEN
    expect(log.map(e => e.what)).toEqual(['ADDED a', `disconnect: the connection broke before the answer to GET ${PATH} ended (aborted)`, 'ADDED b', 'synced first']);
  });

  test('fails when the first list fails until the deadline: start() rejects with the last error at the deadline, and nothing is requested after it', async () => {
    // GIVEN
    server.answerNextList(...Array.from({ length: 20 }, (_, i) => failWith(500, `etcdserver: request timed out (${i + 1})`)));
    const deadline = Date.now() + 1200;
    const { reflector, log } = reflect({ deadline });

    // WHEN
    const error = await reflector.start().then(() => undefined, (e: unknown) => e);
    const rejectedAt = Date.now();

    // THEN lists at about 0, 250, 750 ms (the next would come at 1750 ms)
    const lists = server.received('list');
    expect(describeApiError(error)).toBe(`etcdserver: request timed out (${lists.length})`);
    expect(lists).toHaveLength(3);
    expect(rejectedAt).toBeGreaterThanOrEqual(deadline - 5);
    expect(log.map(e => e.what)).toEqual([1, 2, 3].map(i => `disconnect: etcdserver: request timed out (${i})`));
    await sleep(600);
    expect(server.requests).toHaveLength(3);
  });

  test('fails when the API server does not answer the first list before the deadline: the request is aborted', async () => {
    // GIVEN
    server.answerNextList(NO_ANSWER);
    const deadline = Date.now() + 500;
    const { reflector, log } = reflect({ deadline });

    // WHEN
    const error = await reflector.start().then(() => undefined, (e: unknown) => e);

    // THEN
    expect(describeApiError(error)).toBe(`the first list of ${PATH} did not complete before the deadline`);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 5);
    await until('the aborted list', () => server.requests[0].abortedByClient);
    expect(log).toEqual([]);
  });

  test('a list page that takes longer than requestTimeoutMs is aborted and reported; the list is tried again', async () => {
    // GIVEN
    server.add('a', true);
    server.answerNextList(NO_ANSWER);
    const { reflector, log } = reflect({ requestTimeoutMs: 300 });

    // WHEN
    await reflector.start();

    // THEN
    expect(log.map(e => e.what)).toEqual([`disconnect: no answer from the API server to a list of ${PATH} within 300 ms`, 'ADDED a', 'synced first']);
    expect(server.received('list')[0].abortedByClient).toBe(true);
  });
});

describe('watch', () => {
  test('events are emitted as they come; a watch the server ends is resumed from the last resourceVersion, without a list', async () => {
    // GIVEN
    const { reflector, log } = reflect();
    await reflector.start();
    await watching(1);

    // WHEN
    server.add('a');
    server.modify('a');
    await until('MODIFIED a', () => log.some(e => e.what === 'MODIFIED a'));
    server.endWatches();
    await watching(2);

    // THEN
    expect(server.received('watch')[1].query.get('resourceVersion')).toBe('102');
    expect(server.received('list')).toHaveLength(1);
    expect(log.map(e => e.what)).toEqual(['synced first', 'ADDED a', 'MODIFIED a']);
  });

  test('a 410 Gone on resume leads to a re-list whose differences are emitted: DELETED (as last known), MODIFIED, ADDED', async () => {
    // GIVEN pods a, b (with labels and an owner), c; watching, keeping the label job-name
    server.add('a', true);
    const b = server.add('b', true, { labels: { 'job-name': 'pi', other: 'x' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid' }] });
    server.add('c', true);
    const { reflector, log } = reflect({ keepLabels: ['job-name'] });
    await reflector.start();
    await watching(1);
    server.bookmark();

    // WHEN, unseen by the watch: b deleted, c changed, d created; the history is compacted and the watch ends
    server.remove('b', true);
    server.modify('c', true);
    server.add('d', true);
    server.compact();
    server.endWatches();
    await watching(3);

    // THEN
    expect(log.map(e => e.what)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'synced first', 'MODIFIED c', 'ADDED d', 'DELETED b', 'synced again']);
    // The deleted pod as last known: what a deletion needs (the labels kept, its owner's kind and uid), not the whole object.
    expect(log.find(e => e.what === 'DELETED b')?.object).toEqual({
      metadata: { uid: b.metadata.uid, resourceVersion: b.metadata.resourceVersion, name: 'b', namespace: 'ns', labels: { 'job-name': 'pi' }, ownerReferences: [{ kind: 'Job', uid: 'job-uid' }] },
    });
    expect(server.received('watch').map(r => r.query.get('resourceVersion'))).toEqual(['103', '103', '106']);
  });

  test('forceExpiry() makes the watch resume from a forgotten resourceVersion: 410, re-list', async () => {
    // GIVEN
    const { reflector, log } = reflect();
    await reflector.start();
    await watching(1);

    // WHEN
    reflector.forceExpiry();
    await watching(3);

    // THEN
    expect(server.received('watch').map(r => r.query.get('resourceVersion'))).toEqual(['100', '1', '100']);
    expect(log.map(e => e.what)).toEqual(['synced first', 'synced again']);
  });

  test.each([
    ['an ERROR event', errorEvent(500, 'etcdserver: request timed out'), 'etcdserver: request timed out'],
    ['an HTTP error', failWith(403, 'pods is forbidden: User "u" cannot watch resource "pods" in API group "" in the namespace "ns"', 'Forbidden'),
      'pods is forbidden: User "u" cannot watch resource "pods" in API group "" in the namespace "ns"'],
    ['a watch that ends at once without an event', EMPTY_WATCH,
      `the API server ended the watch of ${PATH} at once, without an event`],
  ])('a failed watch (%s) is reported, then after a backoff a re-list reports the recovery', async (_name, answer, message) => {
    // GIVEN
    server.answerNextWatch(answer);
    const { reflector, log } = reflect();
    await reflector.start();

    // WHEN
    await watching(2);

    // THEN
    expect(log.map(e => e.what)).toEqual(['synced first', `disconnect: ${message}`, 'synced again']);
    const lists = server.received('list');
    expect(lists).toHaveLength(2);
    expect(lists[1].at - server.received('watch')[0].at).toBeGreaterThanOrEqual(245);
  });

  test('the backoff doubles while watches fail and starts again at 250 ms once a watch delivered', async () => {
    // GIVEN three failing watches, a good one, then one more failure
    server.answerNextWatch(...Array.from({ length: 3 }, () => failWith(500, 'boom')));
    const { reflector, log } = reflect();
    await reflector.start();
    await watching(4);

    // WHEN the fourth watch delivers a bookmark and ends; its resumption fails
    server.bookmark();
    server.answerNextWatch(failWith(500, 'boom'));
    server.endWatches();
    await watching(6);

    // THEN the re-lists came 250, 500, 1000 ms after the failures, then 250 ms again (well before 2000 ms)
    const watches = server.received('watch').map(r => r.at);
    const lists = server.received('list').map(r => r.at);
    expect(lists).toHaveLength(5);
    expect(lists[1] - watches[0]).toBeGreaterThanOrEqual(245);
    expect(lists[2] - watches[1]).toBeGreaterThanOrEqual(495);
    expect(lists[3] - watches[2]).toBeGreaterThanOrEqual(995);
    expect(lists[4] - watches[4]).toBeGreaterThanOrEqual(245);
    expect(lists[4] - watches[4]).toBeLessThan(1995);
    expect(log.filter(e => e.what.startsWith('disconnect'))).toHaveLength(4);
  });

  test('a watch whose connection breaks (API server restart) is reported; a re-list after a backoff reports the recovery', async () => {
    // GIVEN
    const { reflector, log } = reflect();
    await reflector.start();
    await watching(1);

    // WHEN
    server.dropWatches();
    await watching(2);

    // THEN
    expect(log.map(e => e.what)).toEqual(['synced first', `disconnect: the connection of the watch of ${PATH} broke before the watch ended (aborted)`, 'synced again']);
  });

  test('a half-open watch (started, then silent) is aborted after watchIdleMs and resumed, without a list or an outage', async () => {
    // GIVEN
    server.answerNextWatch(SILENT_WATCH);
    const { reflector, log } = reflect({ watchIdleMs: 400 });
    await reflector.start();

    // WHEN
    await watching(2);

    // THEN
    const [silent, resumed] = server.received('watch');
    expect(silent.abortedByClient).toBe(true);
    expect(resumed.at - silent.at).toBeGreaterThanOrEqual(395);
    expect(resumed.query.get('resourceVersion')).toBe(silent.query.get('resourceVersion'));
    expect(server.received('list')).toHaveLength(1);
    expect(log.map(e => e.what)).toEqual(['synced first']);
  });

  test('a watch that delivers events or bookmarks more often than watchIdleMs is kept', async () => {
    // GIVEN
    const { reflector } = reflect({ watchIdleMs: 400 });
    await reflector.start();
    await watching(1);

    // WHEN a bookmark every 100 ms for 1.2 s
    for (let i = 0; i < 12; i++) {
      server.bookmark();
      await sleep(100);
    }

    // THEN
    expect(server.received('watch')).toHaveLength(1);
  });

  test('a watch the API server never answers (frozen) is aborted after requestTimeoutMs and reported', async () => {
    // GIVEN
    server.answerNextWatch(NO_ANSWER);
    const { reflector, log } = reflect({ requestTimeoutMs: 300 });
    await reflector.start();

    // WHEN
    await watching(2);

    // THEN
    expect(server.received('watch')[0].abortedByClient).toBe(true);
    expect(log.map(e => e.what)).toEqual(['synced first', `disconnect: no answer from the API server to the watch of ${PATH} within 300 ms`, 'synced again']);
  });
});

describe('callbacks', () => {
  test('fails when onEvent throws: start() rejects with its error, which is not reported as an outage', async () => {
    // GIVEN
    server.add('a', true);
    const { reflector, log } = reflect({ onEvent: () => { throw new Error('a bug in onEvent'); } });

    // WHEN
    const error = await reflector.start().then(() => undefined, (e: unknown) => e);

    // THEN
    expect(describeApiError(error)).toBe('a bug in onEvent');
    expect(log).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('stop() and the deadline', () => {
  test('stop() during the first list: the request is aborted, nothing is emitted, start() rejects', async () => {
    // GIVEN
    server.add('a', true);
    server.answerNextList(server.hold());
    const { reflector, log } = reflect();
    const started = reflector.start().then(() => undefined, (e: unknown) => e);
    await until('the list', () => server.received('list').length === 1);

    // WHEN
    reflector.stop();

    // THEN
    expect(describeApiError(await started)).toBe(`the reflector of ${PATH} was stopped before its first list completed`);
    await until('the aborted list', () => server.received('list')[0].abortedByClient);
    server.release();
    await sleep(300);
    expect(log).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test('stop() during a re-list: the request is aborted; no event, no report and no request after stop()', async () => {
    // GIVEN a failed watch, so a re-list follows; the re-list is held
    server.answerNextWatch(failWith(500, 'boom'));
    server.answerNextList('serve', server.hold());
    const { reflector, log } = reflect();
    await reflector.start();
    await until('the re-list', () => server.received('list').length === 2);

    // WHEN
    reflector.stop();
    const stoppedAt = Date.now();

    // THEN
    await until('the aborted re-list', () => server.received('list')[1].abortedByClient);
    server.add('late', true);
    server.release();
    await sleep(600);
    expect(log.filter(e => e.at >= stoppedAt)).toEqual([]);
    expect(log.map(e => e.what)).toEqual(['synced first', 'disconnect: boom']);
    expect(server.requests).toHaveLength(3);
  });

  test('a list page held by the server until after stop() is dropped, and its request aborted', async () => {
    // GIVEN a list the server answers only when told
    server.add('a');
    server.answerNextList(server.hold());
    const { reflector, log } = reflect();
    const started = reflector.start().then(() => undefined, (e: unknown) => e);
    await until('the list', () => server.requests.length === 1);

    // WHEN
    reflector.stop();

    // THEN the request is aborted, and the page the server sends anyway is not emitted
    expect(describeApiError(await started)).toBe(`the reflector of ${PATH} was stopped before its first list completed`);
    await until('the list aborted', () => server.requests[0].abortedByClient);
    server.release();
    await sleep(100);
    expect(log).toEqual([]);
    expect(server.requests.map(r => r.kind)).toEqual(['list']);
  });

  test('stop() during a watch: events after it are not emitted and the watch is closed', async () => {
    // GIVEN
    const { reflector, log } = reflect();
    await reflector.start();
    await watching(1);

    // WHEN
    reflector.stop();
    server.add('late');

    // THEN
    await until('the closed watch', () => server.received('watch')[0].abortedByClient);
    await sleep(300);
    expect(log.map(e => e.what)).toEqual(['synced first']);
    expect(server.requests).toHaveLength(2);
  });

  test('at the deadline the watch is closed and nothing more is requested or reported', async () => {
    // GIVEN
    const deadline = Date.now() + 700;
    const { reflector, log } = reflect({ deadline });
    await reflector.start();
    await watching(1);

    // WHEN
    await until('the closed watch', () => server.received('watch')[0].abortedByClient);
    const closedAt = Date.now();
    server.add('late');
    await sleep(600);

    // THEN
    expect(closedAt).toBeGreaterThanOrEqual(deadline - 5);
    expect(log.map(e => e.what)).toEqual(['synced first']);
    expect(server.requests).toHaveLength(2);
  });
});
