// The differential corpus: manifests judged both by validateManifests() and by a strict
// server-side dry run of the real API server (test/e2e/validation-corpus.test.ts). Each case is
// one object: a mutation of a Job that passes everything (good-job.ts), a Service or ConfigMap,
// or an object of the example app. `namespace` stands for the test's own namespace.
import { jobManifest } from './good-job';

type Obj = Record<string, any>;

/** One manifest of the corpus. */
export interface CorpusCase {
  /** What it tries, unique: the allow-list refers to it. */
  readonly name: string;
  /** The manifest (its namespace is set by the test). */
  readonly manifest: Obj;
  /**
   * Judge it by a real create instead of a dry run: for limits only storing meets (etcd's request
   * size). The test deletes what it created.
   */
  readonly create?: boolean;
}

const pod = (m: Obj) => m.spec.template.spec;
const main = (m: Obj) => pod(m).containers[0];

/** A good Job with one change. */
function job(name: string, change: (m: Obj) => void): CorpusCase {
  const manifest = jobManifest('corpus');
  change(manifest);
  return { name, manifest };
}

const long = (n: number, c = 'a') => c.repeat(n);

const JOB_NAMES = ['ok', long(63), long(64), 'Upper', 'under_score', '-lead', 'trail-', 'dot.name', '1digit'];
const CONTAINER_NAMES = ['worker', 'Worker', 'under_score', long(63), long(64), '1st', 'dot.name'];
const IMAGES = [
  'busybox:1.36.1', 'busybox', 'busybox:latest', '', ' ', 'busy box:1.36.1', 'BusyBox:1.36.1', 'registry.example.com:5000/team/app:1.2.3',
  `busybox@sha256:${long(64, 'a')}`, `busybox:1.36.1@sha256:${long(64, 'b')}`, 'a/b/c:1', 'busybox:', 'busybox:tag with space', 'Registry.Example.com/app:1',
];
const ENV_NAMES = ['FOO', 'foo.bar', 'foo-bar', '_x', '1FOO', 'FOO BAR', 'a=b', '-x', '.x', 'x1'];
const LABEL_KEYS = ['app', 'example.com/app', 'Example.com/app', 'a/b/c', '-x', long(64), 'example.com/', 'x_y.z'];
const LABEL_VALUES = ['ok', '', 'with space', long(63), long(64), '-lead', 'a.b_c-d', 'trail_'];
const PORTS: Array<[string, Obj]> = [
  ['containerPort 80', { containerPort: 80 }], ['containerPort 0', { containerPort: 0 }], ['containerPort 65535', { containerPort: 65535 }],
  ['containerPort 65536', { containerPort: 65536 }], ['port name http', { containerPort: 80, name: 'http' }], ['port name HTTP', { containerPort: 80, name: 'HTTP' }],
  ['port name of 16 characters', { containerPort: 80, name: long(16) }], ['port name with underscore', { containerPort: 80, name: 'a_b' }],
  ['port name all digits', { containerPort: 80, name: '8080' }], ['protocol SCTP', { containerPort: 80, protocol: 'SCTP' }], ['protocol ICMP', { containerPort: 80, protocol: 'ICMP' }],
];

/** The good Job's pod as a Pod, with one change (for what admission checks on pods only). */
function asPod(name: string, change: (m: Obj) => void): CorpusCase {
  const job = jobManifest('corpus');
  change(job);
  return { name: `Pod: ${name}`, manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'corpus' }, spec: pod(job) } };
}

/** An object's name without a content hash (runOncePerSpec), so case names stay put when a spec changes. */
const stableName = (o: Obj) => String(o.metadata.name).replace(/-[0-9a-f]{8}$/, '');

