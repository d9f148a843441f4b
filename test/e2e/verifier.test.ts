import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from '../../lib/runtime/k8s';
import { Duration, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { e2eMinor, kubeConfig, kubeconfigPath, libraryJob as job, restartApiServer, restrictedNamespace } from './cluster';
import { applyManifests, JobState, JobVerifier, Manifest, VerifyOutcome } from '../../runtime';
import { runCli as cli } from '../runtime/run-cli';

async function apply(kc: KubeConfig, namespace: string, manifests: Manifest[]): Promise<void> {
  const rejected = (await applyManifests(kc, manifests, { namespace })).filter(r => r.error);
  expect(rejected).toEqual([]);
}

/** The temporary folders of the suite, removed after it. */
const temporary: string[] = [];
afterAll(() => temporary.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function temporaryFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function writeManifests(manifests: Manifest[]): string {
  const dir = temporaryFolder('job-patterns-verify-');
  fs.writeFileSync(path.join(dir, 'jobs.k8s.yaml'), Yaml.stringify(...manifests));
  return dir;
}


describe('job-patterns verify (CLI)', () => {
  test('--apply: exits 0 when every Job converges', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-ok');
    const dir = writeManifests([job('pi'), job('two-times', { duration: '2s' })]);
    const result = await cli('verify', '--apply', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '2m', '--junit', path.join(dir, 'junit.xml'));
    expect(result.stderr).toBe('applied 2 object(s)\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/converged: 2 Job\(s\) converged/);
    expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf-8')).toContain('<testsuite name="job-patterns verify" tests="2" failures="0" errors="0"');
  });

  test('--apply: exits 1 for unlucky, with the reason and the exit codes', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-unlucky');
    // The seed's unlucky: backoffLimit 3, every attempt exits 1 -> 4 failed pods, back-off 10+20+40 s.
    const dir = writeManifests([job('pi'), job('unlucky', { exitCode: 1 }, { backoffLimit: 3 })]);
    const result = await cli('verify', '--apply', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '4m', '--junit', path.join(dir, 'junit.xml'));
    expect(result.code).toBe(1);
    // From 1.31 the verdict comes from FailureTarget, before Failed: the line says [early].
    expect(result.stdout).toMatch(new RegExp(`${ns}/unlucky +failed \\(BackoffLimitExceeded\\)${e2eMinor >= 31 ? ' \\[early\\]' : ''} +pods 4 max-running 1 failed 4`));
    expect(result.stdout.match(/failed pod unlucky-\w+: container main exit 1 \(Error\)/g)).toHaveLength(4);
    expect(result.stdout).toMatch(/failed: 1 of 2 Job\(s\) did not converge: unlucky failed \(BackoffLimitExceeded\)/);
    expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf-8')).toContain('<failure message="failed (BackoffLimitExceeded)">');
  });

  test("shows a failed container's termination message when its log cannot be read", async () => {
    // kwok runs no containers, so pods/log always fails here, as it does without the pods/log permission.
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-message');
    const dir = writeManifests([job('broken', { exitCode: 2, terminationMessage: 'Traceback (most recent call last):\nValueError: bad row 17' }, { backoffLimit: 0 })]);
    const result = await cli('verify', '--apply', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '2m');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex(l => /^ {4}failed pod broken-\w+: container main exit 2 \(Error\)$/.test(l));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {6}\(no logs: /);
    expect(lines.slice(at + 2, at + 5)).toEqual([
      '      termination message of container main:',
      '      | Traceback (most recent call last):',
      '      | ValueError: bad row 17',
    ]);
  });

  test('exits 3 when the kubeconfig cannot be read', async () => {
    const result = await cli('verify', '--selector', 'a=b', '--kubeconfig', '/nonexistent/kubeconfig');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("job-patterns verify: cannot load the kubeconfig: Error: ENOENT: no such file or directory, open '/nonexistent/kubeconfig'\n");
  });

  test('fails when --argo-cd-version is not a version: exit 3, naming the flag, the value and the form', async () => {
    const result = await cli('verify', '--selector', 'a=b', '--argo-cd-version', 'latest');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("error: option '--argo-cd-version <version>' argument 'latest' is invalid. ArgoCdVersion.of: 'version' must be an Argo CD version such as '3.6.1' or 'v3.5', got 'latest'. Pass the version `argocd version` prints for the server.\n");
  });

  test('exits 3 when the API server cannot be reached', async () => {
    const unreachable = path.join(temporaryFolder('kc-'), 'kubeconfig');
    fs.writeFileSync(unreachable, fs.readFileSync(kubeconfigPath, 'utf-8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
    // Retried until the timeout (an API server restarting is back within it), then one line that names the server.
    const started = Date.now();
    const result = await cli('verify', '--selector', 'a=b', '--kubeconfig', unreachable, '--timeout', '5s');
    expect(result.code).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(result.stdout).toMatch(/^error: cannot reach the cluster at https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.* \(\d+ failed requests over 5 s\)/m);
  });

  test('exits 3 when nothing matches the selector', async () => {
    const ns = await restrictedNamespace(kubeConfig(), 'cli-none');
    const result = await cli('verify', '--selector', 'app.kubernetes.io/name=nothing-here', '--kubeconfig', kubeconfigPath, '-n', ns);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`error: no Job matches selector 'app.kubernetes.io/name=nothing-here' in namespace '${ns}'`);
  });

  test('exits 3 on a usage error', async () => {
    expect((await cli('verify')).code).toBe(3);
    expect((await cli('verify', 'dist', '--timeout', 'soon')).stderr).toContain("'soon' is not a duration");
  });

  test('exits 2 on timeout and reports where each Job stands (JSON)', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-timeout');
    await apply(kc, ns, [job('slow', { duration: '120s' })]);
    const result = await cli('verify', '--selector', 'app.kubernetes.io/name=slow', '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '4s', '-o', 'json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.outcome).toBe('timeout');
    expect(report.summary).toBe('timed out after 4 s, still waiting for slow running');
    expect(report.jobs.map((j: any) => [j.name, j.verdict.state])).toEqual([['slow', 'running']]);
  });

  test('--fail-fast fails on an unschedulable pod before the deadline', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-stuck');
    await apply(kc, ns, [job('greedy', {}, { container: { image: 'busybox:1.36.1', resources: { cpu: { request: kplus.Cpu.units(1000) } } } })]);
    const started = Date.now();
    const result = await cli('verify', '--selector', 'app.kubernetes.io/name=greedy', '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '2m', '--fail-fast');
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stdout).toMatch(/failed: pod greedy-\w+ of Job greedy is stuck: Unschedulable/);
    expect(result.stdout).toMatch(/STUCK greedy-\w+: Unschedulable/);
  });

  test('a suspended Job is waited for: exit 2 at the timeout saying it is queued, or 0 with --allow-suspended saying it never ran', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'cli-suspended');
    await apply(kc, ns, [job('later', {}, { suspend: true })]);
    const strict = await cli('verify', '--selector', 'app.kubernetes.io/name=later', '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '5s');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toMatch(/later +queued \(JobSuspended\)/);
    expect(strict.stdout).toMatch(/timeout: timed out after 5 s, still waiting for later queued since \S+ \(never admitted or resumed\)/);
    const allowed = await cli('verify', '--selector', 'app.kubernetes.io/name=later', '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '1m', '--allow-suspended');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/converged: 1 Job\(s\) converged, 1 of them only because --allow-suspended counts it \(later queued \(JobSuspended\)\); 1 never ran/);
  });
});

