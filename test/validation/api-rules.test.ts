// The API server's object and pod rules (lib/validation/api-rules.ts) added for parity, one
// failing case per check with the exact path and message, and the nearest passing case. Each
// mirrors a rule of pkg/apis/core/validation or apimachinery's ObjectMeta validation
// (docs/validation-parity.md); the differential corpus (test/validation/corpus.ts) holds the
// same mistakes for the real API server to judge.
import { validateManifests } from '../../index';
import { RULES } from '../../lib/validation/rules';
import { jobManifest } from './good-job';

type Obj = Record<string, any>;
const pod = (m: Obj) => m.spec.template.spec;
const main = (m: Obj) => pod(m).containers[0];
const data = (m: Obj, mounts: Obj[]) => { pod(m).volumes = [{ name: 'data', emptyDir: {} }]; main(m).volumeMounts = mounts; };
const C = 'spec.template.spec.containers[0]';

/** The findings of one rule on the good Job with one change, on Kubernetes 1.`minor`. */
function findings(change: (m: Obj) => void, ruleId: string, minor: number): Array<[string, string]> {
  const manifest = jobManifest('job');
  change(manifest);
  return validateManifests([manifest], { kubernetesVersion: `1.${minor}` }).findings
    .filter(f => f.ruleId === ruleId).map(f => [f.path, f.message]);
}

