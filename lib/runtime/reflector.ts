import type * as http from 'node:http';
import { ApiConnection, apiError, getList, ListRest, openRequest, statusCode } from './api-connection';

/** An object as the reflector sees it. */
export interface Watched {
  readonly metadata?: {
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly ownerReferences?: ReadonlyArray<{ readonly kind: string; readonly uid: string }>;
  };
}

/**
 * What is kept of a known object: enough to diff a re-list and to report a deletion (its name,
 * namespace, owners, and the labels in `labels`). Nothing else: 10,000 Jobs keep 10,000 stubs.
 */
function stub<T extends Watched>(object: T, labels: readonly string[]): T {
  const m = object.metadata ?? {};
  const kept = labels.filter(l => m.labels?.[l] !== undefined);
  const owners = m.ownerReferences?.map(o => ({ kind: o.kind, uid: o.uid }));
  return {
    metadata: {
      uid: m.uid, resourceVersion: m.resourceVersion, name: m.name, namespace: m.namespace,
      ...(kept.length > 0 ? { labels: Object.fromEntries(kept.map(l => [l, m.labels![l]])) } : {}),
      ...(owners?.length ? { ownerReferences: owners } : {}),
    },
  } as T;
}

/** Event types the reflector emits: level-based (each carries the object's latest state). */
export type ReflectorEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Counters of the API requests made, for the report and the benchmark. */
export interface RequestCounter {
  /** List requests: one per page. */
  lists: number;
  watches: number;
}

/** What a reflector needs. */
export interface ReflectorOptions<T extends Watched> {
  /** The API server, and how to reach it. */
  readonly connection: ApiConnection;
  /** List and watch path, e.g. `/apis/batch/v1/namespaces/ns/jobs`. */
  readonly path: string;
  readonly labelSelector?: string;
  /** The labels a deleted object is reported with (a pod's job-name); others are not kept. @default - none */
  readonly keepLabels?: readonly string[];
  /** Absolute deadline (ms since the epoch): no request starts after it, the first list is retried until it. */
  readonly deadline?: number;
  /** Each list page and the watch's connect time out after this long (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** A watch that delivered nothing (no event, no bookmark) for this long is presumed half-open, aborted and resumed (default 70 s: the API server sends a bookmark about every minute when asked). */
  readonly watchIdleMs?: number;
  /** Called for every change; after a re-list, for every difference with what was known. */
  readonly onEvent: (type: ReflectorEvent, object: T) => void;
  /**
   * Called after each successful (re-)list, with whether it was the first. After an outage (a
   * call of `onDisconnect`), the connection is back; the first list may itself follow failures.
   */
  readonly onSynced?: (first: boolean) => void;
  /**
   * Called for every failed list page or watch (the API server cannot be reached, refuses, or does
   * not answer in time); the reflector retries after a backoff. Required: an outage must reach the
   * report, not vanish.
   */
  readonly onDisconnect: (error: unknown) => void;
  readonly requests: RequestCounter;
}

const HTTP_GONE = 410;
/** Objects per list page (client-go's pager uses 500 too). */
const PAGE_SIZE = 500;
/**
 * The wait after a failed request doubles from 250 ms to 5 s. It starts again at 250 ms once a
 * watch delivered an event or a bookmark, not after any success: a server that answers lists but
 * refuses watches (RBAC without `watch`) would otherwise be asked four times a second.
 */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_WATCH_IDLE_MS = 70_000;
/** The server ends each watch after 5 to 10 minutes (spread like client-go's), so no connection lives for ever. */
const WATCH_TIMEOUT_SECONDS = 300;
/** A watch that ends this soon without an event is a failure, not a normal end: no loop at full speed against a proxy that closes it. */
const SHORT_WATCH_MS = 1000;
/** How much of an error answer's body is kept for the report. */
const ERROR_BODY_LIMIT = 4096;

/** How one watch request ended: resume from the last resourceVersion, re-list (410 Gone), or failed. */
type WatchEnd = { readonly end: 'resume' } | { readonly end: 'gone' } | { readonly end: 'failed'; readonly error: unknown };

/** setTimeout's longest delay; a later deadline is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The reason given to an abort by `stop()` and the deadline; never reported. */
const HALTED = new Error('halted');

