import { KubernetesVersion } from '../core/kubernetes-version';
import { isDnsLabel } from '../core/names';
import { Rule, Severity } from './rule';

// What the Kubernetes API server validates (pkg/apis/core/validation, pkg/apis/batch/validation,
// apimachinery's validation helpers) beyond what its OpenAPI schema says, and what the kubelet
// refuses at once: the rules that keep validateManifests() in agreement with a strict
// server-side dry run. The differential corpus (test/validation/corpus.ts, run against the real
// API server by test/e2e/validation-corpus.test.ts) pins that agreement.

type Obj = Record<string, any>;
/** Reports a finding of `rule` at `path`. */
export type Hit = (rule: Rule, path: string, message: string) => void;

/** The rules of this file, by id. */
export const API_RULES = {
  IMAGE_REFERENCE: { id: 'image/reference', severity: Severity.ERROR, fix: "Write the image as [registry/]repository[:tag][@digest], lower-case repository, no blanks (e.g. 'busybox:1.36.1')." },
  OBJECT_NAME: { id: 'api/name', severity: Severity.ERROR, fix: 'Use lower-case letters, digits and \'-\' (and \'.\' where the kind allows it), starting and ending with a letter or digit.' },
  NAMESPACE: { id: 'api/namespace', severity: Severity.ERROR, fix: 'Use a DNS-1123 label: lower-case letters, digits and \'-\', at most 63 characters.' },
  LABELS: { id: 'api/labels', severity: Severity.ERROR, fix: "Label values: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty); keys: an optional DNS subdomain prefix and '/', then such a name." },
  ANNOTATIONS: { id: 'api/annotations', severity: Severity.ERROR, fix: 'Use qualified names as annotation keys, and keep all annotations of an object under 256 KiB (put large data in a ConfigMap).' },
  CONTAINER_NAME: { id: 'api/container-name', severity: Severity.ERROR, fix: 'Give every container and init container a distinct DNS-1123 label as its name (lower-case letters, digits and \'-\').' },
  CONTAINERS: { id: 'api/containers', severity: Severity.ERROR, fix: 'Give the pod at least one container.' },
  ENV_NAME: { id: 'api/env-name', severity: Severity.ERROR, fix: "Name environment variables with letters, digits, '_', '-' and '.', not starting with a digit (from Kubernetes 1.32 any printable ASCII but '=')." },
  ENV: { id: 'api/env', severity: Severity.ERROR, fix: 'Give each variable once, with either value or valueFrom; valueFrom takes one source; a fieldRef names one of the fields the downward API supports.' },
  PORTS: { id: 'api/ports', severity: Severity.ERROR, fix: "Use containerPort 1-65535, protocol TCP, UDP or SCTP, and distinct port names of at most 15 lower-case letters, digits and '-' with at least one letter." },
  RESOURCES: { id: 'api/resources', severity: Severity.ERROR, fix: "Use quantities such as '500m', '1', '128Mi', not negative, requests at most the limits, and resource names cpu, memory, ephemeral-storage, hugepages-<size> or <domain>/<name>." },
  PROBE: { id: 'api/probe', severity: Severity.ERROR, fix: 'Give a probe exactly one handler (exec, httpGet, tcpSocket or grpc) on a port from 1 to 65535 (or a port name), no negative times or thresholds, the same ports in lifecycle hooks, successThreshold 1 on liveness and startup probes, and no terminationGracePeriodSeconds on a readiness probe.' },
  VOLUME_NAMES: { id: 'api/volumes', severity: Severity.ERROR, fix: "Name volumes with distinct DNS-1123 labels, give each exactly one source, mount only volumes of the pod, and give configMap and secret volumes modes from 0 to 0777 and item paths that are relative, without '..'." },
  VOLUME_MOUNTS: { id: 'api/volume-mounts', severity: Severity.ERROR, fix: "Mount at most one volume at each path of a container; give subPath or subPathExpr (not both) as a relative path without '..'; use Bidirectional propagation only in a privileged container." },
  INIT_CONTAINER_FIELDS: { id: 'api/init-container-fields', severity: Severity.ERROR, fix: 'Remove probes and lifecycle hooks from init containers, or make the container a sidecar (sidecars, restartPolicy Always), which may have them.' },
  CONTAINER_RESTART_POLICY: { id: 'api/container-restart-policy', severity: Severity.ERROR, fix: "Before Kubernetes 1.35 give a container restartPolicy only on init containers, as 'Always' (a sidecar); from 1.35, 'Always', 'OnFailure' or 'Never'." },
  SECURITY_CONTEXT: { id: 'api/security-context', severity: Severity.ERROR, fix: "Use user and group ids from 0 to 2147483647, and distinct sysctl names of dot- or slash-separated lower-case segments (e.g. 'net.ipv4.ip_local_port_range')." },
  DNS_CONFIG: { id: 'api/dns-config', severity: Severity.ERROR, fix: "Give at most 3 nameservers as IP addresses (at least one with dnsPolicy 'None'), at most 32 search domains of 2048 characters in all, each a DNS-1123 subdomain, and a name for every option." },
  ENUM_VALUE: { id: 'api/enum-value', severity: Severity.ERROR, fix: "Use one of the values the message lists (the spelling counts: 'Indexed', not 'indexed'); the library's enums (CompletionMode, PodFailurePolicyAction, PodFailurePolicyOperator, DnsPolicy, ImagePullPolicy, ...) hold only those." },
  METADATA: { id: 'api/metadata', severity: Severity.ERROR, fix: "Use qualified names as finalizers (e.g. 'example.com/cleanup'); give each owner reference apiVersion, kind, name and uid, and mark at most one of them controller." },
  NON_NEGATIVE: { id: 'api/non-negative', severity: Severity.ERROR, fix: 'Use 0 or more.' },
  POD_FIELDS: { id: 'api/pod-fields', severity: Severity.ERROR, fix: 'Use a DNS-1123 subdomain for serviceAccountName, DNS-1123 labels (no dots) for hostname and subdomain, and Equal/Exists with NoSchedule, PreferNoSchedule or NoExecute in tolerations.' },
  CONFIG_MAP: { id: 'api/config-map', severity: Severity.ERROR, fix: "Use keys of letters, digits, '-', '_' and '.', and keep a ConfigMap's data under 1 MiB (split it, or pass references instead of contents)." },
  DUPLICATE_OBJECT: { id: 'api/duplicate-object', severity: Severity.ERROR, fix: 'Give one of the two objects another name (metadata.name, or a different construct id where the name is generated), or another namespace.' },
  SIZE_ANNOTATION: { id: 'size/last-applied', severity: Severity.WARNING, fix: 'Apply it server-side (kubectl apply --server-side, Argo CD sync option ServerSideApply=true), or make it smaller: client-side apply copies the object into an annotation of at most 256 KiB.' },
  SIZE_REQUEST: { id: 'size/request', severity: Severity.ERROR, fix: 'Make the object smaller than 1.5 MiB (etcd\'s request limit): for work items, a ConfigMap-fed worker, fewer items per object, or a queue of your own.' },
} as const satisfies Record<string, Rule>;

