import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyManifests, JobVerifier, KubeConfigLike, loadKubeConfig, verifyJobs } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { clientKubeConfig, contextNamespace, LoadedKubeConfig } from '../../lib/runtime/kubeconfig';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: 'https://127.0.0.1:6443' }
users:
- name: u
  user: { token: t }
contexts:
- name: first
  context: { cluster: c, user: u }
- name: second
  context: { cluster: c, user: u, namespace: batch }
current-context: first
`;

const FIX = "Pass loadKubeConfig() from cdk8s-job-patterns/runtime, or loadKubeConfig({ kubeconfig: '<file>', context: '<name>' }).";

let dir: string;
let file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
  file = path.join(dir, 'config');
  fs.writeFileSync(file, KUBECONFIG);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadKubeConfig', () => {
  test('reads the file and the context given; the namespace follows the context, else default', () => {
    // WHEN
    const first = loadKubeConfig({ kubeconfig: file });
    const second = loadKubeConfig({ kubeconfig: file, context: 'second' });

    // THEN
    expect([first.getCurrentContext(), contextNamespace(clientKubeConfig(first, 'first'))]).toEqual(['first', 'default']);
    expect([second.getCurrentContext(), contextNamespace(clientKubeConfig(second, 'second'))]).toEqual(['second', 'batch']);
  });

  test('fails when the context is not in the kubeconfig, naming the file and the contexts it has', () => {
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'nope' })).toThrow(
      `context 'nope' is not in the kubeconfig ${file}, whose contexts are 'first', 'second'; pass one of them, or none for its current context 'first'`);
  });

  test('fails when the context is not in a kubeconfig that has none, saying so', () => {
    // GIVEN a kubeconfig with a cluster but no context
    const empty = path.join(dir, 'no-contexts');
    fs.writeFileSync(empty, KUBECONFIG.replace(/contexts:[\s\S]*$/, ''));
    // THEN
    expect(() => loadKubeConfig({ kubeconfig: empty, context: 'first' })).toThrow(
      `context 'first' is not in the kubeconfig ${empty}, which has no context at all; add one (kubectl config set-context), or pass a kubeconfig that has 'first'`);
  });

  test('fails when the context is not in the kubeconfig that $KUBECONFIG names, naming $KUBECONFIG', () => {
    // GIVEN
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      // THEN
      expect(() => loadKubeConfig({ context: 'nope' })).toThrow(
        `context 'nope' is not in the kubeconfig $KUBECONFIG (${file}), whose contexts are 'first', 'second'; pass one of them, or none for its current context 'first'`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
    }
  });

  test('reads $KUBECONFIG as the client\'s loadFromDefault does: files merged, relative paths from each file\'s directory, token files read', () => {
    // GIVEN two files in two directories; the second names its CA and client certificate relatively, and a token file
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-other-'));
    fs.writeFileSync(path.join(other, 'token'), 'tok');
    const second = path.join(other, 'config');
    fs.writeFileSync(second, `apiVersion: v1
kind: Config
clusters:
- name: c2
  cluster: { server: 'https://10.0.0.1:6443/', certificate-authority: ca.crt, tls-server-name: api.internal, proxy-url: 'http://proxy:3128' }
users:
- name: u2
  user: { client-certificate: certs/client.crt, client-key: /abs/client.key, token-file: ${path.join(other, 'token')}, as: ops }
- name: u3
  user: { exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token] } }
contexts:
- name: third
  context: { cluster: c2, user: u2, namespace: jobs }
current-context: third
`);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [file, second].join(path.delimiter);
    try {
      // WHEN
      const ours = LoadedKubeConfig.fromDefault();
      const theirs = new k8s.KubeConfig();
      theirs.loadFromDefault();

      // THEN the same clusters, users, contexts and current context (the client's own shapes)
      const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
      expect(plain({ clusters: ours.clusters, users: ours.users, contexts: ours.contexts, current: ours.getCurrentContext() }))
        .toEqual(plain({ clusters: theirs.getClusters(), users: theirs.getUsers(), contexts: theirs.getContexts(), current: theirs.getCurrentContext() }));
      expect([ours.getCurrentCluster()?.caFile, contextNamespace(ours)]).toEqual([path.join(other, 'ca.crt'), 'jobs']);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('a KubeConfig the user built with @kubernetes/client-node is accepted as it is', () => {
    // GIVEN
    const own = new k8s.KubeConfig();
    own.loadFromString(KUBECONFIG);
    const typed: KubeConfigLike = own;

    // THEN
    expect(clientKubeConfig(typed, 'VerifyOptions.kubeConfig')).toBe(own);
  });
});

describe('cluster access from plain JavaScript: anything but a KubeConfig is rejected with the fix', () => {
  test('verifyJobs and new JobVerifier name the field, the value and the fix', () => {
    const options = { kubeConfig: file as unknown as KubeConfigLike, namespace: 'default', selector: 'a=b', timeoutMs: 1000 };
    const message = `VerifyOptions.kubeConfig: must be a KubeConfig of @kubernetes/client-node 1.x, got '${file}'. ${FIX}`;
    expect(() => verifyJobs(options)).toThrow(message);
    expect(() => new JobVerifier(options)).toThrow(message);
  });

  test('applyManifests names its argument; a plain object is described by its keys', async () => {
    const plain = { kubeconfig: file } as unknown as KubeConfigLike;
    await expect(applyManifests(plain, [], { namespace: 'default' })).rejects.toThrow(
      `applyManifests: kubeConfig: must be a KubeConfig of @kubernetes/client-node 1.x, got an object with keys [kubeconfig]. ${FIX}`);
  });
});