/** A failed list request (reported and retried), apart from an exception of a callback (a bug: thrown on). */
class ListFailure {
  constructor(readonly error: unknown) {}
}


/**
 * One list + watch of one resource in one namespace, kept alive until stopped or the deadline:
 * a watch that ends is resumed from the last resourceVersion; a 410 Gone (expired resourceVersion)
 * leads to a re-list whose differences with the known objects are emitted, so no transition is
 * missed; any other failure (refused, unreachable, no answer in time) goes to `onDisconnect` and
 * is followed by a backoff and a re-list. Consumers judge from the latest state, so an event seen
 * twice is harmless. After `stop()` or the deadline nothing is requested and nothing is emitted.
 */
export class Reflector<T extends Watched> {
  private readonly known = new Map<string, T>();
  private readonly requestTimeoutMs: number;
  private readonly watchIdleMs: number;
  private readonly keepLabels: readonly string[];
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private backoffMs = BACKOFF_FIRST_MS;
  private nextResumeFrom?: string;
  /** The one request in flight (the reflector makes one at a time). */
  private current?: { readonly kind: 'list' | 'watch'; readonly controller: AbortController };
  /** Ends a backoff early (stop, deadline). */
  private wake?: () => void;
  private deadlineTimer?: NodeJS.Timeout;

