import { ArgoCdTracking, HookDeletePolicy, HookPhase, ttlAllowed } from './argo-cd';
import { HASH_LENGTH, MAX_HASHED_BASE_LENGTH, nameWithHash } from './hash';
import { ArgoCdAnnotations, JobPatternAnnotations } from './labels';

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
  public static readonly HASH_LENGTH = HASH_LENGTH;
  /** Longest part of a {@link runOncePerSpec} Job name before `-<hash>`: 63 - 1 - 8. */
  public static readonly MAX_BASE_NAME_LENGTH = MAX_HASHED_BASE_LENGTH;

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
  public _jobName(baseName: string, spec: unknown, keysSorted = false): string {
    if (!this.hashesName) {
      return baseName;
    }
    return nameWithHash(baseName, spec, keysSorted);
  }
}

/**
 * The name of a synthesized Job without the spec hash that `GitOpsPolicy.runOncePerSpec()`
 * appends (read from its `job-patterns.cdk8s.io/gitops-policy` annotation): `pi-1a2b3c4d` gives
 * `pi`; under the other policies, or for a Job this library did not make, the name as it is. A base
 * name longer than 54 characters comes back cut to 54. Use it to find "the pi Job" in `dist/`.
 */
export function jobBaseName(manifest: { readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> } }): string {
  const hashed = manifest.metadata.annotations?.[JobPatternAnnotations.GITOPS_POLICY] === GitOpsMode.RUN_ONCE_PER_SPEC;
  return hashed ? manifest.metadata.name.replace(new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`), '') : manifest.metadata.name;
}
