/**
 * The verifier's requests to the API server without `@kubernetes/client-node`: lists, watches and
 * log reads are GETs of JSON (or text) over Node's own http/https, with the kubeconfig's TLS
 * (its CA, client certificate and key, `insecure-skip-tls-verify`, `tls-server-name`) and
 * credentials (token, token file, basic auth, impersonation). What only the client can do (exec
 * plugins, auth providers, `proxy-url`) and a `KubeConfig` the user built with the client go
 * through the client's own transport instead (`applyToFetchOptions`), loaded only then.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { isClientKubeConfig, KubeConfigLike, LoadedKubeConfig, notKubeConfig } from './kubeconfig';

/** How requests reach one API server. @internal */
export interface ApiConnection {
  /** The server's address, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** The agent (TLS, proxy) and headers (credentials) of the next request. */
  requestOptions(): Promise<{ readonly agent?: http.Agent; readonly headers: Record<string, string> }>;
  /** Closes the connections kept open between requests. */
  close(): void;
}

/** Query parameters of a request; undefined ones are left out. @internal */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** An error for a failed API request that carries the server's answer, as the generated client's do (`code`, `body`). @internal */
export function apiError(what: string, code: number | undefined, body: unknown): Error {
  return Object.assign(new Error(`${what}: HTTP ${code ?? 'status unknown'}`), { code, body });
}

/** The HTTP status of a failed request, as the generated client (`code`) or others (`statusCode`) give it. @internal */
export function statusCode(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  return typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

/**
 * The connection for `kubeConfig`, which a caller passed as `field`: our own requests for what
 * {@link loadKubeConfig} read, unless its user or cluster needs the client; the client's transport
 * for a `KubeConfig` of the client. Anything else is rejected with the fix.
 *
 * @internal
 */
export function apiConnection(kubeConfig: KubeConfigLike, field: string): ApiConnection {
  if (kubeConfig instanceof LoadedKubeConfig) {
    return ownConnection(kubeConfig) ?? clientConnection(() => kubeConfig.client());
  }
  if (isClientKubeConfig(kubeConfig)) return clientConnection(() => kubeConfig);
  throw notKubeConfig(kubeConfig, field);
}

/** How often a token file (a projected service account token) is read again, as the client and client-go do. */
const TOKEN_FILE_REFRESH_MS = 60_000;

/** Our own transport for the current context, or undefined when it needs the client (exec, an auth provider, a proxy). */
function ownConnection(kubeConfig: LoadedKubeConfig): ApiConnection | undefined {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const user = kubeConfig.getCurrentUser();
  const tokenFile = user?.authProvider?.config?.tokenFile;
  if (cluster.proxyUrl || user?.exec || (user?.authProvider && !tokenFile)) return undefined;
  const server = cluster.server;
  const plain = server.startsWith('http:');
  let agent: http.Agent | undefined;
  let token = user?.token;
  let tokenReadAt = 0;
  const headers = (): Record<string, string> => {
    if (tokenFile && Date.now() - tokenReadAt > TOKEN_FILE_REFRESH_MS) {
      token = fs.readFileSync(tokenFile, 'utf-8');
      tokenReadAt = Date.now();
    }
    return {
      ...(user?.username ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(user?.impersonateUser ? { 'impersonate-user': user.impersonateUser } : {}),
    };
  };
  return {
    server,
    requestOptions: async () => {
      // As the client: plain http only where the kubeconfig turned TLS verification off.
      if (plain && !cluster.skipTLSVerify) throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
      agent ??= plain
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
          keepAlive: true,
          ...fileOrData('ca', cluster.caFile, cluster.caData),
          ...fileOrData('cert', user?.certFile, user?.certData),
          ...fileOrData('key', user?.keyFile, user?.keyData),
          ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
          ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
        });
      return { agent, headers: headers() };
    },
    close: () => agent?.destroy(),
  };
}

/** A TLS option from a file, else from base64 data (as the kubeconfig gives it). */
function fileOrData(option: 'ca' | 'cert' | 'key', file: string | null | undefined, data: string | null | undefined): Partial<Record<typeof option, Buffer>> {
  if (file) return { [option]: fs.readFileSync(file) };
  return data ? { [option]: Buffer.from(data, 'base64') } : {};
}

