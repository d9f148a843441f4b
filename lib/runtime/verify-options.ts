import { ArgoCdVersion } from './argocd-health';
import { describeValue, KubeConfigLike } from './kubeconfig';
import { JobTarget } from './manifests';
import type { JobReport } from './verify-result';

/** Options of {@link verifyJobs}. */
export interface VerifyOptions {
  /** How to reach the cluster: {@link loadKubeConfig}, or a `KubeConfig` of your own. */
  readonly kubeConfig: KubeConfigLike;
  /** The Jobs to verify (from manifests). Either this or `selector`. */
  readonly targets?: readonly JobTarget[];
  /** A label selector: every Job that matches it in `namespace` is verified. */
  readonly selector?: string;
  /** Namespace for `selector`, and for targets that name none. */
  readonly namespace: string;
  /**
   * How long verification may take, from the verifier's creation: connecting, listing (retried
   * while the API server cannot be reached), watching, and reading the diagnosis (which gets at
   * most 5 s more). Every request has its own timeout within it.
   */
  readonly timeoutMs: number;
  /**
   * When the caller's clock started (epoch ms): `timeoutMs` counts from then instead of from the
   * verifier's creation, so the CLI's one deadline covers its own start-up and the report says the
   * timeout the user gave.
   * @internal
   */
  readonly _startedAt?: number;
  /** Stop at the first failed Job or stuck pod. @default false */
  readonly failFast?: boolean;
  /**
   * Count a queued or suspended Job as converged (the summary names those that never ran).
   * @default false - a queued or suspended Job is waited for, until the timeout
   */
  readonly allowSuspended?: boolean;
  /**
   * How long a target whose unfinished run was deleted waits for a new run under its name (what
   * Argo CD's `Replace=true` does) before it is `deleted`; also how long a target never seen whose
   * Events say it was deleted before verification began waits before it is `gone`.
   * @default 15000
   */
  readonly replacementGraceMs?: number;
  /**
   * Compare the pod template of a Job created before verification began with the target's
   * (`JobTarget.template`): a Job whose template is not the manifest's is an earlier run
   * (`outdated`), never the answer. Turn it off only where a webhook rewrites fields of every pod
   * template (an image mirror, digest pinning), which makes every earlier-created run look outdated.
   * @default true
   */
  readonly checkTemplate?: boolean;
  /**
   * With `selector`: the number of Jobs to wait for. Jobs of later sync waves are created after
   * the first ones finished; without this, verification ends when the Jobs that match so far
   * converged. @default - the Jobs that match when verification begins, and any that appear before they converged
   */
  readonly expectJobs?: number;
  /** Lines of log to fetch from each failed pod (at most 5 pods a Job); 0 fetches none. @default 10 */
  readonly logLines?: number;
  /** The Argo CD release whose health rules `argoCdHealth` follows. @default ArgoCdVersion.NEWEST */
  readonly argoCdVersion?: ArgoCdVersion;
  /** Called when a Job's state changes (at most every 200 ms), with every Job's report. */
  readonly onProgress?: (jobs: readonly JobReport[]) => void;
}

/** The longest timeout a Node.js timer can wait (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The default of {@link VerifyOptions.replacementGraceMs}. @internal */
export const REPLACEMENT_GRACE_MS = 15_000;

/**
 * Rejects options a JavaScript caller (or a cast) can get wrong, before anything is watched: each
 * message names the field, the value and the fix. The kube config is checked where it is converted.
 *
 * @internal
 */
export function checkVerifyOptions(options: VerifyOptions): void {
  const fail = (field: string, allowed: string, value: unknown, fix: string): never => {
    throw new Error(`VerifyOptions${field ? `.${field}` : ''}: ${allowed}, got ${describeValue(value)}. ${fix}`);
  };
  if (typeof options !== 'object' || options === null) {
    fail('', 'must be an object', options, 'Pass { kubeConfig, targets or selector, namespace, timeoutMs }.');
  }
  const o = options as unknown as Record<string, unknown>;
  if (typeof o.namespace !== 'string' || o.namespace === '') {
    fail('namespace', 'must be a non-empty string', o.namespace, 'Pass the namespace of the Jobs (targets that name none are looked for there).');
  }
  if (typeof o.timeoutMs !== 'number' || !Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0 || o.timeoutMs > MAX_TIMEOUT_MS) {
    fail('timeoutMs', `must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days, the longest a timer waits)`, o.timeoutMs, 'Pass how long to wait for the Jobs, e.g. 10 * 60_000 for 10 minutes.');
  }
  if ((o.targets === undefined) === (o.selector === undefined)) {
    throw new Error(`VerifyOptions.targets, VerifyOptions.selector: give exactly one, got ${o.targets === undefined ? 'neither' : 'both'}. Pass targets (jobTargets(loadManifests(['dist']), namespace)) or a label selector such as 'app=nightly'.`);
  }
  if (o.selector !== undefined && (typeof o.selector !== 'string' || o.selector === '')) {
    fail('selector', 'must be a non-empty label selector', o.selector, "Pass a selector such as 'app=nightly', or targets instead.");
  }
  if (o.targets !== undefined && (!Array.isArray(o.targets) || o.targets.some(t => typeof t?.name !== 'string' || t.name === ''))) {
    fail('targets', 'must be an array of { name, namespace? }', o.targets, "Build them with jobTargets(loadManifests(['dist']), namespace).");
  }
  if (o.logLines !== undefined && (!Number.isInteger(o.logLines) || (o.logLines as number) < 0)) {
    fail('logLines', 'must be a whole number >= 0', o.logLines, 'Pass how many log lines to read from each failed pod (0: none).');
  }
  for (const flag of ['failFast', 'allowSuspended', 'checkTemplate'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(flag, 'must be true or false', o[flag], `Pass a boolean, or leave ${flag} out (false).`);
  }
  if (o.argoCdVersion !== undefined && !(o.argoCdVersion instanceof ArgoCdVersion)) {
    fail('argoCdVersion', 'must be an ArgoCdVersion', o.argoCdVersion, "Pass ArgoCdVersion.of('3.6.1') (the version `argocd version` prints), or leave it out for the newest.");
  }
  if (o.replacementGraceMs !== undefined && (typeof o.replacementGraceMs !== 'number' || !Number.isFinite(o.replacementGraceMs) || o.replacementGraceMs < 0)) {
    fail('replacementGraceMs', 'must be a number of milliseconds >= 0', o.replacementGraceMs, 'Pass how long to wait for a replaced Job\'s new run, e.g. 15_000.');
  }
  if (o.expectJobs !== undefined && (!Number.isInteger(o.expectJobs) || (o.expectJobs as number) < 1 || o.selector === undefined)) {
    fail('expectJobs', 'must be a whole number >= 1, with selector', o.expectJobs, 'Pass how many Jobs the selector must match, and a selector; with targets, every target is waited for anyway.');
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    fail('onProgress', 'must be a function', o.onProgress, 'Pass (jobs) => { ... }, or leave it out.');
  }
}
