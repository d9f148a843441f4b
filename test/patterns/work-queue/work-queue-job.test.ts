import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DefaultFlag, JobDefault, JobPattern, JobPatternDefaults, ManifestValidation, WorkItems, WorkQueue, WorkQueueEnv, WorkQueueJob, WorkQueueJobProps, WorkQueueMode, warningsOf,
} from '../../../index';
import { RedisQueue } from '../../../patterns/work-queue/redis-queue';
import { TicketQueue } from '../../../patterns/work-queue/ticket-queue';
import { chart, CONTAINER, hasBaseName, job, manifest, Manifest, nested, synth, RESTRICTED_CONTAINER_SECURITY_CONTEXT } from '../../util';

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const FRUIT = WorkItems.fromList(['apple', 'banana', 'cherry']);

/** A WorkQueueJob named `name` in a fresh chart; returns the chart and the construct. */
function workQueueJob(props: Partial<WorkQueueJobProps> & Pick<WorkQueueJobProps, 'queue'>, name = 'workers') {
  const c = chart();
  const wq = new WorkQueueJob(c, name, { metadata: { name }, container: CONTAINER, ...props });
  return { c, wq };
}

/** Position of the object of `kind` named `name` (a Job: its base name) in the synthesized output. */
function position(manifests: Manifest[], kind: string, name: string): number {
  const index = manifests.findIndex(m => m.kind === kind && hasBaseName(m, name));
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

function env(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value]));
}

describe('WorkQueueJob', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const wq = new WorkQueueJob(c, 'fruit', {
      metadata: { name: 'fruit' },
      queue: WorkQueue.redis({ items: FRUIT }),
      container: CONTAINER,
    });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(wq.mode).toBe(WorkQueueMode.POD_PER_ITEM);
    expect(wq.completions).toBe(3);
    expect(wq.parallelism).toBe(1);
    expect(wq.syncWave).toBe(0);
    expect(wq.pattern).toBe(JobPattern.WORK_QUEUE_POD_PER_ITEM);
    expect(wq.labels['app.kubernetes.io/component']).toBe('worker');
    expect(wq.queue.address).toEqual({ host: 'fruit-queue', port: 6379, name: 'items' });
    expect(wq.queue.itemCount).toBe(3);
    expect(wq.queue.deployment).toBeInstanceOf(kplus.Deployment);
    expect(wq.queue.service).toBeInstanceOf(kplus.Service);
    expect(wq.queue.filler?.baseName).toBe('fruit-filler');
    expect(wq.queue.filler?.name).toMatch(/^fruit-filler-[0-9a-f]{8}$/);
    expect(ApiObject.of(wq)).toBe(wq.node.findChild('Resource'));
  });
});

