/**
 * The verifier's CLI over a Job's life and within its deadline, without a cluster: a fake API
 * server (./fake-api-server.ts) changes the Job while `job-patterns verify` watches it. The same
 * behaviours run on the real control plane in test/e2e/job-life.test.ts.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { FakeApiServer, fakeJob, writeKubeconfig } from './fake-api-server';
import { runCli as cli } from './run-cli';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-life-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('job-patterns verify follows the run, not the name (fake API server)', () => {
  let fake: FakeApiServer;
  let kubeconfig: string;
  beforeEach(async () => {
    fake = await FakeApiServer.start();
    kubeconfig = writeKubeconfig(dir, fake.url, 'jobs');
  });
  afterEach(() => fake.close());

  test('a running Job deleted and re-created under its name: the new run is judged, the old one listed', async () => {
    // GIVEN a running run
    const first = fake.set(withUid(fakeJob('migrate', 'jobs'), 'uid-1', '2026-01-01T00:00:00Z'));

    // WHEN verify watches it, and it is replaced by a run that completes
    const verifying = cli('verify', '--selector', 'app=migrate', '--kubeconfig', kubeconfig, '-o', 'json', '--timeout', '30s');
    await sleep(1500);
    fake.delete(first);
    fake.set(withUid(fakeJob('migrate', 'jobs', [{ type: 'Complete', reason: 'CompletionsReached' }]), 'uid-2', '2026-01-01T00:01:00Z'));
    const result = await verifying;

    // THEN
    expect(result.code).toBe(0);
    const [job] = JSON.parse(result.stdout).jobs;
    expect([job.uid, job.verdict.state, job.earlierRuns.map((r: any) => [r.uid, r.endedBy, r.state])]).toEqual(['uid-2', 'complete', [['uid-1', 'deleted', 'running']]]);
  });

  test('a Job deleted while running with nothing under its name within --replacement-grace: exit 1, deleted', async () => {
    const first = fake.set(withUid(fakeJob('doomed', 'jobs'), 'uid-1', '2026-01-01T00:00:00Z'));
    const verifying = cli('verify', '--selector', 'app=doomed', '--kubeconfig', kubeconfig, '--timeout', '30s', '--replacement-grace', '1s');
    await sleep(1500);
    fake.delete(first);
    const result = await verifying;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/doomed +deleted \(DeletedBeforeFinished\)/);
    expect(result.stdout).toContain('deleted while running, and no new run came under its name within 1 s');
  });

  test('a queued Job (suspended, never ran) is waited for: exit 2 at the timeout, naming what it waits for', async () => {
    const queued = fakeJob('train', 'jobs', [{ type: 'Suspended', reason: 'JobSuspended' }], { startTime: undefined });
    fake.set({ ...queued, spec: { ...(queued.spec as object), suspend: true } });
    const result = await cli('verify', '--selector', 'app=train', '--kubeconfig', kubeconfig, '--timeout', '2s');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/timeout: timed out after 2 s, still waiting for train queued since 2026-01-01T00:00:00.000Z \(never admitted or resumed\)/);
  });
});

describe('job-patterns verify keeps its deadline', () => {
  test('an API server that accepts connections and never answers: exit 3 at the timeout, naming the server', async () => {
    // GIVEN a server that takes every connection and says nothing (a frozen kube-apiserver)
    const sockets: net.Socket[] = [];
    const frozen = net.createServer(socket => { sockets.push(socket); });
    await new Promise<void>(resolve => frozen.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(frozen.address() as AddressInfo).port}`;
    const kubeconfig = writeKubeconfig(dir, server, 'jobs');
    try {
      // WHEN
      const started = Date.now();
      const result = await cli('verify', '--selector', 'app=x', '--kubeconfig', kubeconfig, '--timeout', '3s');
      const took = Date.now() - started;

      // THEN it gave up at the timeout (each request is aborted), not later
      expect(result.code).toBe(3);
      expect(took).toBeGreaterThanOrEqual(3000);
      expect(took).toBeLessThan(9000);
      expect(result.stdout).toMatch(new RegExp(`^error: cannot reach the cluster at ${server}: `, 'm'));
    } finally {
      for (const s of sockets) s.destroy();
      frozen.close();
    }
  });

  test('fails when --timeout is longer than a timer can wait (24.8 days fired at once)', async () => {
    const result = await cli('verify', '--selector', 'a=b', '--timeout', '600h');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("error: option '--timeout <duration>' argument '600h' is invalid. '600h' is longer than 596h, the longest a timer can wait; use e.g. 24h\n");
  });

  test('--help shows the Argo CD default as a version', async () => {
    const result = await cli('verify', '--help');
    expect(result.stdout).toContain('(default: 3.6)');
    expect(result.stdout).not.toContain('"major"');
  });

  test('a reader that closes the pipe early (| head) does not change the exit code', async () => {
    // GIVEN the installed CLI's entry point, whose output nobody reads
    const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'job-patterns.js'), 'verify', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', chunk => { stderr += chunk; });
    // WHEN / THEN
    const code = await new Promise<number | null>(resolve => child.on('close', resolve));
    expect([code, stderr]).toEqual([0, '']);
  }, 60_000);
});

function withUid(job: ReturnType<typeof fakeJob>, uid: string, created: string): ReturnType<typeof fakeJob> {
  return { ...job, metadata: { ...job.metadata, uid, creationTimestamp: created } };
}
