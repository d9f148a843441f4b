import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from './k8s';

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

/** What is kept of a known object: enough to diff a re-list and to report a deletion. */
function stub<T extends Watched>(object: T): T {
  const m = object.metadata ?? {};
  return { metadata: { uid: m.uid, resourceVersion: m.resourceVersion, name: m.name, namespace: m.namespace, labels: m.labels, ownerReferences: m.ownerReferences } } as T;
}

/** Event types the reflector emits: level-based (each carries the object's latest state). */
export type ReflectorEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Counters of the API requests made, for the report and the benchmark. */
export interface RequestCounter {
  lists: number;
  watches: number;
}

/** What a reflector needs. */
export interface ReflectorOptions<T extends Watched> {
  readonly kubeConfig: KubeConfig;
  /** Watch path, e.g. `/apis/batch/v1/namespaces/ns/jobs`. */
  readonly path: string;
  readonly labelSelector?: string;
  /** Lists the objects; returns them with the list's resourceVersion. */
  readonly list: () => Promise<{ items: T[]; resourceVersion: string }>;
  /** Called for every change; after a re-list, for every difference with what was known. */
  readonly onEvent: (type: ReflectorEvent, object: T) => void;
  /** Called after each successful (re-)list, with whether it was the first: after an outage, the connection is back. */
  readonly onSynced?: (first: boolean) => void;
  /**
   * Called for every failed watch or re-list (the API server cannot be reached, or refuses); the
   * reflector keeps retrying. Required: an outage must reach the report, not vanish.
   */
  readonly onDisconnect: (error: unknown) => void;
  readonly requests: RequestCounter;
}

const HTTP_GONE = 410;

/**
 * One list + watch of one resource in one namespace, kept alive until stopped: a watch that ends
 * is resumed from the last resourceVersion; a 410 Gone (expired resourceVersion) or a lost
 * connection (API server restart) leads to a re-list whose differences with the known objects
 * are emitted, so no transition is missed. Consumers judge from the latest state, so an event
 * seen twice is harmless.
 */
export class Reflector<T extends Watched> {
  private readonly known = new Map<string, T>();
  private resourceVersion?: string;
  private abort?: AbortController;
  private stopped = false;
  private synced = false;
  private backoffMs = 250;
  private nextResumeFrom?: string;

  constructor(private readonly options: ReflectorOptions<T>) {}

  /** Lists, then watches until `stop()`. Rejects only if the first list fails. */
  public async start(): Promise<void> {
    await this.relist();
    void this.watchLoop();
  }

  /** Stops watching. */
  public stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /**
   * Test hook: ends the current watch and resumes from a resourceVersion the server has long
   * forgotten, so the server answers 410 Gone and the reflector must re-list.
   */
  public forceExpiry(): void {
    this.nextResumeFrom = '1';
    this.abort?.abort();
  }

  private async relist(): Promise<void> {
    this.options.requests.lists++;
    const { items, resourceVersion } = await this.options.list();
    const seen = new Set<string>();
    for (const item of items) {
      const uid = item.metadata?.uid ?? '';
      seen.add(uid);
      const before = this.known.get(uid);
      this.known.set(uid, stub(item));
      if (!before) {
        this.options.onEvent('ADDED', item);
      } else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
        this.options.onEvent('MODIFIED', item);
      }
    }
    for (const [uid, item] of this.known) {
      if (!seen.has(uid)) {
        this.known.delete(uid);
        this.options.onEvent('DELETED', item);
      }
    }
    this.resourceVersion = resourceVersion;
    this.options.onSynced?.(!this.synced);
    this.synced = true;
  }

  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      const from = this.nextResumeFrom ?? this.resourceVersion;
      this.nextResumeFrom = undefined;
      const outcome = await this.watchOnce(from);
      if (this.stopped) return;
      if (outcome === 'gone' || outcome === 'error') {
        if (outcome === 'error') {
          await sleep(this.backoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, 5000);
        }
        try {
          await this.relist();
          this.backoffMs = 250;
        } catch (error) {
          this.options.onDisconnect(error);
        }
      }
    }
  }

  /** One watch request; resolves when it ends: 'ended' (resume), 'gone' (re-list) or 'error'. */
  private watchOnce(resourceVersion: string | undefined): Promise<'ended' | 'gone' | 'error'> {
    return new Promise(resolve => {
      let gone = false;
      this.options.requests.watches++;
      const watch = new k8s.Watch(this.options.kubeConfig);
      watch.watch(this.options.path, {
        allowWatchBookmarks: true,
        ...(resourceVersion ? { resourceVersion } : {}),
        ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
      }, (phase: string, object: any) => {
        if (phase === 'ERROR') {
          gone = object?.code === HTTP_GONE;
          this.abort?.abort();
          return;
        }
        const rv = object?.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (phase === 'BOOKMARK') return;
        const uid = object?.metadata?.uid ?? '';
        if (phase === 'DELETED') {
          this.known.delete(uid);
        } else {
          this.known.set(uid, stub(object as T));
        }
        this.options.onEvent(phase as ReflectorEvent, object as T);
      }, (error: any) => {
        if (gone || error?.statusCode === HTTP_GONE || error?.code === HTTP_GONE) {
          resolve('gone');
        } else if (error && error.name !== 'AbortError' && error.type !== 'aborted') {
          this.options.onDisconnect(error);
          resolve('error');
        } else {
          resolve('ended');
        }
      }).then(controller => {
        this.abort = controller;
        // stop() may have come while the request was in flight: it had nothing to abort then.
        if (this.stopped) controller.abort();
      }, error => {
        if (error?.statusCode === HTTP_GONE || error?.code === HTTP_GONE) {
          resolve('gone');
        } else {
          this.options.onDisconnect(error);
          resolve('error');
        }
      });
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
