import { ApiObject } from 'cdk8s';
import {
  ControllerPodJob, GitOpsPolicy, HookPhase, Severity, SingleBatchJob, validateManifests, warningsOf, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { isArgoCdHook, RULES } from '../../lib/validation/rules';
import { chart, CONTAINER } from '../util';
import { jobManifest } from './good-job';

type Obj = Record<string, any>;

function service(name: string, annotations?: Obj, namespace?: string): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) }, spec: { ports: [{ port: 6379 }] } };
}

/** [rule id, object name, path, message] of every finding of a gitops rule. */
function gitops(objects: Obj[]): string[][] {
  return validateManifests(objects).findings.filter(f => f.ruleId.startsWith('gitops/')).map(f => [f.ruleId, f.name, f.path, f.message]);
}

const WORKER = { 'job-patterns.cdk8s.io/pattern': 'work-queue-variable-pod-count', 'job-patterns.cdk8s.io/queue': 'redis' };

describe('the gitops rules', () => {
  test('each has a stable id, a severity and a fix', () => {
    expect([RULES.TTL_TRACKED, RULES.SUSPENDED_HOOK, RULES.QUEUE_WAVE_ORDER, RULES.CONTROLLER_INSTANCE_LABEL].map(r => [r.id, r.severity])).toEqual([
      ['gitops/ttl-on-tracked-job', Severity.WARNING],
      ['gitops/suspended-hook', Severity.ERROR],
      ['gitops/queue-wave-order', Severity.WARNING],
      ['gitops/controller-instance-label', Severity.WARNING],
    ]);
    for (const rule of [RULES.TTL_TRACKED, RULES.SUSPENDED_HOOK, RULES.QUEUE_WAVE_ORDER, RULES.CONTROLLER_INSTANCE_LABEL]) {
      expect(rule.fix.length).toBeGreaterThan(20);
    }
  });

  test('Argo CD hooks are recognised as gitops-engine does: its own annotation, else Helm\'s; Skip alone is no hook', () => {
    expect(isArgoCdHook({ 'argocd.argoproj.io/hook': 'PostSync' })).toBe(true);
    expect(isArgoCdHook({ 'argocd.argoproj.io/hook': 'PreSync,PostSync' })).toBe(true);
    expect(isArgoCdHook({ 'argocd.argoproj.io/hook': 'Skip' })).toBe(false);
    expect(isArgoCdHook({ 'helm.sh/hook': 'post-install' })).toBe(true);
    expect(isArgoCdHook({ 'helm.sh/hook': 'test' })).toBe(false);
    expect(isArgoCdHook({})).toBe(false);
  });
});

