// The benchmark's Jobs as raw cdk8s ApiObjects: the plain literals of ./plain.ts, one ApiObject
// each, with the same dependencies our constructs declare.

import { ApiObject, Chart } from 'cdk8s';
import { Names, plainObjects } from './plain';
import { parts, WorkloadId } from './spec';

export function build(chart: Chart, workload: WorkloadId, count: number, names: Names = {}): void {
  for (const [pattern, n] of parts(workload, count)) {
    for (let i = 0; i < n; i++) {
      const { objects, dependsOn } = plainObjects(pattern, i, names);
      const apiObjects = objects.map(o => new ApiObject(chart, `${o.kind}-${o.metadata.name}`, o as any));
      dependsOn.forEach((before, k) => before.forEach(b => apiObjects[k].addDependency(apiObjects[b])));
    }
  }
}