/** Bytes of annotations an object may carry (keys and values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/** Bytes of data a ConfigMap may hold. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;
/** Client-side apply keeps the whole object in this annotation, which the API server caps. */
const LAST_APPLIED_BYTES = 256 * 1024;
/** etcd's default --max-request-bytes: a larger object is refused when it is stored. */
const ETCD_REQUEST_BYTES = 1.5 * 1024 * 1024;

export const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const RELAXED_ENV_VAR_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const HUGE_PAGES = /^hugepages-/;
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN_WITH_UNDERSCORE = /^[_a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[_a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAX_ID = 2147483647;
const FIELD_PATHS = new Set(['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);
const FIELD_PATH_OF_KEY = /^metadata\.(labels|annotations)\['[^']+'\]$/;

/**
 * An image reference (the distribution/reference grammar the kubelet parses): an optional registry
 * host, lower-case path components, an optional tag and an optional digest.
 */
const IMAGE_REFERENCE = (() => {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const host = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?';
  const tag = '[\\w][\\w.-]{0,127}';
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
  return new RegExp(`^(?:${host}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);
})();

/** Kinds whose names the API server checks, and how (Job names are the rule job/name's). */
const NAME_RULES: Record<string, { readonly test: (name: string) => boolean; readonly what: string }> = {
  Service: { test: n => n.length <= 63 && DNS_1035_LABEL.test(n), what: 'a DNS-1035 label (a letter first) of at most 63 characters' },
  Namespace: { test: n => isDnsLabel(n), what: 'a DNS-1123 label of at most 63 characters' },
  CronJob: { test: n => n.length <= 52 && DNS_1123_SUBDOMAIN.test(n), what: 'a DNS-1123 subdomain of at most 52 characters' },
  ...Object.fromEntries(['ConfigMap', 'Secret', 'ServiceAccount', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'PersistentVolumeClaim']
    .map(kind => [kind, { test: (n: string) => n.length <= 253 && DNS_1123_SUBDOMAIN.test(n), what: 'a DNS-1123 subdomain of at most 253 characters' }])),
};

/** The object as a whole: its name (by kind), namespace, labels, annotations and size. */
export function checkObjectApi(object: Obj, hit: Hit): void {
  const metadata: Obj = object.metadata ?? {};
  const rule = NAME_RULES[object.kind];
  if (rule && typeof metadata.name === 'string' && !rule.test(metadata.name)) {
    hit(API_RULES.OBJECT_NAME, 'metadata.name', `${object.kind} name '${metadata.name}' is not ${rule.what}`);
  }
  if (typeof metadata.namespace === 'string' && !isDnsLabel(metadata.namespace)) {
    hit(API_RULES.NAMESPACE, 'metadata.namespace', `namespace '${metadata.namespace}' is not a DNS-1123 label of at most 63 characters`);
  }
  if (metadata.labels && typeof metadata.labels === 'object') {
    checkLabels(metadata.labels, 'metadata.labels', hit);
  }
  if (metadata.annotations && typeof metadata.annotations === 'object') {
    checkAnnotations(metadata.annotations, 'metadata.annotations', hit);
  }
  checkReferences(metadata, hit);
  if (object.kind === 'ConfigMap') {
    checkConfigMap(object, hit);
  }
  const text = JSON.stringify(object);
  // At most 3 bytes a UTF-16 unit: a short text needs no count of its bytes.
  const bytes = text.length * 3 <= LAST_APPLIED_BYTES ? text.length : Buffer.byteLength(text);
  if (bytes > ETCD_REQUEST_BYTES) {
    hit(API_RULES.SIZE_REQUEST, '', `the object is ${kib(bytes)}, over etcd's request limit of 1.5 MiB: the API server refuses to store it ("etcdserver: request is too large")`);
  } else if (bytes > LAST_APPLIED_BYTES) {
    hit(API_RULES.SIZE_ANNOTATION, '', `the object is ${kib(bytes)}: kubectl apply and Argo CD's default client-side apply copy it into the annotation kubectl.kubernetes.io/last-applied-configuration, which may hold at most 256 KiB`);
  }
}

/** `value`, when given, is one of `allowed` (a field the schema types as a string, the API server as an enum). */
export function checkEnum(value: unknown, allowed: readonly string[], field: string, at: () => string, hit: Hit): void {
  // `at` is a function: the path is made only for a finding (this runs for every container of every object).
  if (value !== undefined && !allowed.includes(value as string)) {
    hit(API_RULES.ENUM_VALUE, at(), `${field} '${value}' is not ${allowed.map(a => `'${a}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
  }
}

/** Finalizers (qualified names) and owner references (complete, at most one controller). */
function checkReferences(metadata: Obj, hit: Hit): void {
  for (const [i, finalizer] of (Array.isArray(metadata.finalizers) ? metadata.finalizers : []).entries()) {
    if (typeof finalizer === 'string' && !isQualifiedName(finalizer)) {
      hit(API_RULES.METADATA, `metadata.finalizers[${i}]`, `finalizer '${finalizer}' is not a qualified name`);
    }
  }
  let controller: string | undefined;
  for (const [i, ref] of (Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : []).entries()) {
    const at = `metadata.ownerReferences[${i}]`;
    for (const field of ['apiVersion', 'kind', 'name', 'uid']) {
      if (ref?.[field] === undefined || ref[field] === '') hit(API_RULES.METADATA, `${at}.${field}`, `owner reference ${i} has no ${field}`);
    }
    if (typeof ref?.apiVersion === 'string' && ref.apiVersion !== '' && !/^([^/]+\/)?[^/]+$/.test(ref.apiVersion)) {
      hit(API_RULES.METADATA, `${at}.apiVersion`, `owner reference apiVersion '${ref.apiVersion}' is not <group>/<version> or <version>`);
    }
    if (ref?.controller === true) {
      if (controller !== undefined) {
        hit(API_RULES.METADATA, `${at}.controller`, `owner references ${controller} and ${ref.kind}/${ref.name} are both marked controller`);
      }
      controller ??= `${ref.kind}/${ref.name}`;
    }
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** Label keys and values (objects, pod templates, node selectors). */
export function checkLabels(labels: Obj, at: string, hit: Hit): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      hit(API_RULES.LABELS, `${at}.${key}`, `label key '${key}' is not a valid qualified name`);
    }
    if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      hit(API_RULES.LABELS, `${at}.${key}`, `label '${key}' has the value '${value}', which is not a valid label value`);
    }
  }
}

/** Annotation keys (qualified names, case-insensitively) and their total size. */
export function checkAnnotations(annotations: Obj, at: string, hit: Hit): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    if (!isQualifiedName(key.toLowerCase())) {
      hit(API_RULES.ANNOTATIONS, `${at}.${key}`, `annotation key '${key}' is not a valid qualified name`);
    }
    bytes += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    hit(API_RULES.ANNOTATIONS, at, `the annotations hold ${kib(bytes)}, more than the 256 KiB the API server allows`);
  }
}

/** `[prefix/]name`: a DNS-1123 subdomain prefix of at most 253 characters, a name of at most 63. */
export function isQualifiedName(key: string): boolean {
  // The same few keys (the standard labels, the library's annotations) come back on every object.
  let known = QUALIFIED_NAMES.get(key);
  if (known === undefined) {
    const slash = key.indexOf('/');
    const [prefix, name] = slash === -1 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
    known = name.length <= 63 && QUALIFIED_NAME_PART.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_1123_SUBDOMAIN.test(prefix)));
    remember(QUALIFIED_NAMES, key, known);
  }
  return known;
}