describe('gitops/ttl-on-tracked-job', () => {
  const ttl = { ttlSecondsAfterFinished: 60 };

  test('fails on a TTL on a plain Job', () => {
    expect(gitops([jobManifest('j', { spec: ttl })])).toEqual([[
      'gitops/ttl-on-tracked-job', 'j', 'spec.ttlSecondsAfterFinished',
      'ttlSecondsAfterFinished is 60 on a Job Argo CD tracks (not a hook): once the TTL deleted it, Argo CD shows it missing and auto-sync re-creates it, so it runs again after every TTL',
    ]]);
    expect(gitops([jobManifest('j', { spec: ttl, annotations: { 'job-patterns.cdk8s.io/gitops-policy': 'run-once-per-spec' } })])).toHaveLength(1);
    expect(gitops([jobManifest('j', { spec: ttl, annotations: { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' } })])).toHaveLength(1);
  });

  test.each([
    ['an Argo CD hook', { 'argocd.argoproj.io/hook': 'PostSync' }],
    ['a Helm hook', { 'helm.sh/hook': 'post-install' }],
    ['a Skip hook (never applied)', { 'argocd.argoproj.io/hook': 'Skip' }],
    ['a Job whose policy says there is no Argo CD', { 'job-patterns.cdk8s.io/gitops-policy': 'none' }],
  ])('passes for %s', (_name, annotations) => {
    expect(gitops([jobManifest('j', { spec: ttl, annotations })])).toEqual([]);
  });

  test('passes for the TTL of a CronJob\'s Jobs (they are not in Git)', () => {
    const job = jobManifest('j');
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@daily', jobTemplate: { spec: { ...job.spec, ...ttl } } } };
    expect(gitops([cron])).toEqual([]);
  });
});

describe('gitops/suspended-hook', () => {
  const suspend = { suspend: true };

  test('fails on a suspended hook Job', () => {
    const report = validateManifests([jobManifest('j', { spec: suspend, annotations: { 'argocd.argoproj.io/hook': 'PreSync' } })]);
    expect(report.ok).toBe(false);
    expect(report.errors.map(f => [f.ruleId, f.path, f.message])).toEqual([[
      'gitops/suspended-hook', 'spec.suspend',
      'suspend is true on an Argo CD PreSync hook: Argo CD reports the Job Suspended, keeps the hook running, and the sync never finishes unless something resumes the Job',
    ]]);
    expect(gitops([jobManifest('j', { spec: suspend, annotations: { 'helm.sh/hook': 'pre-upgrade' } })]).map(f => f[0])).toEqual(['gitops/suspended-hook']);
  });

  test('fails on a suspended hook queued by Kueue: Kueue suspends a queued Job itself, the manifest must not', () => {
    const queued = jobManifest('j', { spec: suspend, annotations: { 'argocd.argoproj.io/hook': 'Sync' }, labels: { 'kueue.x-k8s.io/queue-name': 'batch' } });
    expect(gitops([queued]).map(f => f[0])).toEqual(['gitops/suspended-hook']);
  });

  test.each([
    ['a suspended Job that is no hook', jobManifest('j', { spec: suspend })],
    ['a hook that is not suspended', jobManifest('j', { spec: { suspend: false }, annotations: { 'argocd.argoproj.io/hook': 'Sync' } })],
    ['a suspended Skip hook', jobManifest('j', { spec: suspend, annotations: { 'argocd.argoproj.io/hook': 'Skip' } })],
  ])('passes for %s', (_name, m) => {
    expect(gitops([m])).toEqual([]);
  });
});

describe('gitops/queue-wave-order (reads the whole manifest set)', () => {
  const message = (other: string, queue: string, workers: string) =>
    `the queue's ${other} (${queue}) does not sync before its workers (${workers}): Argo CD may start the workers before the queue is up and filled`;

  test('fails when the queue is in the workers\' wave, reporting on the workers', () => {
    const objects = [
      service('redis'),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'redis', annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: jobManifest('x').spec.template.spec } } },
      jobManifest('filler', { labels: { 'job-patterns.cdk8s.io/queue': 'redis' }, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } }),
      jobManifest('workers', { annotations: WORKER }),
    ];
    objects[1].spec.template.spec.restartPolicy = 'Always';
    expect(gitops(objects)).toEqual([
      ['gitops/queue-wave-order', 'workers', 'metadata.annotations.argocd.argoproj.io/sync-wave', message('Service/redis', 'wave 0', 'wave 0')],
      ['gitops/queue-wave-order', 'workers', 'metadata.annotations.argocd.argoproj.io/sync-wave', message('Deployment/redis', 'wave 1', 'wave 0')],
    ]);
  });

  test('fails when the filler is in the workers\' wave', () => {
    const objects = [
      service('redis', { 'argocd.argoproj.io/sync-wave': '-2' }),
      jobManifest('filler', { labels: { 'job-patterns.cdk8s.io/queue': 'redis' }, annotations: { 'argocd.argoproj.io/sync-wave': '3' } }),
      jobManifest('workers', { annotations: { ...WORKER, 'argocd.argoproj.io/sync-wave': '3' } }),
    ];
    expect(gitops(objects).map(f => f[3])).toEqual([message('Job/filler', 'wave 3', 'wave 3')]);
  });

  test.each([
    ['the queue in an earlier wave', [service('redis', { 'argocd.argoproj.io/sync-wave': '-1' }), jobManifest('workers', { annotations: WORKER })]],
    ['the queue in an earlier phase', [service('redis', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/sync-wave': '5' }), jobManifest('workers', { annotations: WORKER })]],
    ['workers as a PostSync hook', [service('redis', { 'argocd.argoproj.io/sync-wave': '5' }), jobManifest('workers', { annotations: { ...WORKER, 'argocd.argoproj.io/hook': 'PostSync' } })]],
    ['a queue in another namespace', [service('redis', {}, 'other'), jobManifest('workers', { annotations: WORKER })]],
    ['a queue outside the manifests', [jobManifest('workers', { annotations: { ...WORKER, 'job-patterns.cdk8s.io/queue': 'rabbitmq.messaging.svc' } })]],
    ['other workers of the same queue in the same wave', [service('redis', { 'argocd.argoproj.io/sync-wave': '-1' }), jobManifest('a', { annotations: WORKER }), jobManifest('b', { annotations: WORKER })]],
    ['a Job that is not a work queue', [service('redis'), jobManifest('workers', { annotations: { 'job-patterns.cdk8s.io/queue': 'redis' } })]],
  ])('passes with %s', (_name, objects) => {
    expect(gitops(objects as Obj[])).toEqual([]);
  });

  test.each([GitOpsPolicy.runOncePerSpec(), GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC }), GitOpsPolicy.recreateOnChange(), GitOpsPolicy.none()])(
    'passes for a WorkQueueJob under %s (ticket and Redis queues)', gitOps => {
      const c = chart();
      new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(['a', 'b']) }), container: CONTAINER, gitOps });
      new WorkQueueJob(c, 'tickets', { metadata: { name: 'tickets' }, queue: WorkQueue.ticket(), completions: 3, container: CONTAINER, gitOps });
      expect(warningsOf(c)).toEqual([]);
    });

  test('fails for a WorkQueueJob whose queue was moved into the workers\' wave, naming the construct', () => {
    const c = chart();
    const wq = new WorkQueueJob(c, 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.ticket(), completions: 3, container: CONTAINER });
    ApiObject.of(wq.queue.service!).metadata.addAnnotation('argocd.argoproj.io/sync-wave', '0');
    expect(warningsOf(c)).toEqual([{ path: 'test/fruit', ruleId: 'gitops/queue-wave-order', message: message('Service/fruit-queue', 'wave 0', 'wave 0') }]);
  });
});

