/**
 * `job-patterns plan`: what will this merge run? The synthesized manifests are compared with a
 * baseline (a previous synth: a directory, the same files at a git ref, and/or the live cluster),
 * and every Job gets one verdict: unchanged, runs for the first time, runs again (a new name),
 * changed in place, replaced and re-run, will fail to sync, pruned, left in the cluster, or a hook
 * that runs on every sync. The objects the Jobs depend on (work-item ConfigMaps, queues, RBAC, ...)
 * are judged the same way and linked to their Jobs.
 *
 * The verdicts follow what the tools do, checked on real ones:
 * - Argo CD creates an object that is new in Git and prunes one that left it (pruning on); a hook
 *   (`argocd.argoproj.io/hook`, or Helm's) is created by every sync and never pruned.
 * - An object with `argocd.argoproj.io/sync-options: ...Replace=true` (`recreateOnChange()`) is
 *   deleted and re-created by every sync that applies it: a changed one, and, unless the
 *   Application syncs with `ApplyOutOfSyncOnly=true`, an unchanged one whenever anything else in the
 *   app changed (docs/maintainers/argo-cd-suite.md, Argo CD 3.6.1).
 * - Any other object with the same name is patched: the API server refuses a change of an
 *   immutable field ("field is immutable"), after Kubernetes' own update validation of the target
 *   version (pkg/apis/batch/validation ValidateJobSpecUpdate, 1.28.15 and 1.37.2), the sync fails
 *   and Argo CD retries it.
 * - A Job's name is what it runs as: under `runOncePerSpec()` a changed spec is a new name, a new
 *   Job, a new run; the old one is pruned with its pods and logs.
 *
 * The library's annotations say a Job's GitOps policy and pattern; a Job without them is judged by
 * its Argo CD annotations alone. Pure but for {@link gitBaseline}, which reads git.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubernetesVersion } from '../core/kubernetes-version';
import { ArgoCdAnnotations, JobPatternAnnotations, JobPatternLabels } from '../core/labels';
import type { KubeConfig } from '@kubernetes/client-node';
import { clientKubeConfig, contextNamespace, KubeConfigLike, kubernetesClient, loadKubeConfig } from './kubeconfig';
import { loadManifests, Manifest } from './manifests';

/** What the merge does to an object. */
export enum PlanAction {
  /** Nothing: the object is as it was. */
  UNCHANGED = 'unchanged',
  /** A new object: a Job runs for the first time. */
  NEW = 'new',
  /** A Job under a new name (its spec changed under `runOncePerSpec()`): it runs again; the old one is pruned. */
  RUNS_AGAIN = 'runs-again',
  /** Patched where it is: only fields Kubernetes lets change (a Job does not run again). */
  CHANGED_IN_PLACE = 'changed-in-place',
  /** Deleted and re-created by the sync (`Force=true,Replace=true`, `recreateOnChange()`): a Job runs again. */
  REPLACED = 'replaced',
  /** The sync fails: a field Kubernetes does not let change, on an object that keeps its name. */
  WILL_FAIL = 'will-fail',
  /** Gone from Git: Argo CD prunes it; a Job's pods and logs go with it. */
  PRUNED = 'pruned',
  /** Gone from Git but left in the cluster: a hook (never pruned), or `Prune=false`. */
  LEFT = 'left',
  /** An Argo CD hook: created by every sync, so it runs on every sync. */
  HOOK = 'hook',
}

/** The exit codes of `job-patterns plan` (3 as `verify`'s: usage or connection error). */
export const PLAN_EXIT_CODES = {
  /** Every object syncs (whatever it runs). */
  OK: 0,
  /** Bad arguments, an unreadable baseline or an unreachable cluster. */
  ERROR: 3,
  /** A sync would fail: an immutable field of an object that keeps its name. */
  WILL_FAIL: 5,
} as const;

/** A field whose value differs between the baseline and this synth. */
export interface FieldChange {
  /** Where: `spec.template.spec.containers[pi].image` (list items that have a name are named). */
  readonly path: string;
  /** The baseline's value (absent: unset). */
  readonly before?: unknown;
  /** This synth's value (absent: unset). */
  readonly after?: unknown;
}

/** A change the API server refuses on update, and the rule that refuses it. */
export interface RefusedChange {
  /** The field, as the API server names it in its error (`spec.template`, `spec.completionMode`). */
  readonly field: string;
  /** Why it is refused. */
  readonly rule: string;
}

/** What the merge does to one object. */
export interface PlanEntry {
  /** `apiVersion` of the object. */
  readonly apiVersion: string;
  /** Its kind. */
  readonly kind: string;
  /** Its namespace (the default namespace where the manifest names none; empty for cluster-scoped kinds it cannot tell). */
  readonly namespace: string;
  /** Its name in this synth (for a pruned or left object: in the baseline). */
  readonly name: string;
  /** What happens to it. */
  readonly action: PlanAction;
  /** True when a Job starts a run because of the merge (new, runs again, replaced, a hook). */
  readonly runs: boolean;
  /** Why, in a sentence. */
  readonly reason: string;
  /** The baseline Job this one replaces (runs again), or the Job that replaces a pruned one. */
  readonly replaces?: string;
  /** The Job that replaces this pruned one. */
  readonly replacedBy?: string;
  /** A Job's GitOps policy (`job-patterns.cdk8s.io/gitops-policy`), when the library made it. */
  readonly policy?: string;
  /** A Job's pattern (`job-patterns.cdk8s.io/pattern`), when the library made it. */
  readonly pattern?: string;
  /** The hook phase(s) of a hook. */
  readonly hook?: string;
  /** The fields that differ from the baseline. */
  readonly changes: readonly FieldChange[];
  /** For {@link PlanAction.WILL_FAIL}: the changes the API server refuses. */
  readonly refused: readonly RefusedChange[];
  /** For {@link PlanAction.WILL_FAIL}: how to make the sync pass. */
  readonly fix?: string;
  /** For a Job: the objects of the synth it uses (`Kind/name`). */
  readonly dependsOn: readonly string[];
  /** For an object Jobs use: those Jobs (`Job/name`). */
  readonly usedBy: readonly string[];
}

/** What the live cluster says of a Job (read by the CLI with a kubeconfig). */
export interface LiveJobStatus {
  /** `status.startTime` is set: the Job started (and so its template is immutable even if suspended). */
  readonly started: boolean;
  /** `spec.suspend` is true. */
  readonly suspended: boolean;
  /** The condition `Suspended` is True. */
  readonly suspendedCondition: boolean;
  /** `status.active`. */
  readonly active: number;
}