/** Answers for texts that come back on every object (label keys, images), at most {@link REMEMBERED} of each. */
const QUALIFIED_NAMES = new Map<string, boolean>();
const IMAGE_REFERENCES = new Map<string, boolean>();
const REMEMBERED = 10_000;

function remember(answers: Map<string, boolean>, text: string, answer: boolean): void {
  if (answers.size >= REMEMBERED) answers.clear();
  answers.set(text, answer);
}

/** `image` is a reference the kubelet parses. */
function isImageReference(image: string): boolean {
  let known = IMAGE_REFERENCES.get(image);
  if (known === undefined) {
    known = IMAGE_REFERENCE.test(image);
    remember(IMAGE_REFERENCES, image, known);
  }
  return known;
}

function checkConfigMap(object: Obj, hit: Hit): void {
  let bytes = 0;
  for (const field of ['data', 'binaryData']) {
    for (const [key, value] of Object.entries<unknown>(object[field] ?? {})) {
      if (key.length > 253 || !CONFIG_MAP_KEY.test(key)) {
        hit(API_RULES.CONFIG_MAP, `${field}.${key}`, `key '${key}' is not a valid ConfigMap key`);
      }
      bytes += key.length + (typeof value === 'string' ? value.length : 0);
    }
  }
  if (bytes > MAX_CONFIG_MAP_BYTES) {
    hit(API_RULES.CONFIG_MAP, 'data', `the data holds ${kib(bytes)}, more than the 1 MiB a ConfigMap may hold`);
  }
}

