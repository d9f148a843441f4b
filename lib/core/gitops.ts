import { ApiObject, ApiObjectProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdAnnotations, JobPatternAnnotations } from './labels';
import { MAX_JOB_NAME_LENGTH, shortHash } from './names';

// Kept with the other keys in labels.ts (the runtime reads them without loading cdk8s); exported here too, where users found it.
export { ArgoCdAnnotations };

const GITOPS_POLICY_ANNOTATION = JobPatternAnnotations.GITOPS_POLICY;

/** The sync phase an Argo CD hook runs in. */
export enum HookPhase {
  /** Before the application's resources are applied (a database migration). */
  PRE_SYNC = 'PreSync',
  /** With the application's resources, ordered by sync wave. */
  SYNC = 'Sync',
  /** After every resource of the sync is applied and healthy (a smoke test, a notification). */
  POST_SYNC = 'PostSync',
  /** When the sync failed (a clean-up or an alert). */
  SYNC_FAIL = 'SyncFail',
}

/** When Argo CD deletes a hook. */
export enum HookDeletePolicy {
  /** The previous run is deleted just before the next sync creates the hook again (Argo CD's own default). */
  BEFORE_HOOK_CREATION = 'BeforeHookCreation',
  /** Deleted as soon as it succeeded (its logs go with it). */
  HOOK_SUCCEEDED = 'HookSucceeded',
  /** Deleted as soon as it failed. */
  HOOK_FAILED = 'HookFailed',
}

/**
 * How Argo CD treats a Job it syncs: whether it tracks it (and so re-creates it when it disappears).
 * @internal
 */
export enum ArgoCdTracking {
  /** Applied and tracked: a Job that disappears (its TTL deleted it) is re-created and runs again. */
  TRACKED = 'tracked',
  /** A hook: created by each sync, never tracked (`argocd.argoproj.io/hook`, or a Helm hook). */
  HOOK = 'hook',
  /** `argocd.argoproj.io/hook: Skip`: never applied. */
  SKIPPED = 'skipped',
  /** Not synced by Argo CD at all (`GitOpsPolicy.none()`). */
  NONE = 'none',
}

/**
 * The TTL rule, decided here only: a `ttlSecondsAfterFinished` is safe unless Argo CD tracks the
 * Job, because a tracked Job that its TTL deleted is re-created by auto-sync and runs again. The
 * library's default TTL, the constructs' error and the rule `gitops/ttl-on-tracked-job` read it.
 * @internal
 */
export function ttlAllowed(tracking: ArgoCdTracking): boolean {
  return tracking !== ArgoCdTracking.TRACKED;
}

/** Options of {@link GitOpsPolicy.hook}. */
export interface HookOptions {
  /**
   * The sync phase the Job runs in.
   *
   * @default HookPhase.SYNC
   */
  readonly phase?: HookPhase;

  /**
   * When Argo CD deletes the Job. `BeforeHookCreation` is always written as well (a second policy,
   * `HookSucceeded,BeforeHookCreation`): without it, a hook with a fixed name that is still there
   * (it failed, or it succeeded under `HookFailed`) is not created again, and the Job would stop
   * running on every sync.
   *
   * @default HookDeletePolicy.BEFORE_HOOK_CREATION
   */
  readonly deletePolicy?: HookDeletePolicy;
}

/** Which of the GitOps policies a {@link GitOpsPolicy} is. Written to the annotation `job-patterns.cdk8s.io/gitops-policy`. */
export enum GitOpsMode {
  /** `GitOpsPolicy.runOncePerSpec()`. */
  RUN_ONCE_PER_SPEC = 'run-once-per-spec',
  /** `GitOpsPolicy.hook()`. */
  HOOK = 'hook',
  /** `GitOpsPolicy.recreateOnChange()`. */
  RECREATE_ON_CHANGE = 'recreate-on-change',
  /** `GitOpsPolicy.none()`. */
  NONE = 'none',
}

