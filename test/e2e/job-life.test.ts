/**
 * The verifier over a Job's whole life, on the real control plane: the Job is changed while
 * `job-patterns verify <manifest>` watches it, as Argo CD, Kueue, a TTL or a frozen API server
 * would change it (issue 21). Each test failed on the verifier of 0.2.0 (the table in
 * docs/verify.md's table of what happens to a Job while verify watches says what it did).
 *
 * The CLI runs in-process (runCli), except where the test needs a process of its own to stop.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { Duration, Yaml } from 'cdk8s';
import { clusterApiServerPid, e2eMinor, kubeConfig, kubeconfigPath, libraryJob as job, restartApiServer, restrictedNamespace, waitForApiServer } from './cluster';
import { applyManifests, Manifest } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { runCli as cli } from '../runtime/run-cli';

let kc: KubeConfig;
beforeAll(() => { kc = kubeConfig(); });

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function apply(namespace: string, manifests: Manifest[]): Promise<void> {
  const rejected = (await applyManifests(kc, manifests, { namespace })).filter(r => r.error);
  expect(rejected).toEqual([]);
}

/** The folders {@link writeManifests} made, removed after the suite. */
const written: string[] = [];
afterAll(() => written.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function writeManifests(manifests: Manifest[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-life-'));
  written.push(dir);
  fs.writeFileSync(path.join(dir, 'jobs.k8s.yaml'), Yaml.stringify(...manifests));
  return dir;
}

/** Deletes a Job (its pods go with it, in the background) and waits until the name is free. */
async function deleteJob(namespace: string, name: string): Promise<void> {
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
  for (let i = 0; i < 100; i++) {
    try {
      await batch.readNamespacedJob({ name, namespace });
      await sleep(100);
    } catch {
      return;
    }
  }
  throw new Error(`Job ${namespace}/${name} was not deleted within 10 s`);
}

/** Waits until the Job has one of the conditions (True). */
async function waitFor(namespace: string, name: string, types: string[], timeoutMs = 60_000): Promise<void> {
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await batch.readNamespacedJob({ name, namespace }).catch(() => undefined);
    if ((found?.status?.conditions ?? []).some(c => types.includes(c.type) && c.status === 'True')) return;
    await sleep(200);
  }
  throw new Error(`Job ${namespace}/${name} got none of ${types.join(', ')} within ${timeoutMs / 1000} s`);
}

async function uidOf(namespace: string, name: string): Promise<string> {
  return (await kc.makeApiClient(k8s.BatchV1Api).readNamespacedJob({ name, namespace })).metadata!.uid!;
}

describe('the verifier follows a Job replaced under its name', () => {
  test('the running Job is deleted and re-created 3 s in (Replace=true): it follows the new run and exits 0 when it completes', async () => {
    // GIVEN a running Job
    const ns = await restrictedNamespace(kc, 'replace-running');
    const manifest = job('migrate', { duration: '8s' });
    await apply(ns, [manifest]);
    const first = await uidOf(ns, 'migrate');
    const dir = writeManifests([manifest]);

    // WHEN verify watches it, and it is replaced by the same manifest 3 s in
    const verifying = cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '90s', '-o', 'json');
    await sleep(3000);
    await deleteJob(ns, 'migrate');
    await apply(ns, [manifest]);
    const second = await uidOf(ns, 'migrate');
    const result = await verifying;

    // THEN the new run is the answer, and the replaced one is named
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout).jobs[0];
    expect(report.verdict.state).toBe('complete');
    expect(report.uid).toBe(second);
    expect(report.earlierRuns).toEqual([expect.objectContaining({ uid: first, endedBy: 'deleted', state: expect.stringMatching(/^(running|pending)$/) })]);
  });

  test('a Complete run of an earlier manifest, replaced 2 s in by this change\'s run that fails: exit 1, the stale success never counts', async () => {
    // GIVEN an earlier run that completed
    const ns = await restrictedNamespace(kc, 'replace-stale');
    await apply(ns, [job('backfill', { duration: '1s' })]);
    await waitFor(ns, 'backfill', ['Complete']);
    const stale = await uidOf(ns, 'backfill');
    // The manifest of this change: another template (its pods fail).
    const manifest = job('backfill', { exitCode: 1 }, { backoffLimit: 0 });
    const dir = writeManifests([manifest]);

    // WHEN verify starts, and the sync replaces the Job 2 s in
    const started = Date.now();
    const verifying = cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '90s', '-o', 'json');
    await sleep(2000);
    await deleteJob(ns, 'backfill');
    await apply(ns, [manifest]);
    const result = await verifying;

    // THEN it waited for this change's run, and that run failed
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(2000);
    const report = JSON.parse(result.stdout).jobs[0];
    expect(report.verdict).toMatchObject({ state: 'failed', reason: 'BackoffLimitExceeded' });
    expect(report.earlierRuns).toEqual([expect.objectContaining({ uid: stale, state: 'complete', endedBy: 'deleted', outdated: expect.stringContaining('job-patterns.test/exit-code') })]);
  });

  test('a replacement during a watch gap (the verifier stopped, the API server restarted) lands on the new run', async () => {
    // GIVEN a running Job, and verify in a process of its own
    const ns = await restrictedNamespace(kc, 'replace-gap');
    const manifest = job('reindex', { duration: '30s' });
    await apply(ns, [manifest]);
    const first = await uidOf(ns, 'reindex');
    const dir = writeManifests([manifest]);
    const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'job-patterns.js'), 'verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '120s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const watching = new Promise<void>(resolve => child.stdout.on('data', chunk => {
      stdout += chunk;
      // Its first progress line: it has listed the Job, and watches.
      if (new RegExp(`\\] ${ns}/reindex running`).test(stdout)) resolve();
    }));
    const exited = new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)));
    await watching;

    // WHEN the verifier is frozen, the API server restarted (the verifier's watches break, unseen),
    // the Job replaced, and then the verifier goes on: it learns of the replacement only from a re-list
    process.kill(child.pid!, 'SIGSTOP');
    try {
      await restartApiServer(kc, 500);
      await deleteJob(ns, 'reindex');
      await apply(ns, [manifest]);
    } finally {
      process.kill(child.pid!, 'SIGCONT');
    }
    const code = await exited;

    // THEN the deletion it missed does not end the target: the new run completes, exit 0
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${ns}/reindex +complete`));
    expect(stdout).toContain(`    earlier run ${first} (created `);
    expect(stdout).toMatch(new RegExp(`earlier run ${first} \\(created [^)]+\\): replaced by a newer Job of the same name while running`));
  });
});

describe('queued, suspended and externally managed Jobs are waited for', () => {
  test('created suspend: true with a Kueue queue label and resumed 5 s later: waits, then exit 0', async () => {
    const ns = await restrictedNamespace(kc, 'queued-resumed');
    const queued = withLabels(job('train', { duration: '2s' }, { suspend: true }), { 'kueue.x-k8s.io/queue-name': 'user-queue' });
    await apply(ns, [queued]);
    const dir = writeManifests([queued]);
    const started = Date.now();
    const verifying = cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '90s');
    await sleep(5000);
    await kc.makeApiClient(k8s.BatchV1Api).patchNamespacedJob({ name: 'train', namespace: ns, body: { spec: { suspend: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const result = await verifying;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(5000);
    expect(result.stdout).toMatch(new RegExp(`${ns}/train +queued \\(JobSuspended\\)`));
    expect(result.stdout).toMatch(/converged: 1 Job\(s\) converged/);
  });

  test('suspended with a Kueue queue label and never admitted: exit 2 at the timeout, naming the queue and since when', async () => {
    const ns = await restrictedNamespace(kc, 'queued-never');
    const queued = withLabels(job('train', {}, { suspend: true }), { 'kueue.x-k8s.io/queue-name': 'user-queue' });
    await apply(ns, [queued]);
    const dir = writeManifests([queued]);
    const result = await cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '6s', '--junit', path.join(dir, 'junit.xml'));
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/timeout: timed out after 6 s, still waiting for train queued in Kueue LocalQueue user-queue since \d{4}-\d\d-\d\dT[\d:.]+Z \(never admitted or resumed\)/);
    expect(result.stdout).toMatch(/ {4}queued in Kueue LocalQueue user-queue since /);
    const allowed = await cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '30s', '--allow-suspended');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/converged: 1 Job\(s\) converged, 1 of them only because --allow-suspended counts it \(train queued \(JobSuspended\)\); 1 never ran/);
  });

  test(e2eMinor >= 32
    ? 'managedBy kueue.x-k8s.io/multikueue, status written by the manager 5 s later: the written status is judged, exit 0, and the report names the manager'
    : `managedBy is refused by the 1.${e2eMinor} API server (the field exists from 1.30, on by default from 1.32)`, async () => {
    const ns = await restrictedNamespace(kc, 'managed');
    const manifest = job('remote', {}, {});
    const managed = { ...manifest, spec: { ...manifest.spec, managedBy: 'kueue.x-k8s.io/multikueue' } };
    if (e2eMinor < 32) {
      const [refused] = await applyManifests(kc, [managed], { namespace: ns, dryRun: true });
      expect(refused.error).toMatch(/managedBy/);
      return;
    }
    await apply(ns, [managed]);
    const dir = writeManifests([managed]);
    const started = Date.now();
    const verifying = cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '60s', '-o', 'json');
    await sleep(5000);
    // What MultiKueue does: the manager mirrors the worker cluster's status onto this Job.
    const now = new Date();
    const start = new Date(now.getTime() - 3000);
    await kc.makeApiClient(k8s.BatchV1Api).patchNamespacedJobStatus({
      name: 'remote', namespace: ns, body: {
        status: {
          startTime: start.toISOString(), completionTime: now.toISOString(), succeeded: 1, ready: 0, terminating: 0, active: 0,
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: now.toISOString(), lastProbeTime: now.toISOString() },
            { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: now.toISOString(), lastProbeTime: now.toISOString() },
          ],
        },
      },
    }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const result = await verifying;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(5000);
    const report = JSON.parse(result.stdout).jobs[0];
    expect(report).toMatchObject({ managedBy: 'kueue.x-k8s.io/multikueue', verdict: { state: 'complete', terminal: true } });
  });
});

describe('targets that cannot appear, and a frozen API server', () => {
  test('a Job that already ran and was deleted by its TTL: a prompt exit 4 from its Events, not a wait for the timeout', async () => {
    const ns = await restrictedNamespace(kc, 'ttl-gone');
    const manifest = job('cleanup', { duration: '1s' }, { omitDefaults: [], ttlAfterFinished: Duration.seconds(0) });
    await apply(ns, [manifest]);
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    let gone = false;
    for (let i = 0; i < 150 && !gone; i++) {
      gone = (await batch.listNamespacedJob({ namespace: ns })).items.length === 0;
      if (!gone) await sleep(200);
    }
    expect(gone).toBe(true);
    const dir = writeManifests([manifest]);
    const started = Date.now();
    const result = await cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '60s', '--replacement-grace', '2s');
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stdout).toMatch(new RegExp(`${ns}/cleanup +gone \\(DeletedAfterCompleted\\)`));
    expect(result.stdout).toMatch(/never seen: its Events say it completed at .* and it was deleted before verification began, by its TTL/);
    expect(result.stdout).toMatch(/unverifiable: 1 of 1 Job\(s\) cannot be verified: cleanup gone \(DeletedAfterCompleted\)/);
  });

  test('the API server stops answering (SIGSTOP) under --timeout 10s: exit 2 within a few seconds of the timeout, saying what it waited for', async () => {
    const ns = await restrictedNamespace(kc, 'frozen');
    const manifest = job('long', { duration: '120s' });
    await apply(ns, [manifest]);
    const dir = writeManifests([manifest]);
    const started = Date.now();
    const verifying = cli('verify', dir, '--kubeconfig', kubeconfigPath, '-n', ns, '--timeout', '10s');
    await sleep(2000);
    const pid = clusterApiServerPid();
    process.kill(pid, 'SIGSTOP');
    let result: Awaited<typeof verifying>;
    let took: number;
    try {
      result = await verifying;
      took = Date.now() - started;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitForApiServer(kc, 'kube-apiserver did not answer within 30 s after SIGCONT');
    expect(result.code).toBe(2);
    // The timeout, plus at most 5 s for the diagnosis reads (each aborted), plus slack for a loaded machine.
    expect(took).toBeLessThan(18_000);
    expect(result.stdout).toMatch(/timeout: timed out after 10 s, still waiting for long running/);
  });
});

function withLabels(manifest: Manifest, labels: Record<string, string>): Manifest {
  return { ...manifest, metadata: { ...manifest.metadata, labels: { ...manifest.metadata.labels, ...labels } } };
}
