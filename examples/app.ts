/**
 * The example app: every pattern, written with the seeds' examples (and the Kubernetes docs' for
 * the patterns the seeds lack). `npm run synth` (which is
 * `cdk8s synth`, running this file as cdk8s.yaml says) writes the YAML to dist/.
 *
 * Images are pinned (the seeds use bare `perl`, `busybox`, `alpine`, i.e. `latest`).
 *
 * GitOps: the YAML is meant to be synced by Argo CD. Most Jobs keep the default policy,
 * `GitOpsPolicy.runOncePerSpec()`: their names end in a hash of their spec (`pi-1a2b3c4d`) and they
 * have no TTL. pi-with-ttl is a PostSync hook (it runs after every sync, and keeps the seed's
 * TTL); indexed-job is re-created by Argo CD when its spec changes (`recreateOnChange()`).
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DefaultFlag, FixedCompletionJob, GitOpsPolicy, HookPhase, JobPatternDefaults, SingleBatchJob } from '../index';
import { WorkItems, WorkQueue, WorkQueueJob, WorkQueueMode } from '../index';
import { ControllerPodJob, JobTemplateExpansion, PodToPodJob, StaticWorkAssignmentJob } from '../index';

const PERL = 'perl:5.34.0';
const BUSYBOX = 'busybox:1.36.1';
const ALPINE = 'alpine:3.20.3';
const REDIS = 'redis:7.2.5';
const PYTHON = 'python:3.12.7-alpine';
const PI = ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'];
const UNLUCKY = ['/bin/sh', '-c', 'echo $HOSTNAME failed on $(date) ; exit 1'];

/** The examples of the Kubernetes "Jobs - Run to Completion" page and the book chapter on Jobs. */
export class SeedExamples extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // job-demo: busybox's sh has no {1..10}; seq gives the ten lines the seed meant.
    new SingleBatchJob(this, 'job-demo', {
      metadata: { name: 'job-demo' },
      container: { name: 'demo', image: BUSYBOX, command: ['/bin/sh', '-c', 'for i in $(seq 1 10); do echo $i; done'] },
    });

    new SingleBatchJob(this, 'pi', {
      metadata: { name: 'pi' },
      backoffLimit: 4,
      container: { name: 'pi', image: PERL, command: PI },
    });

    // The seed's TTL needs a Job Argo CD does not track: a hook, here one that runs after every sync.
    new SingleBatchJob(this, 'pi-with-ttl', {
      metadata: { name: 'pi-with-ttl' },
      gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC }),
      ttlAfterFinished: Duration.seconds(100),
      container: { name: 'pi', image: PERL, command: PI },
    });

    new SingleBatchJob(this, 'pi-with-timeout', {
      metadata: { name: 'pi-with-timeout' },
      backoffLimit: 5,
      activeDeadline: Duration.seconds(100),
      container: { name: 'pi', image: PERL, command: PI },
    });

    new SingleBatchJob(this, 'two-times', {
      metadata: { name: 'two-times' },
      container: { name: 'two-times', image: ALPINE, command: ['/bin/sh', '-c', 'for i in $(seq 10);do echo $(($i*2));done'] },
    });

    new SingleBatchJob(this, 'unlucky-never', {
      metadata: { name: 'unlucky-never' },
      backoffLimit: 3,
      restartPolicy: kplus.RestartPolicy.NEVER,
      container: { name: 'unlucky', image: ALPINE, command: UNLUCKY },
    });

    new SingleBatchJob(this, 'unlucky-onfailure', {
      metadata: { name: 'unlucky-onfailure' },
      backoffLimit: 3,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      container: { name: 'unlucky', image: ALPINE, command: UNLUCKY },
    });

    new FixedCompletionJob(this, 'even-seconds', {
      metadata: { name: 'even-seconds' },
      completions: 6,
      parallelism: 2,
      container: {
        name: 'even-seconds',
        image: ALPINE,
        command: ['/bin/sh', '-c', 'n=$(date +%S); if [ $((n%2)) -eq 0 ]; then echo SUCCESS: $n; exit 0; else echo FAILURE: $n; exit 1; fi'],
      },
    });

    // multiplier: the book's externally coordinated batch. The ticket queue (Service 'queue', as in
    // the seed) hands out 1, 2, 3, ...; three workers double tickets until one reads >= 101 and
    // exits 0 (completions unset: the Job completes once a pod succeeded and all pods ended). The
    // seed's worker counted a failed read as 0; this one retries (the single nc listener refuses
    // connections between two tickets) and fails after 30 misses in a row. nc reads with its stdin
    // open for a second (`sleep 1 |`): with a pod's empty stdin, BusyBox nc may close before its
    // ticket arrives, and that ticket, handed out all the same, is lost (seen on the real node).
    new WorkQueueJob(this, 'multiplier', {
      metadata: { name: 'multiplier' },
      queue: WorkQueue.ticket({ serviceName: 'queue' }),
      parallelism: 3,
      container: {
        name: 'multiplier',
        image: ALPINE,
        command: ['/bin/sh', '-c', 'fails=0; while true; do '
          + 'n=$(sleep 1 | nc -w 1 $QUEUE_HOST $QUEUE_PORT); if [ -n "$n" ]; then fails=0; '
          + 'if [ "$n" -ge 101 ]; then exit 0; fi; echo $((n * 2)); '
          + 'else fails=$((fails + 1)); if [ "$fails" -ge 30 ]; then echo "no ticket from $QUEUE_HOST:$QUEUE_PORT" >&2; exit 1; fi; sleep 1; fi; '
          + 'done'],
      },
    });

    // job-wq-2: the Kubernetes docs' "Fine parallel processing using a work queue". Redis (Service
    // 'redis') is filled with the items by the Job job-wq-2-filler; two workers pop items until
    // the list is empty, and only then exit 0.
    new WorkQueueJob(this, 'job-wq-2', {
      metadata: { name: 'job-wq-2' },
      queue: WorkQueue.redis({
        serviceName: 'redis',
        key: 'job2',
        items: WorkItems.fromList(['apple', 'banana', 'cherry', 'date', 'fig', 'grape', 'lemon', 'melon', 'orange']),
      }),
      mode: WorkQueueMode.VARIABLE_POD_COUNT,
      parallelism: 2,
      container: {
        name: 'worker',
        image: REDIS,
        command: ['/bin/sh', '-c', 'while true; do '
          + 'item=$(redis-cli -e -h "$QUEUE_HOST" -p "$QUEUE_PORT" LPOP "$QUEUE_NAME") || exit 1; '
          + 'if [ -z "$item" ]; then echo "$QUEUE_NAME is drained"; exit 0; fi; '
          + 'echo "processing $item"; sleep 1; '
          + 'done'],
      },
    });

    // job-wq-1: the Kubernetes docs' "Coarse parallel processing using a work queue" (queue with
    // pod per work item), on Redis here instead of the docs' RabbitMQ: completions = 8, derived
    // from the items; each worker takes one item, prints it and exits 0.
    new WorkQueueJob(this, 'job-wq-1', {
      metadata: { name: 'job-wq-1' },
      queue: WorkQueue.redis({
        serviceName: 'redis-wq-1',
        items: WorkItems.fromList(['apple', 'banana', 'cherry', 'date', 'fig', 'grape', 'lemon', 'melon']),
      }),
      mode: WorkQueueMode.POD_PER_ITEM,
      parallelism: 2,
      container: {
        name: 'worker',
        image: REDIS,
        command: ['/bin/sh', '-c', 'item=$(redis-cli -e -h "$QUEUE_HOST" -p "$QUEUE_PORT" LPOP "$QUEUE_NAME") && [ -n "$item" ] && echo "processing $item"'],
      },
    });

    // process-item-*: the Kubernetes docs' "Parallel Processing using Expansions". One Job per
    // item, all carrying the group label job-patterns.cdk8s.io/group=process-item:
    // kubectl get jobs -l job-patterns.cdk8s.io/group=process-item
    new JobTemplateExpansion(this, 'process-item', {
      baseName: 'process-item',
      items: WorkItems.fromList(['apple', 'banana', 'cherry']),
      container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', 'echo Processing item {{item}} && sleep 5'] },
    });

    // indexed-job: the Kubernetes docs' "Indexed Job for Parallel Processing with Static Work
    // Assignment". Pod i reads item i from the ConfigMap indexed-job-work-items, mounted at
    // /etc/work-items, and prints it reversed.
    // Its name stays indexed-job: Argo CD deletes and re-creates it when its spec (or, through the
    // ConfigMap's hashed name, its items) changes.
    new StaticWorkAssignmentJob(this, 'indexed-job', {
      metadata: { name: 'indexed-job' },
      gitOps: GitOpsPolicy.recreateOnChange(),
      items: WorkItems.fromList(['foo', 'bar', 'baz', 'qux', 'xyz']),
      parallelism: 3,
      container: { name: 'worker', image: BUSYBOX, command: ['rev', '$(WORK_ITEM_FILE)'] },
    });

    // pi-driver: the seeds' "single Job starts a controller Pod". The driver (Python, standard
    // library only) starts three worker pods through the API, each owned by the driver pod (the
    // garbage collector deletes them with it) and labelled managed-by=pi-driver so they can be
    // listed; it waits for them, prints their logs and deletes them. The default rules allow
    // exactly that: pods create/get/list/watch/delete and pods/log get.
    const driver = [
      'import json, os, ssl, time, urllib.request',
      "sa = '/var/run/secrets/kubernetes.io/serviceaccount'",
      "ns, me, uid = os.environ['POD_NAMESPACE'], os.environ['POD_NAME'], os.environ['POD_UID']",
      "api = 'https://kubernetes.default.svc/api/v1/namespaces/%s/pods' % ns",
      "tls = ssl.create_default_context(cafile=sa + '/ca.crt')",
      "def call(method, path='', body=None):",
      "    headers = {'Authorization': 'Bearer ' + open(sa + '/token').read().strip(), 'Content-Type': 'application/json'}",
      '    data = json.dumps(body).encode() if body else None',
      '    return urllib.request.urlopen(urllib.request.Request(api + path, data, headers, method=method), context=tls).read().decode()',
      "secure = {'allowPrivilegeEscalation': False, 'capabilities': {'drop': ['ALL']}, 'runAsNonRoot': True, 'runAsUser': 65532, 'seccompProfile': {'type': 'RuntimeDefault'}}",
      "names = ['%s-worker-%d' % (me, i) for i in range(3)]",
      'for name in names:',
      "    call('POST', body={'metadata': {'name': name, 'labels': {'app.kubernetes.io/managed-by': 'pi-driver'},",
      "                                    'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Pod', 'name': me, 'uid': uid}]},",
      "                       'spec': {'restartPolicy': 'Never', 'containers': [{'name': 'pi', 'image': '" + PERL + "', 'command': ['perl', '-Mbignum=bpi', '-wle', 'print bpi(100)'],",
      "                                'resources': {'requests': {'cpu': '100m', 'memory': '64Mi'}}, 'securityContext': secure}]}})",
      "phase = lambda name: json.loads(call('GET', '/' + name))['status'].get('phase')",
      "while any(phase(name) not in ('Succeeded', 'Failed') for name in names):",
      '    time.sleep(2)',
      "ok = all(phase(name) == 'Succeeded' for name in names)",
      'for name in names:',
      "    print(name, call('GET', '/%s/log' % name).strip())",
      "    call('DELETE', '/' + name)",
      'raise SystemExit(0 if ok else 1)',
    ].join('\n');
    new ControllerPodJob(this, 'pi-driver', {
      metadata: { name: 'pi-driver' },
      container: { name: 'driver', image: PYTHON, command: ['python3', '-c', driver] },
    });

    // ring: the Kubernetes docs' "Job with Pod-to-Pod Communication". Three pods start together,
    // each reachable as ring-<index>.<subdomain> through the headless Service ring-peers; each looks
    // up the next one in the ring.
    new PodToPodJob(this, 'ring', {
      metadata: { name: 'ring' },
      completions: 3,
      container: {
        name: 'peer',
        image: BUSYBOX,
        command: ['sh', '-c', 'nslookup "$JOB_NAME-$(( (JOB_COMPLETION_INDEX + 1) % PEER_COUNT )).$PEER_SUBDOMAIN"'],
      },
    });
  }
}

/** Builds the example app into `app` (tests use this with `Testing.app()`). */
export function buildExampleApp(app: App): void {
  // The defaults of the release the app's YAML was made with: a library upgrade changes none of it,
  // and a newer default is turned on here, as a flag, when its plan was read (docs/pinned-defaults.md).
  // One newer flag on: a fix without which the Redis work queues do not work on a real node.
  JobPatternDefaults.pin(app, '0.2', { enable: [DefaultFlag.REDIS_ACCEPTS_PODS] });
  new SeedExamples(app, 'seeds');
}

if (require.main === module) {
  const app = new App();
  buildExampleApp(app);
  app.synth();
}
