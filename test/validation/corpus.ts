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
