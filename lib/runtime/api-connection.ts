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

/** How the body of a 2xx answer is read: each chunk as it arrives, then the result at its end. */
interface BodyReader<R> {
  data(chunk: Buffer): void;
  end(): R;
}

/**
 * A GET of `path` whose 2xx body goes to `reader` chunk by chunk; an answer other than 2xx rejects
 * with its status and body (`apiError`), and so does an exception of the reader (the request is
 * then closed).
 */
async function get<R>(connection: ApiConnection, path: string, query: Query, signal: AbortSignal, accept: string, reader: BodyReader<R>): Promise<R> {
  const request = await openRequest(connection, path, query, signal, accept);
  return new Promise<R>((resolve, reject) => {
    // Aborting destroys the request; this settles at once whatever the stream then says.
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    request.on('error', reject);
    request.on('response', response => {
      response.on('error', error => reject(new Error(`the connection broke before the answer to GET ${path} ended (${error.message})`)));
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        const text = textReader();
        response.on('data', (chunk: Buffer) => text.data(chunk));
        response.on('end', () => reject(apiError(`GET ${path} failed`, status, text.end())));
        return;
      }
      const fail = (error: unknown) => {
        reject(error);
        request.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        try {
          reader.data(chunk);
        } catch (error) {
          fail(error);
        }
      });
      response.on('end', () => {
        try {
          resolve(reader.end());
        } catch (error) {
          fail(error);
        }
      });
    });
    request.end();
  });
}

/** A body as text (UTF-8, a character split across two chunks included). */
function textReader(): BodyReader<string> {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  return { data: chunk => parts.push(decoder.decode(chunk, { stream: true })), end: () => parts.join('') + decoder.decode() };
}

/**
 * The body of a GET of `path` as text; an answer other than 2xx rejects with its status and body (`apiError`).
 * Accepts any media type, as client-go does: pods/log answers text/plain, but the API server
 * refuses an Accept of text/plain alone (406, "only the following media types are accepted").
 * @internal
 */