/** Options of {@link planChanges}. */
export interface PlanOptions {
  /** What the baseline is, for the report (`dist at origin/main`, `the live cluster`). */
  readonly baseline: string;
  /** The Kubernetes minor version whose update rules apply (28 for 1.28). @default 28 */
  readonly kubernetesMinor?: number;
  /** The namespace of manifests that name none. @default 'default' */
  readonly namespace?: string;
  /**
   * The Application syncs with `syncOptions: [ApplyOutOfSyncOnly=true]`: a sync leaves unchanged
   * objects alone, so an unchanged `recreateOnChange()` Job is not replaced.
   * @default false (Argo CD's default: every sync applies every object)
   */
  readonly applyOutOfSyncOnly?: boolean;
  /**
   * The live status of Jobs, by `namespace/name`, when `previous` is what the cluster holds
   * ({@link liveBaseline}): an object that is not there is created by the sync, whatever Git said.
   * @default - the baseline is files (a previous synth)
   */
  readonly liveJobs?: ReadonlyMap<string, LiveJobStatus>;
}

/** The plan: an entry per object of this synth and of the baseline, Jobs first. */
export interface Plan {
  /** What was compared with what. */
  readonly baseline: string;
  /** The Kubernetes version whose update rules were applied (`1.28`). */
  readonly kubernetesVersion: string;
  /** Whether unchanged `recreateOnChange()` Jobs were taken to be left alone (ApplyOutOfSyncOnly=true). */
  readonly applyOutOfSyncOnly: boolean;
  /** One entry per Job. */
  readonly jobs: readonly PlanEntry[];
  /** One entry per object some Job uses (ConfigMaps, Secrets, queue servers, RBAC, Services). */
  readonly dependencies: readonly PlanEntry[];
  /** One entry per other object. */
  readonly others: readonly PlanEntry[];
  /** How many Jobs get each action. */
  readonly counts: Readonly<Record<PlanAction, number>>;
  /** {@link PLAN_EXIT_CODES}: WILL_FAIL when any object would fail to sync. */
  readonly exitCode: number;
  /** One line: what the merge runs and whether it syncs. */
  readonly summary: string;
}

/** The spec fields of a Job Kubernetes lets change after creation (ValidateJobSpecUpdate lists the others as immutable). */
const MUTABLE_JOB_FIELDS = new Set(['parallelism', 'suspend', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'maxFailedIndexes', 'podReplacementPolicy']);

/**
 * The pod-template fields a suspended Job may change while it has not started: its scheduling
 * directives (Kubernetes 1.27+, JobMutableNodeSchedulingDirectives, GA). From 1.36 (beta, on by
 * default: MutableSchedulingDirectivesForSuspendedJobs, MutablePodResourcesForSuspendedJobs) also a
 * Job suspended again with no active pods, and its containers' resources.
 */
const SCHEDULING_DIRECTIVES = [/^spec\.template\.metadata\.(labels|annotations)\b/, /^spec\.template\.spec\.(nodeSelector|tolerations|schedulingGates|affinity\.nodeAffinity)\b/];
const CONTAINER_RESOURCES = /^spec\.template\.spec\.(initContainers|containers)\[[^\]]+\]\.resources\b/;

