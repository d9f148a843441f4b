// The rules kueue/* (lib/validation/kueue-rules.ts): what a Job queued by Kueue must carry, one
// failing case per check with the exact path and message, and the passing Job next to it.
import { validateManifests } from '../../index';
import { jobManifest } from './good-job';

type Obj = Record<string, any>;
const QUEUE = 'kueue.x-k8s.io/queue-name';
const queued = (extra: Parameters<typeof jobManifest>[1] = {}) => jobManifest('job', { ...extra, labels: { [QUEUE]: 'team-a', ...extra.labels } });

/** The kueue/* findings of a set of manifests, as [rule id, path, message]. */
function kueueFindings(...manifests: Obj[]): Array<[string, string, string]> {
  return validateManifests(manifests, { kubernetesVersion: '1.37' }).findings
    .filter(f => f.ruleId.startsWith('kueue/')).map(f => [f.ruleId, f.path, f.message]);
}

describe('kueue rules', () => {
  test('a queued Job with requests, no suspend and a valid queue name passes', () => {
    expect(kueueFindings(queued({ annotations: { 'kueue.x-k8s.io/job-min-parallelism': '1' }, spec: { parallelism: 2 } }))).toEqual([]);
  });

  test('a Job without a queue is not judged by Kueue\'s rules, requests or not', () => {
    const job = jobManifest('job');
    delete job.spec.template.spec.containers[0].resources;
    expect(kueueFindings(job)).toEqual([]);
  });

  const FAILS: Array<[string, Obj, string, string, string]> = [
    ['fails when the queue name is an annotation', jobManifest('job', { annotations: { [QUEUE]: 'team-a' } }),
      'kueue/queue-name-place', `metadata.annotations['${QUEUE}']`, "the queue name 'team-a' is an annotation; Kueue reads only the Job's label, so this Job is not queued"],
    ['fails when the queue name is on the pod template', jobManifest('job', { podLabels: { [QUEUE]: 'team-a' } }),
      'kueue/queue-name-place', `spec.template.metadata.labels['${QUEUE}']`, "the queue name 'team-a' is on the pod template; Kueue reads only the Job's label, so this Job is not queued"],
    ['fails when the queue name is not a DNS-1123 subdomain', queued({ labels: { [QUEUE]: 'Team_A' } }),
      'kueue/queue-name', `metadata.labels['${QUEUE}']`, "'Team_A' is not a LocalQueue name (a DNS-1123 subdomain of at most 63 characters)"],
    ['fails when the priority class is not a DNS-1123 subdomain', queued({ labels: { 'kueue.x-k8s.io/priority-class': 'High' } }),
      'kueue/queue-name', "metadata.labels['kueue.x-k8s.io/priority-class']", "'High' is not a WorkloadPriorityClass name (a DNS-1123 subdomain of at most 63 characters)"],
    ['fails when a queued Job writes suspend: false', queued({ spec: { suspend: false } }),
      'kueue/suspend', 'spec.suspend', "a Job queued in 'team-a' writes suspend: false"],
    ['fails when a queued Job writes suspend: true', queued({ spec: { suspend: true } }),
      'kueue/suspend', 'spec.suspend', "a Job queued in 'team-a' writes suspend: true"],
    ['fails when a queued Job is an Argo CD hook', queued({ annotations: { 'argocd.argoproj.io/hook': 'PreSync' } }),
      'kueue/hook', `metadata.labels['${QUEUE}']`, "an Argo CD PreSync hook queued in 'team-a': Argo CD counts it as finished as soon as Kueue admits it (Suspended=False, JobResumed), so the sync goes on before the hook ran"],
    ['fails when the min parallelism is not below the pods at once', queued({ annotations: { 'kueue.x-k8s.io/job-min-parallelism': '2' }, spec: { parallelism: 4, completions: 2 } }),
      'kueue/min-parallelism', "metadata.annotations['kueue.x-k8s.io/job-min-parallelism']", "'2' is not an integer from 1 to 1 for a Job of 2 pods at once"],
    ['fails when the min parallelism is not an integer', queued({ annotations: { 'kueue.x-k8s.io/job-min-parallelism': 'two' }, spec: { parallelism: 4 } }),
      'kueue/min-parallelism', "metadata.annotations['kueue.x-k8s.io/job-min-parallelism']", "'two' is not an integer from 1 to 3 for a Job of 4 pods at once"],
  ];
  test.each(FAILS)('%s', (_, manifest, id, path, message) => {
    expect(kueueFindings(manifest)).toEqual([[id, path, message]]);
  });

  test('fails when a container or init container of a queued Job requests nothing', () => {
    // GIVEN a queued Job whose init container and second container have no requests
    const job = queued();
    const pod = job.spec.template.spec;
    pod.initContainers = [{ ...pod.containers[0], name: 'init', resources: {} }];
    pod.containers.push({ ...pod.containers[0], name: 'side', resources: undefined });
    // THEN each is named, and the container with requests is not
    expect(kueueFindings(job)).toEqual([
      ['kueue/requests', 'spec.template.spec.initContainers[0].resources.requests', "container 'init' of a Job queued in 'team-a' requests nothing"],
      ['kueue/requests', 'spec.template.spec.containers[1].resources.requests', "container 'side' of a Job queued in 'team-a' requests nothing"],
    ]);
  });

  test('a queued CronJob\'s Job template is judged at its own paths', () => {
    const job = queued({ spec: { suspend: true } });
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { metadata: { labels: job.metadata.labels }, spec: job.spec } } };
    expect(kueueFindings(cron)).toEqual([['kueue/suspend', 'spec.jobTemplate.spec.suspend', "a Job queued in 'team-a' writes suspend: true"]]);
    // A hook annotation on a CronJob's Job template makes no Argo CD hook: kueue/hook does not apply
    const hookCron = { ...cron, spec: { ...cron.spec, jobTemplate: { ...cron.spec.jobTemplate, metadata: { ...cron.spec.jobTemplate.metadata, annotations: { 'argocd.argoproj.io/hook': 'Sync' } }, spec: queued().spec } } };
    expect(kueueFindings(hookCron)).toEqual([]);
  });

  test('each finding is an error that fails synth', () => {
    const report = validateManifests([queued({ spec: { suspend: false } })], { kubernetesVersion: '1.37' });
    expect(report.errors.map(f => f.ruleId)).toContain('kueue/suspend');
  });
});
