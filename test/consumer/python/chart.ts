// The chart of test/consumer/python/main.py (and test/consumer/go/main.go and
// test/consumer/java/src/main/java/com/example/batch/Main.java), written in TypeScript: the Python,
// Go and Java consumer tests synthesize both and compare the YAML byte for byte. One Job of every
// pattern; keep the files in step, line for line.
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ControllerPodJob, DefaultFlag, FixedCompletionJob, GitOpsPolicy, JobPatternDefaults, JobTemplateExpansion, PodToPodJob } from '../../../index';
import { SingleBatchJob, StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob, WorkQueueMode } from '../../../index';

/** Builds the app of main.py into `app`; `badJob` adds the hand-written Job it adds with BAD_JOB=1. */
export function buildPythonTwin(app: App, badJob = false): void {
  JobPatternDefaults.pin(app, '0.2', { enable: [DefaultFlag.REDIS_ACCEPTS_PODS] });
  const chart = new Chart(app, 'batch', { namespace: 'batch' });

  new SingleBatchJob(chart, 'pi', {
    metadata: { name: 'pi' },
    activeDeadline: Duration.minutes(5),
    container: { image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] },
  });
  new FixedCompletionJob(chart, 'even-seconds', {
    metadata: { name: 'even-seconds' },
    completions: 6,
    parallelism: 2,
    restartPolicy: kplus.RestartPolicy.ON_FAILURE,
    container: { image: 'alpine:3.20.3', command: ['/bin/sh', '-c', 'test $(( $(date +%S) % 2 )) -eq 0'] },
  });
  new WorkQueueJob(chart, 'fruit', {
    metadata: { name: 'fruit' },
    // Each record's fields in alphabetical order: a Go map has no order, and a Go app's records
    // reach the library with their fields sorted (docs/go.md).
    queue: WorkQueue.redis({ items: WorkItems.fromRecords([{ colour: 'red', fruit: 'apple' }, { colour: 'yellow', fruit: 'banana' }], { key: 'fruit' }) }),
    container: { image: 'redis:7.2.5', command: ['/bin/sh', '-c', 'redis-cli -h "$QUEUE_HOST" LPOP "$QUEUE_NAME"'] },
  });
  new WorkQueueJob(chart, 'multiplier', {
    metadata: { name: 'multiplier' },
    queue: WorkQueue.ticket({ serviceName: 'tickets' }),
    mode: WorkQueueMode.VARIABLE_POD_COUNT,
    parallelism: 3,
    container: { image: 'alpine:3.20.3', command: ['/bin/sh', '-c', 'nc -w 1 "$QUEUE_HOST" "$QUEUE_PORT"'] },
  });
  new JobTemplateExpansion(chart, 'process-item', {
    baseName: 'process-item',
    items: WorkItems.fromList(['apple', 'banana', 'cherry']),
    container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo Processing item {{item}}'] },
  });
  new StaticWorkAssignmentJob(chart, 'indexed-job', {
    metadata: { name: 'indexed-job' },
    gitOps: GitOpsPolicy.recreateOnChange(),
    items: WorkItems.fromList(['foo', 'bar', 'baz']),
    parallelism: 2,
    container: { image: 'busybox:1.36.1', command: ['rev', '$(WORK_ITEM_FILE)'] },
  });
  new ControllerPodJob(chart, 'driver', {
    metadata: { name: 'driver' },
    activeDeadline: Duration.minutes(10),
    container: { image: 'python:3.12.7-alpine', command: ['python3', '-c', 'print("driving")'] },
  });
  new PodToPodJob(chart, 'ring', {
    metadata: { name: 'ring' },
    completions: 3,
    container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'nslookup "$JOB_NAME-0.$PEER_SUBDOMAIN"'] },
  });

  if (badJob) {
    // Deliberately bad, written by hand: a Job's pods may not restart 'Always' (rule job/restart-policy).
    const manual = new ApiObject(chart, 'manual', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'manual' } });
    manual.addJsonPatch(JsonPatch.add('/spec', { template: { spec: { restartPolicy: 'Always', containers: [{ name: 'main', image: 'busybox:1.36.1' }] } } }));
  }
}
