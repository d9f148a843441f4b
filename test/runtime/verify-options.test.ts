import { ArgoCdVersion, JobVerifier, VerifyOptions } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { runCli as cli } from './run-cli';

// Nothing here reaches a cluster: the options are checked when the verifier is made.
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
const VALID: VerifyOptions = { kubeConfig, selector: 'app=nightly', namespace: 'batch', timeoutMs: 60_000 };

/** The error of a verifier made with `VALID` changed by `change`, as a JavaScript caller can pass it. */
function errorWith(change: Record<string, unknown>): string {
  try {
    new JobVerifier({ ...VALID, ...change } as unknown as VerifyOptions);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

test('valid options of every kind make a verifier', () => {
  expect(errorWith({})).toBe('no error');
  expect(errorWith({ selector: undefined, targets: [{ name: 'pi' }, { name: 'other', namespace: 'x' }], logLines: 0, failFast: true, allowSuspended: false, argoCdVersion: ArgoCdVersion.of('3.5'), onProgress: () => undefined })).toBe('no error');
});

describe('fails when a JavaScript caller passes', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['no namespace', { namespace: undefined },
      'VerifyOptions.namespace: must be a non-empty string, got undefined. Pass the namespace of the Jobs (targets that name none are looked for there).'],
    ['the timeout as text', { timeoutMs: '10m' },
      "VerifyOptions.timeoutMs: must be a number of milliseconds from 1 to 2147483647 (about 24.8 days, the longest a timer waits), got '10m'. Pass how long to wait for the Jobs, e.g. 10 * 60_000 for 10 minutes."],
    ['a zero timeout', { timeoutMs: 0 },
      'VerifyOptions.timeoutMs: must be a number of milliseconds from 1 to 2147483647 (about 24.8 days, the longest a timer waits), got 0. Pass how long to wait for the Jobs, e.g. 10 * 60_000 for 10 minutes.'],
    ['neither targets nor a selector', { selector: undefined },
      "VerifyOptions.targets, VerifyOptions.selector: give exactly one, got neither. Pass targets (jobTargets(loadManifests(['dist']), namespace)) or a label selector such as 'app=nightly'."],
    ['both targets and a selector', { targets: [{ name: 'pi' }] },
      "VerifyOptions.targets, VerifyOptions.selector: give exactly one, got both. Pass targets (jobTargets(loadManifests(['dist']), namespace)) or a label selector such as 'app=nightly'."],
    ['an empty selector', { selector: '' },
      "VerifyOptions.selector: must be a non-empty label selector, got ''. Pass a selector such as 'app=nightly', or targets instead."],
    ['Job names as targets', { selector: undefined, targets: ['pi'] },
      `VerifyOptions.targets: must be an array of { name, namespace? }, got ["pi"]. Build them with jobTargets(loadManifests(['dist']), namespace).`],
    ['a negative log line count', { logLines: -1 },
      'VerifyOptions.logLines: must be a whole number >= 0, got -1. Pass how many log lines to read from each failed pod (0: none).'],
    ['failFast as text', { failFast: 'yes' },
      "VerifyOptions.failFast: must be true or false, got 'yes'. Pass a boolean, or leave failFast out (false)."],
    ['the Argo CD version as text', { argoCdVersion: '3.6.1' },
      "VerifyOptions.argoCdVersion: must be an ArgoCdVersion, got '3.6.1'. Pass ArgoCdVersion.of('3.6.1') (the version `argocd version` prints), or leave it out for the newest."],
    ['onProgress that is not a function', { onProgress: true },
      'VerifyOptions.onProgress: must be a function, got true. Pass (jobs) => { ... }, or leave it out.'],
  ])('%s', (_name, change, message) => {
    expect(errorWith(change)).toBe(message);
  });
});

test('fails when the CLI gets a zero timeout: exit 3, before any cluster is asked', async () => {
  const result = await cli('verify', '--selector', 'a=b', '--timeout', '0s');
  expect(result.code).toBe(3);
  expect(result.stderr).toBe("error: option '--timeout <duration>' argument '0s' is invalid. '0s' is not a duration > 0; use e.g. 90s, 5m or 1h\n");
});