describe('WorkQueueJob variants', () => {
  test('queue with variable pod count: completions unset, parallelism P', () => {
    // GIVEN / WHEN
    const { c, wq } = workQueueJob({ queue: WorkQueue.ticket(), parallelism: 3 }, 'multiplier');

    // THEN
    const m = job(c, 'multiplier');
    expect(m.spec).not.toHaveProperty('completions');
    expect(m.spec.parallelism).toBe(3);
    expect(m.metadata.annotations!['job-patterns.cdk8s.io/pattern']).toBe('work-queue-variable-pod-count');
    expect(wq.mode).toBe(WorkQueueMode.VARIABLE_POD_COUNT);
    expect(wq.completions).toBeUndefined();
  });

  test('queue with pod per work item: completions derived from the items the queue is filled with', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), parallelism: 2 });
    const m = job(c, 'workers');
    expect(m.spec.completions).toBe(3);
    expect(m.spec.parallelism).toBe(2);
    expect(m.metadata.annotations!['job-patterns.cdk8s.io/pattern']).toBe('work-queue-pod-per-item');
    expect(wq.mode).toBe(WorkQueueMode.POD_PER_ITEM);
  });

  test('queue with pod per work item: completions given for a queue that cannot count', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.fromAddress({ host: 'rabbitmq.messaging.svc', port: 5672, name: 'thumbnails' }), completions: 8, parallelism: 2 });
    expect(job(c, 'workers').spec).toMatchObject({ completions: 8, parallelism: 2 });
    expect(wq.mode).toBe(WorkQueueMode.POD_PER_ITEM);
  });

  test('variable pod count on a filled Redis queue (the docs\' fine parallel processing)', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), mode: WorkQueueMode.VARIABLE_POD_COUNT, parallelism: 2 });
    const m = job(c, 'workers');
    expect(m.spec).not.toHaveProperty('completions');
    expect(m.spec.parallelism).toBe(2);
    expect(m.metadata.annotations!['job-patterns.cdk8s.io/pattern']).toBe('work-queue-variable-pod-count');
    expect(wq.queue.itemCount).toBe(3);
  });

  test('mode defaults to variable pod count when the number of items is unknown', () => {
    expect(workQueueJob({ queue: WorkQueue.fromAddress({ host: 'q', port: 1, name: 'n' }) }).wq.mode).toBe(WorkQueueMode.VARIABLE_POD_COUNT);
    expect(workQueueJob({ queue: WorkQueue.ticket() }).wq.mode).toBe(WorkQueueMode.VARIABLE_POD_COUNT);
  });

  test('parallelism above the number of items is legal, with a warning', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), parallelism: 4 });
    expect(job(c, 'workers').spec.parallelism).toBe(4);
    expect(warningsOf(c, { skipRules: ['gitops/ttl-on-tracked-job'] }).map(w => w.message))
      .toEqual(['parallelism (4) is greater than completions (3): at most 3 pods run at once']);
  });

  test('parallelism 0 is legal (a paused Job)', () => {
    const { c } = workQueueJob({ queue: WorkQueue.ticket(), parallelism: 0 });
    expect(job(c, 'workers').spec.parallelism).toBe(0);
  });
});

describe('WorkQueueJob documented defaults', () => {
  test('ticket queue: port 1080, pinned alpine, named <job>-queue, queue name tickets', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.ticket() });
    expect(wq.queue.address).toEqual({ host: 'workers-queue', port: 1080, name: 'tickets' });
    const container = manifest(c, 'Deployment', 'workers-queue').spec.template.spec.containers[0];
    expect(container.image).toBe('alpine:3.20.3');
    expect(container.ports).toEqual([{ containerPort: 1080 }]);
    expect(TicketQueue.DEFAULT_IMAGE).toBe('alpine:3.20.3');
  });

  test('redis queue: port 6379, key items, pinned redis, named <job>-queue and <job>-filler', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });
    expect(wq.queue.address).toEqual({ host: 'workers-queue', port: 6379, name: 'items' });
    expect(manifest(c, 'Deployment', 'workers-queue').spec.template.spec.containers[0].image).toBe('redis:7.2.5');
    expect(job(c, 'workers-filler').spec.template.spec.containers[0].image).toBe('redis:7.2.5');
    expect(RedisQueue.DEFAULT_IMAGE).toBe('redis:7.2.5');
  });

  test('options replace the defaults', () => {
    const { c, wq } = workQueueJob({
      queue: WorkQueue.redis({ items: FRUIT, key: 'fruit', serviceName: 'redis', port: 6380, image: 'redis:7.2.4' }),
    });
    expect(wq.queue.address).toEqual({ host: 'redis', port: 6380, name: 'fruit' });
    const server = manifest(c, 'Deployment', 'redis').spec.template.spec.containers[0];
    expect(server.image).toBe('redis:7.2.4');
    expect(server.command).toEqual(['redis-server', '--port', '6380', '--appendonly', 'yes', '--protected-mode', 'no']);
    expect(manifest(c, 'Service', 'redis').spec.ports).toEqual([{ port: 6380, targetPort: 6380 }]);
  });

  test('parallelism 1 and worker wave 0 are rendered explicitly', () => {
    const { c } = workQueueJob({ queue: WorkQueue.ticket() });
    const m = job(c, 'workers');
    expect(m.spec.parallelism).toBe(1);
    expect(m.metadata.annotations![SYNC_WAVE]).toBe('0');
  });
});

