import { JobPattern, patternEntry } from '../core/catalogue';
import { ArgoCdTracking, HookPhase, ttlAllowed } from '../core/argo-cd';
import { GitOpsMode } from '../core/gitops';
import { JOB_INVARIANTS, JobFields, JobInvariant, RULE_FIXES } from '../core/job-rules';
import { KUEUE } from '../core/kueue';
import { KubernetesVersion } from '../core/kubernetes-version';
import { ArgoCdAnnotations, JobPatternAnnotations, JobPatternLabels } from '../core/labels';
import { isDnsLabel } from '../core/names';
import { API_RULES, checkAnnotations, checkLabels, checkObjectApi, checkPodApi } from './api-rules';
import { checkJobApi, JOB_API_RULES } from './job-api-rules';
import { checkKueue, KUEUE_RULES, metadataPath } from './kueue-rules';
import { checkFieldVersions, VERSION_RULE } from './maturity';
import { Rule, Severity } from './rule';

export { type Rule, Severity } from './rule';

/** What a rule found in one object. */
export interface RuleHit {
  readonly rule: Rule;
  /** JSON path in the object, e.g. `spec.template.spec.restartPolicy`. */
  readonly path: string;
  /** What is wrong, with the value found. */
  readonly message: string;
  /** The severity of this finding, where the rule's own varies (version/field). @default the rule's */
  readonly severity?: Severity;
}

/** A rule of the rulebook of Job invariants (lib/core/job-rules.ts): an error, with the rulebook's fix. */
function invariantRule<Id extends keyof typeof RULE_FIXES>(id: Id): { readonly id: Id; readonly severity: Severity.ERROR; readonly fix: (typeof RULE_FIXES)[Id] } {
  return { id, severity: Severity.ERROR, fix: RULE_FIXES[id] };
}