/** Every case of the corpus. */
export function corpusCases(exampleApp: readonly Obj[], newerExamples: readonly Obj[]): CorpusCase[] {
  return [
    job('the good Job', () => {}),
    ...JOB_NAMES.map(n => job(`Job name '${n}'`, m => { m.metadata.name = n; })),
    ...CONTAINER_NAMES.map(n => job(`container name '${n}'`, m => { main(m).name = n; })),
    ...CONTAINER_NAMES.map(n => job(`init container name '${n}'`, m => { pod(m).initContainers = [{ ...main(m), name: n }]; })),
    job('two containers with one name', m => { pod(m).containers.push({ ...main(m) }); }),
    job('an init container named like the container', m => { pod(m).initContainers = [{ ...main(m) }]; }),
    ...IMAGES.map(i => job(`image '${i}'`, m => { main(m).image = i; })),
    job('no image', m => { delete main(m).image; }),
    ...ENV_NAMES.map(n => job(`env var name '${n}'`, m => { main(m).env = [{ name: n, value: 'v' }]; })),
    job('an env var twice', m => { main(m).env = [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]; }),
    job('an env var with value and valueFrom', m => { main(m).env = [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; }),
    job('an env var from an unknown field path', m => { main(m).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.nothing' } } }]; }),
    ...LABEL_KEYS.map(k => job(`Job label key '${k}'`, m => { m.metadata.labels = { [k]: 'v' }; })),
    ...LABEL_VALUES.map(v => job(`Job label value '${v}'`, m => { m.metadata.labels = { team: v }; })),
    ...LABEL_KEYS.map(k => job(`pod label key '${k}'`, m => { m.spec.template.metadata = { labels: { [k]: 'v' } }; })),
    ...LABEL_VALUES.map(v => job(`pod label value '${v}'`, m => { m.spec.template.metadata = { labels: { team: v } }; })),
    ...PORTS.map(([n, p]) => job(n, m => { main(m).ports = [p]; })),
    job('two ports with one name', m => { main(m).ports = [{ containerPort: 80, name: 'web' }, { containerPort: 81, name: 'web' }]; }),
    job('resources: request above limit', m => { main(m).resources = { requests: { cpu: '2', memory: '64Mi' }, limits: { cpu: '1' } }; }),
    job('resources: a negative request', m => { main(m).resources = { requests: { cpu: '-1', memory: '64Mi' } }; }),
    job('resources: not a quantity', m => { main(m).resources = { requests: { cpu: 'lots', memory: '64Mi' } }; }),
    job('resources: an unknown resource name', m => { main(m).resources = { requests: { cpu: '1', memory: '64Mi', gpu: '1' } }; }),
    job('a probe with no handler', m => { main(m).readinessProbe = { periodSeconds: 5 }; }),
    job('a probe with two handlers', m => { main(m).readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } }; }),
    job('a probe with a negative timeout', m => { main(m).readinessProbe = { exec: { command: ['true'] }, timeoutSeconds: -1 }; }),
    job('a good probe', m => { main(m).livenessProbe = { exec: { command: ['true'] }, periodSeconds: 10 }; }),
    job('podFailurePolicy In 0', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0] } }] }; }),
    job('podFailurePolicy NotIn 0', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0] } }] }; }),
    job('podFailurePolicy values repeated', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 1] } }] }; }),
    job('podFailurePolicy values unordered', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [2, 1] } }] }; }),
    job('podFailurePolicy containerName unknown', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'other', operator: 'In', values: [1] } }] }; }),
    job('podFailurePolicy containerName of the container', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [1] } }] }; }),
    job('podFailurePolicy Ignore on DisruptionTarget', m => { m.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }; }),
    job('podFailurePolicy with OnFailure', m => { pod(m).restartPolicy = 'OnFailure'; m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job('restartPolicy Always', m => { pod(m).restartPolicy = 'Always'; }),
    job('restartPolicy OnFailure', m => { pod(m).restartPolicy = 'OnFailure'; }),
    job('Indexed without completions or parallelism (both default to 1)', m => { m.spec.completionMode = 'Indexed'; }),
    job('Indexed with parallelism 2 and no completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', parallelism: 2 }); }),
    job('Indexed with completions 5', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 5, parallelism: 2 }); }),
    job('completions 0', m => { m.spec.completions = 0; }),
    job('parallelism -1', m => { m.spec.parallelism = -1; }),
    job('parallelism 0', m => { m.spec.parallelism = 0; }),
    job('parallelism above completions', m => { Object.assign(m.spec, { completions: 2, parallelism: 5 }); }),
    job('backoffLimit -1', m => { m.spec.backoffLimit = -1; }),
    job('activeDeadlineSeconds 0', m => { m.spec.activeDeadlineSeconds = 0; }),
    job('activeDeadlineSeconds -5', m => { m.spec.activeDeadlineSeconds = -5; }),
    job('ttlSecondsAfterFinished -1', m => { m.spec.ttlSecondsAfterFinished = -1; }),
    job('ttlSecondsAfterFinished 0', m => { m.spec.ttlSecondsAfterFinished = 0; }),
    job('manualSelector without a selector', m => { m.spec.manualSelector = true; }),
    job('a selector without manualSelector', m => { m.spec.selector = { matchLabels: { a: 'b' } }; }),
    job('backoffLimitPerIndex without Indexed', m => { Object.assign(m.spec, { completions: 2, backoffLimitPerIndex: 1 }); }),
    job('maxFailedIndexes without backoffLimitPerIndex', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, maxFailedIndexes: 1 }); }),
    job('suspend true', m => { m.spec.suspend = true; }),
    // Parity by construction (docs/validation-parity.md): a case for each rule of the table.
    job('restartPolicy unset', m => { delete pod(m).restartPolicy; }),
    job('backoffLimitPerIndex -1', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: -1 }); }),
    job('maxFailedIndexes -1', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1, maxFailedIndexes: -1 }); }),
    job('maxFailedIndexes above completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1, maxFailedIndexes: 3 }); }),
    job('maxFailedIndexes equal to completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1, maxFailedIndexes: 2 }); }),
    job('Indexed with parallelism 100001', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 200_000, parallelism: 100_001 }); }),
    job('Indexed with 100001 completions per index and no maxFailedIndexes', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 100_001, parallelism: 10, backoffLimitPerIndex: 1 }); }),
    job('Indexed with 100001 completions per index and parallelism 10001', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 100_001, parallelism: 10_001, backoffLimitPerIndex: 1, maxFailedIndexes: 10 }); }),
    job('Indexed: the last pod name is 64 characters', m => { m.metadata.name = long(62); Object.assign(m.spec, { completionMode: 'Indexed', completions: 10 }); }),
    job('Indexed: the last pod name is 63 characters', m => { m.metadata.name = long(61); Object.assign(m.spec, { completionMode: 'Indexed', completions: 10 }); }),
    job("managedBy 'kueue'", m => { m.spec.managedBy = 'kueue'; }),
    job("managedBy 'kueue.x-k8s.io/multikueue'", m => { m.spec.managedBy = 'kueue.x-k8s.io/multikueue'; }),
    job('managedBy of 64 characters', m => { m.spec.managedBy = `example.com/${long(52)}`; }),
    job('podFailurePolicy rule without a matcher', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob' }] }; }),
    job('podFailurePolicy rule with both matchers', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }; }),
    job('podFailurePolicy FailIndex without backoffLimitPerIndex', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2 }); m.spec.podFailurePolicy = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job('podFailurePolicy FailIndex with backoffLimitPerIndex', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1 }); m.spec.podFailurePolicy = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job('podFailurePolicy onExitCodes without values', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [] } }] }; }),
    job('podFailurePolicy onExitCodes with 256 values', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: Array.from({ length: 256 }, (_, i) => i + 1) } }] }; }),
    job('podFailurePolicy with 21 rules', m => { m.spec.podFailurePolicy = { rules: Array.from({ length: 21 }, (_, i) => ({ action: 'FailJob', onExitCodes: { operator: 'In', values: [i + 1] } })) }; }),
    job("podFailurePolicy condition status 'true'", m => { m.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'true' }] }] }; }),
    job('podFailurePolicy condition type with a space', m => { m.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'Disruption Target', status: 'True' }] }] }; }),
    job('successPolicy without Indexed', m => { m.spec.completions = 2; m.spec.successPolicy = { rules: [{ succeededCount: 1 }] }; }),
    job('successPolicy without rules', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 3 }); m.spec.successPolicy = { rules: [] }; }),
    job('successPolicy rule with neither field', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 3 }); m.spec.successPolicy = { rules: [{}] }; }),
    job('successPolicy succeededIndexes beyond completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 3 }); m.spec.successPolicy = { rules: [{ succeededIndexes: '0-3' }] }; }),
    job('successPolicy succeededIndexes out of order', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 5 }); m.spec.successPolicy = { rules: [{ succeededIndexes: '3,1' }] }; }),
    job('successPolicy succeededCount above completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 3 }); m.spec.successPolicy = { rules: [{ succeededCount: 4 }] }; }),
    job('successPolicy succeededCount above its indexes', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 5 }); m.spec.successPolicy = { rules: [{ succeededIndexes: '0-1', succeededCount: 3 }] }; }),
    job('successPolicy within completions', m => { Object.assign(m.spec, { completionMode: 'Indexed', completions: 5 }); m.spec.successPolicy = { rules: [{ succeededIndexes: '0,2-4', succeededCount: 4 }] }; }),
    job('podReplacementPolicy TerminatingOrFailed with a podFailurePolicy', m => { m.spec.podReplacementPolicy = 'TerminatingOrFailed'; m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job('podReplacementPolicy Failed with a podFailurePolicy', m => { m.spec.podReplacementPolicy = 'Failed'; m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job('pod label job-name of another Job', m => { m.spec.template.metadata = { labels: { 'batch.kubernetes.io/job-name': 'other' } }; }),
    job('pod label job-name of its own Job', m => { m.spec.template.metadata = { labels: { 'batch.kubernetes.io/job-name': 'corpus', 'job-name': 'corpus' } }; }),
    job('pod label controller-uid', m => { m.spec.template.metadata = { labels: { 'controller-uid': 'abc' } }; }),
    job('two volumes mounted at one path', m => { pod(m).volumes = [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data' }]; }),
    job("a subPath with '..'", m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data', subPath: '../etc' }]; }),
    job('an absolute subPath', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data', subPath: '/etc' }]; }),
    job('both subPath and subPathExpr', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data', subPath: 'a', subPathExpr: 'b' }]; }),
    job('Bidirectional mount propagation, not privileged', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data', mountPropagation: 'Bidirectional' }]; }),
    job('a ConfigMap volume of mode 01000', m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items', defaultMode: 0o1000 } }]; }),
    job("a ConfigMap volume item path with '..'", m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items', items: [{ key: 'a', path: '../a' }] } }]; }),
    job('a liveness probe with successThreshold 2', m => { main(m).livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }),
    job('a startup probe with successThreshold 2', m => { main(m).startupProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }),
    job('a readiness probe with successThreshold 2', m => { main(m).readinessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }),
    job('a probe on port 70000', m => { main(m).readinessProbe = { httpGet: { path: '/', port: 70000 } }; }),
    job('a probe on a named port', m => { main(m).ports = [{ containerPort: 8080, name: 'http' }]; main(m).readinessProbe = { httpGet: { path: '/', port: 'http' } }; }),
    job("a probe on port '8080', a string", m => { main(m).livenessProbe = { tcpSocket: { port: '8080' } }; }),
    job('a preStop hook on port 0', m => { main(m).lifecycle = { preStop: { tcpSocket: { port: 0 } } }; }),
    job('an env var with two valueFrom sources', m => { main(m).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, configMapKeyRef: { name: 'cm', key: 'k' } } }]; }),
    job('a readiness probe with terminationGracePeriodSeconds', m => { main(m).readinessProbe = { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 }; }),
    job('an init container with a readiness probe', m => { pod(m).initContainers = [{ ...main(m), name: 'init', readinessProbe: { exec: { command: ['true'] } } }]; }),
    job('an init container with a lifecycle hook', m => { pod(m).initContainers = [{ ...main(m), name: 'init', lifecycle: { preStop: { exec: { command: ['true'] } } } }]; }),
    job('a container with restartPolicy Never', m => { main(m).restartPolicy = 'Never'; }),
    job('an init container with restartPolicy Never', m => { pod(m).initContainers = [{ ...main(m), name: 'init', restartPolicy: 'Never' }]; }),
    job('fsGroup -1', m => { pod(m).securityContext.fsGroup = -1; }),
    job('a container runAsUser of 2^31', m => { main(m).securityContext.runAsUser = 2 ** 31; }),
    job('a sysctl name with upper case', m => { pod(m).securityContext.sysctls = [{ name: 'Net.Core.Somaxconn', value: '1024' }]; }),
    job('a sysctl twice', m => { pod(m).securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1' }, { name: 'net.core.somaxconn', value: '2' }]; }),
    job("dnsPolicy 'None' without nameservers", m => { pod(m).dnsPolicy = 'None'; }),
    job("dnsPolicy 'None' with a nameserver", m => { pod(m).dnsPolicy = 'None'; pod(m).dnsConfig = { nameservers: ['1.1.1.1'], searches: ['svc.cluster.local.'], options: [{ name: 'ndots', value: '2' }] }; }),
    job('four nameservers', m => { pod(m).dnsConfig = { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '10.0.0.1'] }; }),
    job('a nameserver that is a host name', m => { pod(m).dnsConfig = { nameservers: ['dns.example.com'] }; }),
    job('a search domain with a space', m => { pod(m).dnsConfig = { searches: ['my domain'] }; }),
    job('a search domain with an underscore', m => { pod(m).dnsConfig = { searches: ['_srv.example.com'] }; }),
    job('a DNS option without a name', m => { pod(m).dnsConfig = { options: [{ value: '2' }] }; }),
    job("an envFrom prefix '1_'", m => { main(m).envFrom = [{ prefix: '1_', configMapRef: { name: 'cm' } }]; }),
    job("completionMode 'indexed'", m => { Object.assign(m.spec, { completionMode: 'indexed', completions: 2 }); }),
    job("podFailurePolicy action 'Retry'", m => { m.spec.podFailurePolicy = { rules: [{ action: 'Retry', onExitCodes: { operator: 'In', values: [1] } }] }; }),
    job("podFailurePolicy operator 'Maybe'", m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'Maybe', values: [1] } }] }; }),
    job('podFailurePolicy condition without status', m => { m.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }; }),
    job("podReplacementPolicy 'Sometimes'", m => { m.spec.podReplacementPolicy = 'Sometimes'; }),
    job('a manual selector that does not match the pod labels', m => { m.spec.manualSelector = true; m.spec.selector = { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }; m.spec.template.metadata = { labels: { app: 'a' } }; }),
    job('a manual selector that matches the pod labels', m => { m.spec.manualSelector = true; m.spec.selector = { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }] }; m.spec.template.metadata = { labels: { app: 'a', tier: 'batch' } }; }),
    job("dnsPolicy 'Sometimes'", m => { pod(m).dnsPolicy = 'Sometimes'; }),
    job("imagePullPolicy 'Sometimes'", m => { main(m).imagePullPolicy = 'Sometimes'; }),
    job("fsGroupChangePolicy 'Sometimes'", m => { pod(m).securityContext.fsGroupChangePolicy = 'Sometimes'; }),
    job("mountPropagation 'Sideways'", m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data', mountPropagation: 'Sideways' }]; }),
    job('a volume with two sources', m => { pod(m).volumes = [{ name: 'data', emptyDir: {}, configMap: { name: 'items' } }]; }),
    job('a pod annotation key with two slashes', m => { m.spec.template.metadata = { annotations: { 'a/b/c': 'v' } }; }),
    job('a finalizer with two slashes', m => { m.metadata.finalizers = ['example.com/a/b']; }),
    job('an owner reference without a uid', m => { m.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }]; }),
    job('two controller owner references', m => { m.metadata.ownerReferences = ['a', 'b'].map(n => ({ apiVersion: 'v1', kind: 'ConfigMap', name: n, uid: `uid-${n}`, controller: true })); }),
    // The "restricted" Pod Security Standard, which the test's namespace enforces: PodSecurity
    // admission refuses such pods (a Job with such a template is admitted with a warning, and its
    // pods are refused), so these cases are the good Job's pod.
    asPod('a privileged container', m => { main(m).securityContext.privileged = true; }),
    asPod('allowPrivilegeEscalation unset', m => { delete main(m).securityContext.allowPrivilegeEscalation; }),
    asPod('capabilities not dropped', m => { delete main(m).securityContext.capabilities; }),
    asPod('capability SYS_ADMIN added', m => { main(m).securityContext.capabilities.add = ['SYS_ADMIN']; }),
    asPod('capability NET_BIND_SERVICE added', m => { main(m).securityContext.capabilities.add = ['NET_BIND_SERVICE']; }),
    asPod('runAsNonRoot false', m => { pod(m).securityContext.runAsNonRoot = false; }),
    asPod('runAsUser 0', m => { pod(m).securityContext.runAsUser = 0; }),
    asPod('seccomp Unconfined', m => { pod(m).securityContext.seccompProfile = { type: 'Unconfined' }; }),
    asPod('hostNetwork true', m => { pod(m).hostNetwork = true; }),
    asPod('a hostPath volume', m => { pod(m).volumes = [{ name: 'host', hostPath: { path: '/tmp' } }]; }),
    asPod('a hostPort', m => { main(m).ports = [{ containerPort: 80, hostPort: 8080 }]; }),
    job('an unknown spec field', m => { m.spec.completionz = 2; }),
    job('an unknown container field', m => { main(m).imagePolicy = 'Always'; }),
    job('an unknown metadata field', m => { m.metadata.labelz = { a: 'b' }; }),
    job('a string for an integer', m => { m.spec.parallelism = '2'; }),
    job('no containers', m => { pod(m).containers = []; }),
    job('a container without a name', m => { delete main(m).name; }),
    job('a volume mount of an unknown volume', m => { main(m).volumeMounts = [{ name: 'data', mountPath: '/data' }]; }),
    job('an emptyDir volume mounted', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: '/data' }]; }),
    job('a relative mount path', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'data', mountPath: 'data' }]; }),
    job('two volumes with one name', m => { pod(m).volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }]; }),
    job('a volume name with upper case', m => { pod(m).volumes = [{ name: 'Data', emptyDir: {} }]; }),
    job('a ConfigMap volume', m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items' } }]; }),
    job('terminationGracePeriodSeconds -1', m => { pod(m).terminationGracePeriodSeconds = -1; }),
    job('a toleration with a bad operator', m => { pod(m).tolerations = [{ key: 'a', operator: 'Maybe', effect: 'NoSchedule' }]; }),
    job('a nodeSelector label value with a space', m => { pod(m).nodeSelector = { zone: 'eu west' }; }),
    job('a service account name with upper case', m => { pod(m).serviceAccountName = 'Robot'; }),
    job('a hostname with upper case', m => { pod(m).hostname = 'Node0'; }),
    job('a subdomain with a dot', m => { pod(m).subdomain = 'peers.x'; }),
    job('a priority class name', m => { pod(m).priorityClassName = 'system-cluster-critical'; }),
    job('a namespace with upper case', m => { m.metadata.namespace = 'Data_Team'; }),
    job('an annotation key with two slashes', m => { m.metadata.annotations = { 'a/b/c': 'v' }; }),
    job('a 300 KiB annotation', m => { m.metadata.annotations = { big: long(300 * 1024) }; }),
    { ...job('300 KiB of args', m => { main(m).args = [long(300 * 1024)]; }), create: true },
    { ...job('1.6 MB of args', m => { main(m).args = [long(1_600_000)]; }), create: true },
    ...['svc', '1svc', 'Svc', 'svc.dot', long(63), long(64)].map(n => ({
      name: `Service name '${n}'`,
      manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: n }, spec: { clusterIP: 'None', selector: { app: 'x' } } },
    })),
    ...['items', 'items.v1', 'Items', long(253), long(254)].map(n => ({
      name: `ConfigMap name '${n}'`,
      manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data: { a: '1' } },
    })),
    ...[['a ConfigMap of 600 KiB', 600 * 1024], ['a ConfigMap of 1.1 MiB', 1.1 * 1024 * 1024]].map(([n, size]) => ({
      name: n as string,
      manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: long(size as number) } },
      create: true,
    })),
    { name: 'a ConfigMap key with a slash', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'a/b': '1' } } },
    ...exampleApp.map(o => ({ name: `example app: ${o.kind} ${stableName(o)}`, manifest: o })),
    ...newerExamples.map(o => ({ name: `website example with typed props: ${o.kind} ${stableName(o)}`, manifest: o })),
  ];
}