export function getText(connection: ApiConnection, path: string, query: Query, signal: AbortSignal, accept = '*/*'): Promise<string> {
  return get(connection, path, query, signal, accept, textReader());
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

/** What is left of a list answer once its items were handed out: its `metadata`, and `items` empty. @internal */
export interface ListRest {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

/**
 * A GET of a list (one page) whose items go to `onItem` as the answer arrives, each parsed on its
 * own (see {@link ListItemReader}); resolves with the rest of the answer. An answer that is not
 * JSON rejects with `notJson: true`, after the items before the fault were handed out; so does an
 * exception of `onItem`, as it was thrown (the request is then closed).
 *
 * @internal
 */
export function getList<T>(connection: ApiConnection, path: string, query: Query, signal: AbortSignal, onItem: (item: T) => void): Promise<ListRest> {
  return get(connection, path, query, signal, 'application/json', new ListItemReader<T>(onItem));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
/** How much of an answer that is not JSON the error quotes. */
const QUOTED_BYTES = 200;

/** The index of the quote that ends a string whose body goes on at `from` (not escaped there), or -1 when it ends after `chunk`. */
function stringEnd(chunk: Buffer, from: number): number {
  for (let quote = chunk.indexOf(QUOTE, from); quote !== -1; quote = chunk.indexOf(QUOTE, quote + 1)) {
    // A quote after an odd number of backslashes is escaped (those before `from` were paired or handled).
    let backslashes = 0;
    while (quote - 1 - backslashes >= from && chunk[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

/** How many backslashes end `chunk`, counting back no further than `from`. */
function trailingBackslashes(chunk: Buffer, from: number): number {
  let n = 0;
  while (chunk.length - 1 - n >= from && chunk[chunk.length - 1 - n] === BACKSLASH) n++;
  return n;
}

/**
 * Reads a list answer (`{"kind":...,"metadata":{...},"items":[{...},...]}`) as its chunks arrive:
 * `onItem` gets each element of its top-level `items`, parsed on its own, in order, as soon as its
 * last byte is in; `end()` returns the rest of the answer (its `metadata`), with `items` empty.
 *
 * Memory: neither the page nor its objects are ever held together. A page of 500 Jobs is about
 * 2.4 MB of JSON (half of it `managedFields`); read as one string and parsed at once, it and its
 * objects grow V8's young generation and the C allocator's arenas, which keep that memory after
 * it was freed. Here a chunk is scanned byte by byte, the body of a string by `indexOf` (JSON's
 * structure is ASCII: a byte of a multi-byte UTF-8 character never looks like a brace or a quote) and dropped; only an item
 * still incomplete at a chunk's end is kept, as slices of its chunks.
 *
 * @internal
 */
export class ListItemReader<T> implements BodyReader<ListRest> {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The start of the last string read at depth 1 (a key, or a value), up to 6 bytes: only `items` matters. */
  private key = '';
  private inItems = false;
  private itemsDone = false;
  /** Slices of the chunks before this one of an item not yet complete; undefined outside an item. */
  private item?: Buffer[];
  /** The answer without its items. */
  private readonly rest: Buffer[] = [];
  private quoted = '';

  constructor(private readonly onItem: (item: T) => void) {}

  public data(chunk: Buffer): void {
    if (this.quoted.length < QUOTED_BYTES) this.quoted += chunk.toString('utf8', 0, QUOTED_BYTES - this.quoted.length);
    // Where the run of bytes of the rest, and of the current item, start in this chunk (-1: not in one).
    let restFrom = this.inItems ? -1 : 0;
    let itemFrom = this.item ? 0 : -1;
    let complete: string[] | undefined;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString && !this.escaped && this.depth !== 1) {
        // Four fifths of a list's bytes are inside strings: skip to the closing quote with
        // Buffer's native search rather than byte by byte (the CLI runs without V8's optimizing
        // compiler, where each byte costs 20 times as much).
        const end = stringEnd(chunk, i);
        if (end === -1) {
          this.escaped = trailingBackslashes(chunk, i) % 2 === 1;
          break;
        }
        this.inString = false;
        i = end;
        continue;
      }
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        else if (this.depth === 1 && this.key.length < 6) this.key += String.fromCharCode(c);
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) this.key = '';
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.depth === 2 && c === OPEN_BRACKET && this.key === 'items' && !this.itemsDone) {
          // The items array (a '[' at depth 1 always follows its key): its '[' ends a run of the
          // rest; what is inside goes to onItem.
          this.inItems = true;
          this.rest.push(Buffer.from(chunk.subarray(restFrom, i + 1)));
          restFrom = -1;
        } else if (this.depth === 3 && this.inItems && !this.item) {
          this.item = [];
          itemFrom = i;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 2 && this.item) {
          const parts = this.item;
          this.item = undefined;
          parts.push(chunk.subarray(itemFrom, i + 1));
          itemFrom = -1;
          (complete ??= []).push(parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8'));
        } else if (this.depth === 1 && this.inItems) {
          this.inItems = false;
          this.itemsDone = true;
          restFrom = i;
        }
      }
    }
    if (restFrom !== -1) this.rest.push(Buffer.from(chunk.subarray(restFrom)));
    if (this.item && itemFrom !== -1) this.item.push(chunk.subarray(itemFrom));
    if (complete) this.emit(complete);
  }

  /** Hands out the items a chunk completed, after its scan: the scan's loop, hot and compiled on its own, does not take the consumer's code with it. */
  private emit(texts: readonly string[]): void {
    for (const text of texts) this.onItem(this.parse(text) as T);
  }

  public end(): ListRest {
    const rest = this.parse(Buffer.concat(this.rest).toString('utf8')) as { items?: unknown };
    if (this.inItems || this.item) throw this.notJson();
    // No items array was found (e.g. `"items": null`): hand out what the answer has.
    if (!this.itemsDone && Array.isArray(rest.items)) for (const item of rest.items) this.onItem(item as T);
    return { ...rest, items: [] } as ListRest;
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw this.notJson();
    }
  }

  private notJson(): Error {
    return Object.assign(new Error(`the API server's answer is not JSON: ${this.quoted}`), { notJson: true });
  }
}
