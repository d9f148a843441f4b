import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import type { TLSSocket } from 'tls';
import { apiConnection, getJson, getText, ListItemReader } from '../../lib/runtime/api-connection';
import { describeApiError } from '../../lib/runtime/apply';
import { k8s } from '../../lib/runtime/k8s';
import { contextNamespace, LoadedKubeConfig, loadKubeConfig } from '../../lib/runtime/kubeconfig';

// The verifier's own requests (lib/runtime/api-connection.ts) against a small HTTPS API server on
// 127.0.0.1 whose certificates openssl makes here: a CA, the server's (for 127.0.0.1 and
// kubernetes.internal) and a client's (CN jane). The server asks for a client certificate and
// records what each request brought: the certificate's CN and the headers.

jest.setTimeout(20_000);

let dir: string;
let server: https.Server;
let port: number;
const seen: Array<{ path: string; cn?: string; authorization?: string; impersonate?: string }> = [];

const file = (name: string) => path.join(dir, name);
const b64 = (name: string) => fs.readFileSync(file(name)).toString('base64');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A key and a certificate signed by the CA, with these extensions. */
function certificate(name: string, cn: string, extensions: string): void {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(file(`${name}.ext`), extensions);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-connection-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  certificate('server', 'kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.internal\nextendedKeyUsage=serverAuth\n');
  certificate('client', 'jane', 'extendedKeyUsage=clientAuth\n');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '1', '-subj', '/CN=other-ca');
  server = https.createServer({ key: fs.readFileSync(file('server.key')), cert: fs.readFileSync(file('server.crt')), ca: fs.readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: false }, answer);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>(resolve => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

function answer(request: http.IncomingMessage, response: http.ServerResponse): void {
  const socket = request.socket as TLSSocket;
  const cn = socket.authorized ? String(socket.getPeerCertificate().subject?.CN) : undefined;
  const url = new URL(request.url ?? '/', 'https://localhost');
  seen.push({ path: `${url.pathname}${url.search}`, cn, authorization: request.headers.authorization, impersonate: request.headers['impersonate-user'] as string | undefined });
  if (url.pathname.endsWith('/log')) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('line 1\nline 2\n');
  } else if (url.pathname === '/api/v1/namespaces/ns/pods') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z' } }] }));
  } else {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `the test server serves no ${url.pathname}`, reason: 'NotFound', code: 404 }));
  }
}

