// A user's app as it could have been written for 0.1.0, frozen: every pattern 0.1.0 had, each
// GitOps policy, an init container, a queue of each kind and a container with its own pull policy.
// Its YAML as 0.1.0 (commit bd060d1) and 0.2.0 (the packed release) wrote it is kept next to this
// file (released-0.1.0.k8s.yaml, released-0.2.0.k8s.yaml): the pinned defaults must reproduce it
// byte for byte. Keep it to the API both releases have, and never change it: the YAML files are
// what those releases wrote for exactly this code (default-flags.test.ts says how they were made).
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ControllerPodJob, FixedCompletionJob, GitOpsPolicy, HookDeletePolicy, HookPhase, JobTemplateExpansion, SingleBatchJob,
  StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';

const BUSYBOX = 'busybox:1.36.1';

/** Adds the released app's chart to `app` (pin the app's defaults before calling it). */
export function buildReleasedApp(app: App): Chart {
  const chart = new Chart(app, 'released', { namespace: 'batch' });

  new SingleBatchJob(chart, 'migrate', {
    metadata: { name: 'migrate' },
    initContainers: [{ name: 'wait', image: BUSYBOX, command: ['sh', '-c', 'sleep 1'] }],
    container: { name: 'migrate', image: 'example.com/migrate:1.4.2', command: ['migrate', 'up'] },
  });

  // Its own pull policy: the flag that leaves the policy to Kubernetes does not touch it.
  new SingleBatchJob(chart, 'own-pull-policy', {
    metadata: { name: 'own-pull-policy' },
    container: { name: 'main', image: BUSYBOX, imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, command: ['true'] },
  });

  new SingleBatchJob(chart, 'smoke-test', {
    metadata: { name: 'smoke-test' },
    gitOps: GitOpsPolicy.hook({ phase: HookPhase.POST_SYNC, deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED }),
    container: { name: 'smoke', image: BUSYBOX, command: ['true'] },
  });

  new SingleBatchJob(chart, 'by-hand', {
    metadata: { name: 'by-hand' },
    gitOps: GitOpsPolicy.none(),
    ttlAfterFinished: Duration.hours(2),
    container: { name: 'main', image: BUSYBOX, command: ['true'] },
  });

  new FixedCompletionJob(chart, 'render', {
    metadata: { name: 'render' },
    completions: 4,
    parallelism: 2,
    container: { name: 'render', image: BUSYBOX, command: ['true'] },
  });

  new StaticWorkAssignmentJob(chart, 'shards', {
    metadata: { name: 'shards' },
    gitOps: GitOpsPolicy.recreateOnChange(),
    items: WorkItems.fromList(['a', 'b', 'c']),
    container: { name: 'worker', image: BUSYBOX, command: ['cat', '$(WORK_ITEM_FILE)'] },
  });

  new JobTemplateExpansion(chart, 'backfill', {
    baseName: 'backfill',
    items: WorkItems.fromList(['2024', '2025']),
    container: { name: 'c', image: BUSYBOX, command: ['sh', '-c', 'echo {{item}}'] },
  });

  new WorkQueueJob(chart, 'fruit', {
    metadata: { name: 'fruit' },
    queue: WorkQueue.redis({ items: WorkItems.fromList(['apple', 'banana']) }),
    container: { name: 'worker', image: 'redis:7.2.5', command: ['sh', '-c', 'redis-cli -h "$QUEUE_HOST" LPOP "$QUEUE_NAME"'] },
  });

  new WorkQueueJob(chart, 'tickets', {
    metadata: { name: 'tickets' },
    queue: WorkQueue.ticket(),
    parallelism: 2,
    container: { name: 'worker', image: BUSYBOX, command: ['sh', '-c', 'nc "$QUEUE_HOST" "$QUEUE_PORT"'] },
  });

  new ControllerPodJob(chart, 'driver', {
    metadata: { name: 'driver' },
    container: { name: 'driver', image: 'python:3.12.7-alpine', command: ['python3', '-c', 'print(1)'] },
  });
  return chart;
}
