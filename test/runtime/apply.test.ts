import { KubeConfig } from '@kubernetes/client-node';
import { applyManifests, Manifest } from '../../runtime';
import { closedPort, FakeApiServer } from './fake-api-server';

/** A KubeConfig for `server` (plain http: TLS verification off). */
function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const MANIFESTS: Manifest[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'first' }, spec: {} },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'second' }, spec: {} },
];

describe('applyManifests', () => {
  test('fails once, naming the API server and the error, when nothing listens at its address', async () => {
    // GIVEN a port where nothing listens
    const port = await closedPort();
    // WHEN / THEN
    await expect(applyManifests(kubeConfigFor(`http://127.0.0.1:${port}`), MANIFESTS, { namespace: 'default' })).rejects.toThrow(
      new Error(`cannot reach the API server at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (0 of 3 object(s) applied)`));
  });

  test('fails once when the API server\'s host name does not resolve', async () => {
    // GIVEN a host in the reserved .invalid domain (RFC 2606), which never resolves
    const server = 'http://api.job-patterns.invalid:6443';
    // WHEN / THEN
    // (ENOTFOUND from a resolver; EAI_AGAIN on a machine with no resolver at all)
    await expect(applyManifests(kubeConfigFor(server), MANIFESTS, { namespace: 'default' })).rejects.toThrow(
      /^cannot reach the API server at http:\/\/api\.job-patterns\.invalid:6443: getaddrinfo (ENOTFOUND|EAI_AGAIN) api\.job-patterns\.invalid \(0 of 3 object\(s\) applied\)$/);
  });

  test('an API server that answers refuses each object on its own (here: it serves no such kind)', async () => {
    // GIVEN an API server whose discovery knows no API group
    const fake = await FakeApiServer.start();
    try {
      // WHEN
      const results = await applyManifests(kubeConfigFor(fake.url), MANIFESTS.slice(1), { namespace: 'default' });
      // THEN
      const notServed = 'the API server serves no kind Job in batch/v1: check apiVersion and kind, and for a custom resource apply its CustomResourceDefinition first';
      expect(results).toEqual([{ kind: 'Job', name: 'first', error: notServed }, { kind: 'Job', name: 'second', error: notServed }]);
    } finally {
      await fake.close();
    }
  });
});