  constructor(private readonly options: ReflectorOptions<T>) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.watchIdleMs = options.watchIdleMs ?? DEFAULT_WATCH_IDLE_MS;
    this.keepLabels = options.keepLabels ?? [];
  }

  /**
   * Lists, then watches until `stop()` or the deadline. A failed first list is reported and
   * retried after a backoff; `start()` rejects only when the deadline passes or `stop()` comes
   * first (with the last failure, if any).
   */
  public async start(): Promise<void> {
    if (this.options.deadline !== undefined) this.armDeadline(this.options.deadline);
    let lastError: unknown;
    while (!this.halted()) {
      try {
        await this.list();
        void this.watchLoop();
        return;
      } catch (failure) {
        if (!(failure instanceof ListFailure) && failure !== HALTED) throw failure;
        if (this.halted()) break;
        lastError = (failure as ListFailure).error;
        this.options.onDisconnect(lastError);
        await this.backoff();
      }
    }
    throw lastError ?? new Error(this.stopped
      ? `the reflector of ${this.options.path} was stopped before its first list completed`
      : `the first list of ${this.options.path} did not complete before the deadline`);
  }

  /** Stops for good: aborts the request in flight; nothing is requested or emitted afterwards. */
  public stop(): void {
    this.stopped = true;
    clearTimeout(this.deadlineTimer);
    this.halt();
  }

  /**
   * Test hook: ends the current watch and resumes from a resourceVersion the server has long
   * forgotten, so the server answers 410 Gone and the reflector must re-list.
   */
  public forceExpiry(): void {
    this.nextResumeFrom = '1';
    if (this.current?.kind === 'watch') this.current.controller.abort();
  }

  private halted(): boolean {
    return this.stopped || (this.options.deadline !== undefined && Date.now() >= this.options.deadline);
  }

  /** At the deadline: halts (the timer is not trusted to the millisecond, nor beyond its longest delay). */
  private armDeadline(deadline: number): void {
    const wait = deadline - Date.now();
    if (wait <= 0) {
      this.halt();
      return;
    }
    this.deadlineTimer = setTimeout(() => this.armDeadline(deadline), Math.min(wait, MAX_TIMER_MS));
    this.deadlineTimer.unref();
  }

  private halt(): void {
    this.current?.controller.abort(HALTED);
    this.wake?.();
  }

  /** Waits the backoff (cut short by stop or the deadline), then doubles it up to its maximum. */
  private async backoff(): Promise<void> {
    const ms = this.backoffMs;
    this.backoffMs = Math.min(ms * 2, BACKOFF_MAX_MS);
    await new Promise<void>(resolve => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** After a failure: report, back off, re-list until a list succeeds; then watch again. */
  private async watchLoop(): Promise<void> {
    let relist = false;
    while (!this.halted()) {
      if (relist) {
        try {
          await this.list();
          relist = false;
        } catch (failure) {
          if (!(failure instanceof ListFailure) && failure !== HALTED) throw failure;
          if (this.halted()) return;
          this.options.onDisconnect((failure as ListFailure).error);
          await this.backoff();
          continue;
        }
      }
      const from = this.nextResumeFrom ?? this.resourceVersion;
      this.nextResumeFrom = undefined;
      const outcome = await this.watch(from);
      if (this.halted()) return;
      if (outcome.end === 'gone') {
        relist = true;
      } else if (outcome.end === 'failed') {
        this.options.onDisconnect(outcome.error);
        await this.backoff();
        relist = true;
      }
    }
  }

  /**
   * Lists every page and emits the differences with what was known (per page: ADDED, MODIFIED;
   * at the end: DELETED for what no page had), then `onSynced`. Rejects with the first failed
   * request as a ListFailure, with HALTED after stop() or the deadline.
   */
  private async list(): Promise<void> {
    const seen = new Set<string>();
    let token: string | undefined;
    let resourceVersion: string;
    // Each item is handled as it arrives (memory: a page holds 500 Jobs, 2.4 MB of JSON). An
    // exception of a consumer is thrown on as it was (a bug, not an outage).
    let consumerError: { readonly error: unknown } | undefined;
    const onItem = (item: T) => {
      if (this.halted()) throw HALTED;
      const uid = item.metadata?.uid ?? '';
      seen.add(uid);
      const before = this.known.get(uid);
      this.known.set(uid, stub(item, this.keepLabels));
      try {
        if (!before) {
          this.options.onEvent('ADDED', item);
        } else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
          this.options.onEvent('MODIFIED', item);
        }
      } catch (error) {
        consumerError = { error };
        throw error;
      }
    };
    for (;;) {
      let page: ListRest;
      try {
        page = await this.listPage(token, onItem);
      } catch (error) {
        if (consumerError) throw consumerError.error;
        if (error === HALTED || this.halted()) throw HALTED;
        // A failed request, or an answer that is not JSON: a failed list (reported, retried). What
        // the items before the failure emitted stands, as after any partial list (a re-list emits
        // only differences).
        if (token === undefined || statusCode(error) !== HTTP_GONE) throw new ListFailure(error);
        // The continue token expired (the list took longer than the server keeps its snapshot):
        // list again from the start. What the first pass emitted is known now, so the second
        // pass emits only what changed in between.
        seen.clear();
        token = undefined;
        continue;
      }
      if (!page.metadata?.continue) {
        resourceVersion = page.metadata?.resourceVersion ?? '';
        break;
      }
      token = page.metadata.continue;
    }
    for (const [uid, item] of this.known) {
      if (seen.has(uid)) continue;
      if (this.halted()) throw HALTED;
      this.known.delete(uid);
      this.options.onEvent('DELETED', item);
    }
    this.resourceVersion = resourceVersion;
    const first = !this.synced;
    this.synced = true;
    this.options.onSynced?.(first);
  }

  /** One list request (one page), its items to `onItem` as they arrive; aborted after `requestTimeoutMs`, at the deadline or on stop(). */
  private async listPage(token: string | undefined, onItem: (item: T) => void): Promise<ListRest> {
    if (this.halted()) throw HALTED;
    this.options.requests.lists++;
    const controller = new AbortController();
    this.current = { kind: 'list', controller };
    const timer = setTimeout(() => controller.abort(new Error(`no answer from the API server to a list of ${this.options.path} within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
    try {
      const { connection, path, labelSelector } = this.options;
      const page = await getList(connection, path, { labelSelector, limit: PAGE_SIZE, continue: token }, controller.signal, onItem);
      if (this.halted()) throw HALTED;
      return page;
    } finally {
      clearTimeout(timer);
      if (this.current?.controller === controller) this.current = undefined;
    }
  }

  /**
   * One watch request from `resourceVersion`, over the connection (its agent: TLS, proxy; its
   * headers: credentials). Not `Watch` of @kubernetes/client-node: that one hands out its abort
   * handle only once the server answered, so a frozen API server would hold it for ever, and it
   * drops lines it cannot parse.
   */
  private watch(resourceVersion: string): Promise<WatchEnd> {
    this.options.requests.watches++;
    const controller = new AbortController();
    this.current = { kind: 'watch', controller };
    const path = this.options.path;
    return new Promise<WatchEnd>(resolve => {
      let settled = false;
      let delivered = false;
      let connectedAt = 0;
      let timer: NodeJS.Timeout;
      const finish = (end: WatchEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.current?.controller === controller) this.current = undefined;
        controller.abort(HALTED); // closes the connection; a no-op once aborted
        resolve(end);
      };
      const failed = (error: unknown) => finish({ end: 'failed', error });
      // stop(), the deadline, forceExpiry(): the loop decides what follows.
      controller.signal.addEventListener('abort', () => finish({ end: 'resume' }), { once: true });
      timer = setTimeout(() => failed(new Error(`no answer from the API server to the watch of ${path} within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      const idle = () => {
        clearTimeout(timer);
        // Silence for this long on a watch that asked for bookmarks: the connection is presumed
        // half-open. Resumed, not reported: if the server is gone, the new watch fails to connect.
        timer = setTimeout(() => finish({ end: 'resume' }), this.watchIdleMs);
      };
      const onLine = (line: string) => {
        let event: { type?: string; object?: any };
        try {
          event = JSON.parse(line);
        } catch {
          failed(new Error(`the watch of ${path} sent a line that is not JSON: ${line.slice(0, 200)}`));
          return;
        }
        const { type, object } = event;
        if (type === 'ERROR') {
          finish(object?.code === HTTP_GONE ? { end: 'gone' } : { end: 'failed', error: apiError(`the watch of ${path} failed`, object?.code, object) });
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') {
          failed(new Error(`the watch of ${path} sent an event of unknown type ${JSON.stringify(type)}`));
          return;
        }
        delivered = true;
        this.backoffMs = BACKOFF_FIRST_MS; // the connection works end to end
        idle();
        const rv = object?.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'BOOKMARK' || this.halted()) return;
        const uid = object?.metadata?.uid ?? '';
        if (type === 'DELETED') {
          this.known.delete(uid);
        } else {
          this.known.set(uid, stub(object as T, this.keepLabels));
        }
        this.options.onEvent(type, object as T);
      };
      this.watchRequest(resourceVersion, controller.signal).then(request => {
        request.on('error', failed);
        request.on('response', response => {
          response.setEncoding('utf8');
          const broken = (cause?: Error) => failed(new Error(`the connection of the watch of ${path} broke before the watch ended${cause ? ` (${cause.message})` : ''}`));
          response.on('error', broken);
          if (response.statusCode !== 200) {
            let body = '';
            response.on('data', (chunk: string) => { body = (body + chunk).slice(0, ERROR_BODY_LIMIT); });
            response.on('end', () => finish(response.statusCode === HTTP_GONE
              ? { end: 'gone' }
              : { end: 'failed', error: apiError(`the watch of ${path} failed`, response.statusCode, body) }));
            return;
          }
          connectedAt = Date.now();
          idle();
          let buffer = '';
          response.on('data', (chunk: string) => {
            buffer += chunk;
            for (let newline = buffer.indexOf('\n'); newline !== -1 && !settled; newline = buffer.indexOf('\n')) {
              const line = buffer.slice(0, newline).trim();
              buffer = buffer.slice(newline + 1);
              if (line) onLine(line);
            }
          });
          response.on('end', () => {
            if (buffer.trim()) onLine(buffer.trim());
            if (!delivered && Date.now() - connectedAt < SHORT_WATCH_MS) {
              failed(new Error(`the API server ended the watch of ${path} at once, without an event`));
            } else {
              finish({ end: 'resume' });
            }
          });
          response.on('close', () => {
            if (!response.complete) broken();
          });
        });
        request.end();
      }, failed);
    });
  }

  /** The watch request (not yet sent): bookmarks, a server-side timeout. */
  private watchRequest(resourceVersion: string, signal: AbortSignal): Promise<http.ClientRequest> {
    const { connection, path, labelSelector } = this.options;
    return openRequest(connection, path, {
      watch: true,
      allowWatchBookmarks: true,
      timeoutSeconds: WATCH_TIMEOUT_SECONDS + Math.floor(Math.random() * WATCH_TIMEOUT_SECONDS),
      resourceVersion: resourceVersion || undefined,
      labelSelector,
    }, signal);
  }
}