/** The client's transport: its agent and credentials for each request (exec plugins run as the client runs them). */
function clientConnection(kubeConfig: () => KubeConfig): ApiConnection {
  let server: string | undefined;
  return {
    get server() {
      server ??= kubeConfig().getCurrentCluster()?.server ?? '';
      return server;
    },
    requestOptions: async () => {
      const init = await kubeConfig().applyToFetchOptions({});
      const headers: Record<string, string> = {};
      (init.headers as { forEach(f: (value: string, name: string) => void): void } | undefined)?.forEach((value, name) => { headers[name] = value; });
      return { agent: init.agent as http.Agent | undefined, headers };
    },
    close: () => undefined,
  };
}

/** A GET request to `path` (not yet sent: call `end()`), aborted by `signal`. @internal */
export async function openRequest(connection: ApiConnection, path: string, query: Query, signal: AbortSignal, accept = 'application/json'): Promise<http.ClientRequest> {
  const { agent, headers } = await connection.requestOptions();
  const url = new URL(connection.server + path);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  signal.throwIfAborted();
  return (url.protocol === 'https:' ? https : http).request(url, { method: 'GET', agent, headers: { accept, ...headers }, signal });
}

/**
 * The body of a GET of `path` as text; an answer other than 2xx rejects with its status and body (`apiError`).
 * Accepts any media type, as client-go does: pods/log answers text/plain, but the API server
 * refuses an Accept of text/plain alone (406, "only the following media types are accepted").
 * @internal
 */
export async function getText(connection: ApiConnection, path: string, query: Query, signal: AbortSignal, accept = '*/*'): Promise<string> {
  const request = await openRequest(connection, path, query, signal, accept);
  return new Promise<string>((resolve, reject) => {
    // Aborting destroys the request; this settles at once whatever the stream then says.
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    request.on('error', reject);
    request.on('response', response => {
      response.setEncoding('utf8');
      const chunks: string[] = [];
      response.on('data', (chunk: string) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = chunks.join('');
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(body);
        else reject(apiError(`GET ${path} failed`, status, body));
      });
    });
    request.end();
  });
}

/** A GET of `path` parsed as JSON (one `JSON.parse` of the whole answer: no typed copies, no `Date`s). @internal */
export async function getJson<T>(connection: ApiConnection, path: string, query: Query, signal: AbortSignal): Promise<T> {
  const body = await getText(connection, path, query, signal, 'application/json');
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new Error(`GET ${path}: the API server's answer is not JSON: ${body.slice(0, 200)}`);
  }
}

/**
 * Reads a list answer (`{"kind":...,"metadata":{...},"items":[{...},...]}`) one item at a time:
 * `onItem` gets each element of its top-level `items`, parsed on its own, in order; what is
 * returned is the rest of the answer (its `metadata`), with `items` empty. Parsing a page of 500
 * Jobs at once makes all of them live together, which grows V8's young generation and promotes
 * the whole page; one at a time, each dies young but for what `onItem` keeps. An answer that is
 * not JSON throws an error with `notJson: true` (before or after some items were handed out).
 *
 * @internal
 */
export function eachListItem<T>(body: string, onItem: (item: T) => void): { readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string } } {
  const parse = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      throw Object.assign(new Error(`the API server's answer is not JSON: ${body.slice(0, 200)}`), { notJson: true });
    }
  };
  const QUOTE = 34;
  const BACKSLASH = 92;
  let depth = 0;
  let key: string | undefined;
  let itemsFrom = -1;
  let itemStart = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < body.length && body.charCodeAt(i) !== QUOTE; i++) if (body.charCodeAt(i) === BACKSLASH) i++;
      // A key of the answer itself: its `items` array is read item by item.
      if (depth === 1 && itemsFrom === -1) key = body.slice(start + 1, i);
      continue;
    }
    if (c === 123 || c === 91) { // { [
      depth++;
      if (depth === 2 && c === 91 && key === 'items' && itemsFrom === -1) itemsFrom = i;
      else if (depth === 3 && itemsFrom !== -1 && itemStart === -1) itemStart = i;
    } else if (c === 125 || c === 93) { // } ]
      depth--;
      if (depth === 2 && itemStart !== -1) {
        onItem(parse(body.slice(itemStart, i + 1)) as T);
        itemStart = -1;
      } else if (depth === 1 && itemsFrom !== -1) {
        return parse(`${body.slice(0, itemsFrom)}[]${body.slice(i + 1)}`);
      }
    } else if (c === 44 && depth === 1) { // , between the answer's fields
      key = undefined;
    }
  }
  // No items array (or not a list): the answer as it is, checked by JSON.parse.
  const whole = parse(body) as { items?: T[] };
  for (const item of whole.items ?? []) onItem(item);
  return { ...whole, items: [] } as never;
}