// [case, change, rule id, path, message, minor]
const FAILS: Array<[string, (m: Obj) => void, string, string, string, number]> = [
  ['two volumes are mounted at one path', m => { pod(m).volumes = [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }]; main(m).volumeMounts = [{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data' }]; }, 'api/volume-mounts', `${C}.volumeMounts[1].mountPath`, "container 'main' mounts two volumes at '/data'", 37],
  ['a subPath climbs out of the volume', m => { data(m, [{ name: 'data', mountPath: '/data', subPath: '../etc' }]); }, 'api/volume-mounts', `${C}.volumeMounts[0].subPath`, "subPath '../etc' of container 'main' is not a relative path without '..'", 37],
  ['a subPath is absolute', m => { data(m, [{ name: 'data', mountPath: '/data', subPath: '/etc' }]); }, 'api/volume-mounts', `${C}.volumeMounts[0].subPath`, "subPath '/etc' of container 'main' is not a relative path without '..'", 37],
  ['both subPath and subPathExpr', m => { data(m, [{ name: 'data', mountPath: '/data', subPath: 'a', subPathExpr: '$(POD)' }]); }, 'api/volume-mounts', `${C}.volumeMounts[0].subPathExpr`, "container 'main' gives both subPath and subPathExpr for '/data'", 37],
  ['Bidirectional propagation without privilege', m => { data(m, [{ name: 'data', mountPath: '/data', mountPropagation: 'Bidirectional' }]); }, 'api/volume-mounts', `${C}.volumeMounts[0].mountPropagation`, "container 'main' mounts '/data' with Bidirectional propagation but is not privileged", 37],
  ['a configMap volume mode above 0777', m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items', defaultMode: 0o1000 } }]; }, 'api/volumes', 'spec.template.spec.volumes[0].configMap.defaultMode', "volume 'items' has the file mode 512 (01000), not from 0 to 0777 (511)", 37],
  ['a configMap item path climbs out', m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items', items: [{ key: 'a', path: '../a' }] } }]; }, 'api/volumes', 'spec.template.spec.volumes[0].configMap.items[0].path', "volume 'items' writes the item 'a' to '../a', which is not a relative path without '..'", 37],
  ['a liveness probe with successThreshold 2', m => { main(m).livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }, 'api/probe', `${C}.livenessProbe.successThreshold`, 'successThreshold is 2; a livenessProbe must have 1', 37],
  ['a probe on port 70000', m => { main(m).readinessProbe = { httpGet: { path: '/', port: 70000 } }; }, 'api/probe', `${C}.readinessProbe.httpGet.port`, 'the httpGet port 70000 is not from 1 to 65535 or a port name', 37],
  ['a probe on the port number written as a string', m => { main(m).livenessProbe = { tcpSocket: { port: '8080' } }; }, 'api/probe', `${C}.livenessProbe.tcpSocket.port`, 'the tcpSocket port "8080" is not from 1 to 65535 or a port name', 37],
  ['a preStop hook on port 0', m => { main(m).lifecycle = { preStop: { tcpSocket: { port: 0 } } }; }, 'api/probe', `${C}.lifecycle.preStop.tcpSocket.port`, 'the tcpSocket port 0 is not from 1 to 65535 or a port name', 37],
  ['an env var with two sources', m => { main(m).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, configMapKeyRef: { name: 'cm', key: 'k' } } }]; }, 'api/env', `${C}.env[0].valueFrom`, "environment variable 'A' has 2 sources (fieldRef, configMapKeyRef) in valueFrom; it takes one", 37],
  ['a readiness probe with terminationGracePeriodSeconds', m => { main(m).readinessProbe = { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 }; }, 'api/probe', `${C}.readinessProbe.terminationGracePeriodSeconds`, 'a readinessProbe may not have terminationGracePeriodSeconds', 37],
  ['an init container has a readiness probe', m => { pod(m).initContainers = [{ ...main(m), name: 'init', readinessProbe: { exec: { command: ['true'] } } }]; }, 'api/init-container-fields', 'spec.template.spec.initContainers[0].readinessProbe', "init container 'init' has a readinessProbe, which only containers and sidecars (restartPolicy Always) may have", 37],
  ['an init container has a lifecycle hook', m => { pod(m).initContainers = [{ ...main(m), name: 'init', lifecycle: { preStop: { exec: { command: ['true'] } } } }]; }, 'api/init-container-fields', 'spec.template.spec.initContainers[0].lifecycle', "init container 'init' has a lifecycle, which only containers and sidecars (restartPolicy Always) may have", 37],
  ['a container has a restartPolicy on 1.28', m => { main(m).restartPolicy = 'Always'; }, 'api/container-restart-policy', `${C}.restartPolicy`, "container 'main' has restartPolicy 'Always', which Kubernetes 1.28 allows only on init containers", 28],
  ['an init container has restartPolicy Never on 1.30', m => { pod(m).initContainers = [{ ...main(m), name: 'init', restartPolicy: 'Never' }]; }, 'api/container-restart-policy', 'spec.template.spec.initContainers[0].restartPolicy', "init container 'init' has restartPolicy 'Never'; Kubernetes 1.30 allows only 'Always'", 30],
  ['a container has restartPolicy Sometimes on 1.37', m => { main(m).restartPolicy = 'Sometimes'; }, 'api/container-restart-policy', `${C}.restartPolicy`, "container 'main' has restartPolicy 'Sometimes', not 'Always', 'OnFailure' or 'Never'", 37],
  ['a negative fsGroup', m => { pod(m).securityContext.fsGroup = -1; }, 'api/security-context', 'spec.template.spec.securityContext.fsGroup', 'fsGroup -1 is not from 0 to 2147483647', 37],
  ['a container user id above 2^31-1', m => { main(m).securityContext.runAsUser = 2 ** 31; }, 'api/security-context', `${C}.securityContext.runAsUser`, 'runAsUser 2147483648 is not from 0 to 2147483647', 37],
  ['a sysctl name with upper case', m => { pod(m).securityContext.sysctls = [{ name: 'Net.Core.Somaxconn', value: '1024' }]; }, 'api/security-context', 'spec.template.spec.securityContext.sysctls[0].name', "sysctl name 'Net.Core.Somaxconn' is not dot- or slash-separated segments of lower-case letters, digits, '-' and '_'", 37],
  ['a sysctl given twice', m => { pod(m).securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1' }, { name: 'net.core.somaxconn', value: '2' }]; }, 'api/security-context', 'spec.template.spec.securityContext.sysctls[1].name', "sysctl 'net.core.somaxconn' is given twice", 37],
  ["dnsPolicy 'None' without nameservers", m => { pod(m).dnsPolicy = 'None'; }, 'api/dns-config', 'spec.template.spec.dnsConfig.nameservers', "dnsPolicy is 'None' but dnsConfig gives no nameserver", 37],
  ['four nameservers', m => { pod(m).dnsConfig = { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '10.0.0.1'] }; }, 'api/dns-config', 'spec.template.spec.dnsConfig.nameservers', '4 nameservers, more than 3', 37],
  ['a nameserver that is a host name', m => { pod(m).dnsConfig = { nameservers: ['dns.example.com'] }; }, 'api/dns-config', 'spec.template.spec.dnsConfig.nameservers[0]', "nameserver 'dns.example.com' is not an IP address", 37],
  ['a search domain with a space', m => { pod(m).dnsConfig = { searches: ['my domain'] }; }, 'api/dns-config', 'spec.template.spec.dnsConfig.searches[0]', "search domain 'my domain' is not a DNS-1123 subdomain", 37],
  ['a search domain with an underscore on 1.28', m => { pod(m).dnsConfig = { searches: ['_srv.example.com'] }; }, 'api/dns-config', 'spec.template.spec.dnsConfig.searches[0]', "search domain '_srv.example.com' is not a DNS-1123 subdomain on Kubernetes 1.28 (an '_' is allowed from 1.33)", 28],
  ['a DNS option without a name', m => { pod(m).dnsConfig = { options: [{ value: '2' }] }; }, 'api/dns-config', 'spec.template.spec.dnsConfig.options[0]', 'DNS option 0 has no name', 37],
  ['an envFrom prefix starting with a digit on 1.28', m => { main(m).envFrom = [{ prefix: '1_', configMapRef: { name: 'cm' } }]; }, 'api/env-name', `${C}.envFrom[0].prefix`, "envFrom prefix '1_' is not a valid environment variable name on Kubernetes 1.28", 28],
  ['dnsPolicy is unknown', m => { pod(m).dnsPolicy = 'Sometimes'; }, 'api/enum-value', 'spec.template.spec.dnsPolicy', "dnsPolicy 'Sometimes' is not 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'", 37],
  ['imagePullPolicy is unknown', m => { main(m).imagePullPolicy = 'Sometimes'; }, 'api/enum-value', `${C}.imagePullPolicy`, "imagePullPolicy 'Sometimes' is not 'Always', 'Never' or 'IfNotPresent'", 37],
  ['fsGroupChangePolicy is unknown', m => { pod(m).securityContext.fsGroupChangePolicy = 'Sometimes'; }, 'api/enum-value', 'spec.template.spec.securityContext.fsGroupChangePolicy', "fsGroupChangePolicy 'Sometimes' is not 'OnRootMismatch' or 'Always'", 37],
  ['mountPropagation is unknown', m => { data(m, [{ name: 'data', mountPath: '/data', mountPropagation: 'Sideways' }]); }, 'api/enum-value', `${C}.volumeMounts[0].mountPropagation`, "mountPropagation 'Sideways' is not 'None', 'HostToContainer' or 'Bidirectional'", 37],
  ['a volume has two sources', m => { pod(m).volumes = [{ name: 'data', emptyDir: {}, configMap: { name: 'items' } }]; }, 'api/volumes', 'spec.template.spec.volumes[0]', "volume 'data' has 2 sources (emptyDir, configMap), a volume takes one", 37],
  ['a pod annotation key has two slashes', m => { m.spec.template.metadata = { annotations: { 'a/b/c': 'v' } }; }, 'api/annotations', 'spec.template.metadata.annotations.a/b/c', "annotation key 'a/b/c' is not a valid qualified name", 37],
  ['a finalizer with two slashes', m => { m.metadata.finalizers = ['example.com/a/b']; }, 'api/metadata', 'metadata.finalizers[0]', "finalizer 'example.com/a/b' is not a qualified name", 37],
  ['an owner reference without a uid', m => { m.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }]; }, 'api/metadata', 'metadata.ownerReferences[0].uid', 'owner reference 0 has no uid', 37],
  ['two controller owner references', m => { m.metadata.ownerReferences = ['a', 'b'].map(n => ({ apiVersion: 'v1', kind: 'ConfigMap', name: n, uid: `uid-${n}`, controller: true })); }, 'api/metadata', 'metadata.ownerReferences[1].controller', 'owner references ConfigMap/a and ConfigMap/b are both marked controller', 37],
];

describe("the API server's object and pod rules", () => {
  test.each(FAILS)('fails when %s', (_, change, ruleId, path, message, minor) => {
    expect(findings(change, ruleId, minor)).toEqual([[path, message]]);
  });

  test("each finding carries its rule's fix", () => {
    const manifest = jobManifest('job');
    manifest.spec.template.spec.dnsPolicy = 'None';
    const [finding] = validateManifests([manifest], { kubernetesVersion: '1.37' }).errors;
    expect(finding.fix).toBe(RULES.DNS_CONFIG.fix);
  });

  // The nearest valid neighbours of the failing cases.
  const PASSES: Array<[string, (m: Obj) => void, number]> = [
    ['one volume at two paths, with a relative subPath', m => { data(m, [{ name: 'data', mountPath: '/a' }, { name: 'data', mountPath: '/b', subPath: 'sub/dir' }]); }, 37],
    ['a configMap volume of mode 0777 with a nested item path', m => { pod(m).volumes = [{ name: 'items', configMap: { name: 'items', defaultMode: 0o777, items: [{ key: 'a', path: 'dir/a' }] } }]; }, 37],
    ['a sidecar with probes and a lifecycle hook', m => { pod(m).initContainers = [{ ...main(m), name: 'side', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } }, lifecycle: { preStop: { exec: { command: ['true'] } } } }]; }, 37],
    ['a container restartPolicy on 1.37', m => { main(m).restartPolicy = 'Never'; }, 37],
    ['probes on a named port and on a port number', m => { main(m).ports = [{ containerPort: 8080, name: 'http' }]; main(m).readinessProbe = { httpGet: { path: '/', port: 'http' } }; main(m).livenessProbe = { tcpSocket: { port: 8080 } }; }, 37],
    ['a liveness probe with successThreshold 1', m => { main(m).livenessProbe = { exec: { command: ['true'] }, successThreshold: 1 }; }, 37],
    ["dnsPolicy 'None' with three nameservers, IPv6 among them, and a search domain with a trailing dot", m => { Object.assign(pod(m), { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2001:db8::1', '::1'], searches: ['svc.cluster.local.', '_srv.example.com'], options: [{ name: 'ndots', value: '2' }] } }); }, 37],
    ['ids of 0 and 2^31-1, and distinct sysctls', m => { Object.assign(pod(m).securityContext, { fsGroup: 0, runAsUser: 2 ** 31 - 1, sysctls: [{ name: 'net.core.somaxconn', value: '1' }, { name: 'kernel/shm_rmid_forced', value: '1' }] }); }, 37],
    ['an envFrom prefix starting with a digit on 1.37', m => { main(m).envFrom = [{ prefix: '1_', configMapRef: { name: 'cm' } }]; }, 37],
    ['a qualified finalizer and a complete controller reference', m => { m.metadata.finalizers = ['example.com/cleanup']; m.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'uid-a', controller: true }]; }, 37],
  ];
  test.each(PASSES)('passes with %s', (_, change, minor) => {
    const manifest = jobManifest('job');
    change(manifest);
    expect(validateManifests([manifest], { kubernetesVersion: `1.${minor}` }).errors.map(e => `${e.ruleId}: ${e.message}`)).toEqual([]);
  });
});

describe('pod findings remembered by the pod\'s content (issue 23, synth speed)', () => {
  test('Jobs that share a pod spec each get its findings; a Job whose pod differs gets its own', () => {
    // GIVEN two Jobs with the same wrong image, and a third whose image is right
    const wrong = (name: string) => { const m = jobManifest(name); main(m).image = 'Busybox:1.36.1'; return m; };
    const manifests = [wrong('first'), wrong('second'), jobManifest('third')];

    // WHEN they are validated in one set, and then the first alone on another version
    const byJob = (minor: number, set: Obj[]) => validateManifests(set, { kubernetesVersion: `1.${minor}` }).findings
      .filter(f => f.ruleId === 'image/reference').map(f => [f.name, f.path]);

    // THEN each Job with the wrong image has the finding, at its own path, on each version
    expect(byJob(28, manifests)).toEqual([['first', `${C}.image`], ['second', `${C}.image`]]);
    expect(byJob(37, [manifests[1]])).toEqual([['second', `${C}.image`]]);
    // and a CronJob with the same pod has it at the CronJob's path
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: manifests[0].spec } } };
    expect(byJob(28, [cron])).toEqual([['nightly', 'spec.jobTemplate.spec.template.spec.containers[0].image']]);
  });
});