/** A kubeconfig file with one context, its cluster and user as given (YAML flow mappings). */
function kubeconfig(name: string, cluster: string, user: string, namespace = 'default'): string {
  const target = file(`${name}.kubeconfig`);
  fs.writeFileSync(target, [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: c, cluster: { ${cluster} } }]`,
    `users: [{ name: u, user: { ${user} } }]`,
    `contexts: [{ name: x, context: { cluster: c, user: u, namespace: ${namespace} } }]`,
    'current-context: x',
    '',
  ].join('\n'));
  return target;
}

const PODS = '/api/v1/namespaces/ns/pods';

/** Lists the pods through the connection of `kubeConfig`. */
async function listPods(kubeConfig: ReturnType<typeof loadKubeConfig>) {
  const connection = apiConnection(kubeConfig, 'test');
  try {
    return await getJson<{ items: Array<{ metadata: { name: string; creationTimestamp: unknown } }>; metadata: { resourceVersion: string } }>(connection, PODS, { limit: 500, labelSelector: 'job-name' }, new AbortController().signal);
  } finally {
    connection.close();
  }
}

describe('TLS and credentials from the kubeconfig, without @kubernetes/client-node', () => {
  test('the CA, client certificate and key as data: the server sees the client certificate; the list is plain JSON', async () => {
    // GIVEN
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('data', `server: 'https://127.0.0.1:${port}', certificate-authority-data: ${b64('ca.crt')}`, `client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')}`) });

    // WHEN
    const list = await listPods(kc);

    // THEN timestamps stay strings (no typed model, no Date), and the query is the one asked
    expect(list).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z' } }] });
    expect(seen).toEqual([{ path: `${PODS}?limit=500&labelSelector=job-name`, cn: 'jane', authorization: undefined, impersonate: undefined }]);
  });

  test('the CA, certificate and key as files relative to the kubeconfig, and a bearer token', async () => {
    // GIVEN files named relative to the kubeconfig's directory, read from another working directory
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('files', `server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt`, 'client-certificate: client.crt, client-key: client.key, token: s3cret') });

    // WHEN
    await listPods(kc);

    // THEN
    expect(seen.map(s => [s.cn, s.authorization])).toEqual([['jane', 'Bearer s3cret']]);
  });

  test('fails when the CA is not the server\'s: TLS verification is on', async () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('other-ca', `server: 'https://127.0.0.1:${port}', certificate-authority: other-ca.crt`, 'token: t') });
    await expect(listPods(kc)).rejects.toThrow(/self[- ]signed certificate|unable to verify|unable to get local issuer/);
    expect(seen).toEqual([]);
  });

  test('insecure-skip-tls-verify: no CA needed', async () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('insecure', `server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true`, 'token: t') });
    await listPods(kc);
    expect(seen.map(s => s.authorization)).toEqual(['Bearer t']);
  });

  test('tls-server-name: the certificate is checked for that name, not the address', async () => {
    // GIVEN the server addressed as localhost, which its certificate does not name
    const cluster = `server: 'https://localhost:${port}', certificate-authority: ca.crt`;
    const without = loadKubeConfig({ kubeconfig: kubeconfig('no-name', cluster, 'token: t') });
    const named = loadKubeConfig({ kubeconfig: kubeconfig('name', `${cluster}, tls-server-name: kubernetes.internal`, 'token: t') });

    // THEN
    await expect(listPods(without)).rejects.toThrow(/localhost/);
    await listPods(named);
    expect(seen).toHaveLength(1);
  });

  test('token-file, basic auth and impersonation reach the server as the client sends them', async () => {
    // GIVEN
    fs.writeFileSync(file('token'), 'from-file');
    const cluster = `server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt`;
    const tokenFile = loadKubeConfig({ kubeconfig: kubeconfig('token-file', cluster, `token-file: ${file('token')}, as: ops`) });
    const basic = loadKubeConfig({ kubeconfig: kubeconfig('basic', cluster, 'username: admin, password: pw') });

    // WHEN
    await listPods(tokenFile);
    await listPods(basic);

    // THEN
    expect(seen.map(s => [s.authorization, s.impersonate])).toEqual([
      ['Bearer from-file', 'ops'],
      [`Basic ${Buffer.from('admin:pw').toString('base64')}`, undefined],
    ]);
  });

  test('in-cluster: the service account\'s CA, token file and namespace', async () => {
    // GIVEN a service account directory, as the kubelet mounts it
    const sa = file('serviceaccount');
    fs.mkdirSync(sa, { recursive: true });
    fs.copyFileSync(file('ca.crt'), path.join(sa, 'ca.crt'));
    fs.writeFileSync(path.join(sa, 'token'), 'projected');
    fs.writeFileSync(path.join(sa, 'namespace'), 'batch');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String(port);
    try {
      // WHEN
      const kc = LoadedKubeConfig.inCluster(sa);
      await listPods(kc);

      // THEN
      expect([kc.getCurrentCluster()?.server, contextNamespace(kc)]).toEqual([`https://127.0.0.1:${port}`, 'batch']);
      expect(seen.map(s => s.authorization)).toEqual(['Bearer projected']);
    } finally {
      for (const [name, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[name]; else process.env[name] = value;
      }
    }
  });

  test('an exec plugin goes through the client: the token it prints reaches the server', async () => {
    // GIVEN an exec plugin that prints an ExecCredential
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'from-exec' } });
    fs.writeFileSync(file('plugin.js'), `process.stdout.write(${JSON.stringify(credential)});\n`);
    const kc = loadKubeConfig({
      kubeconfig: kubeconfig('exec', `server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt`,
        `exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: '${process.execPath}', args: ['${file('plugin.js')}'], interactiveMode: Never }`),
    });

    // WHEN
    await listPods(kc);

    // THEN
    expect(seen.map(s => s.authorization)).toEqual(['Bearer from-exec']);
  });

  test('a KubeConfig the user built with the client: its own transport', async () => {
    // GIVEN
    const own = new k8s.KubeConfig();
    own.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caFile: file('ca.crt'), skipTLSVerify: false }],
      users: [{ name: 'u', certFile: file('client.crt'), keyFile: file('client.key'), token: 'own' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });

    // WHEN
    await listPods(own);

    // THEN
    expect(seen.map(s => [s.cn, s.authorization])).toEqual([['jane', 'Bearer own']]);
  });
});