describe('gitops/controller-instance-label', () => {
  const controller = { 'job-patterns.cdk8s.io/pattern': 'controller-pod' };

  test('fails when the controller pod carries Argo CD\'s tracking label', () => {
    expect(gitops([jobManifest('driver', { annotations: controller, podLabels: { 'app.kubernetes.io/instance': 'analytics' } })])).toEqual([[
      'gitops/controller-instance-label', 'driver', 'spec.template.metadata.labels.app.kubernetes.io/instance',
      "the controller pod carries Argo CD's tracking label app.kubernetes.io/instance: 'analytics': children that copy the controller's labels count as application resources missing from Git (out of sync), and an auto-pruning sync may delete them mid-run",
    ]]);
  });

  test('fails for a ControllerPodJob given the label in podMetadata, naming the construct', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, podMetadata: { labels: { 'app.kubernetes.io/instance': 'analytics' } }, container: CONTAINER });
    expect(warningsOf(c).map(w => [w.path, w.ruleId])).toEqual([['test/driver', 'gitops/controller-instance-label']]);
  });

  test.each([
    ['a controller whose Job (not pod) has the label, as Argo CD writes it', jobManifest('driver', { annotations: controller, labels: { 'app.kubernetes.io/instance': 'analytics' } })],
    ['a Job of another pattern', jobManifest('pi', { annotations: { 'job-patterns.cdk8s.io/pattern': 'single-batch' }, podLabels: { 'app.kubernetes.io/instance': 'analytics' } })],
  ])('passes for %s', (_name, m) => {
    expect(gitops([m])).toEqual([]);
  });

  test('passes for a ControllerPodJob with the defaults', () => {
    const c = chart();
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: CONTAINER });
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, podMetadata: { labels: { 'app.kubernetes.io/instance': 'analytics' } }, container: CONTAINER });
    expect(warningsOf(c)).toEqual([]);
  });
});