/** A pod spec: containers, env, ports, resources, probes, volumes and the pod-level names. */
export function checkPodApi(pod: Obj, at: string, hit: Hit, minor = KubernetesVersion.DEFAULT.minor): void {
  // A missing list is the schema's to report (a required field); an empty one is the API server's.
  if (Array.isArray(pod.containers) && pod.containers.length === 0) {
    hit(API_RULES.CONTAINERS, `${at}.containers`, 'the pod has no container');
  }
  const volumes = new Set<string>();
  for (const [i, volume] of (pod.volumes ?? []).entries()) {
    if (typeof volume?.name !== 'string' || !isDnsLabel(volume.name)) {
      hit(API_RULES.VOLUME_NAMES, `${at}.volumes[${i}].name`, `volume name '${volume?.name}' is not a DNS-1123 label`);
    } else if (volumes.has(volume.name)) {
      hit(API_RULES.VOLUME_NAMES, `${at}.volumes[${i}].name`, `volume name '${volume.name}' is used twice`);
    }
    volumes.add(volume?.name);
    checkVolumeSource(volume, `${at}.volumes[${i}]`, hit);
  }
  checkDnsConfig(pod, at, hit, minor);
  checkEnum(pod.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], 'dnsPolicy', () => `${at}.dnsPolicy`, hit);
  checkEnum(pod.securityContext?.fsGroupChangePolicy, ['OnRootMismatch', 'Always'], 'fsGroupChangePolicy', () => `${at}.securityContext.fsGroupChangePolicy`, hit);
  checkPodSecurityContext(pod.securityContext, `${at}.securityContext`, hit);
  if (typeof pod.serviceAccountName === 'string' && !(pod.serviceAccountName.length <= 253 && DNS_1123_SUBDOMAIN.test(pod.serviceAccountName))) {
    hit(API_RULES.POD_FIELDS, `${at}.serviceAccountName`, `serviceAccountName '${pod.serviceAccountName}' is not a DNS-1123 subdomain`);
  }
  for (const field of ['hostname', 'subdomain']) {
    if (typeof pod[field] === 'string' && !isDnsLabel(pod[field])) {
      hit(API_RULES.POD_FIELDS, `${at}.${field}`, `${field} '${pod[field]}' is not a DNS-1123 label (lower-case letters, digits and '-', no dots)`);
    }
  }
  if (pod.nodeSelector && typeof pod.nodeSelector === 'object') {
    checkLabels(pod.nodeSelector, `${at}.nodeSelector`, hit);
  }
  for (const [i, t] of (pod.tolerations ?? []).entries()) {
    if (t?.operator !== undefined && !['Equal', 'Exists'].includes(t.operator)) {
      hit(API_RULES.POD_FIELDS, `${at}.tolerations[${i}].operator`, `toleration operator '${t.operator}' is not Equal or Exists`);
    }
    if (t?.effect !== undefined && !['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      hit(API_RULES.POD_FIELDS, `${at}.tolerations[${i}].effect`, `toleration effect '${t.effect}' is not NoSchedule, PreferNoSchedule or NoExecute`);
    }
  }

  const groups: Array<[string, Obj[]]> = [['containers', pod.containers ?? []], ['initContainers', pod.initContainers ?? []]];
  const seen = new Set<string>();
  for (const [field, list] of groups) {
    for (const [i, c] of list.entries()) {
      const path = `${at}.${field}[${i}]`;
      if (typeof c.name === 'string' && !isDnsLabel(c.name)) {
        hit(API_RULES.CONTAINER_NAME, `${path}.name`, `container name '${c.name}' is not a DNS-1123 label`);
      } else if (seen.has(c.name)) {
        hit(API_RULES.CONTAINER_NAME, `${path}.name`, `container name '${c.name}' is used twice in the pod`);
      }
      seen.add(c.name);
      checkImage(c, path, hit);
      checkEnv(c, path, hit, minor);
      checkContainerKind(c, field, path, hit, minor);
      checkEnum(c.imagePullPolicy, ['Always', 'Never', 'IfNotPresent'], 'imagePullPolicy', () => `${path}.imagePullPolicy`, hit);
      checkIds(c.securityContext, `${path}.securityContext`, ['runAsUser', 'runAsGroup'], hit);
      checkPorts(c, path, hit);
      checkResources(c, path, hit);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[probe]) checkProbe(c[probe], probe, `${path}.${probe}`, hit);
      }
      checkVolumeMounts(c, path, volumes, hit);
      for (const hook of ['postStart', 'preStop']) {
        if (c.lifecycle?.[hook]) checkHandlerPort(c.lifecycle[hook], `${path}.lifecycle.${hook}`, hit);
      }
    }
  }
}