describe('requests', () => {
  const kubeConfigFor = () => loadKubeConfig({ kubeconfig: kubeconfig('plain', `server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt`, 'token: t') });

  test('getText reads a log as text, with the query given', async () => {
    const connection = apiConnection(kubeConfigFor(), 'test');
    const log = await getText(connection, '/api/v1/namespaces/ns/pods/p/log', { container: 'main', tailLines: 10, previous: true }, new AbortController().signal);
    connection.close();
    expect([log, seen[0].path]).toEqual(['line 1\nline 2\n', '/api/v1/namespaces/ns/pods/p/log?container=main&tailLines=10&previous=true']);
  });

  test('fails with the status and the API server\'s message when it refuses', async () => {
    const connection = apiConnection(kubeConfigFor(), 'test');
    const failure = await getJson(connection, '/api/v1/namespaces/ns/secrets', {}, new AbortController().signal).catch((e: unknown) => e);
    connection.close();
    expect([(failure as { code?: number }).code, describeApiError(failure)]).toEqual([404, 'the test server serves no /api/v1/namespaces/ns/secrets']);
  });

  test('fails when the server is plain http and TLS verification is not turned off, as the client does', async () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('http', `server: 'http://127.0.0.1:${port}'`, 'token: t') });
    await expect(listPods(kc)).rejects.toThrow('HTTP protocol is not allowed when skipTLSVerify is not set or false');
  });

  test('aborting while the server has not answered rejects at once with the reason, and closes the connection', async () => {
    // GIVEN a server that accepts the request and never answers
    const silent = http.createServer(() => undefined);
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const connection = apiConnection(loadKubeConfig({ kubeconfig: kubeconfig('silent', `server: '${address}', insecure-skip-tls-verify: true`, 'token: t') }), 'test');
    const controller = new AbortController();
    try {
      // WHEN
      const reading = getText(connection, '/api/v1/namespaces/ns/pods/p/log', {}, controller.signal);
      setTimeout(() => controller.abort(new Error('no answer within 1 s')), 200);

      // THEN
      await expect(reading).rejects.toThrow('no answer within 1 s');
    } finally {
      connection.close();
      silent.closeAllConnections();
      await new Promise<void>(resolve => silent.close(() => resolve()));
    }
  });

  test('an aborted signal aborts the request', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const connection = apiConnection(kubeConfigFor(), 'test');
    await expect(getJson(connection, PODS, {}, controller.signal)).rejects.toThrow('stopped');
    connection.close();
    expect(seen).toEqual([]);
  });
});