/**
 * How a Job behaves when Argo CD (or any GitOps tool that prunes) syncs it from Git. A deployed
 * Job's `spec.template` is immutable, a Job runs once, and Argo CD re-creates a tracked Job that
 * disappeared: each policy picks one safe answer to "what happens when the spec changes, and when
 * is the Job run again".
 *
 * @example
 * new SingleBatchJob(chart, 'migrate', {
 *   gitOps: GitOpsPolicy.hook({ phase: HookPhase.PRE_SYNC }),
 *   container: { image: 'example.com/migrate:1.4.2' },
 * });
 */
export class GitOpsPolicy {
  /** Hex digits of the spec hash in a {@link runOncePerSpec} Job name. */
  public static readonly HASH_LENGTH = 8;
  /** Longest part of a {@link runOncePerSpec} Job name before `-<hash>`: 63 - 1 - 8. */
  public static readonly MAX_BASE_NAME_LENGTH = MAX_JOB_NAME_LENGTH - 1 - GitOpsPolicy.HASH_LENGTH;

  /**
   * The default. Run once for each version of the spec: the Job's name is `<name>-<8 hex>`, the hex
   * being a hash of the Job's whole `spec` as rendered (containers added later included), so a
   * changed spec is a new Job, which Argo CD creates, and the old one is no longer in Git, which an
   * Argo CD sync with pruning deletes. An unchanged spec keeps its name: nothing runs again.
   *
   * No `ttlSecondsAfterFinished` (the library's default TTL is not applied, and setting
   * `ttlAfterFinished` is an error): Argo CD would re-create, and so re-run, the Job its TTL deleted.
   * Without an Argo CD prune, replaced Jobs stay until deleted by hand.
   */
  public static runOncePerSpec(): GitOpsPolicy {
    return new GitOpsPolicy(GitOpsMode.RUN_ONCE_PER_SPEC);
  }

  /**
   * Run on every sync: the Job is an Argo CD hook (`argocd.argoproj.io/hook`) of `phase`, with a
   * stable name and the delete policy `deletePolicy` plus `BeforeHookCreation`. Hooks are not
   * diffed and not part of the application's health, so a changed template is never "immutable"
   * and a TTL is allowed (the library's default TTL applies; a TTL shorter than Argo CD takes to
   * see the Job finish leaves the sync waiting for the hook). The objects a pattern creates for the
   * Job (a queue, a ConfigMap, RBAC) become hooks of the same phase, a wave earlier, so they exist
   * when it runs and start fresh on each sync. `suspend: true` is rejected: Argo CD counts a
   * suspended hook as running, and the sync never ends.
   */
  public static hook(options: HookOptions = {}): GitOpsPolicy {
    return new GitOpsPolicy(GitOpsMode.HOOK, options.phase ?? HookPhase.SYNC, options.deletePolicy ?? HookDeletePolicy.BEFORE_HOOK_CREATION);
  }

  /**
   * Recreate on change: a stable name and `argocd.argoproj.io/sync-options: Force=true,Replace=true`,
   * so Argo CD deletes and re-creates the Job when its spec in Git changes (a plain apply fails:
   * the template is immutable). Argo CD applies every resource of a sync, and a replace always
   * deletes and re-creates: give the Application `syncPolicy.syncOptions: [ApplyOutOfSyncOnly=true]`,
   * or every sync (another object changed, an automated retry, a self-heal) runs the Job again
   * (seen on Argo CD 3.6.1: docs/maintainers/argo-cd-suite.md). Even then, a self-heal right after a sync can replace
   * the new Job once more before its first run finishes. Needs Argo CD 2.12 or newer; before Argo CD 3.2 the
   * dry run of a forced replace could create the Job a second time. Deleting a running Job stops
   * it. No TTL, as with {@link runOncePerSpec}.
   */
  public static recreateOnChange(): GitOpsPolicy {
    return new GitOpsPolicy(GitOpsMode.RECREATE_ON_CHANGE);
  }

  /**
   * No GitOps tool (`kubectl apply`, or a tool that does not prune): a stable name, no Argo CD
   * annotations, the library's defaults including the TTL, which is what cleans finished Jobs up
   * when nothing prunes them. A changed template fails to apply (immutable): delete the Job first.
   * The rule `gitops/ttl-on-tracked-job` does not report these Jobs.
   */
  public static none(): GitOpsPolicy {
    return new GitOpsPolicy(GitOpsMode.NONE);
  }

