import { caseDifferences } from '../../bench/synth/check';
import { PATTERNS } from '../../bench/workloads/spec';

// The benchmark compares our constructs with raw ApiObjects, kplus.Job, hand-written literals and
// the validated floor (those literals as objects the library renders) rendering the same manifests (docs/benchmarks.md). When the library's output changes (a new
// default), those cases must follow, or the figures compare different YAML.
test('the benchmark\'s raw, kplus, plain and validated-floor cases render exactly our constructs\' manifests, for every pattern', () => {
  const report = caseDifferences(3);
  expect(Object.keys(report).sort()).toEqual(PATTERNS.map(p => p.id).sort());
  expect(report).toEqual(Object.fromEntries(PATTERNS.map(p => [p.id, { raw: [], kplus: [], yaml: [], floor: [] }])));
});