function checkImage(c: Obj, path: string, hit: Hit): void {
  if (c.image === undefined || c.image === '') {
    hit(API_RULES.IMAGE_REFERENCE, `${path}.image`, `container '${c.name}' has no image: the API server requires one`);
  } else if (!isImageReference(c.image)) {
    hit(API_RULES.IMAGE_REFERENCE, `${path}.image`, `container '${c.name}' image '${c.image}' is not a valid image reference: the kubelet fails it with InvalidImageName`);
  }
}

function checkEnv(c: Obj, path: string, hit: Hit, minor: number): void {
  // RelaxedEnvironmentVariableValidation (KEP-4369): alpha 1.30, on by default from 1.32, GA 1.34.
  const relaxed = minor >= 32;
  for (const [j, source] of (c.envFrom ?? []).entries()) {
    if (typeof source?.prefix === 'string' && source.prefix !== '' && !(relaxed ? RELAXED_ENV_VAR_NAME : ENV_VAR_NAME).test(source.prefix)) {
      hit(API_RULES.ENV_NAME, `${path}.envFrom[${j}].prefix`, `envFrom prefix '${source.prefix}' is not a valid environment variable name on Kubernetes 1.${minor}`);
    }
  }
  const names = new Set<string>();
  for (const [j, env] of (c.env ?? []).entries()) {
    const at = `${path}.env[${j}]`;
    if (typeof env?.name === 'string' && !(relaxed ? RELAXED_ENV_VAR_NAME : ENV_VAR_NAME).test(env.name)) {
      hit(API_RULES.ENV_NAME, `${at}.name`, relaxed
        ? `environment variable name '${env.name}' is not valid on Kubernetes 1.${minor} (printable ASCII characters other than '=')`
        : `environment variable name '${env.name}' is not valid on Kubernetes 1.${minor} (letters, digits, '_', '-', '.'; not starting with a digit)`);
    }
    if (names.has(env?.name)) {
      hit(API_RULES.ENV, `${at}.name`, `environment variable '${env.name}' is given twice: server-side apply (kubectl --server-side, Argo CD's ServerSideApply) refuses the pod, client-side apply keeps the last`);
    }
    names.add(env?.name);
    if (typeof env?.value === 'string' && env.value.length > 0 && env.valueFrom !== undefined) {
      hit(API_RULES.ENV, `${at}.valueFrom`, `environment variable '${env.name}' has both value and valueFrom`);
    }
    const sources = Object.keys(env?.valueFrom ?? {});
    if (env?.valueFrom && typeof env.valueFrom === 'object' && sources.length !== 1) {
      hit(API_RULES.ENV, `${at}.valueFrom`, `environment variable '${env.name}' has ${sources.length === 0 ? 'no source' : `${sources.length} sources (${sources.join(', ')})`} in valueFrom; it takes one`);
    }
    const fieldPath = env?.valueFrom?.fieldRef?.fieldPath;
    if (typeof fieldPath === 'string' && !FIELD_PATHS.has(fieldPath) && !FIELD_PATH_OF_KEY.test(fieldPath)) {
      hit(API_RULES.ENV, `${at}.valueFrom.fieldRef.fieldPath`, `environment variable '${env.name}' reads the field '${fieldPath}', which the downward API does not offer`);
    }
  }
}