describe('JobVerifier with a selector', () => {
  test('judges every Job of the initial list, not only the first one listed', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'selector');
    // 'a-done' sorts (and lists) first and is complete before verification starts; 'b-slow' still runs.
    await apply(kc, ns, [job('a-done', {}, { partOf: 'batch-x' })]);
    await new JobVerifier({ kubeConfig: kc, targets: [{ name: 'a-done', namespace: ns }], namespace: ns, timeoutMs: 60_000 }).run();
    await apply(kc, ns, [job('b-slow', { duration: '6s' }, { partOf: 'batch-x' })]);
    const started = Date.now();
    const result = await new JobVerifier({ kubeConfig: kc, selector: 'app.kubernetes.io/part-of=batch-x', namespace: ns, timeoutMs: 60_000 }).run();
    expect(result.summary).toBe('2 Job(s) converged');
    expect(result.jobs.map(j => [j.name, j.verdict.state])).toEqual([['a-done', JobState.COMPLETE], ['b-slow', JobState.COMPLETE]]);
    expect(Date.now() - started).toBeGreaterThan(2000);
  });
});

describe('JobVerifier under faults', () => {
  test('survives an API server restart mid-watch without missing or double-counting', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'restart');
    await apply(kc, ns, [job('steady', { duration: '12s' })]);
    const verifier = new JobVerifier({ kubeConfig: kc, targets: [{ name: 'steady', namespace: ns }], namespace: ns, timeoutMs: 120_000 });
    const running = verifier.run();
    await new Promise(r => setTimeout(r, 3000));
    await restartApiServer(kc, 3000);
    const result = await running;
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    const [report] = result.jobs;
    expect(report.verdict.state).toBe(JobState.COMPLETE);
    expect(report.stats.podsCreated).toBe(1);
    expect(report.stats.failedAttempts).toBe(0);
    // Both watches broke; each reflector re-listed (retrying while the server was down) and watched again.
    expect(result.requests.lists).toBeGreaterThanOrEqual(4);
    expect(result.requests.watches).toBeGreaterThanOrEqual(4);
  });

  test('re-lists after a forced watch expiry (410 Gone) and still sees the transition', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'expiry');
    await apply(kc, ns, [job('expiring', { duration: '8s' })]);
    const verifier = new JobVerifier({ kubeConfig: kc, targets: [{ name: 'expiring', namespace: ns }], namespace: ns, timeoutMs: 120_000 });
    const running = verifier.run();
    await new Promise(r => setTimeout(r, 2000));
    verifier.forceWatchExpiry();
    const result = await running;
    expect(result.jobs[0].verdict.state).toBe(JobState.COMPLETE);
    expect(result.jobs[0].stats.podsCreated).toBe(1);
    expect(result.requests.lists).toBe(4);
  });

  test('a Job its TTL deletes while watched is judged by the last state seen', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'ttl');
    await apply(kc, ns, [job('short-lived', { duration: '3s' }, { omitDefaults: [], ttlAfterFinished: Duration.seconds(0) })]);
    const result = await new JobVerifier({ kubeConfig: kc, targets: [{ name: 'short-lived', namespace: ns }], namespace: ns, timeoutMs: 60_000 }).run();
    expect(result.jobs[0].verdict.state).toBe(JobState.COMPLETE);
    // And it really was deleted by its TTL.
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = (await batch.listNamespacedJob({ namespace: ns })).items.length === 0;
      if (!gone) await new Promise(r => setTimeout(r, 200));
    }
    expect(gone).toBe(true);
  });

  test('a Job deleted while running is never a success', async () => {
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'deleted');
    await apply(kc, ns, [job('doomed', { duration: '60s' })]);
    const verifier = new JobVerifier({ kubeConfig: kc, targets: [{ name: 'doomed', namespace: ns }], namespace: ns, timeoutMs: 60_000, replacementGraceMs: 3000 });
    const running = verifier.run();
    await new Promise(r => setTimeout(r, 3000));
    await kc.makeApiClient(k8s.BatchV1Api).deleteNamespacedJob({ name: 'doomed', namespace: ns, propagationPolicy: 'Background' });
    const result = await running;
    // No new run came under its name within the grace period: deleted, a failure.
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(result.jobs[0].verdict).toMatchObject({ state: JobState.DELETED, reason: 'DeletedBeforeFinished', message: 'deleted while running, and no new run came under its name within 3 s' });
    expect(result.jobs[0].earlierRuns).toEqual([expect.objectContaining({ endedBy: 'deleted', state: JobState.RUNNING })]);
  });
});

describe('applyManifests', () => {
  test('namespaced or not as the API server discovers it: a cluster-scoped IngressClass gets no namespace, a ConfigMap the default; an unserved kind fails alone', async () => {
    // GIVEN
    const kc = kubeConfig();
    const ns = await restrictedNamespace(kc, 'apply-scope');
    const manifests: Manifest[] = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: `${ns}-class` }, spec: { controller: 'example.com/ingress' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } },
    ];

    // WHEN (a dry run: nothing cluster-wide is left behind)
    const results = await applyManifests(kc, manifests, { namespace: ns, dryRun: true });

    // THEN
    expect(results.map(({ error, ...rest }) => ({ ...rest, failed: error !== undefined }))).toEqual([
      { kind: 'IngressClass', name: `${ns}-class`, failed: false },
      { kind: 'Widget', name: 'w', failed: true },
      { kind: 'ConfigMap', name: 'settings', namespace: ns, failed: false },
    ]);
    expect(results[1].error).toBe('the API server serves no kind Widget in example.com/v1: check apiVersion and kind, and for a custom resource apply its CustomResourceDefinition first');
  });
});