describe('WorkQueueJob queue wiring', () => {
  test('the worker gets QUEUE_HOST, QUEUE_PORT and QUEUE_NAME first, then its own variables', () => {
    // GIVEN / WHEN
    const { c } = workQueueJob({
      queue: WorkQueue.fromAddress({ host: 'rabbitmq.messaging.svc', port: 5672, name: 'thumbnails' }),
      container: { ...CONTAINER, envVariables: { URL: kplus.EnvValue.fromValue('amqp://$(QUEUE_HOST):$(QUEUE_PORT)') } },
    });

    // THEN
    expect(job(c, 'workers').spec.template.spec.containers[0].env).toEqual([
      { name: 'QUEUE_HOST', value: 'rabbitmq.messaging.svc' },
      { name: 'QUEUE_PORT', value: '5672' },
      { name: 'QUEUE_NAME', value: 'thumbnails' },
      { name: 'URL', value: 'amqp://$(QUEUE_HOST):$(QUEUE_PORT)' },
    ]);
    expect([WorkQueueEnv.HOST, WorkQueueEnv.PORT, WorkQueueEnv.NAME]).toEqual(['QUEUE_HOST', 'QUEUE_PORT', 'QUEUE_NAME']);
  });

  test('a queue given by its address creates nothing and adds no init container', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.fromAddress({ host: 'redis.shared.svc', port: 6379, name: 'jobs' }) });
    expect(synth(c).map(m => `${m.kind}/${m.metadata.name}`)).toEqual([`Job/${wq.name}`]);
    expect(job(c, 'workers').spec.template.spec).not.toHaveProperty('initContainers');
    expect(wq.queue).toEqual({ address: { host: 'redis.shared.svc', port: 6379, name: 'jobs' } });
  });

  test('ticket queue: a one-replica Deployment handing out integers on the port, behind a Service that selects it', () => {
    // GIVEN / WHEN
    const { c } = workQueueJob({ queue: WorkQueue.ticket({ serviceName: 'queue' }) }, 'multiplier');

    // THEN
    const deployment = manifest(c, 'Deployment', 'queue');
    const service = manifest(c, 'Service', 'queue');
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.command).toEqual(['/bin/sh', '-c', 'i=1; while true; do echo -n "$i" | nc -l -p 1080; i=$((i+1)); done']);
    expect(container).not.toHaveProperty('readinessProbe');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 1080, targetPort: 1080 }] });
    const selector = { 'app.kubernetes.io/name': 'queue', 'app.kubernetes.io/component': 'queue' };
    expect(service.spec.selector).toEqual(selector);
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(deployment.spec.template.metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'cdk8s-job-patterns' });
    expect(deployment.metadata.labels).toEqual({ ...deployment.spec.template.metadata.labels, 'job-patterns.cdk8s.io/queue': 'queue' });
    expect(env(job(c, 'multiplier').spec.template.spec.containers[0])).toEqual({ QUEUE_HOST: 'queue', QUEUE_PORT: '1080', QUEUE_NAME: 'tickets' });
  });

  test('redis server: emptyDir at /data, append-only file, TCP readiness, other pods let in', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });
    const pod = manifest(c, 'Deployment', 'workers-queue').spec.template.spec;
    // Beside the library's writable /tmp (JobDefault.TMP_VOLUME).
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: {} }, { name: 'job-patterns-tmp', emptyDir: { sizeLimit: '1024Mi' } }]);
    expect(pod.containers[0]).toMatchObject({
      // Without a configuration file Redis is in protected mode and refuses the filler and the workers (DefaultFlag.REDIS_ACCEPTS_PODS).
      command: ['redis-server', '--port', '6379', '--appendonly', 'yes', '--protected-mode', 'no'],
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'job-patterns-tmp', mountPath: '/tmp' }],
      readinessProbe: { tcpSocket: { port: 6379 } },
      ports: [{ containerPort: 6379 }],
    });
  });

  test('redis server of an app pinned to 0.2: the command as 0.2 wrote it, unless DefaultFlag.REDIS_ACCEPTS_PODS is on', () => {
    for (const [enable, command] of [
      [[], ['redis-server', '--port', '6379', '--appendonly', 'yes']],
      [[DefaultFlag.REDIS_ACCEPTS_PODS], ['redis-server', '--port', '6379', '--appendonly', 'yes', '--protected-mode', 'no']],
    ] as const) {
      // GIVEN an app pinned to 0.2
      const app = Testing.app();
      JobPatternDefaults.pin(app, '0.2', { enable: [...enable] });
      const c = new Chart(app, 'c');
      // WHEN
      new WorkQueueJob(c, 'workers', { metadata: { name: 'workers' }, queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER });
      // THEN
      expect(manifest(c, 'Deployment', 'workers-queue').spec.template.spec.containers[0].command).toEqual(command);
    }
  });

  test('redis filler: one argument per item, JSON for records, `$` escaped from Kubernetes expansion', () => {
    // GIVEN / WHEN
    const list = workQueueJob({ queue: WorkQueue.redis({ items: WorkItems.fromList(['a b', 'cost: $(PRICE)']) }) });
    const records = workQueueJob({ queue: WorkQueue.redis({ items: WorkItems.fromRecords([{ city: 'paris', day: 'mon' }]) }) });

    // THEN
    const filler = job(list.c, 'workers-filler');
    expect(filler.spec.template.spec.containers[0].args).toEqual(['fill', 'a b', 'cost: $$(PRICE)']);
    expect(filler.spec.template.spec.containers[0].command.join(' ')).toContain('-e EVAL');
    expect(env(filler.spec.template.spec.containers[0])).toEqual({ QUEUE_HOST: 'workers-queue', QUEUE_PORT: '6379', QUEUE_NAME: 'items' });
    expect(filler.spec).toMatchObject({ completions: 1, parallelism: 1 });
    expect(filler.metadata.labels!['app.kubernetes.io/component']).toBe('filler');
    expect(filler.metadata.annotations!['job-patterns.cdk8s.io/pattern']).toBe('single-batch');
    expect(job(records.c, 'workers-filler').spec.template.spec.containers[0].args).toEqual(['fill', '{"city":"paris","day":"mon"}']);
  });

  test('redis workers wait for the filled marker in an init container that runs before their own', () => {
    // GIVEN / WHEN
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), initContainers: [{ name: 'own', image: 'busybox:1.36.1' }] });

    // THEN
    const [wait, own] = job(c, 'workers').spec.template.spec.initContainers;
    expect(wait.name).toBe('wait-for-queue');
    expect(wait.image).toBe('redis:7.2.5');
    expect(wait.command[2]).toContain('EXISTS "$QUEUE_NAME:filled"');
    expect(env(wait)).toEqual({ QUEUE_HOST: 'workers-queue', QUEUE_PORT: '6379', QUEUE_NAME: 'items' });
    expect(own.name).toBe('own');
    expect(own).not.toHaveProperty('env');
  });

  test('partOf and omitDefaults apply to the queue and the filler too', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), partOf: 'fruit-shop', omitDefaults: [JobDefault.TTL_AFTER_FINISHED] });
    for (const [kind, name] of [['Deployment', 'workers-queue'], ['Service', 'workers-queue'], ['Job', 'workers-filler'], ['Job', 'workers']]) {
      expect(manifest(c, kind, name).metadata.labels!['app.kubernetes.io/part-of']).toBe('fruit-shop');
    }
    expect(manifest(c, 'Deployment', 'workers-queue').spec.template.metadata.labels['app.kubernetes.io/part-of']).toBe('fruit-shop');
    expect(job(c, 'workers-filler').spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(job(c, 'workers').spec).not.toHaveProperty('ttlSecondsAfterFinished');
  });

  test('the queue server leaves out the resource and security defaults the workers omit', () => {
    // GIVEN
    const omitDefaults = [JobDefault.RESOURCES, JobDefault.SECURITY_CONTEXT];

    // WHEN
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), omitDefaults });
    ManifestValidation.enable(c, { skipRules: ['pss/*'] });

    // THEN the Redis pod is as the workers': none of the library's resources or restricted context
    const server = manifest(c, 'Deployment', 'workers-queue').spec.template.spec;
    const worker = job(c, 'workers').spec.template.spec;
    expect(server.containers[0].resources).toEqual(worker.containers[0].resources);
    expect(server.containers[0].resources).toBeUndefined();
    expect(server.containers[0].securityContext).toEqual(worker.containers[0].securityContext);
    expect(server.containers[0].securityContext).not.toHaveProperty('capabilities');
    expect(server.securityContext).toEqual(worker.securityContext);
    expect(server.securityContext).not.toHaveProperty('seccompProfile');
  });
});