function checkPorts(c: Obj, path: string, hit: Hit): void {
  const names = new Set<string>();
  for (const [j, port] of (c.ports ?? []).entries()) {
    const at = `${path}.ports[${j}]`;
    if (typeof port?.containerPort === 'number' && (port.containerPort < 1 || port.containerPort > 65535)) {
      hit(API_RULES.PORTS, `${at}.containerPort`, `containerPort ${port.containerPort} is not from 1 to 65535`);
    }
    if (port?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
      hit(API_RULES.PORTS, `${at}.protocol`, `protocol '${port.protocol}' is not TCP, UDP or SCTP`);
    }
    if (typeof port?.name === 'string') {
      if (port.name.length > 15 || !PORT_NAME.test(port.name) || !/[a-z]/.test(port.name) || port.name.includes('--')) {
        hit(API_RULES.PORTS, `${at}.name`, `port name '${port.name}' is not at most 15 lower-case letters, digits and '-' with at least one letter`);
      } else if (names.has(port.name)) {
        hit(API_RULES.PORTS, `${at}.name`, `port name '${port.name}' is used twice`);
      }
      names.add(port.name);
    }
  }
}

function checkResources(c: Obj, path: string, hit: Hit): void {
  const requests: Obj = c.resources?.requests ?? {};
  const limits: Obj = c.resources?.limits ?? {};
  for (const [field, values] of [['requests', requests], ['limits', limits]] as Array<[string, Obj]>) {
    for (const [name, value] of Object.entries(values)) {
      // The path only when there is something to say: this runs for every resource of every container.
      const at = () => `${path}.resources.${field}.${name}`;
      if (!RESOURCE_NAMES.has(name) && !HUGE_PAGES.test(name) && !(name.includes('/') && isQualifiedName(name))) {
        hit(API_RULES.RESOURCES, at(), `'${name}' is not a resource name (cpu, memory, ephemeral-storage, hugepages-<size>, or <domain>/<name>)`);
      }
      const quantity = toQuantity(value);
      if (quantity === undefined) {
        hit(API_RULES.RESOURCES, at(), `'${value}' is not a quantity`);
      } else if (quantity < 0) {
        hit(API_RULES.RESOURCES, at(), `${name} ${value} is negative`);
      }
    }
  }
  for (const [name, value] of Object.entries(requests)) {
    const request = toQuantity(value);
    const limit = limits[name] === undefined ? undefined : toQuantity(limits[name]);
    if (request !== undefined && limit !== undefined && request > limit) {
      hit(API_RULES.RESOURCES, `${path}.resources.requests.${name}`, `the ${name} request ${value} is above its limit ${limits[name]}`);
    }
  }
}

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const RESOURCE_NAMES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** Quantities seen, as numbers (the same few come back on every container). */
const QUANTITIES = new Map<string, number | undefined>();

/** A Kubernetes quantity as a number, or undefined when it is not one. */
function toQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (QUANTITIES.has(value)) return QUANTITIES.get(value);
  let quantity: number | undefined;
  if (QUANTITY.test(value)) {
    const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(value)!;
    const suffix = match[2];
    quantity = /^[eE]/.test(suffix) ? Number(`${match[1]}${suffix}`) : Number(match[1]) * SUFFIX[suffix];
  }
  if (QUANTITIES.size >= REMEMBERED) QUANTITIES.clear();
  QUANTITIES.set(value, quantity);
  return quantity;
}

function checkProbe(probe: Obj, kind: string, at: string, hit: Hit): void {
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(h => probe[h] !== undefined);
  if (handlers.length !== 1) {
    hit(API_RULES.PROBE, at, handlers.length === 0 ? 'the probe has no handler (exec, httpGet, tcpSocket or grpc)' : `the probe has ${handlers.length} handlers (${handlers.join(', ')})`);
  }
  for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    if (typeof probe[field] === 'number' && probe[field] < 0) {
      hit(API_RULES.PROBE, `${at}.${field}`, `${field} is ${probe[field]}`);
    }
  }
  checkHandlerPort(probe, at, hit);
  // 0 is defaulted to 1.
  if (kind !== 'readinessProbe' && typeof probe.successThreshold === 'number' && probe.successThreshold > 1) {
    hit(API_RULES.PROBE, `${at}.successThreshold`, `successThreshold is ${probe.successThreshold}; a ${kind} must have 1`);
  }
  if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined) {
    hit(API_RULES.PROBE, `${at}.terminationGracePeriodSeconds`, 'a readinessProbe may not have terminationGracePeriodSeconds');
  }
}

/** The port of an httpGet, tcpSocket or grpc handler: 1 to 65535, or (httpGet, tcpSocket) a port name. */
function checkHandlerPort(handler: Obj, at: string, hit: Hit): void {
  for (const type of ['httpGet', 'tcpSocket', 'grpc']) {
    const port = handler?.[type]?.port;
    const named = typeof port === 'string' && type !== 'grpc' && port.length <= 15 && PORT_NAME.test(port) && /[a-z]/.test(port) && !port.includes('--');
    // A quoted number is a port name to the API server, and a name needs a letter.
    const numbered = typeof port === 'number' && port >= 1 && port <= 65535;
    if (port !== undefined && !named && !numbered) {
      hit(API_RULES.PROBE, `${at}.${type}.port`, `the ${type} port ${JSON.stringify(port)} is not from 1 to 65535${type === 'grpc' ? '' : ' or a port name'}`);
    }
  }
}