describe('ListItemReader: a list answer read one item at a time as its chunks arrive', () => {
  /** Reads `body` cut into chunks of `size` bytes; what each item (also in `items`, should it throw) and the rest were. */
  function read(body: string, size: number, items: unknown[] = []): { items: unknown[]; rest: unknown } {
    const reader = new ListItemReader(item => items.push(item));
    const bytes = Buffer.from(body);
    for (let i = 0; i < bytes.length; i += size) reader.data(bytes.subarray(i, i + size));
    return { items, rest: reader.end() };
  }
  /** Chunk sizes: one byte (every cut inside a key, a string, an escape, a multi-byte character), a few, and the whole answer. */
  const SIZES = [1, 2, 3, 7, 64, 1 << 20];

  test('hands out each item, parsed on its own and in order, and returns the rest with no items, wherever the chunks are cut', () => {
    // GIVEN items whose strings hold braces, brackets, quotes, escapes and characters of two to four bytes, and nested arrays
    const items = [
      { metadata: { name: 'a', labels: { 'x': '}{][' } }, spec: { args: ['"', '\\', '{"items":[1]}', '\\"', 'ends in two \\\\', '\\\\"\\\\\\"'] } },
      { metadata: { name: 'b' }, status: { conditions: [{ type: 'Complete', message: 'done]} é € 𝄞' }] } },
      [1, { items: [2] }],
    ];
    const body = JSON.stringify({ kind: 'JobList', apiVersion: 'batch/v1', metadata: { resourceVersion: '42', continue: 'next' }, items });

    for (const size of SIZES) {
      // WHEN
      const { items: seen, rest } = read(body, size);

      // THEN
      expect(seen).toEqual(items);
      expect(rest).toEqual({ kind: 'JobList', apiVersion: 'batch/v1', metadata: { resourceVersion: '42', continue: 'next' }, items: [] });
    }
  });

  test('an empty list, items before metadata, pretty-printed JSON, and a key that only starts like items', () => {
    for (const size of SIZES) {
      expect(read('{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}', size)).toEqual({ items: [], rest: { kind: 'PodList', metadata: { resourceVersion: '7' }, items: [] } });
      expect(read(JSON.stringify({ items: [{ n: 1 }, { n: 2 }], metadata: { resourceVersion: '8' } }, null, 2), size)).toEqual({ items: [{ n: 1 }, { n: 2 }], rest: { items: [], metadata: { resourceVersion: '8' } } });
      expect(read('{"itemsX":[{"n":0}],"items":[{"n":1}]}', size)).toEqual({ items: [{ n: 1 }], rest: { itemsX: [{ n: 0 }], items: [] } });
    }
  });

  test('fails with notJson when the answer is not JSON, or is cut short, after handing out the items before the fault', () => {
    for (const [body, before] of [
      ['<html>proxy error</html>', []],
      ['{"kind":"JobList","items":[{"metadata":{"name":"a"}},{"metadata":', [{ metadata: { name: 'a' } }]],
      ['{"kind":"JobList","items":[{"metadata":{"name":"a"}},{"metadata":}]}', [{ metadata: { name: 'a' } }]],
    ] as const) {
      for (const size of SIZES) {
        // A bad item fails as soon as its last byte is in: the message quotes what came until then.
        const fault = body.indexOf(':}') + 1;
        const quoted = fault === 0 ? body : body.slice(0, Math.ceil((fault + 1) / size) * size);
        const items: unknown[] = [];
        let failure: unknown;
        try {
          read(body, size, items);
        } catch (error) {
          failure = error;
        }
        expect(failure).toMatchObject({ notJson: true, message: `the API server's answer is not JSON: ${quoted}` });
        expect(items).toEqual(before);
      }
    }
  });

  test('quotes at most the first 200 bytes of an answer that is not JSON', () => {
    const body = `<html>${'x'.repeat(500)}</html>`;
    expect(() => read(body, 64)).toThrow(`the API server's answer is not JSON: ${body.slice(0, 200)}`);
    expect(() => read(body, 64)).not.toThrow(body.slice(0, 201));
  });
});

test('loading the CLI, the verifier and a kubeconfig does not load @kubernetes/client-node', () => {
  // GIVEN a fresh Node process that records every require of the client
  const config = kubeconfig('fresh', `server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt`, 'token: t');
  const root = path.join(__dirname, '..', '..');
  const script = `
    require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(root, 'tsconfig.json'))} });
    const Module = require('module');
    const load = Module._load;
    let loaded = 0;
    Module._load = function (request, ...rest) { if (request.startsWith('@kubernetes/client-node')) loaded++; return load.call(this, request, ...rest); };
    require(${JSON.stringify(path.join(root, 'lib', 'runtime', 'cli.ts'))});
    const { JobVerifier } = require(${JSON.stringify(path.join(root, 'lib', 'runtime', 'verify.ts'))});
    const { loadKubeConfig } = require(${JSON.stringify(path.join(root, 'lib', 'runtime', 'kubeconfig.ts'))});
    new JobVerifier({ kubeConfig: loadKubeConfig({ kubeconfig: ${JSON.stringify(config)} }), selector: 'a=b', namespace: 'ns', timeoutMs: 1000 });
    process.stdout.write(String(loaded));
  `;

  // WHEN
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf-8' });

  // THEN
  expect([run.stderr, run.stdout]).toEqual(['', '0']);
});
