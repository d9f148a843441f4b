import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from '../../lib/runtime/k8s';

/** A pod as the fake API server keeps it. */
export interface FakePod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
  };
  spec: { nodeName?: string };
}

/** One request the fake API server received. */
export interface FakeRequest {
  readonly kind: 'list' | 'watch';
  readonly query: URLSearchParams;
  readonly at: number;
  /** Set when the client closed the connection before the answer was complete. */
  abortedByClient: boolean;
}

/** How to answer one request instead of serving it from the store. */
export type Answer = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A JSON answer: an API `Status` with `code` and `message`, as the API server fails a request. */
export function failWith(code: number, message: string, reason = 'InternalError'): Answer {
  return (_request, response) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(status(code, message, reason)));
  };
}

/** Accepts the request and never answers (a frozen API server). */
export const NO_ANSWER: Answer = () => undefined;

/** A watch that starts (200, headers sent) and then delivers nothing (a half-open connection). */
export const SILENT_WATCH: Answer = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.flushHeaders();
};

/** A watch that ends as soon as it started, without an event (a misbehaving proxy). */
export const EMPTY_WATCH: Answer = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end();
};

/** A watch that starts and sends one ERROR event with an API `Status`. */
export function errorEvent(code: number, message: string, reason = 'InternalError'): Answer {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify({ type: 'ERROR', object: status(code, message, reason) })}\n`);
  };
}

function status(code: number, message: string, reason: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/**
 * A small API server on 127.0.0.1 serving the pods of one namespace: paginated lists (`limit`,
 * `continue`) and watches (`resourceVersion`, `allowWatchBookmarks`) the way kube-apiserver serves
 * them, with scripted answers (`answerNextList`, `answerNextWatch`) for failures.
 */
export class FakeWatchServer {
  /** Starts a server on a free port. */
  public static async start(namespace = 'ns'): Promise<FakeWatchServer> {
    const server = new FakeWatchServer(namespace);
    await new Promise<void>(resolve => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** Every request received, in order. */
  public readonly requests: FakeRequest[] = [];
  public readonly path: string;
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private readonly pods = new Map<string, FakePod>();
  /** Every change, for watches that resume from an older resourceVersion. */
  private history: Array<{ type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: FakePod }> = [];
  /** Watches resuming from below this resourceVersion get 410 Gone. */
  private oldestResumable = 100;
  private revision = 100;
  private nextUid = 1;
  private readonly watches = new Set<http.ServerResponse>();
  private readonly scripted = { list: [] as Array<Answer | 'serve'>, watch: [] as Array<Answer | 'serve'> };
  private readonly held: Array<() => void> = [];

  private constructor(private readonly namespace: string) {
    this.path = `/api/v1/namespaces/${namespace}/pods`;
  }

  /** A KubeConfig for this server (http, as `skipTLSVerify` allows). */
  public kubeConfig(): KubeConfig {
    const kc = new k8s.KubeConfig();
    const { port } = this.server.address() as AddressInfo;
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  }

  /** The requests of one kind. */
  public received(kind: 'list' | 'watch'): FakeRequest[] {
    return this.requests.filter(r => r.kind === kind);
  }

  /** The current resourceVersion. */
  public get resourceVersion(): string {
    return String(this.revision);
  }

  /** Creates a pod; open watches see it unless `quietly`. */
  public add(name: string, quietly = false, extra: Partial<FakePod['metadata']> = {}): FakePod {
    const pod: FakePod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: this.namespace, uid: `uid-${this.nextUid++}`, resourceVersion: '', ...extra },
      spec: {},
    };
    return this.change('ADDED', pod, quietly);
  }

  /** Changes a pod (a new resourceVersion and `spec.nodeName`). */
  public modify(name: string, quietly = false): FakePod {
    const pod = this.pods.get(name);
    if (!pod) throw new Error(`no pod ${name}`);
    return this.change('MODIFIED', { ...pod, spec: { nodeName: `node-${this.revision + 1}` } }, quietly);
  }

  /** Deletes a pod. */
  public remove(name: string, quietly = false): FakePod {
    const pod = this.pods.get(name);
    if (!pod) throw new Error(`no pod ${name}`);
    return this.change('DELETED', pod, quietly);
  }

  /** Forgets the history: a watch resuming from before the current resourceVersion gets 410 Gone. */
  public compact(): void {
    this.history = [];
    this.oldestResumable = this.revision;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every open watch. */
  public bookmark(): void {
    this.broadcast('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: this.resourceVersion } });
  }

  /** Ends every open watch cleanly, as the API server does when a watch's `timeoutSeconds` is over. */
  public endWatches(): void {
    for (const response of this.watches) response.end();
    this.watches.clear();
  }

  /** Breaks the connection of every open watch, as an API server that restarts. */
  public dropWatches(): void {
    for (const response of this.watches) response.destroy();
    this.watches.clear();
  }

  /** Answers the next list requests with these, in order ('serve': from the store). */
  public answerNextList(...answers: Array<Answer | 'serve'>): void {
    this.scripted.list.push(...answers);
  }

  /** Answers the next watch requests with these, in order ('serve': from the store). */
  public answerNextWatch(...answers: Array<Answer | 'serve'>): void {
    this.scripted.watch.push(...answers);
  }

  /** An answer that waits until `release()`, then serves the request from the store. */
  public hold(): Answer {
    return (request, response) => this.held.push(() => this.serve(request, response));
  }

  /** Serves the requests held by `hold()`. */
  public release(): void {
    for (const serve of this.held.splice(0)) serve();
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private change(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: FakePod, quietly: boolean): FakePod {
    this.revision++;
    const changed: FakePod = { ...pod, metadata: { ...pod.metadata, resourceVersion: this.resourceVersion } };
    if (type === 'DELETED') this.pods.delete(pod.metadata.name);
    else this.pods.set(pod.metadata.name, changed);
    this.history.push({ type, object: changed });
    if (!quietly) this.broadcast(type, changed);
    return changed;
  }

  private broadcast(type: string, object: unknown): void {
    for (const response of this.watches) response.write(`${JSON.stringify({ type, object })}\n`);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path) {
      failWith(404, `the fake serves only ${this.path}`, 'NotFound')(request, response);
      return;
    }
    const kind = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
    const record: FakeRequest = { kind, query: url.searchParams, at: Date.now(), abortedByClient: false };
    this.requests.push(record);
    response.on('close', () => {
      this.watches.delete(response);
      if (!response.writableFinished) record.abortedByClient = true;
    });
    const answer = this.scripted[kind].shift() ?? 'serve';
    if (answer === 'serve') this.serve(request, response);
    else answer(request, response);
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (response.destroyed) return;
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    if (query.get('watch') === 'true') this.serveWatch(query, response);
    else this.serveList(query, response);
  }

  /** Pods by name; `continue` is `<resourceVersion>/<offset>` (a real server's token is opaque). */
  private serveList(query: URLSearchParams, response: http.ServerResponse): void {
    const all = [...this.pods.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const limit = Number(query.get('limit') ?? all.length) || all.length;
    const offset = Number(query.get('continue')?.split('/')[1] ?? 0);
    const items = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: this.resourceVersion, ...(more ? { continue: `${this.resourceVersion}/${offset + limit}`, remainingItemCount: all.length - offset - limit } : {}) },
      items,
    }));
  }

  private serveWatch(query: URLSearchParams, response: http.ServerResponse): void {
    const from = Number(query.get('resourceVersion') ?? this.revision);
    response.writeHead(200, { 'content-type': 'application/json' });
    if (from < this.oldestResumable) {
      response.end(`${JSON.stringify({ type: 'ERROR', object: status(410, `too old resource version: ${from} (${this.oldestResumable})`, 'Expired') })}\n`);
      return;
    }
    response.flushHeaders();
    for (const { type, object } of this.history) {
      if (Number(object.metadata.resourceVersion) > from) response.write(`${JSON.stringify({ type, object })}\n`);
    }
    this.watches.add(response);
  }
}