/**
 * Init containers: probes and lifecycle only on sidecars. A container's restartPolicy: only on
 * init containers and only 'Always' (SidecarContainers, on from 1.29) until ContainerRestartRules
 * (beta and on from 1.35) allows it on every container, as 'Always', 'OnFailure' or 'Never'.
 */
function checkContainerKind(c: Obj, field: string, path: string, hit: Hit, minor: number): void {
  const policy = c.restartPolicy;
  if (field === 'initContainers' && policy !== 'Always') {
    for (const forbidden of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[forbidden] !== undefined) {
        hit(API_RULES.INIT_CONTAINER_FIELDS, `${path}.${forbidden}`, `init container '${c.name}' has a ${forbidden}, which only containers and sidecars (restartPolicy Always) may have`);
      }
    }
  }
  if (policy === undefined) return;
  if (minor < 35 && field === 'containers') {
    hit(API_RULES.CONTAINER_RESTART_POLICY, `${path}.restartPolicy`, `container '${c.name}' has restartPolicy '${policy}', which Kubernetes 1.${minor} allows only on init containers`);
  } else if (minor < 35 && policy !== 'Always' && minor >= 29) {
    // On 1.28 (SidecarContainers alpha) the API server drops it: version/field reports that.
    hit(API_RULES.CONTAINER_RESTART_POLICY, `${path}.restartPolicy`, `init container '${c.name}' has restartPolicy '${policy}'; Kubernetes 1.${minor} allows only 'Always'`);
  } else if (!['Always', 'OnFailure', 'Never'].includes(policy)) {
    hit(API_RULES.CONTAINER_RESTART_POLICY, `${path}.restartPolicy`, `container '${c.name}' has restartPolicy '${policy}', not 'Always', 'OnFailure' or 'Never'`);
  }
}

function checkVolumeMounts(c: Obj, path: string, volumes: Set<string>, hit: Hit): void {
  const paths = new Set<string>();
  for (const [j, mount] of (c.volumeMounts ?? []).entries()) {
    const at = `${path}.volumeMounts[${j}]`;
    if (typeof mount?.name === 'string' && !volumes.has(mount.name)) {
      hit(API_RULES.VOLUME_NAMES, `${at}.name`, `container '${c.name}' mounts the volume '${mount.name}', which the pod does not have`);
    }
    if (typeof mount?.mountPath === 'string') {
      if (paths.has(mount.mountPath)) {
        hit(API_RULES.VOLUME_MOUNTS, `${at}.mountPath`, `container '${c.name}' mounts two volumes at '${mount.mountPath}'`);
      }
      paths.add(mount.mountPath);
    }
    for (const field of ['subPath', 'subPathExpr']) {
      const sub = mount?.[field];
      if (typeof sub === 'string' && sub !== '' && (sub.startsWith('/') || sub.split('/').includes('..'))) {
        hit(API_RULES.VOLUME_MOUNTS, `${at}.${field}`, `${field} '${sub}' of container '${c.name}' is not a relative path without '..'`);
      }
    }
    if (mount?.subPath && mount?.subPathExpr) {
      hit(API_RULES.VOLUME_MOUNTS, `${at}.subPathExpr`, `container '${c.name}' gives both subPath and subPathExpr for '${mount.mountPath}'`);
    }
    checkEnum(mount?.mountPropagation, ['None', 'HostToContainer', 'Bidirectional'], 'mountPropagation', () => `${at}.mountPropagation`, hit);
    if (mount?.mountPropagation === 'Bidirectional' && c.securityContext?.privileged !== true) {
      hit(API_RULES.VOLUME_MOUNTS, `${at}.mountPropagation`, `container '${c.name}' mounts '${mount.mountPath}' with Bidirectional propagation but is not privileged`);
    }
  }
}

/** configMap, secret, downwardAPI and projected volumes: file modes and item paths. */
function checkVolumeSource(volume: Obj, at: string, hit: Hit): void {
  const types = Object.keys(volume ?? {}).filter(k => k !== 'name');
  if (types.length !== 1) {
    hit(API_RULES.VOLUME_NAMES, at, types.length === 0 ? `volume '${volume?.name}' has no source (emptyDir, configMap, secret, ...)` : `volume '${volume?.name}' has ${types.length} sources (${types.join(', ')}), a volume takes one`);
  }
  const mode = (value: unknown, where: string) => {
    if (typeof value === 'number' && (value < 0 || value > 0o777)) {
      hit(API_RULES.VOLUME_NAMES, where, `volume '${volume?.name}' has the file mode ${value} (0${value.toString(8)}), not from 0 to 0777 (511)`);
    }
  };
  for (const type of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const source: Obj | undefined = volume?.[type];
    if (!source || typeof source !== 'object') continue;
    mode(source.defaultMode, `${at}.${type}.defaultMode`);
    for (const [k, item] of (Array.isArray(source.items) ? source.items : []).entries()) {
      const where = `${at}.${type}.items[${k}]`;
      mode(item?.mode, `${where}.mode`);
      const file = item?.path;
      if (typeof file === 'string' && (file === '' || file.startsWith('/') || file.split('/').includes('..'))) {
        hit(API_RULES.VOLUME_NAMES, `${where}.path`, `volume '${volume.name}' writes the item '${item.key ?? item.fieldRef?.fieldPath ?? k}' to '${file}', which is not a relative path without '..'`);
      }
    }
  }
}