describe('WorkQueueJob size', () => {
  test('fails when the items make the Redis filler Job larger than etcd stores (1.5 MiB)', () => {
    // GIVEN 50,000 items of 40 characters: about 2 MB of arguments in the filler Job
    const c = chart();
    const items = WorkItems.fromList(Array.from({ length: 50_000 }, (_, i) => `s3://bucket/images/${String(i).padStart(8, '0')}.png`));
    new WorkQueueJob(c, 'thumbs', { metadata: { name: 'thumbs' }, queue: WorkQueue.redis({ items }), container: CONTAINER });

    // THEN synth stops, naming the filler and the way out
    expect(() => synth(c)).toThrow(/error size\/request\n  object:    Job\/thumbs-filler-[0-9a-f]{8}\n  construct: test\/thumbs\/Queue\/Filler\/Resource\n  problem:   the object is \d+ KiB, over etcd's request limit of 1\.5 MiB: the API server refuses to store it \("etcdserver: request is too large"\)\n  fix:       Make the object smaller than 1\.5 MiB \(etcd's request limit\): for work items, a ConfigMap-fed worker, fewer items per object, or a queue of your own\./);
  });
});

describe('WorkQueueJob ordering', () => {
  test('in the YAML: queue Deployment and Service, then the filler, then the workers', () => {
    // GIVEN / WHEN (the worker Job is created first in the construct tree)
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });

    // THEN
    const out = synth(c);
    const deployment = position(out, 'Deployment', 'workers-queue');
    const service = position(out, 'Service', 'workers-queue');
    const filler = position(out, 'Job', 'workers-filler');
    const workers = position(out, 'Job', 'workers');
    expect(Math.max(deployment, service)).toBeLessThan(filler);
    expect(filler).toBeLessThan(workers);
  });

  test('in the YAML: the ticket queue before its workers', () => {
    const { c } = workQueueJob({ queue: WorkQueue.ticket({ serviceName: 'queue' }) }, 'multiplier');
    const out = synth(c);
    expect(position(out, 'Deployment', 'queue')).toBeLessThan(position(out, 'Job', 'multiplier'));
    expect(position(out, 'Service', 'queue')).toBeLessThan(position(out, 'Job', 'multiplier'));
  });

  test('in Argo CD sync waves: queue -2, filler -1, workers 0', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });
    const waves = synth(c).map(m => [`${m.kind}/${m.metadata.labels!['app.kubernetes.io/name']}`, m.metadata.annotations?.[SYNC_WAVE]]);
    expect(Object.fromEntries(waves)).toEqual({
      'Deployment/workers-queue': '-2',
      'Service/workers-queue': '-2',
      'Job/workers-filler': '-1',
      'Job/workers': '0',
    });
  });

  test('syncWave moves every wave', () => {
    const { c, wq } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }), syncWave: 5 });
    expect(manifest(c, 'Deployment', 'workers-queue').metadata.annotations![SYNC_WAVE]).toBe('3');
    expect(manifest(c, 'Service', 'workers-queue').metadata.annotations![SYNC_WAVE]).toBe('3');
    expect(job(c, 'workers-filler').metadata.annotations![SYNC_WAVE]).toBe('4');
    expect(job(c, 'workers').metadata.annotations![SYNC_WAVE]).toBe('5');
    expect(wq.syncWave).toBe(5);
  });

  test('the ticket queue is two waves before its workers', () => {
    const { c } = workQueueJob({ queue: WorkQueue.ticket() });
    expect(manifest(c, 'Deployment', 'workers-queue').metadata.annotations![SYNC_WAVE]).toBe('-2');
    expect(manifest(c, 'Service', 'workers-queue').metadata.annotations![SYNC_WAVE]).toBe('-2');
  });
});