/** Every rule, by id. docs/validation.md lists them (test/readme.test.ts checks it). */
export const RULES = {
  SCHEMA: { id: 'schema/invalid', severity: Severity.ERROR, fix: 'Remove or correct the field so the object matches the Kubernetes API of the target version (KubernetesVersion, 1.28 by default).' },
  UNKNOWN_KIND: { id: 'schema/unknown-kind', severity: Severity.WARNING, fix: 'Nothing to do for a custom resource; otherwise check apiVersion and kind.' },
  RESTART_POLICY: invariantRule('job/restart-policy'),
  PATTERN_SHAPE: { id: 'job/pattern-shape', severity: Severity.ERROR, fix: 'Set completions, parallelism and completionMode as the job-patterns table prescribes for the pattern, or change the pattern annotation.' },
  UNKNOWN_PATTERN: { id: 'job/unknown-pattern', severity: Severity.ERROR, fix: `Use one of: ${Object.values(JobPattern).join(', ')}.` },
  MANUAL_SELECTOR: { id: 'job/manual-selector', severity: Severity.ERROR, fix: 'Give manualSelector: true together with a selector, or neither (the controller generates one).' },
  PARALLELISM: { id: 'job/parallelism-exceeds-completions', severity: Severity.WARNING, fix: 'Lower parallelism to completions; the controller never runs more pods than completions remain.' },
  INDEXED: invariantRule('job/indexed-needs-completions'),
  PER_INDEX: invariantRule('job/per-index-needs-indexed'),
  POD_FAILURE_POLICY: invariantRule('job/pod-failure-policy-needs-never'),
  NAME: { id: 'job/name', severity: Severity.ERROR, fix: 'Use a DNS-1123 label of at most 63 characters: it is also the pods\' job-name label.' },
  VERSION: VERSION_RULE,
  DEADLINE: { id: 'job/deadline-shorter-than-backoff', severity: Severity.WARNING, fix: 'Raise activeDeadlineSeconds above the back-off total, or lower backoffLimit: otherwise the deadline, not the backoff limit, ends the Job.' },
  TTL_TRACKED: { id: 'gitops/ttl-on-tracked-job', severity: Severity.WARNING, fix: 'Remove ttlSecondsAfterFinished (GitOpsPolicy.runOncePerSpec(): a hash of the spec in the name, and Argo CD prunes the old Job), or make the Job an Argo CD hook (GitOpsPolicy.hook()); without Argo CD, use GitOpsPolicy.none().' },
  SUSPENDED_HOOK: invariantRule('gitops/suspended-hook'),
  QUEUE_WAVE_ORDER: { id: 'gitops/queue-wave-order', severity: Severity.WARNING, fix: 'Give the queue\'s objects an earlier argocd.argoproj.io/sync-wave than the workers (WorkQueueJob does: queue syncWave - 2, filler syncWave - 1), or an earlier sync phase.' },
  CONTROLLER_INSTANCE_LABEL: { id: 'gitops/controller-instance-label', severity: Severity.WARNING, fix: 'Remove app.kubernetes.io/instance from the pod template (podMetadata), let the controller give its children labels of their own, and prefer Argo CD\'s annotation tracking (application.resourceTrackingMethod: annotation).' },
  PRIVILEGED: { id: 'pss/privileged', severity: Severity.ERROR, fix: 'Remove privileged: true.' },
  ESCALATION: { id: 'pss/allow-privilege-escalation', severity: Severity.ERROR, fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.' },
  CAPABILITIES: { id: 'pss/capabilities', severity: Severity.ERROR, fix: "Set securityContext.capabilities.drop: ['ALL'] on every container; add nothing but NET_BIND_SERVICE." },
  NON_ROOT: { id: 'pss/run-as-non-root', severity: Severity.ERROR, fix: 'Set runAsNonRoot: true in the pod security context (or on every container), and never false.' },
  ROOT_USER: { id: 'pss/run-as-user', severity: Severity.ERROR, fix: 'Run as a non-zero uid (runAsUser).' },
  SECCOMP: { id: 'pss/seccomp', severity: Severity.ERROR, fix: "Set seccompProfile.type: RuntimeDefault (or Localhost) on the pod or every container; never Unconfined." },
  HOST_NAMESPACES: { id: 'pss/host-namespaces', severity: Severity.ERROR, fix: 'Remove hostNetwork, hostPID and hostIPC.' },
  VOLUMES: { id: 'pss/volume-types', severity: Severity.ERROR, fix: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.' },
  HOST_PORTS: { id: 'pss/host-ports', severity: Severity.ERROR, fix: 'Remove hostPort from container ports.' },
  IMAGE_TAG: { id: 'image/tag', severity: Severity.WARNING, fix: 'Pin the image to a version tag or a digest.' },
  REQUESTS: { id: 'resources/requests', severity: Severity.WARNING, fix: 'Set resources.requests (cpu and memory) so the scheduler can place the pod.' },
  ...API_RULES,
  ...JOB_API_RULES,
  ...KUEUE_RULES,
} as const satisfies Record<string, Rule>;

type Obj = Record<string, any>;

/** Where the pod spec of each workload kind lives. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** What a rule that reads the whole manifest set found, and in which of the objects. */
export interface SetRuleHit extends RuleHit {
  /** Index of the object the finding is about, in the order the objects were given. */
  readonly index: number;
}

/**
 * Runs the rules that need the whole set of manifests at once (a Job and the queue it reads).
 * `checkRules` covers everything one object shows by itself.
 */
export function checkManifestSet(objects: readonly Obj[]): SetRuleHit[] {
  // Index the possible queue objects once (by namespace and queue host), so each work-queue Job
  // is checked against its own candidates, not against every object of the app.
  const candidates = new Map<string, Set<Obj>>();
  const add = (namespace: unknown, host: unknown, object: Obj) => {
    if (typeof host !== 'string') return;
    const key = `${namespace ?? ''}\0${host}`;
    const set = candidates.get(key) ?? new Set<Obj>();
    set.add(object);
    candidates.set(key, set);
  };
  for (const object of objects) {
    const meta: Obj = object.metadata ?? {};
    add(meta.namespace, meta.labels?.[JobPatternLabels.QUEUE], object);
    if (QUEUE_SERVER_KINDS.has(object.kind)) add(meta.namespace, meta.name, object);
  }
  const hits: SetRuleHit[] = [];
  for (const [index, object] of objects.entries()) {
    const queue = object.metadata?.annotations?.[JobPatternAnnotations.QUEUE];
    const forQueue = candidates.get(`${object.metadata?.namespace ?? ''}\0${queue}`);
    if (typeof queue !== 'string' || !forQueue) continue;
    for (const hit of checkQueueWaveOrder(object, [...forQueue])) {
      hits.push({ ...hit, index });
    }
  }
  return hits;
}

/** Per kind, the paths of its pod and pod template, as lists and as the text a finding names (worked out once). */
const POD_TEMPLATE_PATHS: Readonly<Record<string, { pod: string[]; podAt: string; template: string[]; labelsAt: string; annotationsAt: string }>> = Object.fromEntries(
  Object.entries(POD_SPEC_PATHS).map(([kind, pod]) => {
    const template = pod.slice(0, -1);
    return [kind, { pod, podAt: pod.join('.'), template, labelsAt: `${template.join('.')}.metadata.labels`, annotationsAt: `${template.join('.')}.metadata.annotations` }];
  }),
);

/**
 * What the pod rules (the API server's and the Pod Security ones) find in `pod` at `at`: a pure
 * function of the pod's content, remembered by its JSON text. The Jobs of one app often share one
 * pod spec (the same image, command and defaults), and these rules were a third of validating a
 * Job; the text costs a tenth of that. At most {@link REMEMBERED_PODS} pods are remembered. (A
 * value JSON cannot tell from another, Infinity from null or a Date from its text, can only come
 * from a hand-built object given to validateManifests, never from a rendered manifest.)
 */
function podHits(pod: Obj, at: string, minor: number): readonly RuleHit[] {
  let key: string | undefined;
  try {
    key = `${minor}\0${at}\0${JSON.stringify(pod)}`;
  } catch {
    // Not JSON (a cycle, a BigInt): checked every time.
  }
  const known = key === undefined ? undefined : POD_HITS.get(key);
  if (known !== undefined) return known;
  const hits: RuleHit[] = [];
  const hit = (rule: Rule, path: string, message: string, severity?: Severity) => hits.push({ rule, path, message, ...(severity ? { severity } : {}) });
  checkPodApi(pod, at, hit, minor);
  checkPod(pod, at, hit);
  if (key !== undefined) {
    if (POD_HITS.size >= REMEMBERED_PODS) POD_HITS.clear();
    POD_HITS.set(key, hits);
  }
  return hits;
}
const POD_HITS = new Map<string, readonly RuleHit[]>();
const REMEMBERED_PODS = 1_000;

/** Runs every rule on one object. Schema checks are separate (see schema.ts). */
export function checkRules(object: Obj, minor = KubernetesVersion.DEFAULT.minor): RuleHit[] {
  const hits: RuleHit[] = [];
  const hit = (rule: Rule, path: string, message: string, severity?: Severity) => hits.push({ rule, path, message, ...(severity ? { severity } : {}) });

  checkObjectApi(object, hit);
  if (object.kind === 'Job') {
    checkJob(object, 'spec', object.metadata ?? {}, hit, minor);
  }
  if (object.kind === 'CronJob' && object.spec?.jobTemplate?.spec) {
    checkJob({ ...object, spec: object.spec.jobTemplate.spec }, 'spec.jobTemplate.spec', object.spec.jobTemplate.metadata ?? {}, hit, minor, false);
  }
  const paths = POD_TEMPLATE_PATHS[object.kind];
  if (paths) {
    const pod = paths.pod.reduce<any>((o, k) => o?.[k], object);
    if (pod && typeof pod === 'object') {
      hits.push(...podHits(pod, paths.podAt, minor));
    }
    const template = paths.template.reduce<any>((o, k) => o?.[k], object);
    if (paths.template.length > 0 && template?.metadata?.labels) {
      checkLabels(template.metadata.labels, paths.labelsAt, hit);
    }
    if (paths.template.length > 0 && template?.metadata?.annotations) {
      checkAnnotations(template.metadata.annotations, paths.annotationsAt, hit);
    }
  }
  return hits;
}

type Hit = (rule: Rule, path: string, message: string, severity?: Severity) => void;

function checkJob(job: Obj, at: string, metadata: Obj, hit: Hit, minor: number, named = true): void {
  const spec: Obj = job.spec ?? {};
  const pod: Obj = spec.template?.spec ?? {};
  const name = job.metadata?.name;

  if (named && typeof name === 'string' && !isDnsLabel(name)) {
    hit(RULES.NAME, 'metadata.name', `Job name '${name}' is not a DNS-1123 label of at most 63 characters`);
  }
  const annotations: Obj = metadata.annotations ?? {};
  const hook = isArgoCdHook(annotations);
  // The rulebook of Job invariants, which the constructors check too (lib/core/job-rules.ts).
  const fields: JobFields = {
    restartPolicy: pod.restartPolicy,
    completions: spec.completions,
    parallelism: spec.parallelism,
    completionMode: spec.completionMode,
    backoffLimitPerIndex: spec.backoffLimitPerIndex,
    maxFailedIndexes: spec.maxFailedIndexes,
    podFailurePolicy: spec.podFailurePolicy !== undefined,
    suspend: spec.suspend,
    queueName: typeof metadata.labels?.[KUEUE.QUEUE_NAME_LABEL] === 'string' ? metadata.labels[KUEUE.QUEUE_NAME_LABEL] : undefined,
    hookTypes: named && hook ? hookTypes(annotations) : [],
  };
  const invariant = (rule: Rule, which: JobInvariant) => {
    if (which.broken(fields)) hit(rule, `${at}.${which.field}`, which.finding(fields));
  };
  invariant(RULES.RESTART_POLICY, JOB_INVARIANTS.RESTART_POLICY);
  if (spec.manualSelector === true && spec.selector === undefined) {
    hit(RULES.MANUAL_SELECTOR, `${at}.manualSelector`, 'manualSelector is true but there is no selector');
  }
  if (spec.selector !== undefined && spec.manualSelector !== true) {
    hit(RULES.MANUAL_SELECTOR, `${at}.selector`, 'a selector is given without manualSelector: true; the API server rejects it');
  }
  if (typeof spec.parallelism === 'number' && typeof spec.completions === 'number' && spec.parallelism > spec.completions) {
    hit(RULES.PARALLELISM, `${at}.parallelism`, `parallelism (${spec.parallelism}) is greater than completions (${spec.completions}): at most ${spec.completions} pods run at once`);
  }
  invariant(RULES.INDEXED, JOB_INVARIANTS.INDEXED_NEEDS_COMPLETIONS);
  invariant(RULES.PER_INDEX, JOB_INVARIANTS.PER_INDEX_NEEDS_INDEXED);
  invariant(RULES.PER_INDEX, JOB_INVARIANTS.MAX_FAILED_NEEDS_PER_INDEX);
  invariant(RULES.POD_FAILURE_POLICY, JOB_INVARIANTS.POD_FAILURE_POLICY_NEEDS_NEVER);
  checkJobApi(spec, pod, at, hit, named && typeof name === 'string' ? name : undefined);
  checkKueue(spec, metadata, at, hit);
  checkFieldVersions(spec, pod, at, `${at}.template.spec`, minor, hit);
  if (typeof spec.activeDeadlineSeconds === 'number') {
    const backoff = backoffSeconds(spec.backoffLimit ?? 6);
    if (spec.activeDeadlineSeconds < backoff) {
      hit(RULES.DEADLINE, `${at}.activeDeadlineSeconds`, `activeDeadlineSeconds (${spec.activeDeadlineSeconds}) is shorter than the ${backoff} s of back-off that backoffLimit ${spec.backoffLimit ?? 6} allows`);
    }
  }
  if (named && spec.ttlSecondsAfterFinished !== undefined && !ttlAllowed(argoCdTrackingOf(annotations))) {
    hit(RULES.TTL_TRACKED, `${at}.ttlSecondsAfterFinished`, `ttlSecondsAfterFinished is ${spec.ttlSecondsAfterFinished} on a Job Argo CD tracks (not a hook): once the TTL deleted it, Argo CD shows it missing and auto-sync re-creates it, so it runs again after every TTL`);
  }
  invariant(RULES.SUSPENDED_HOOK, JOB_INVARIANTS.SUSPENDED_HOOK);
  invariant(RULES.KUEUE_SUSPEND, JOB_INVARIANTS.QUEUED_SUSPEND);
  if (JOB_INVARIANTS.QUEUED_HOOK.broken(fields)) hit(RULES.KUEUE_HOOK, `${metadataPath(at)}.labels['${KUEUE.QUEUE_NAME_LABEL}']`, JOB_INVARIANTS.QUEUED_HOOK.finding(fields));
  const pattern = annotations[JobPatternAnnotations.PATTERN];
  const instance = spec.template?.metadata?.labels?.[ArgoCdAnnotations.INSTANCE_LABEL];
  if (named && pattern === JobPattern.CONTROLLER_POD && instance !== undefined) {
    hit(RULES.CONTROLLER_INSTANCE_LABEL, `${at}.template.metadata.labels.${ArgoCdAnnotations.INSTANCE_LABEL}`,
      `the controller pod carries Argo CD's tracking label ${ArgoCdAnnotations.INSTANCE_LABEL}: '${instance}': children that copy the controller's labels count as application resources missing from Git (out of sync), and an auto-pruning sync may delete them mid-run`);
  }
  if (pattern !== undefined) {
    checkPatternShape(pattern, spec, at, hit);
  }
}

/** Total back-off the Job controller waits before the attempt after `limit` failures: 10 s doubling, capped at 6 min. */
export function backoffSeconds(limit: number): number {
  let total = 0;
  for (let i = 0; i < limit; i++) {
    total += Math.min(10 * 2 ** i, 360);
  }
  return total;
}

/** The shape the pattern catalogue gives `pattern` (lib/core/catalogue.ts). */
function checkPatternShape(pattern: string, spec: Obj, at: string, hit: Hit): void {
  const entry = patternEntry(pattern);
  if (entry === undefined) {
    hit(RULES.UNKNOWN_PATTERN, `metadata.annotations.${JobPatternAnnotations.PATTERN}`, `unknown pattern '${pattern}'`);
  } else if (!entry.matches(spec)) {
    const found = `completions ${spec.completions ?? 'unset'}, parallelism ${spec.parallelism ?? 'unset'}, completionMode ${spec.completionMode ?? 'unset'}`;
    hit(RULES.PATTERN_SHAPE, at, `pattern '${pattern}' needs ${entry.shape}, found ${found}`);
  }
}

const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

function checkPod(pod: Obj, at: string, hit: Hit): void {
  const podSc: Obj = pod.securityContext ?? {};
  const groups: Array<[string, Obj[]]> = [['containers', pod.containers ?? []], ['initContainers', pod.initContainers ?? []], ['ephemeralContainers', pod.ephemeralContainers ?? []]];
  const all: Array<[string, Obj]> = groups.flatMap(([field, list]) => list.map((c, i) => [`${at}.${field}[${i}]`, c] as [string, Obj]));

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field] === true) hit(RULES.HOST_NAMESPACES, `${at}.${field}`, `${field} is true`);
  }
  for (const [i, volume] of (pod.volumes ?? []).entries()) {
    const type = Object.keys(volume).find(k => k !== 'name');
    if (type !== undefined && !ALLOWED_VOLUMES.has(type)) hit(RULES.VOLUMES, `${at}.volumes[${i}].${type}`, `volume '${volume.name}' is of type ${type}`);
  }
  if (podSc.runAsUser === 0) hit(RULES.ROOT_USER, `${at}.securityContext.runAsUser`, 'the pod runs as uid 0');
  if (podSc.runAsNonRoot === false) hit(RULES.NON_ROOT, `${at}.securityContext.runAsNonRoot`, 'runAsNonRoot is false');
  if (podSc.seccompProfile?.type === 'Unconfined') hit(RULES.SECCOMP, `${at}.securityContext.seccompProfile.type`, 'the pod seccomp profile is Unconfined');

  for (const [path, c] of all) {
    const sc: Obj = c.securityContext ?? {};
    const name = `container '${c.name}'`;
    if (sc.privileged === true) hit(RULES.PRIVILEGED, `${path}.securityContext.privileged`, `${name} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) hit(RULES.ESCALATION, `${path}.securityContext.allowPrivilegeEscalation`, `${name} does not set allowPrivilegeEscalation: false`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) hit(RULES.CAPABILITIES, `${path}.securityContext.capabilities.drop`, `${name} does not drop ALL capabilities`);
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) hit(RULES.CAPABILITIES, `${path}.securityContext.capabilities.add`, `${name} adds ${added.join(', ')}`);
    // A container inherits the pod's settings: flag it when it is wrong itself, or when the pod sets nothing.
    if (sc.runAsNonRoot === false || (podSc.runAsNonRoot === undefined && sc.runAsNonRoot !== true)) hit(RULES.NON_ROOT, `${path}.securityContext.runAsNonRoot`, `${name} may run as root (runAsNonRoot is not true on the pod or the container)`);
    if (sc.runAsUser === 0) hit(RULES.ROOT_USER, `${path}.securityContext.runAsUser`, `${name} runs as uid 0`);
    const type = sc.seccompProfile?.type;
    if (type === 'Unconfined' || (podSc.seccompProfile === undefined && !['RuntimeDefault', 'Localhost'].includes(type))) hit(RULES.SECCOMP, `${path}.securityContext.seccompProfile`, `${name} has no RuntimeDefault or Localhost seccomp profile (pod or container)`);
    for (const [j, port] of (c.ports ?? []).entries()) {
      if (port.hostPort !== undefined && port.hostPort !== 0) hit(RULES.HOST_PORTS, `${path}.ports[${j}].hostPort`, `${name} uses hostPort ${port.hostPort}`);
    }
    if (path.includes('.ephemeralContainers[')) continue;
    if (typeof c.image === 'string' && c.image.trim().length > 0 && !hasPinnedTag(c.image)) hit(RULES.IMAGE_TAG, `${path}.image`, `${name} uses image '${c.image}' without a pinned tag`);
    const requests: Obj = c.resources?.requests ?? {};
    if (requests.cpu === undefined || requests.memory === undefined) hit(RULES.REQUESTS, `${path}.resources.requests`, `${name} does not request both cpu and memory`);
  }
}

/** True when an image reference names a digest or a tag other than `latest`. */
export function hasPinnedTag(image: string): boolean {
  if (image.includes('@')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon !== -1 && lastSegment.slice(colon + 1) !== 'latest';
}

const HELM_HOOK_TYPES: Record<string, HookPhase> = {
  'pre-install': HookPhase.PRE_SYNC,
  'pre-upgrade': HookPhase.PRE_SYNC,
  'post-install': HookPhase.POST_SYNC,
  'post-upgrade': HookPhase.POST_SYNC,
};
const ARGO_HOOK_TYPES = new Set<string>([...Object.values(HookPhase), 'Skip']);
const PHASE_ORDER: Record<string, number> = { [HookPhase.PRE_SYNC]: 0, [HookPhase.SYNC]: 1, [HookPhase.POST_SYNC]: 2, [HookPhase.SYNC_FAIL]: 3 };

function csv(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map(v => v.trim()).filter(v => v.length > 0) : [];
}

/** The hook types of an object as Argo CD reads them (gitops-engine hook.Types): its own annotation first, else Helm's. */
export function hookTypes(annotations: Obj): string[] {
  const argo = csv(annotations[ArgoCdAnnotations.HOOK]).filter(t => ARGO_HOOK_TYPES.has(t));
  return argo.length > 0 ? argo : csv(annotations[ArgoCdAnnotations.HELM_HOOK]).flatMap(t => (HELM_HOOK_TYPES[t] ? [HELM_HOOK_TYPES[t]] : []));
}

/** `Skip` alone: Argo CD does not apply the object at all (gitops-engine hook.Skip). */
function isSkipped(annotations: Obj): boolean {
  const types = hookTypes(annotations);
  return types.length === 1 && types[0] === 'Skip';
}

/** How Argo CD treats an object with these annotations: hooks and Skip are not tracked; `gitops-policy: none` says no Argo CD. */
function argoCdTrackingOf(annotations: Obj): ArgoCdTracking {
  if (isArgoCdHook(annotations)) return ArgoCdTracking.HOOK;
  if (isSkipped(annotations)) return ArgoCdTracking.SKIPPED;
  return annotations[JobPatternAnnotations.GITOPS_POLICY] === GitOpsMode.NONE ? ArgoCdTracking.NONE : ArgoCdTracking.TRACKED;
}

/** True when Argo CD treats the object as a hook (gitops-engine hook.IsHook). */
export function isArgoCdHook(annotations: Obj): boolean {
  if (annotations[ArgoCdAnnotations.HOOK] !== undefined) {
    return !isSkipped(annotations);
  }
  return hookTypes(annotations).length > 0;
}

/** Where Argo CD syncs an object: its (first) phase, then its wave (gitops-engine syncwaves.Wave). */
function syncPosition(annotations: Obj): { phase: string; wave: number } {
  const phases = isArgoCdHook(annotations) ? hookTypes(annotations).filter(t => t in PHASE_ORDER) : [];
  const phase = phases.sort((a, b) => PHASE_ORDER[a] - PHASE_ORDER[b])[0] ?? HookPhase.SYNC;
  const parse = (text: unknown) => (typeof text === 'string' && /^\s*-?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : undefined);
  const wave = parse(annotations[ArgoCdAnnotations.SYNC_WAVE]) ?? parse(annotations[ArgoCdAnnotations.HELM_HOOK_WEIGHT]) ?? 0;
  return { phase, wave };
}

function describePosition(position: { phase: string; wave: number }): string {
  return `${position.phase === HookPhase.SYNC ? '' : `${position.phase} hook, `}wave ${position.wave}`;
}

const WORK_QUEUE_PATTERNS = new Set<string>([JobPattern.WORK_QUEUE_POD_PER_ITEM, JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT]);
const QUEUE_SERVER_KINDS = new Set(['Service', 'Deployment', 'StatefulSet']);

/**
 * A work-queue Job (pattern annotation) names its queue's host in `job-patterns.cdk8s.io/queue`.
 * Its queue objects in the same namespace (a Service, Deployment or StatefulSet of that name, or
 * anything labelled `job-patterns.cdk8s.io/queue: <host>`, such as the filler Job) must sync
 * before it: an earlier phase, or an earlier wave of the same phase. A queue outside the set (a
 * host in another namespace or outside the cluster) is not checked.
 */
function checkQueueWaveOrder(job: Obj, objects: readonly Obj[]): RuleHit[] {
  const annotations: Obj = job.metadata?.annotations ?? {};
  const queue = annotations[JobPatternAnnotations.QUEUE];
  if (job.kind !== 'Job' || typeof queue !== 'string' || !WORK_QUEUE_PATTERNS.has(annotations[JobPatternAnnotations.PATTERN])) {
    return [];
  }
  const namespace = job.metadata?.namespace;
  const workers = syncPosition(annotations);
  const hits: RuleHit[] = [];
  for (const other of objects) {
    const meta: Obj = other.metadata ?? {};
    const otherAnnotations: Obj = meta.annotations ?? {};
    const isQueue = meta.labels?.[JobPatternLabels.QUEUE] === queue || (QUEUE_SERVER_KINDS.has(other.kind) && meta.name === queue);
    const isWorker = other.kind === 'Job' && WORK_QUEUE_PATTERNS.has(otherAnnotations[JobPatternAnnotations.PATTERN]);
    if (other === job || !isQueue || isWorker || meta.namespace !== namespace || isSkipped(otherAnnotations)) {
      continue;
    }
    const position = syncPosition(otherAnnotations);
    const before = PHASE_ORDER[position.phase] < PHASE_ORDER[workers.phase]
      || (position.phase === workers.phase && position.wave < workers.wave);
    if (!before) {
      hits.push({
        rule: RULES.QUEUE_WAVE_ORDER,
        path: `metadata.annotations.${ArgoCdAnnotations.SYNC_WAVE}`,
        message: `the queue's ${other.kind}/${meta.name} (${describePosition(position)}) does not sync before its workers (${describePosition(workers)}): Argo CD may start the workers before the queue is up and filled`,
      });
    }
  }
  return hits;
}