/**
 * dnsPolicy None needs nameservers; nameservers, searches and options as the resolver takes them.
 * RelaxedDNSSearchValidation (on by default from 1.33) lets a search domain have '_' or be '.'.
 */
function checkDnsConfig(pod: Obj, at: string, hit: Hit, minor: number): void {
  const relaxed = minor >= 33;
  const config: Obj = pod.dnsConfig ?? {};
  const nameservers: unknown[] = Array.isArray(config.nameservers) ? config.nameservers : [];
  const searches: unknown[] = Array.isArray(config.searches) ? config.searches : [];
  if (pod.dnsPolicy === 'None' && nameservers.length === 0) {
    hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.nameservers`, "dnsPolicy is 'None' but dnsConfig gives no nameserver");
  }
  if (nameservers.length > 3) {
    hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.nameservers`, `${nameservers.length} nameservers, more than 3`);
  }
  for (const [i, ns] of nameservers.entries()) {
    if (typeof ns === 'string' && !isIp(ns)) hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.nameservers[${i}]`, `nameserver '${ns}' is not an IP address`);
  }
  if (searches.length > 32) {
    hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.searches`, `${searches.length} search domains, more than 32`);
  }
  if (searches.join(' ').length > 2048) {
    hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.searches`, `the search domains hold ${searches.join(' ').length} characters, more than 2048`);
  }
  for (const [i, search] of searches.entries()) {
    if (typeof search !== 'string' || (relaxed && search === '.')) continue;
    const domain = search.replace(/\.$/, '');
    if (domain.length > 253 || !(relaxed ? DNS_1123_SUBDOMAIN_WITH_UNDERSCORE : DNS_1123_SUBDOMAIN).test(domain)) {
      hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.searches[${i}]`, `search domain '${search}' is not a DNS-1123 subdomain${relaxed ? '' : ` on Kubernetes 1.${minor} (an '_' is allowed from 1.33)`}`);
    }
  }
  for (const [i, option] of (Array.isArray(config.options) ? config.options : []).entries()) {
    if (typeof option?.name !== 'string' || option.name === '') hit(API_RULES.DNS_CONFIG, `${at}.dnsConfig.options[${i}]`, `DNS option ${i} has no name`);
  }
}

/** An IPv4 address, or an IPv6 one (hex groups and colons, at most one '::'). */
function isIp(text: string): boolean {
  if (IPV4.test(text)) return true;
  const v6 = /^[0-9a-fA-F:]+$/.test(text) && text.includes(':') && (text.match(/::/g) ?? []).length <= 1;
  return v6 && text.split(':').every(group => group.length <= 4) && (text.includes('::') ? text.split(':').length <= 8 : text.split(':').length === 8);
}

function checkPodSecurityContext(sc: Obj | undefined, at: string, hit: Hit): void {
  if (!sc || typeof sc !== 'object') return;
  checkIds(sc, at, ['runAsUser', 'runAsGroup', 'fsGroup'], hit);
  for (const [i, gid] of (Array.isArray(sc.supplementalGroups) ? sc.supplementalGroups : []).entries()) {
    if (typeof gid === 'number' && (gid < 0 || gid > MAX_ID)) hit(API_RULES.SECURITY_CONTEXT, `${at}.supplementalGroups[${i}]`, `group id ${gid} is not from 0 to ${MAX_ID}`);
  }
  const names = new Set<string>();
  for (const [i, sysctl] of (Array.isArray(sc.sysctls) ? sc.sysctls : []).entries()) {
    const name = sysctl?.name;
    if (typeof name !== 'string') continue;
    if (name.length > 253 || !SYSCTL_NAME.test(name)) {
      hit(API_RULES.SECURITY_CONTEXT, `${at}.sysctls[${i}].name`, `sysctl name '${name}' is not dot- or slash-separated segments of lower-case letters, digits, '-' and '_'`);
    } else if (names.has(name)) {
      hit(API_RULES.SECURITY_CONTEXT, `${at}.sysctls[${i}].name`, `sysctl '${name}' is given twice`);
    }
    names.add(name);
  }
}

/** User and group ids: 0 to 2^31-1. */
function checkIds(sc: Obj | undefined, at: string, fields: readonly string[], hit: Hit): void {
  for (const field of fields) {
    const id = sc?.[field];
    if (typeof id === 'number' && (id < 0 || id > MAX_ID)) {
      hit(API_RULES.SECURITY_CONTEXT, `${at}.${field}`, `${field} ${id} is not from 0 to ${MAX_ID}`);
    }
  }
}