describe('WorkQueueJob safety and stability', () => {
  test('every pod template, the queue Deployment\'s included, passes the restricted profile with pinned images', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });
    const ticket = workQueueJob({ queue: WorkQueue.ticket() });
    const templates = [...synth(c), ...synth(ticket.c)].filter(m => m.kind === 'Job' || m.kind === 'Deployment').map(m => m.spec.template.spec);
    expect(templates).toHaveLength(5);
    for (const pod of templates) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
        expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
        expect(container.image).toMatch(/:[\w.-]+$/);
        expect(container.image).not.toMatch(/:latest$/);
      }
    }
  });

  test('no label derived from the construct path', () => {
    const { c } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) });
    for (const m of synth(c).filter(o => o.spec?.template)) {
      expect(m.spec.template.metadata.labels).not.toHaveProperty(kplus.Pod.ADDRESS_LABEL);
    }
  });

  test('names come from the construct\'s own name: moving it changes nothing', () => {
    const render = (path: string[]) => {
      const c = chart();
      new WorkQueueJob(nested(c, path), 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER });
      return synth(c);
    };
    expect(render(['a'])).toEqual(render(['b', 'c']));
  });

  test('without metadata.name the queue and the filler are named after the worker Job\'s own name', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const wq = new WorkQueueJob(new Construct(c, 'nested'), 'fruit', { queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER });

    // THEN
    expect(wq.baseName).toBe('test-nested-fruit-c83eec73');
    expect(wq.queue.address.host).toBe('test-nested-fruit-c83eec73-queue');
    expect(wq.queue.filler?.baseName).toBe('test-nested-fruit-c83eec73-filler');
    expect(synth(c).filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['test-nested-fruit-c83eec73-queue']);
  });

  test('the same id in two charts gives two queues of their own', () => {
    // GIVEN
    const app = Testing.app();
    const build = (id: string) => new WorkQueueJob(new Chart(app, id), 'fruit', { queue: WorkQueue.redis({ items: FRUIT }), container: CONTAINER });

    // WHEN
    const [a, b] = [build('a'), build('b')];

    // THEN
    expect(a.queue.address.host).not.toBe(b.queue.address.host);
    expect(a.queue.address.host).toBe(`${a.baseName}-queue`);
    expect(b.queue.address.host).toBe(`${b.baseName}-queue`);
    const workerEnv = (job: WorkQueueJob) => job.containers[0].env.variables.QUEUE_HOST.value;
    expect([workerEnv(a), workerEnv(b)]).toEqual([a.queue.address.host, b.queue.address.host]);
  });

  test('a long name is shortened to a valid DNS label', () => {
    const name = 'x'.repeat(60);
    const { wq } = workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) }, name);
    for (const created of [wq.queue.address.host, wq.queue.filler!.name]) {
      expect(created.length).toBeLessThanOrEqual(63);
      expect(created).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(wq.queue.address.host).not.toBe(wq.queue.filler!.name);
  });
});

