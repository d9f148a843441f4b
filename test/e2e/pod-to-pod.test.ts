// PodToPodJob on the real control plane: the Job controller names the Indexed pods <job>-<index>
// in the headless Service's subdomain, the EndpointSlice controller publishes them under those
// hostnames (what cluster DNS serves as <job>-<index>.<service>), all pods run at once, and the
// Job converges. kwok runs no containers, so name resolution itself is not exercised here.
import type { V1Pod } from '@kubernetes/client-node';
import { Testing } from 'cdk8s';
import { PodToPodJob } from '../../index';
import { applyManifests, JobState, jobTargets, Manifest, verifyJobs } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { kubeConfig, restrictedNamespace, withOutcome } from './cluster';

const PODS = 3;

test('pod-to-pod: pods <job>-<index> in the Service\'s subdomain, published by hostname, all at once; the Job converges', async () => {
  // GIVEN the synthesized Service and Job, each pod running 20 s
  const kc = kubeConfig();
  const namespace = await restrictedNamespace(kc, 'p2p');
  const chart = Testing.chart();
  const ring = new PodToPodJob(chart, 'ring', { metadata: { name: 'ring' }, completions: PODS, container: { image: 'busybox:1.36.1', command: ['true'] } });
  const manifests = (Testing.synth(chart) as Manifest[]).map(m => (m.kind === 'Job' ? withOutcome(m, { duration: '20s' }) : m));
  const jobName = ring.name;

  // WHEN
  const applied = await applyManifests(kc, manifests, { namespace });
  expect(applied.map(r => r.error)).toEqual([undefined, undefined]);

  // THEN every pod runs at once, named <job>-<index>, in the subdomain
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  const expectedHosts = Array.from({ length: PODS }, (_, i) => `${jobName}-${i}`);
  let pods: V1Pod[] = [];
  let published: string[] = [];
  for (let i = 0; i < 150; i++) {
    pods = (await core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${jobName}` })).items;
    const slices = (await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${ring.serviceName}` })).items;
    published = slices.flatMap(s => s.endpoints ?? []).map(e => e.hostname ?? '').sort();
    if (pods.filter(p => p.status?.phase === 'Running').length === PODS && published.length === PODS) break;
    await new Promise(r => setTimeout(r, 200));
  }
  expect(pods.filter(p => p.status?.phase === 'Running').length).toBe(PODS);
  expect(pods.map(p => [p.spec?.hostname, p.spec?.subdomain]).sort()).toEqual(expectedHosts.map(h => [h, ring.serviceName]));
  expect(published).toEqual(expectedHosts);

  // and the Job converges
  const result = await verifyJobs({ kubeConfig: kc, targets: jobTargets(manifests, namespace), namespace, timeoutMs: 90_000 });
  expect(result.jobs.map(j => [j.name, j.verdict.state])).toEqual([[jobName, JobState.COMPLETE]]);
  expect(result.jobs[0].stats.maxRunning).toBe(PODS);
}, 150_000);