/** Immutable fields of other kinds the library or its users write beside Jobs (Kubernetes' update validation). */
const IMMUTABLE_BY_KIND: Record<string, (before: Manifest, after: Manifest, changes: readonly FieldChange[]) => RefusedChange[]> = {
  'apps/Deployment': (_b, _a, changes) => refuseUnder(changes, ['spec.selector'], 'a Deployment\'s selector is immutable'),
  'apps/ReplicaSet': (_b, _a, changes) => refuseUnder(changes, ['spec.selector'], 'a ReplicaSet\'s selector is immutable'),
  'apps/DaemonSet': (_b, _a, changes) => refuseUnder(changes, ['spec.selector'], 'a DaemonSet\'s selector is immutable'),
  'apps/StatefulSet': (_b, _a, changes) => changes
    .filter(c => c.path.startsWith('spec.') && !/^spec\.(replicas|ordinals|template|updateStrategy|revisionHistoryLimit|persistentVolumeClaimRetentionPolicy|minReadySeconds)\b/.test(c.path))
    .map(c => ({ field: c.path, rule: 'a StatefulSet may change only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds' })),
  '/Service': (before, _a, changes) => (before.spec?.clusterIP && before.spec.clusterIP !== 'None' ? refuseUnder(changes, ['spec.clusterIP', 'spec.clusterIPs'], 'a Service\'s clusterIP is immutable once allocated') : []),
  '/ConfigMap': (before, _a, changes) => (before.immutable === true ? refuseUnder(changes, ['data', 'binaryData', 'immutable'], 'the ConfigMap is immutable (immutable: true)') : []),
  '/Secret': (before, _a, changes) => [
    ...(before.immutable === true ? refuseUnder(changes, ['data', 'stringData', 'immutable'], 'the Secret is immutable (immutable: true)') : []),
    ...refuseUnder(changes, ['type'], 'a Secret\'s type is immutable'),
  ],
  'rbac.authorization.k8s.io/RoleBinding': (_b, _a, changes) => refuseUnder(changes, ['roleRef'], 'a RoleBinding\'s roleRef is immutable'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (_b, _a, changes) => refuseUnder(changes, ['roleRef'], 'a ClusterRoleBinding\'s roleRef is immutable'),
};

/** The changes at or under one of `fields`, each refused for `rule`. */
function refuseUnder(changes: readonly FieldChange[], fields: readonly string[], rule: string): RefusedChange[] {
  const hit = fields.filter(f => changes.some(c => c.path === f || c.path.startsWith(`${f}.`) || c.path.startsWith(`${f}[`)));
  return hit.map(field => ({ field, rule }));
}

/**
 * What applying `current` over `previous` does to each object, by the rules in this module's
 * comment. `previous` is the baseline's manifests (for a live baseline: what the cluster holds).
 */
export function planChanges(current: readonly Manifest[], previous: readonly Manifest[], options: PlanOptions): Plan {
  const namespace = options.namespace ?? 'default';
  const minor = options.kubernetesMinor ?? 28;
  const keyOf = (m: Manifest) => objectKey(m, namespace);
  const before = new Map(previous.map(m => [keyOf(m), m]));
  const after = new Map(current.map(m => [keyOf(m), m]));
  const changed = (key: string) => !before.has(key) || !sameJson(before.get(key), after.get(key));
  const anyChange = [...after.keys()].some(changed) || [...before.keys()].some(k => !after.has(k));
  const usesNow = dependencyIndex(current, namespace);
  const usedBefore = dependencyIndex(previous, namespace);
  const usersNow = usersOf(usesNow);
  const usersBefore = usersOf(usedBefore);

  // A Job under a new name takes over from the baseline Job of the same base name that left
  // (indexed by namespace and base name: a template expansion renames thousands at once).
  const leaving = new Map<string, Manifest[]>();
  for (const m of previous.filter(p => isJob(p) && !after.has(keyOf(p)))) {
    const identity = `${ns(m, namespace)}/${baseName(m)}`;
    leaving.set(identity, [...leaving.get(identity) ?? [], m]);
  }
  const successor = new Map<string, string>();
  const predecessor = new Map<string, Manifest>();
  for (const job of current.filter(m => isJob(m) && !before.has(keyOf(m)))) {
    const old = leaving.get(`${ns(job, namespace)}/${baseName(job)}`)?.shift();
    if (old) {
      successor.set(keyOf(old), job.metadata.name);
      predecessor.set(keyOf(job), old);
    }
  }

  const entries: PlanEntry[] = [];
  for (const m of current) {
    const key = keyOf(m);
    const prev = before.get(key) ?? predecessor.get(key);
    const changes = prev ? fieldChanges(prev, m) : [];
    const base = {
      apiVersion: m.apiVersion, kind: m.kind, namespace: ns(m, namespace), name: m.metadata.name,
      ...libraryAnnotations(m), changes, refused: [] as RefusedChange[],
      dependsOn: (usesNow.get(key) ?? []).map(k => labelOf(after.get(k)!)),
      usedBy: (usersNow.get(key) ?? []).map(k => labelOf(after.get(k)!)),
    };
    const changedDeps = (usesNow.get(key) ?? []).filter(changed).map(k => labelOf(after.get(k)!));
    entries.push({ ...base, ...judge(m, prev, before.has(key), changes, changedDeps, anyChange, minor, options, namespace) });
  }
  for (const m of previous.filter(p => !after.has(keyOf(p)))) {
    const key = keyOf(m);
    const replacedBy = successor.get(key);
    const hooks = hookTypes(m.metadata.annotations);
    const kept = hooks.length > 0 || syncOptions(m).includes('Prune=false');
    entries.push({
      apiVersion: m.apiVersion, kind: m.kind, namespace: ns(m, namespace), name: m.metadata.name,
      ...libraryAnnotations(m), changes: [], refused: [],
      action: kept ? PlanAction.LEFT : PlanAction.PRUNED,
      runs: false,
      reason: kept
        ? `no longer in Git, but ${hooks.length > 0 ? 'Argo CD never prunes a hook' : 'its sync option Prune=false keeps it'}: it stays in the cluster until deleted, and runs no more`
        : `no longer in Git: Argo CD prunes it (with pruning on)${isJob(m) ? ', its pods and their logs with it' : ''}${replacedBy ? `; ${replacedBy} takes its place` : ''}`,
      ...(replacedBy ? { replacedBy } : {}),
      dependsOn: (usedBefore.get(key) ?? []).map(k => labelOf(before.get(k)!)),
      usedBy: (usersBefore.get(key) ?? []).map(k => labelOf(before.get(k)!)),
    });
  }

  const jobs = entries.filter(e => e.kind === 'Job' && e.apiVersion === 'batch/v1');
  const rest = entries.filter(e => !jobs.includes(e));
  const dependencies = rest.filter(e => e.usedBy.length > 0);
  const others = rest.filter(e => e.usedBy.length === 0);
  const counts = Object.fromEntries(Object.values(PlanAction).map(a => [a, jobs.filter(j => j.action === a).length])) as Record<PlanAction, number>;
  const failing = entries.filter(e => e.action === PlanAction.WILL_FAIL);
  const running = jobs.filter(j => j.runs);
  return {
    baseline: options.baseline,
    kubernetesVersion: `1.${minor}`,
    applyOutOfSyncOnly: options.applyOutOfSyncOnly ?? false,
    jobs,
    dependencies,
    others,
    counts,
    exitCode: failing.length > 0 ? PLAN_EXIT_CODES.WILL_FAIL : PLAN_EXIT_CODES.OK,
    summary: `${running.length} Job(s) will run (${counts[PlanAction.NEW]} new, ${counts[PlanAction.RUNS_AGAIN]} again under a new name, ${counts[PlanAction.REPLACED]} replaced, ${counts[PlanAction.HOOK]} hook(s) on every sync), `
      + `${counts[PlanAction.PRUNED]} pruned, ${counts[PlanAction.CHANGED_IN_PLACE]} changed in place, ${counts[PlanAction.UNCHANGED]} unchanged; `
      + (failing.length > 0 ? `${failing.length} object(s) will fail to sync: ${failing.map(e => `${e.kind}/${e.name}`).join(', ')}` : 'the sync will pass'),
  };
}

/** The verdict for one object of this synth. `prev` is the baseline's object of that name (or the Job it takes over from). */
function judge(m: Manifest, prev: Manifest | undefined, sameName: boolean, changes: readonly FieldChange[], changedDeps: readonly string[],
  anyChange: boolean, minor: number, options: PlanOptions, namespace: string): Pick<PlanEntry, 'action' | 'runs' | 'reason' | 'refused' | 'fix' | 'replaces' | 'hook'> {
  const job = isJob(m);
  const hooks = hookTypes(m.metadata.annotations);
  const fields = changes.length > 0 ? `: ${changes.length} field(s) changed` : '';
  if (hooks.length > 0) {
    const skipped = hooks.length === 1 && hooks[0] === 'Skip';
    return {
      action: PlanAction.HOOK, runs: job && !skipped, hook: hooks.join(','), refused: [],
      reason: skipped
        ? 'an Argo CD hook of type Skip: never applied'
        : `${!prev ? 'new: ' : ''}an Argo CD ${hooks.join(',')} hook: every sync creates it again${job ? ', so it runs on every sync' : ''}${sameName && changes.length > 0 ? `; this merge changes it (${changes.length} field(s))` : ''}`,
    };
  }
  if (!prev) {
    const what = options.liveJobs !== undefined ? 'not in the cluster (new, or deleted since): the sync creates it' : `a new ${job ? 'Job' : 'object'}: Argo CD creates it`;
    return { action: PlanAction.NEW, runs: job, refused: [], reason: job ? `${what}, and it runs` : what };
  }
  if (!sameName) {
    return {
      action: PlanAction.RUNS_AGAIN, runs: true, refused: [], replaces: prev.metadata.name,
      reason: `a new name for ${baseName(m)} (its spec changed${fields}): a new Job, which runs again; ${prev.metadata.name} is pruned, its pods and their logs with it`,
    };
  }
  const replaces = syncOptions(m).includes('Replace=true');
  if (changes.length === 0) {
    if (replaces && anyChange && !options.applyOutOfSyncOnly) {
      return {
        action: PlanAction.REPLACED, runs: job, refused: [],
        reason: `unchanged, but the sync applies every object${changedDeps.length > 0 ? ` (${changedDeps.join(', ')} changed)` : ' (other objects changed)'} and Force=true,Replace=true deletes and re-creates it${job ? ': it runs again' : ''}. The Application option syncOptions: [ApplyOutOfSyncOnly=true] leaves it alone`,
      };
    }
    return {
      action: PlanAction.UNCHANGED, runs: false, refused: [],
      reason: changedDeps.length > 0 && job
        ? `unchanged, although ${changedDeps.join(', ')} changed: the Job does not run again (its spec did not change)`
        : 'unchanged',
    };
  }
  if (replaces) {
    return { action: PlanAction.REPLACED, runs: job, refused: [], reason: `changed${fields}; Force=true,Replace=true: Argo CD deletes and re-creates it${job ? ', and it runs again' : ''}` };
  }
  const status = options.liveJobs?.get(`${ns(m, namespace)}/${m.metadata.name}`);
  const refused = job ? jobRefusals(prev, m, changes, minor, status) : (IMMUTABLE_BY_KIND[`${groupOf(m.apiVersion)}/${m.kind}`]?.(prev, m, changes) ?? []);
  if (refused.length > 0) {
    return {
      action: PlanAction.WILL_FAIL, runs: false, refused,
      reason: `keeps its name, and ${refused.map(r => `${r.field} changed (${r.rule})`).join('; ')}: the API server refuses the patch ("field is immutable"), the sync fails and Argo CD retries it`,
      fix: job ? jobFix(m, namespace) : `Delete ${m.kind} ${m.metadata.name} before the sync (Argo CD then creates it anew), give it a new name, or annotate it argocd.argoproj.io/sync-options: Force=true,Replace=true.`,
    };
  }
  const rollout = WORKLOADS.has(m.kind) && changes.some(c => c.path.startsWith('spec.template.'));
  return {
    action: PlanAction.CHANGED_IN_PLACE, runs: false, refused: [],
    reason: `patched in place${fields}, all of which Kubernetes lets change${job ? ': the Job does not run again' : ''}`
      + (rollout ? `; its pod template changed, so a rollout replaces its pods (what they keep in an emptyDir, such as a queue's items, is lost)` : ''),
  };
}

/** Kinds whose pods a changed pod template replaces (a rollout). */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** How to make a Job's immutable change sync. */
function jobFix(m: Manifest, namespace: string): string {
  const deleteFirst = `delete the Job before the sync (kubectl delete job -n ${ns(m, namespace)} ${m.metadata.name}; its pods and logs go with it)`;
  return m.metadata.annotations?.[JobPatternAnnotations.GITOPS_POLICY] !== undefined
    ? `Use gitOps: GitOpsPolicy.runOncePerSpec() (a new Job for each spec) or GitOpsPolicy.recreateOnChange() (Argo CD deletes and re-creates it), or ${deleteFirst}.`
    : `Give the Job a new name for the new spec, or annotate it argocd.argoproj.io/sync-options: Force=true,Replace=true, or ${deleteFirst}.`;
}

/**
 * The changes of a Job's update the API server refuses (ValidateJobSpecUpdate of Kubernetes 1.28.15
 * and 1.37.2): everything but the mutable fields, an Indexed Job's completions changed together with
 * parallelism to the same value (ElasticIndexedJob, on by default since 1.27), and for a suspended
 * Job that has not started its scheduling directives (and on 1.36+ its containers' resources).
 */
export function jobRefusals(before: Manifest, after: Manifest, changes: readonly FieldChange[], minor: number, status?: LiveJobStatus): RefusedChange[] {
  const refused: RefusedChange[] = [];
  const spec = after.spec ?? {};
  const mayRetemplate = status !== undefined && status.suspended && (minor >= 36
    ? (!status.started || status.suspendedCondition) && status.active === 0
    : !status.started);
  const templateChanges = changes.filter(c => c.path === 'spec.template' || c.path.startsWith('spec.template.'))
    .filter(c => !(mayRetemplate && (SCHEDULING_DIRECTIVES.some(r => r.test(c.path)) || (minor >= 36 && CONTAINER_RESOURCES.test(c.path)))));
  if (templateChanges.length > 0) {
    const wasSuspended = before.spec?.suspend === true && status === undefined;
    refused.push({
      field: 'spec.template',
      rule: `a Job's pod template is immutable; here ${templateChanges.slice(0, 3).map(c => c.path.replace(/^spec\.template\./, '')).join(', ')}${templateChanges.length > 3 ? ` and ${templateChanges.length - 3} more` : ''}`
        + (wasSuspended ? '. A suspended Job that never started may change its scheduling directives: plan against the live cluster (--kubeconfig) to know' : ''),
    });
  }
  const specFields = new Set(changes.filter(c => c.path.startsWith('spec.') && !c.path.startsWith('spec.template')).map(c => c.path.split(/[.[]/)[1]));
  for (const field of [...specFields].sort()) {
    if (MUTABLE_JOB_FIELDS.has(field)) continue;
    if (field === 'completions' && spec.completionMode === 'Indexed' && spec.completions !== undefined && spec.completions === spec.parallelism) continue;
    refused.push({
      field: `spec.${field}`,
      rule: field === 'completions' ? 'completions is immutable (an Indexed Job may change it only together with parallelism, to the same value)' : `${field} is immutable`,
    });
  }
  return refused;
}

/**
 * The fields that differ between two manifests, `metadata.name` and `metadata.namespace` aside (a
 * new name is the verdict itself; the namespace was matched, written or defaulted). Lists whose items all have a `name` are compared item by item by name; other lists
 * position by position when their lengths agree, else as a whole.
 */
export function fieldChanges(before: Manifest, after: Manifest): FieldChange[] {
  const out: FieldChange[] = [];
  const { name: _b, namespace: _bn, ...beforeMeta } = before.metadata ?? {};
  const { name: _a, namespace: _an, ...afterMeta } = after.metadata ?? {};
  diff({ ...before, metadata: beforeMeta }, { ...after, metadata: afterMeta }, '', out);
  return out;
}

function diff(before: unknown, after: unknown, at: string, out: FieldChange[]): void {
  if (sameJson(before, after)) return;
  const child = (key: string) => (at === '' ? key : `${at}.${key}`);
  if (isRecord(before) && isRecord(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      diff(before[key], after[key], child(key), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const named = (list: unknown[]) => list.every(i => isRecord(i) && typeof i.name === 'string');
    if (named(before) && named(after)) {
      const byName = (list: unknown[]) => new Map(list.map(i => [(i as Record<string, string>).name, i]));
      const [b, a] = [byName(before), byName(after)];
      for (const name of new Set([...b.keys(), ...a.keys()])) diff(b.get(name), a.get(name), `${at}[${name}]`, out);
      return;
    }
    if (before.length === after.length) {
      before.forEach((item, i) => diff(item, after[i], `${at}[${i}]`, out));
      return;
    }
  }
  out.push({ path: at, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
}

/** The Jobs that use each object: {@link dependencyIndex} turned around. */
function usersOf(index: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const [job, deps] of index) {
    for (const dep of deps) users.set(dep, [...users.get(dep) ?? [], job]);
  }
  return users;
}

/** The keys of the objects of `manifests` each Job uses, by the Job's key. */
function dependencyIndex(manifests: readonly Manifest[], namespace: string): Map<string, string[]> {
  const byKey = new Map(manifests.map(m => [objectKey(m, namespace), m]));
  const find = (group: string, kind: string, space: string, name: string | undefined) => {
    const key = name === undefined ? undefined : `${group}/${kind}/${space}/${name}`;
    return key !== undefined && byKey.has(key) ? [key] : [];
  };
  const index = new Map<string, string[]>();
  for (const job of manifests.filter(isJob)) {
    const space = ns(job, namespace);
    const pod = job.spec?.template?.spec ?? {};
    const containers: any[] = [...pod.containers ?? [], ...pod.initContainers ?? []];
    const deps = new Set<string>();
    const add = (keys: string[]) => keys.forEach(k => deps.add(k));
    for (const volume of pod.volumes ?? []) {
      add(find('', 'ConfigMap', space, volume.configMap?.name));
      add(find('', 'Secret', space, volume.secret?.secretName));
      for (const source of volume.projected?.sources ?? []) {
        add(find('', 'ConfigMap', space, source.configMap?.name));
        add(find('', 'Secret', space, source.secret?.name));
      }
    }
    for (const c of containers) {
      for (const env of c.env ?? []) {
        add(find('', 'ConfigMap', space, env.valueFrom?.configMapKeyRef?.name));
        add(find('', 'Secret', space, env.valueFrom?.secretKeyRef?.name));
      }
      for (const from of c.envFrom ?? []) {
        add(find('', 'ConfigMap', space, from.configMapRef?.name));
        add(find('', 'Secret', space, from.secretRef?.name));
      }
    }
    add(find('', 'Service', space, pod.subdomain));
    const account = pod.serviceAccountName;
    if (account !== undefined) {
      add(find('', 'ServiceAccount', space, account));
      for (const binding of manifests.filter(m => m.kind === 'RoleBinding' && (m.subjects ?? []).some((s: any) => s.kind === 'ServiceAccount' && s.name === account && (s.namespace ?? ns(m, namespace)) === space))) {
        deps.add(objectKey(binding, namespace));
        add(find('rbac.authorization.k8s.io', binding.roleRef?.kind ?? 'Role', binding.roleRef?.kind === 'ClusterRole' ? '' : ns(binding, namespace), binding.roleRef?.name));
      }
    }
    // A work queue: the objects labelled with the queue the Job reads (server, Service, and for the
    // workers the filler Job); the workers carry it as an annotation, a filler as a label.
    const queue = job.metadata.annotations?.[JobPatternAnnotations.QUEUE] ?? job.metadata.labels?.[JobPatternLabels.QUEUE];
    if (queue !== undefined) {
      for (const m of manifests) {
        if (m !== job && ns(m, namespace) === space && m.metadata.labels?.[JobPatternLabels.QUEUE] === queue) deps.add(objectKey(m, namespace));
      }
    }
    index.set(objectKey(job, namespace), [...deps]);
  }
  return index;
}

/**
 * The manifests under `paths` (files or directories, as given to the CLI) at git `ref` of the
 * repository they are in: what the last synth committed there wrote (`origin/main` for a pull
 * request). Throws, naming the fix, when the ref is unknown (a shallow clone fetched only the head).
 */
export function gitBaseline(ref: string, paths: readonly string[]): Manifest[] {
  // The repository of the manifests (the first path's), wherever the command runs.
  const first = path.resolve(paths[0] ?? '.');
  const cwd = fs.existsSync(first) && fs.statSync(first).isDirectory() ? first : path.dirname(first);
  const git = (args: string[], where = cwd) => execFileSync('git', args, { cwd: where, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  let root: string;
  try {
    root = git(['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new Error(`--baseline-ref ${ref}: ${cwd} is not in a git repository`);
  }
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  } catch {
    throw new Error(`--baseline-ref ${ref}: no such commit in ${root}; fetch it first (git fetch origin ${ref.replace(/^origin\//, '')}, or actions/checkout with fetch-depth: 0)`);
  }
  const manifests: Manifest[] = [];
  for (const p of paths) {
    const relative = path.relative(fs.realpathSync(root), fs.realpathSync(path.resolve(p))).split(path.sep).join('/');
    const files = git(['ls-tree', '-r', '--name-only', ref, '--', relative || '.'], root).split('\n')
      .filter(f => /\.ya?ml$/.test(f)).sort();
    for (const file of files) {
      manifests.push(...parseAllDocuments(git(['show', `${ref}:${file}`], root)).map(d => d.toJS()).filter(m => m && typeof m === 'object' && m.kind));
    }
  }
  return manifests;
}

/** The plan as text for people: the Jobs by what happens to them, then the objects they use. */
export function textPlan(plan: Plan): string {
  const lines = [`job-patterns plan: this synth against ${plan.baseline} (Kubernetes ${plan.kubernetesVersion} update rules; ${plan.applyOutOfSyncOnly ? 'the Application syncs with ApplyOutOfSyncOnly=true' : 'every sync applies every object, as Argo CD does by default'})`, ''];
  for (const [action, title] of SECTIONS) {
    const entries = plan.jobs.filter(j => j.action === action && !toldElsewhere(j));
    if (entries.length === 0) continue;
    if (action === PlanAction.UNCHANGED) {
      lines.push(`${title} (${entries.length}): ${entries.map(e => e.name).join(', ')}`, '');
      continue;
    }
    lines.push(`${title} (${entries.length}):`);
    for (const e of entries) lines.push(...entryLines(e));
    lines.push('');
  }
  const touched = (entries: readonly PlanEntry[]) => entries.filter(e => e.action !== PlanAction.UNCHANGED);
  for (const [title, entries] of [['Objects the Jobs use', plan.dependencies], ['Other objects', plan.others]] as const) {
    if (touched(entries).length === 0) continue;
    lines.push(`${title} (changed):`);
    for (const e of touched(entries)) lines.push(...entryLines(e));
    lines.push('');
  }
  lines.push(plan.summary, `exit code ${plan.exitCode}`);
  return lines.join('\n');
}

/** The plan as Markdown, for a pull request comment or a CI step summary: "what will this merge run?". */
export function markdownPlan(plan: Plan): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const icon = (e: PlanEntry) => ICONS[e.action];
  const lines = [
    '### What will this merge run?',
    '',
    `${plan.exitCode === PLAN_EXIT_CODES.WILL_FAIL ? '❌' : '✅'} ${plan.summary}.`,
    '',
    `<sub>\`job-patterns plan\` against ${cell(plan.baseline)}, Kubernetes ${plan.kubernetesVersion} update rules${plan.applyOutOfSyncOnly ? ', ApplyOutOfSyncOnly=true' : ''}.</sub>`,
    '',
  ];
  const shown = plan.jobs.filter(j => j.action !== PlanAction.UNCHANGED && !toldElsewhere(j));
  if (shown.length > 0) {
    lines.push('| | Job | What happens | Why |', '| --- | --- | --- | --- |');
    for (const [action] of SECTIONS) {
      for (const e of shown.filter(j => j.action === action)) {
        lines.push(`| ${icon(e)} | \`${e.namespace}/${e.name}\` | ${TITLES[e.action]} | ${cell(e.reason)}${e.fix ? `<br>**Fix:** ${cell(e.fix)}` : ''}${changeList(e, 5).length > 0 ? `<br>${changeList(e, 5).map(c => `\`${cell(c)}\``).join('<br>')}` : ''} |`);
      }
    }
    lines.push('');
  }
  const unchanged = plan.jobs.filter(j => j.action === PlanAction.UNCHANGED);
  if (unchanged.length > 0) {
    lines.push(`<details><summary>${unchanged.length} Job(s) unchanged</summary>`, '', unchanged.map(e => `\`${e.name}\``).join(', '), '', '</details>', '');
  }
  const objects = [...plan.dependencies, ...plan.others].filter(e => e.action !== PlanAction.UNCHANGED);
  if (objects.length > 0) {
    lines.push('| | Object | What happens | Used by |', '| --- | --- | --- | --- |');
    for (const e of objects) lines.push(`| ${icon(e)} | \`${e.kind}/${e.name}\` | ${TITLES[e.action]}${e.fix ? `: ${cell(e.reason)}<br>**Fix:** ${cell(e.fix)}` : ''} | ${e.usedBy.join(', ')} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** A pruned Job that a Job under a new name replaces: the reports tell it in that Job's line. */
function toldElsewhere(e: PlanEntry): boolean {
  return e.action === PlanAction.PRUNED && e.replacedBy !== undefined;
}

/** The order in which the report lists actions, most urgent first, with their headings. */
const SECTIONS: ReadonlyArray<[PlanAction, string]> = [
  [PlanAction.WILL_FAIL, 'Will fail to sync'],
  [PlanAction.RUNS_AGAIN, 'Runs again (new name)'],
  [PlanAction.REPLACED, 'Replaced and re-run'],
  [PlanAction.NEW, 'Runs for the first time'],
  [PlanAction.HOOK, 'Hooks: run on every sync'],
  [PlanAction.CHANGED_IN_PLACE, 'Changed in place (does not run again)'],
  [PlanAction.PRUNED, 'Pruned (pods and logs go with it)'],
  [PlanAction.LEFT, 'Left in the cluster'],
  [PlanAction.UNCHANGED, 'Unchanged'],
];
const TITLES = Object.fromEntries(SECTIONS) as Record<PlanAction, string>;
const ICONS: Record<PlanAction, string> = {
  [PlanAction.WILL_FAIL]: '❌', [PlanAction.RUNS_AGAIN]: '🔁', [PlanAction.REPLACED]: '♻️', [PlanAction.NEW]: '🆕', [PlanAction.HOOK]: '🪝',
  [PlanAction.CHANGED_IN_PLACE]: '✏️', [PlanAction.PRUNED]: '🗑️', [PlanAction.LEFT]: '📌', [PlanAction.UNCHANGED]: '·',
};

function entryLines(e: PlanEntry): string[] {
  const what = `${e.kind === 'Job' ? '' : `${e.kind} `}${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
  const tags = [e.policy, e.pattern].filter(Boolean).join(', ');
  const lines = [`  ${what}${tags ? ` [${tags}]` : ''}${e.replaces ? ` (was ${e.replaces})` : ''}: ${e.reason}`];
  if (e.fix) lines.push(`    fix: ${e.fix}`);
  for (const change of changeList(e, 8)) lines.push(`    ${change}`);
  if (e.dependsOn.length > 0 && e.action !== PlanAction.PRUNED) lines.push(`    uses: ${e.dependsOn.join(', ')}`);
  if (e.usedBy.length > 0) lines.push(`    used by: ${e.usedBy.join(', ')}`);
  return lines;
}

/** At most `max` of an entry's changes as `path: before -> after`, and how many more. */
function changeList(e: PlanEntry, max: number): string[] {
  const show = (v: unknown) => (v === undefined ? '(unset)' : truncate(typeof v === 'string' ? v : JSON.stringify(v), 60));
  const list = e.changes.slice(0, max).map(c => `${c.path}: ${show(c.before)} -> ${show(c.after)}`);
  return e.changes.length > max ? [...list, `... and ${e.changes.length - max} more field(s)`] : list;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The hook types Argo CD reads (gitops-engine hook.Types): its own annotation, else Helm's (as lib/validation/rules.ts). */
function hookTypes(annotations: Record<string, string> | undefined): string[] {
  const csv = (value: string | undefined) => (value ?? '').split(',').map(v => v.trim()).filter(v => v.length > 0);
  const argo = csv(annotations?.[ArgoCdAnnotations.HOOK]).filter(t => ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(t));
  if (argo.length > 0) return argo;
  const helm: Record<string, string> = { 'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync' };
  return [...new Set(csv(annotations?.[ArgoCdAnnotations.HELM_HOOK]).flatMap(t => (helm[t] ? [helm[t]] : [])))];
}

function syncOptions(m: Manifest): string[] {
  return (m.metadata.annotations?.[ArgoCdAnnotations.SYNC_OPTIONS] ?? '').split(',').map(v => v.trim());
}

/**
 * A Job's name without the spec hash `runOncePerSpec()` appends, as `jobBaseName()` of the library
 * (lib/core/gitops.ts, which loads cdk8s; a test keeps the two in step).
 */
export function baseName(m: Manifest): string {
  return m.metadata.annotations?.[JobPatternAnnotations.GITOPS_POLICY] === 'run-once-per-spec' ? m.metadata.name.replace(/-[0-9a-f]{8}$/, '') : m.metadata.name;
}

function libraryAnnotations(m: Manifest): { policy?: string; pattern?: string } {
  const policy = m.metadata.annotations?.[JobPatternAnnotations.GITOPS_POLICY];
  const pattern = m.metadata.annotations?.[JobPatternAnnotations.PATTERN];
  return { ...(policy ? { policy } : {}), ...(pattern ? { pattern } : {}) };
}

function isJob(m: Manifest): boolean {
  return m.apiVersion === 'batch/v1' && m.kind === 'Job';
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Kinds that have no namespace (the ones a cdk8s app writes). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'IngressClass', 'PersistentVolume']);

function ns(m: Manifest, namespace: string): string {
  return CLUSTER_SCOPED.has(m.kind) ? '' : m.metadata.namespace ?? namespace;
}

/** `group/kind/namespace/name`: one object whatever its API version. */
function objectKey(m: Manifest, namespace: string): string {
  return `${groupOf(m.apiVersion)}/${m.kind}/${ns(m, namespace)}/${m.metadata.name}`;
}

function labelOf(m: Manifest): string {
  return `${m.kind}/${m.metadata.name}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).filter(k => value[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** The annotation of `kubectl apply` (and Argo CD's client-side apply): the manifest last applied. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** What Argo CD adds to every object it applies (annotation tracking, label tracking): not a change of the manifest. */
const ARGO_CD_TRACKING = { annotation: 'argocd.argoproj.io/tracking-id', label: ArgoCdAnnotations.INSTANCE_LABEL };

/** The parts of KubernetesObjectApi the live baseline uses (as lib/runtime/apply.ts: raw JSON, no typed model that drops fields). */
interface ObjectApi {
  readonly configuration: { baseServer: { makeRequestContext(path: string, method: string): any } };
  specUriPath(spec: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }, action: string): Promise<string>;
  resource(apiVersion: string, kind: string): Promise<{ readonly namespaced: boolean } | undefined>;
  requestPromise(context: any, type?: string): Promise<any>;
}

/** The live cluster as the baseline: what it holds of each object, and the status of its Jobs. */
export interface LiveBaseline {
  /**
   * Each object of the manifests that the cluster has, as last applied (`kubectl apply`'s and Argo
   * CD's annotation), else as live but only in the fields the manifest sets (what the server
   * defaulted is no change); and the Jobs of the library under the same base name (earlier runs,
   * which the sync prunes).
   */
  readonly previous: Manifest[];
  /** The live status of each Job found, by `namespace/name`. */
  readonly liveJobs: Map<string, LiveJobStatus>;
}

/**
 * Reads from the cluster every object of `manifests` (this synth's, and a file baseline's to find
 * those that left Git), and the library's Jobs that share a base name with one of them. Throws when
 * the API server cannot be reached or refuses (no permission).
 */
export async function liveBaseline(kubeConfig: KubeConfigLike, manifests: readonly Manifest[], namespace: string): Promise<LiveBaseline> {
  const kc = clientKubeConfig(kubeConfig, 'liveBaseline: kubeConfig');
  const api = kubernetesClient().KubernetesObjectApi.makeApiClient(kc) as unknown as ObjectApi;
  const get = async (apiPath: string, query: Record<string, string> = {}) => {
    const context = api.configuration.baseServer.makeRequestContext(apiPath, 'GET');
    context.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    try {
      return await api.requestPromise(context, 'any');
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw new Error(`cannot read ${apiPath} from ${kc.getCurrentCluster()?.server}: ${describeError(error)}`);
    }
  };
  const previous: Manifest[] = [];
  const liveJobs = new Map<string, LiveJobStatus>();
  const seen = new Set<string>();
  const keep = (live: any, desired: Manifest | undefined) => {
    const key = objectKey(live, namespace);
    if (seen.has(key)) return;
    seen.add(key);
    previous.push(asApplied(live, desired));
    if (isJob(live)) {
      liveJobs.set(`${live.metadata.namespace}/${live.metadata.name}`, {
        started: live.status?.startTime !== undefined,
        suspended: live.spec?.suspend === true,
        suspendedCondition: (live.status?.conditions ?? []).some((c: any) => c.type === 'Suspended' && c.status === 'True'),
        active: live.status?.active ?? 0,
      });
    }
  };
  const namespacedCache = new Map<string, boolean | undefined>();
  for (const m of manifests) {
    const kindKey = `${m.apiVersion}/${m.kind}`;
    if (!namespacedCache.has(kindKey)) {
      try {
        namespacedCache.set(kindKey, (await api.resource(m.apiVersion, m.kind))?.namespaced);
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw new Error(`cannot read the API server's discovery of ${kindKey} from ${kc.getCurrentCluster()?.server}: ${describeError(error)}`);
        namespacedCache.set(kindKey, undefined);
      }
    }
    const namespaced = namespacedCache.get(kindKey);
    // A kind the server does not serve (a CRD not installed yet): nothing of it is live.
    if (namespaced === undefined) continue;
    const space = namespaced ? m.metadata.namespace ?? namespace : undefined;
    const live = await get(await api.specUriPath({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, ...(space ? { namespace: space } : {}) } }, 'read'));
    if (live !== undefined) keep(live, m);
    // Earlier runs of a runOncePerSpec Job: the library's Jobs with its name label and base name.
    const label = m.metadata.labels?.[JobPatternLabels.NAME];
    if (isJob(m) && label !== undefined && m.metadata.annotations?.[JobPatternAnnotations.GITOPS_POLICY] === 'run-once-per-spec') {
      const listed = await get(await api.specUriPath({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: space } }, 'list'), {
        labelSelector: `${JobPatternLabels.NAME}=${label},${JobPatternLabels.MANAGED_BY}=${JobPatternLabels.MANAGED_BY_VALUE}`,
      });
      for (const item of listed?.items ?? []) {
        const job = { apiVersion: 'batch/v1', kind: 'Job', ...item };
        if (baseName(job) === baseName(m)) keep(job, undefined);
      }
    }
  }
  return { previous, liveJobs };
}

/**
 * A live object as the baseline of a plan: the manifest last applied to it when it has one, else
 * its fields that `desired` sets (fields the API server or a controller added are no change);
 * without `desired` (an earlier run found by its labels), its metadata and spec. Argo CD's tracking
 * annotation and label are left out unless `desired` has them.
 * @internal
 */
export function asApplied(live: any, desired: Manifest | undefined): Manifest {
  const identity = { apiVersion: live.apiVersion, kind: live.kind };
  const lastApplied = live.metadata?.annotations?.[LAST_APPLIED];
  let applied: Manifest;
  if (typeof lastApplied === 'string') {
    applied = { ...JSON.parse(lastApplied), ...identity };
  } else if (desired !== undefined) {
    applied = { ...projectOnto(live, desired) as Manifest, ...identity };
  } else {
    applied = { ...identity, metadata: { name: live.metadata.name, namespace: live.metadata.namespace, labels: live.metadata.labels, annotations: live.metadata.annotations }, spec: live.spec };
  }
  const metadata = { ...applied.metadata, name: live.metadata.name, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}) };
  const drop = (map: Record<string, string> | undefined, key: string, keepIt: boolean) => {
    if (map === undefined || keepIt || !(key in map)) return map;
    const { [key]: _dropped, ...rest } = map;
    return Object.keys(rest).length > 0 ? rest : undefined;
  };
  const annotations = drop(drop(metadata.annotations, ARGO_CD_TRACKING.annotation, desired?.metadata.annotations?.[ARGO_CD_TRACKING.annotation] !== undefined), LAST_APPLIED, false);
  const labels = drop(metadata.labels, ARGO_CD_TRACKING.label, desired?.metadata.labels?.[ARGO_CD_TRACKING.label] !== undefined);
  return { ...applied, metadata: { ...metadata, annotations, labels } } as Manifest;
}

/**
 * `live` in the shape of `desired`: the members `desired` has, with `live`'s values; lists whose
 * items have names item by item, other lists of equal length position by position. A scalar equal
 * but for its type (`8080` and `"8080"`, an int-or-string) takes `desired`'s.
 */
function projectOnto(live: unknown, desired: unknown): unknown {
  if (isRecord(desired)) {
    if (!isRecord(live)) return live;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(desired)) {
      if (live[key] !== undefined) out[key] = projectOnto(live[key], desired[key]);
    }
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const named = (list: unknown[]) => list.length > 0 && list.every(i => isRecord(i) && typeof i.name === 'string');
    if (named(desired) && named(live)) {
      return live.filter(i => desired.some(d => (d as Record<string, unknown>).name === (i as Record<string, unknown>).name))
        .map(i => projectOnto(i, desired.find(d => (d as Record<string, unknown>).name === (i as Record<string, unknown>).name)));
    }
    return live.length === desired.length ? live.map((item, i) => projectOnto(item, desired[i])) : live;
  }
  if ((typeof desired === 'number' || typeof desired === 'string') && (typeof live === 'number' || typeof live === 'string') && String(live) === String(desired)) return desired;
  return live;
}

function describeError(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string };
  const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
  const message = (() => {
    try {
      return JSON.parse(body).message as string | undefined;
    } catch {
      return undefined;
    }
  })();
  return message ?? (e.code ? `HTTP ${e.code}` : e.message ?? String(error));
}

/** The options of `job-patterns plan`, as commander parses them. */
export interface PlanFlags {
  readonly baseline?: string;
  readonly baselineRef?: string;
  readonly live?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly kubernetesVersion?: string;
  readonly applyOutOfSyncOnly: boolean;
  readonly output: 'text' | 'json' | 'markdown';
  readonly markdown?: string;
}

/** Where the command writes (the CLI's `CliIo`). */
interface PlanIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The API server's version (`v1.37.2`); with a version the library does not know, the error says to pass --kubernetes-version. */
async function serverVersion(kc: KubeConfig): Promise<string> {
  let version: string;
  try {
    version = (await kc.makeApiClient(kubernetesClient().VersionApi).getCode()).gitVersion;
  } catch (error) {
    throw new Error(`cannot read the version of the API server at ${kc.getCurrentCluster()?.server}: ${describeError(error)}`);
  }
  const match = /^v?(1\.\d+)/.exec(version);
  return match ? match[1] : version;
}

/** The minor of the cluster's version, or an error saying to pass --kubernetes-version when the library does not know its rules. */
function versionOfCluster(version: string): number {
  try {
    return KubernetesVersion.of(version).minor;
  } catch {
    throw new Error(`the cluster runs Kubernetes ${version}, whose update rules the library does not know: pass --kubernetes-version (1.${KubernetesVersion.OLDEST_MINOR} to 1.${KubernetesVersion.NEWEST_MINOR}), the nearest to it`);
  }
}

/** `job-patterns plan [manifests...]`: the plan of `paths` (default `dist`) against the baseline the flags name; the exit code. */
export async function planCommand(paths: readonly string[], flags: PlanFlags, io: PlanIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`job-patterns plan: ${message}\n`);
    return PLAN_EXIT_CODES.ERROR;
  };
  const live = flags.live === true || flags.kubeconfig !== undefined || flags.context !== undefined;
  if (flags.baseline === undefined && flags.baselineRef === undefined && !live) {
    return fail('give a baseline: --baseline DIR (a previous synth), --baseline-ref REF (the same manifests at a git ref, e.g. origin/main), or --live (the cluster of the kubeconfig)');
  }
  if (flags.baseline !== undefined && flags.baselineRef !== undefined) {
    return fail('give --baseline or --baseline-ref, not both');
  }
  if (flags.kubernetesVersion !== undefined) {
    try {
      KubernetesVersion.of(flags.kubernetesVersion);
    } catch (error) {
      return fail(`--kubernetes-version: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (flags.markdown !== undefined && !fs.existsSync(path.dirname(path.resolve(flags.markdown)))) {
    return fail(`--markdown ${flags.markdown}: the directory ${path.dirname(path.resolve(flags.markdown))} does not exist`);
  }
  const missing = paths.find(p => !fs.existsSync(p));
  if (missing !== undefined) return fail(`${missing} does not exist (run cdk8s synth first, or name the directory it writes)`);
  if (flags.baseline !== undefined && !fs.existsSync(flags.baseline)) return fail(`--baseline ${flags.baseline} does not exist`);
  let current: Manifest[];
  let previous: Manifest[] = [];
  const baselines: string[] = [];
  let kubeConfig: KubeConfig | undefined;
  try {
    current = loadManifests(paths);
    if (flags.baselineRef !== undefined) {
      previous = gitBaseline(flags.baselineRef, paths);
      baselines.push(`${paths.join(', ')} at ${flags.baselineRef}${previous.length === 0 ? ' (no YAML there: every object is new)' : ''}`);
    } else if (flags.baseline !== undefined) {
      previous = loadManifests([flags.baseline]);
      baselines.push(flags.baseline);
    }
    if (live) kubeConfig = clientKubeConfig(loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context }), 'loadKubeConfig');
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const namespace = flags.namespace ?? (kubeConfig ? contextNamespace(kubeConfig) : 'default');
  let liveJobs: Map<string, LiveJobStatus> | undefined;
  let minor: number;
  try {
    minor = flags.kubernetesVersion !== undefined || !kubeConfig ? (flags.kubernetesVersion !== undefined ? KubernetesVersion.of(flags.kubernetesVersion) : KubernetesVersion.DEFAULT).minor : versionOfCluster(await serverVersion(kubeConfig));
    if (kubeConfig) {
      // The cluster is the baseline: what it holds of this synth's objects and of the file
      // baseline's (those that left Git and are still there are pruned).
      const found = await liveBaseline(kubeConfig, [...current, ...previous], namespace);
      previous = found.previous;
      liveJobs = found.liveJobs;
      baselines.push(`the live cluster (${kubeConfig.getCurrentContext()}, Kubernetes 1.${minor})`);
    }
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const plan = planChanges(current, previous, { baseline: baselines.join(' and '), kubernetesMinor: minor, namespace, applyOutOfSyncOnly: flags.applyOutOfSyncOnly, liveJobs });
  const render = { text: textPlan, json: (p: Plan) => JSON.stringify(p, null, 2), markdown: markdownPlan }[flags.output];
  io.stdout.write(`${render(plan).replace(/\n$/, '')}\n`);
  if (flags.markdown !== undefined) fs.writeFileSync(flags.markdown, markdownPlan(plan));
  return plan.exitCode;
}
