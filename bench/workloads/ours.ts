// The benchmark's Jobs made with our constructs, with their defaults.

import { Chart } from 'cdk8s';
import {
  ControllerPodJob, FixedCompletionJob, JobTemplateExpansion, SingleBatchJob, StaticWorkAssignmentJob,
  WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { pad, staticItems } from './plain';
import { parts, PatternId, WorkloadId } from './spec';

const image = 'busybox:1.36.1';

export function build(chart: Chart, workload: WorkloadId, count: number): void {
  for (const [pattern, n] of parts(workload, count)) buildPattern(chart, pattern, n);
}

function buildPattern(chart: Chart, pattern: PatternId, count: number): void {
  if (pattern === 'expansion') {
    const items = Array.from({ length: count }, (_, i) => `item-${pad(i)}`);
    new JobTemplateExpansion(chart, 'expand', {
      baseName: 'expand',
      items: WorkItems.fromList(items),
      container: { image, command: ['sh', '-c', 'echo working on {{item}}'] },
    });
    return;
  }
  for (let i = 0; i < count; i++) {
    const n = pad(i);
    switch (pattern) {
      case 'single':
        new SingleBatchJob(chart, `single-${n}`, { metadata: { name: `single-${n}` }, container: { image, command: ['sh', '-c', 'echo single'] } });
        break;
      case 'fixed':
        new FixedCompletionJob(chart, `fixed-${n}`, {
          metadata: { name: `fixed-${n}` }, completions: 6, parallelism: 2, container: { image, command: ['sh', '-c', 'echo fixed'] },
        });
        break;
      case 'queue':
        new WorkQueueJob(chart, `queue-${n}`, {
          metadata: { name: `queue-${n}` },
          queue: WorkQueue.fromAddress({ host: 'rabbitmq.messaging.svc', port: 5672, name: `q-${n}` }),
          completions: 8,
          parallelism: 2,
          container: { image, command: ['sh', '-c', 'echo queue'] },
        });
        break;
      case 'static':
        new StaticWorkAssignmentJob(chart, `static-${n}`, {
          metadata: { name: `static-${n}` },
          items: WorkItems.fromList(staticItems(i)),
          container: { image, command: ['sh', '-c', 'cat "$WORK_ITEM_FILE"'] },
        });
        break;
      case 'controller':
        new ControllerPodJob(chart, `ctl-${n}`, { metadata: { name: `ctl-${n}` }, container: { image, command: ['sh', '-c', 'echo controller'] } });
        break;
    }
  }
}
