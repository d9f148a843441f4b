// A user's cdk8s app (a GitOps repo) that installed cdk8s-job-patterns: the consumer test
// (test/consumer/consumer.test.ts) copies this folder into a fresh directory, installs the packed
// library into it and runs `cdk8s synth` here. Nothing in it may import from the repository.
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { DefaultFlag, FixedCompletionJob, JobPatternDefaults, SingleBatchJob, WorkItems, WorkQueue, WorkQueueJob } from 'cdk8s-job-patterns';

const app = new App();
// The defaults of the release this app was created with: an upgrade of the library changes none of
// its YAML. (The consumer test pins other releases, and turns flags on, through the environment.)
const enable = (process.env.ENABLE_FLAGS ?? '').split(',').filter(name => name !== '');
JobPatternDefaults.pin(app, process.env.PIN_DEFAULTS ?? '0.2', { enable: DefaultFlag.all().filter(flag => enable.includes(flag.name)) });
const chart = new Chart(app, 'batch', { namespace: 'batch' });

new SingleBatchJob(chart, 'pi', {
  metadata: { name: 'pi' },
  activeDeadline: Duration.minutes(5),
  container: { image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] },
});

// Legal but pointless (at most 2 pods can run): synth prints the warning.
new FixedCompletionJob(chart, 'even-seconds', {
  metadata: { name: 'even-seconds' },
  completions: 2,
  parallelism: 4,
  container: { image: 'alpine:3.20.3', command: ['/bin/sh', '-c', 'test $(( $(date +%S) % 2 )) -eq 0'] },
});

new WorkQueueJob(chart, 'fruit', {
  metadata: { name: 'fruit' },
  queue: WorkQueue.redis({ items: WorkItems.fromList(['apple', 'banana', 'cherry']) }),
  container: { image: 'redis:7.2.5', command: ['/bin/sh', '-c', 'redis-cli -h "$QUEUE_HOST" LPOP "$QUEUE_NAME"'] },
});

if (process.env.BAD_JOB === '1') {
  // Deliberately bad, written by hand: a Job's pods may not restart 'Always' (rule job/restart-policy).
  new ApiObject(chart, 'manual', {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'manual' },
    spec: { template: { spec: { restartPolicy: 'Always', containers: [{ name: 'main', image: 'busybox:1.36.1' }] } } },
  });
}

app.synth();

// What the consumer test checks about the app's process: which copies of cdk8s and constructs it loaded.
if (process.env.LOADED_MODULES_FILE) {
  const roots = (name: string) => [...new Set(Object.keys(require.cache)
    .map(file => file.match(new RegExp(`^(.*/node_modules/${name})/`))?.[1])
    .filter((root): root is string => root !== undefined))];
  require('fs').writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify({ cdk8s: roots('cdk8s'), constructs: roots('constructs'), 'cdk8s-plus-28': roots('cdk8s-plus-28') }));
}