describe('WorkQueueJob errors', () => {
  const ticket = () => WorkQueue.ticket();
  const external = (address = {}) => WorkQueue.fromAddress({ host: 'q.svc', port: 5672, name: 'jobs', ...address });
  const cases: Array<[string, Partial<WorkQueueJobProps> & Pick<WorkQueueJobProps, 'queue'>, string]> = [
    ['fails when completions is given with a variable pod count', { queue: ticket(), mode: WorkQueueMode.VARIABLE_POD_COUNT, completions: 5 },
      "test/workers (WorkQueueJob): 'completions' must be unset when mode is WorkQueueMode.VARIABLE_POD_COUNT (the Job completes once any pod succeeded and all pods ended), got 5. Remove completions, or use mode: WorkQueueMode.POD_PER_ITEM for one pod per work item."],
    ['fails when a pod per work item has no count of items', { queue: external(), mode: WorkQueueMode.POD_PER_ITEM },
      "test/workers (WorkQueueJob): 'completions' must be set when mode is WorkQueueMode.POD_PER_ITEM and the queue does not know its number of items, got undefined. Set completions to the number of work items, or use mode: WorkQueueMode.VARIABLE_POD_COUNT."],
    ['fails when completions contradicts the items the queue is filled with', { queue: WorkQueue.redis({ items: FRUIT }), completions: 5 },
      "test/workers (WorkQueueJob): 'completions' must equal the number of work items the queue is filled with (3), got 5. Remove completions: it is derived from the queue's items."],
    ['fails when completions is 0 (W < 1)', { queue: external(), completions: 0 },
      "test/workers (WorkQueueJob): 'completions' must be a whole number >= 1, got 0. Set completions to 1 or more, or leave it unset for a work queue."],
    ['fails when the queue is filled with no items (W < 1)', { queue: WorkQueue.redis({ items: WorkItems.fromList([]) }) },
      "test/workers (WorkQueueJob): 'queue.items' must hold at least one work item, got []. Pass at least one item to WorkItems.fromList()."],
    ['fails when two items share a key', { queue: WorkQueue.redis({ items: WorkItems.fromList(['a', 'a']) }) },
      "test/workers (WorkQueueJob): 'queue.items[1]' must be unique, but item 0 has the same key, got 'a'. Remove the duplicate, or key records by a field that is unique."],
    ['fails when parallelism is negative', { queue: ticket(), parallelism: -1 },
      "test/workers (WorkQueueJob): 'parallelism' must be a whole number >= 0, got -1. Set parallelism to 0 (paused) or more."],
    ['fails when parallelism is not a whole number', { queue: ticket(), parallelism: 2.5 },
      "test/workers (WorkQueueJob): 'parallelism' must be a whole number >= 0, got 2.5. Set parallelism to 0 (paused) or more."],
    ['fails when syncWave is not a whole number', { queue: ticket(), syncWave: 0.5 },
      "test/workers (WorkQueueJob): 'syncWave' must be a whole number (Argo CD sync waves are integers, negative ones included), got 0.5. Use a whole number such as 0 or -1."],
    ['fails when the container sets a queue variable itself', { queue: ticket(), container: { ...CONTAINER, envVariables: { QUEUE_HOST: kplus.EnvValue.fromValue('elsewhere') } } },
      "test/workers (WorkQueueJob): 'container.envVariables.QUEUE_HOST' is set by the WorkQueueJob from the queue's address, got 'elsewhere'. Remove it; to reach another queue, pass it as queue: WorkQueue.fromAddress({ host, port, name })."],
    ['fails when the queue port is out of range', { queue: WorkQueue.ticket({ port: 70000 }) },
      "test/workers (WorkQueueJob): 'queue.port' must be a whole number from 1 to 65535, got 70000. Give the TCP port the queue listens on."],
    ['fails when an external port is 0', { queue: external({ port: 0 }) },
      "test/workers (WorkQueueJob): 'queue.port' must be a whole number from 1 to 65535, got 0. Give the TCP port the queue listens on."],
    ['fails when an external host is empty', { queue: external({ host: '' }) },
      "test/workers (WorkQueueJob): 'queue.host' must be a non-empty string, got ''. Pass the queue's Service name or DNS name to WorkQueue.fromAddress()."],
    ['fails when an external queue name is empty', { queue: external({ name: '' }) },
      "test/workers (WorkQueueJob): 'queue.name' must be a non-empty string, got ''. Pass the name of the queue on the server to WorkQueue.fromAddress()."],
    ['fails when the redis key is empty', { queue: WorkQueue.redis({ items: FRUIT, key: '' }) },
      "test/workers (WorkQueueJob): 'queue.key' must be a non-empty string, got ''. Name the Redis list, or leave key unset for 'items'."],
    ['fails when serviceName is not a DNS-1035 label', { queue: WorkQueue.ticket({ serviceName: 'Queue_1' }) },
      "test/workers (WorkQueueJob): 'queue.serviceName' must be a DNS-1035 label of at most 63 characters (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), because it names the queue's Service, got 'Queue_1'. Set serviceName in WorkQueue.ticket({ serviceName }) to a name that starts with a letter, or give the WorkQueueJob a metadata.name that does."],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    expect(() => workQueueJob(props)).toThrow(message);
  });

  test('fails when the derived Service name starts with a digit', () => {
    expect(() => workQueueJob({ queue: WorkQueue.redis({ items: FRUIT }) }, '1st'))
      .toThrow("test/1st (WorkQueueJob): 'queue.serviceName' must be a DNS-1035 label of at most 63 characters (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), because it names the queue's Service, got '1st-queue'. Set serviceName in WorkQueue.redis({ serviceName }) to a name that starts with a letter, or give the WorkQueueJob a metadata.name that does.");
  });

  test('fails when backoffLimit is negative, naming the pattern construct', () => {
    expect(() => workQueueJob({ queue: WorkQueue.ticket(), backoffLimit: -1 }))
      .toThrow("test/workers (WorkQueueJob): 'backoffLimit' must be a whole number >= 0, got -1. Set backoffLimit to 0 (no retries) or more.");
  });
});
