/**
 * A tiny Kubernetes API server for tests without a cluster: on http://127.0.0.1:<port> it serves
 * the Jobs and pods of its namespaces as `job-patterns verify` reads them (lib/runtime/verify.ts):
 * `GET /apis/batch/v1/namespaces/<ns>/jobs` and `GET /api/v1/namespaces/<ns>/pods`, each as a
 * list and as a watch (`?watch=true`) that stays open and carries every later change, from the
 * `resourceVersion` the client asks for. Label selectors `k=v`, `k!=v` and `k` are honoured.
 * Anything else is answered 404 with an API `Status`, as kube-apiserver answers an unknown path.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

/** What the fake keeps of an object: enough for the verifier's lists and watches. */
export interface FakeObject {
  readonly apiVersion: string;
  readonly kind: 'Job' | 'Pod';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid?: string; readonly resourceVersion?: string; readonly labels?: Record<string, string>; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

type Resource = 'jobs' | 'pods';
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const PATHS: ReadonlyArray<[RegExp, Resource]> = [
  [/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/, 'jobs'],
  [/^\/api\/v1\/namespaces\/([^/]+)\/pods$/, 'pods'],
];

const LIST_KINDS: Record<Resource, [string, string]> = { jobs: ['batch/v1', 'JobList'], pods: ['v1', 'PodList'] };

/** A Job in `namespace` with these status conditions (all `True`), as the Job controller writes them. */
export function fakeJob(name: string, namespace: string, conditions: ReadonlyArray<{ type: string; reason?: string }> = [], status: Record<string, unknown> = {}): FakeObject {
  const at = '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { app: name } },
    spec: { completions: 1, parallelism: 1, backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36.1' }] } } },
    status: {
      startTime: at,
      ...(conditions.length > 0 ? { conditions: conditions.map(c => ({ type: c.type, status: 'True', ...(c.reason ? { reason: c.reason } : {}), lastTransitionTime: at, lastProbeTime: at })) } : { active: 1 }),
      ...status,
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** A kubeconfig file in `dir` whose one context points at `server`, in `namespace`; returns its path. */
export function writeKubeconfig(dir: string, server: string, namespace = 'default'): string {
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    // client-node refuses plain http unless TLS verification is off (there is no TLS to verify).
    `clusters: [{ name: fake, cluster: { server: '${server}', insecure-skip-tls-verify: true } }]`,
    'users: [{ name: fake, user: { token: fake } }]',
    `contexts: [{ name: fake, context: { cluster: fake, user: fake, namespace: ${namespace} } }]`,
    'current-context: fake',
    '',
  ].join('\n'));
  return file;
}

export class FakeApiServer {
  /** Starts a server on a free port of 127.0.0.1. */
  public static async start(): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await new Promise<void>(resolve => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Every request, as `GET <path>` with `?watch=true` when it was a watch. */
  public readonly requests: string[] = [];
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private readonly objects = new Map<string, FakeObject>();
  private readonly history: Array<{ type: EventType; resource: Resource; object: FakeObject }> = [];
  private readonly watches = new Set<{ resource: Resource; namespace: string; selector: string | null; response: http.ServerResponse }>();
  private revision = 1;

  private constructor() {}

  /** `http://127.0.0.1:<port>`. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Creates or replaces a Job (or pod): open watches get ADDED or MODIFIED. */
  public set(object: FakeObject): FakeObject {
    const key = this.key(object);
    const known = this.objects.get(key);
    this.revision++;
    const stored: FakeObject = {
      ...object,
      metadata: { ...object.metadata, uid: known?.metadata.uid ?? object.metadata.uid ?? `uid-${key}`, resourceVersion: String(this.revision) },
    };
    this.objects.set(key, stored);
    this.emit(known ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** Deletes a Job (or pod): open watches get DELETED. */
  public delete(object: FakeObject): void {
    const key = this.key(object);
    const known = this.objects.get(key);
    if (!known) throw new Error(`the fake API server has no ${key}`);
    this.objects.delete(key);
    this.revision++;
    this.emit('DELETED', { ...known, metadata: { ...known.metadata, resourceVersion: String(this.revision) } });
  }

  /** Ends every open connection and stops listening. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private key(object: FakeObject): string {
    return `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
  }

  private emit(type: EventType, object: FakeObject): void {
    const resource: Resource = object.kind === 'Job' ? 'jobs' : 'pods';
    this.history.push({ type, resource, object });
    for (const w of this.watches) {
      if (w.resource === resource && w.namespace === object.metadata.namespace && matches(object, w.selector)) {
        w.response.write(`${JSON.stringify({ type, object })}\n`);
      }
    }
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push(`${request.method} ${url.pathname}${watch ? '?watch=true' : ''}`);
    const route = PATHS.map(([pattern, resource]) => [pattern.exec(url.pathname), resource] as const).find(([match]) => match);
    if (request.method !== 'GET' || !route) {
      const message = `the fake API server serves only GET of namespaced jobs and pods, not ${request.method} ${url.pathname}`;
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotFound', code: 404 }));
      return;
    }
    const [match, resource] = route;
    const namespace = decodeURIComponent(match![1]);
    const selector = url.searchParams.get('labelSelector');
    const selected = (o: FakeObject) => (resource === 'jobs') === (o.kind === 'Job') && o.metadata.namespace === namespace && matches(o, selector);
    response.writeHead(200, { 'content-type': 'application/json' });
    if (!watch) {
      const [apiVersion, kind] = LIST_KINDS[resource];
      response.end(JSON.stringify({ apiVersion, kind, metadata: { resourceVersion: String(this.revision) }, items: [...this.objects.values()].filter(selected) }));
      return;
    }
    // A watch: the changes after the resourceVersion asked for, then every later one until the client leaves.
    response.flushHeaders();
    const from = Number(url.searchParams.get('resourceVersion') ?? this.revision);
    for (const e of this.history) {
      if (e.resource === resource && Number(e.object.metadata.resourceVersion) > from && selected(e.object)) {
        response.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      }
    }
    const entry = { resource, namespace, selector, response };
    this.watches.add(entry);
    response.on('close', () => this.watches.delete(entry));
  }
}

/** Whether `object`'s labels match a selector of `k=v`, `k==v`, `k!=v` and `k` terms (null: everything). */
function matches(object: FakeObject, selector: string | null): boolean {
  const labels = object.metadata.labels ?? {};
  return (selector ?? '').split(',').map(term => term.trim()).filter(term => term.length > 0).every(term => {
    const [, key, op, value] = /^([^!=]+?)\s*(!=|==|=)?\s*([^!=]*)$/.exec(term) ?? [];
    if (key === undefined) throw new Error(`the fake API server cannot read the label selector term '${term}'`);
    if (op === undefined) return key in labels;
    return op === '!=' ? labels[key] !== value : labels[key] === value;
  });
}
