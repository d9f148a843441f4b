import { ArgoCdAnnotations } from './labels';

// Argo CD's vocabulary as the library writes and reads it: the sync phases of hooks and their
// delete policies, how Argo CD tracks a Job, the TTL rule that follows from it, and sync waves.

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

/**
 * The sync wave written on `annotations`, or 0 (Argo CD's default) when there is none.
 * @internal
 */
export function syncWaveOf(annotations: Readonly<Record<string, string>> | undefined): number {
  const wave = Number.parseInt(annotations?.[ArgoCdAnnotations.SYNC_WAVE] ?? '0', 10);
  return Number.isNaN(wave) ? 0 : wave;
}