  /** Which policy this is. */
  public readonly mode: GitOpsMode;
  /** The hook's sync phase ({@link hook} only). */
  public readonly hookPhase?: HookPhase;
  /** The hook's delete policy as given ({@link hook} only); `BeforeHookCreation` is always written too. */
  public readonly hookDeletePolicy?: HookDeletePolicy;

  private constructor(mode: GitOpsMode, hookPhase?: HookPhase, hookDeletePolicy?: HookDeletePolicy) {
    this.mode = mode;
    this.hookPhase = hookPhase;
    this.hookDeletePolicy = hookDeletePolicy;
  }

  /** True when the Job's name ends in a hash of its spec ({@link runOncePerSpec}). */
  public get hashesName(): boolean {
    return this.mode === GitOpsMode.RUN_ONCE_PER_SPEC;
  }

  /** True when the Job may have a TTL ({@link hook} and {@link none}); the library's default TTL applies only then. */
  public get allowsTtl(): boolean {
    return ttlAllowed(this.tracking);
  }

  /** How Argo CD treats a Job under this policy. */
  private get tracking(): ArgoCdTracking {
    switch (this.mode) {
      case GitOpsMode.HOOK: return ArgoCdTracking.HOOK;
      case GitOpsMode.NONE: return ArgoCdTracking.NONE;
      default: return ArgoCdTracking.TRACKED;
    }
  }

  /**
   * True when a changed spec replaces the Job ({@link runOncePerSpec}, {@link recreateOnChange}).
   * Objects the Job reads whose content is not in its spec (a work-items ConfigMap, a filled queue)
   * are then named or annotated after their content, so that changing them changes the spec.
   */
  public get replacesOnChange(): boolean {
    return this.mode === GitOpsMode.RUN_ONCE_PER_SPEC || this.mode === GitOpsMode.RECREATE_ON_CHANGE;
  }

  /** The factory call that makes this policy, for messages: `GitOpsPolicy.hook({ phase: 'PostSync' })`. */
  public toString(): string {
    switch (this.mode) {
      case GitOpsMode.RUN_ONCE_PER_SPEC: return 'GitOpsPolicy.runOncePerSpec()';
      case GitOpsMode.RECREATE_ON_CHANGE: return 'GitOpsPolicy.recreateOnChange()';
      case GitOpsMode.NONE: return 'GitOpsPolicy.none()';
      default: return `GitOpsPolicy.hook({ phase: '${this.hookPhase}', deletePolicy: '${this.hookDeletePolicy}' })`;
    }
  }

  /**
   * The Argo CD annotations of the Job itself.
   * @internal
   */
  public _jobAnnotations(): Record<string, string> {
    switch (this.mode) {
      case GitOpsMode.HOOK:
        return {
          [ArgoCdAnnotations.HOOK]: this.hookPhase!,
          [ArgoCdAnnotations.HOOK_DELETE_POLICY]: this.hookDeletePolicy === HookDeletePolicy.BEFORE_HOOK_CREATION
            ? HookDeletePolicy.BEFORE_HOOK_CREATION
            : `${this.hookDeletePolicy},${HookDeletePolicy.BEFORE_HOOK_CREATION}`,
        };
      case GitOpsMode.RECREATE_ON_CHANGE:
        return { [ArgoCdAnnotations.SYNC_OPTIONS]: ArgoCdAnnotations.FORCE_REPLACE };
      default:
        return {};
    }
  }

  /**
   * The annotations of an object a pattern creates for its Job (a ConfigMap, RBAC, a queue). Under
   * {@link hook} it becomes a hook of the same phase, re-created on each sync, in `wave` (one
   * before the Job's unless the object has a wave of its own); otherwise nothing.
   * @internal
   */
  public _dependencyAnnotations(wave: number): Record<string, string> {
    if (this.mode !== GitOpsMode.HOOK) {
      return {};
    }
    return {
      [ArgoCdAnnotations.HOOK]: this.hookPhase!,
      [ArgoCdAnnotations.HOOK_DELETE_POLICY]: HookDeletePolicy.BEFORE_HOOK_CREATION,
      [ArgoCdAnnotations.SYNC_WAVE]: `${wave}`,
    };
  }

