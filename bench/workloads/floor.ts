// The floor of any library that validates: the benchmark's plain literals (./plain.ts) as API
// objects that render the way the library's own Jobs do (one pass, no cdk8s resolve; the manifest
// validation rendered is the one written), with the library's ManifestValidation on, and nothing
// else: no construct logic, defaults, construct-time checks, spec hash or pod model. What a
// pattern costs above this floor is what its constructs cost; what the floor costs above raw
// ApiObjects is what validating costs. Every object is one, as the ConfigMap, ServiceAccount, Role
// and RoleBinding the patterns create are since 2026-12-07 (cdk8s-plus objects before, rendered twice).

import { Chart } from 'cdk8s';
import { ManifestValidation } from '../../index';
import { LibraryApiObject } from '../../lib/core/library-api-object';
import { Names, plainObjects } from './plain';
import { parts, WorkloadId } from './spec';

export function build(chart: Chart, workload: WorkloadId, count: number, names: Names = {}): void {
  // With the library's defaults, as our constructs switch it on.
  ManifestValidation.enable(chart);
  for (const [pattern, n] of parts(workload, count)) {
    for (let i = 0; i < n; i++) {
      const { objects, dependsOn } = plainObjects(pattern, i, names);
      const apiObjects = objects.map(o => new LibraryApiObject(chart, `${o.kind}-${o.metadata.name}`, o as any));
      dependsOn.forEach((before, k) => before.forEach(b => apiObjects[k].addDependency(apiObjects[b])));
    }
  }
}