  /**
   * The Job's name under this policy: `baseName`, or under {@link runOncePerSpec}
   * `<baseName, cut to 54 characters>-<8 hex of the spec>`.
   * @internal
   */
  public _jobName(baseName: string, spec: unknown): string {
    if (!this.hashesName) {
      return baseName;
    }
    return nameWithHash(baseName, spec);
  }
}

/**
 * JSON with object keys sorted at every level and undefined members left out: the same value gives
 * the same text whatever order its keys were added in (cdk8s sorts keys only unless
 * `CDK8S_DISABLE_SORT` is set).
 */
export function canonicalJson(value: unknown): string {
  // cdk8s renders keys sorted: then the native JSON.stringify gives the same text, three times faster.
  return keysSorted(value) ? JSON.stringify(value) : sortedJson(value);
}

function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.every(keysSorted);
  }
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    if ((previous !== undefined && previous > key) || !keysSorted((value as Record<string, unknown>)[key])) {
      return false;
    }
    previous = key;
  }
  return true;
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  // Plain loops: this runs once per Job and synth, ten thousand times for a large template expansion.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += `${i > 0 ? ',' : ''}${value[i] === undefined ? 'null' : sortedJson(value[i])}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) {
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${sortedJson(record[key])}`;
    }
  }
  return `${out}}`;
}

/**
 * The content hash of the library, in one place: 8 hex digits (sha256) of a value's canonical
 * JSON. It names runOncePerSpec Jobs after their spec, work-items ConfigMaps after their items, and
 * annotates a Redis queue's pods with its items.
 */
export function contentHash(value: unknown): string {
  return shortHash(canonicalJson(value), GitOpsPolicy.HASH_LENGTH);
}

/** The 8 hex digits of a Job spec, as used in {@link GitOpsPolicy.runOncePerSpec} names. */
export function specHash(spec: unknown): string {
  return contentHash(spec);
}

/**
 * `<base, cut to 54 characters>-<contentHash(content)>`: a name of at most 63 characters that
 * changes with the content.
 * @internal
 */
export function nameWithHash(base: string, content: unknown): string {
  const head = base.slice(0, GitOpsPolicy.MAX_BASE_NAME_LENGTH).replace(/-+$/, '');
  return `${head}-${contentHash(content)}`;
}

/**
 * A Job's API object whose manifest name follows its GitOps policy: under
 * {@link GitOpsPolicy.runOncePerSpec}, `<name, cut to 54 characters>-<8 hex of the spec>`, the spec
 * exactly as rendered (after every container, env var and JSON patch), so nothing added after
 * construction escapes the hash, and the hash never covers the name itself. Its own `name` stays
 * the base name; under the other policies it renders as a plain ApiObject.
 * @internal
 */
export class JobApiObject extends ApiObject {
  constructor(scope: Construct, id: string, props: ApiObjectProps, private readonly policy: GitOpsPolicy) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (this.policy.hashesName) {
      json.metadata.name = this.policy._jobName(this.name, json.spec);
    }
    return json;
  }
}

/**
 * The name of a synthesized Job without the spec hash that `GitOpsPolicy.runOncePerSpec()`
 * appends (read from its `job-patterns.cdk8s.io/gitops-policy` annotation): `pi-1a2b3c4d` gives
 * `pi`; under the other policies, or for a Job this library did not make, the name as it is. A base
 * name longer than 54 characters comes back cut to 54. Use it to find "the pi Job" in `dist/`.
 */
export function jobBaseName(manifest: { readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> } }): string {
  const hashed = manifest.metadata.annotations?.[GITOPS_POLICY_ANNOTATION] === GitOpsMode.RUN_ONCE_PER_SPEC;
  return hashed ? manifest.metadata.name.replace(new RegExp(`-[0-9a-f]{${GitOpsPolicy.HASH_LENGTH}}$`), '') : manifest.metadata.name;
}

/**
 * The sync wave written on `annotations`, or 0 (Argo CD's default) when there is none.
 * @internal
 */
export function syncWaveOf(annotations: Readonly<Record<string, string>> | undefined): number {
  const wave = Number.parseInt(annotations?.[ArgoCdAnnotations.SYNC_WAVE] ?? '0', 10);
  return Number.isNaN(wave) ? 0 : wave;
}
