import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closedPort, FakeApiServer, fakeJob, writeKubeconfig } from './fake-api-server';
import { runCli as cli } from './run-cli';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-cli-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('job-patterns verify: report files', () => {
  test.each(['--html', '--summary', '--junit'])('fails when %s names a file in a directory that does not exist, before verifying', async flag => {
    // GIVEN / WHEN (no cluster is needed: the path is checked first)
    const result = await cli('verify', '--selector', 'a=b', flag, '/nonexistent/reports/out.file');
    // THEN
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`job-patterns verify: ${flag} /nonexistent/reports/out.file: the directory /nonexistent/reports does not exist; create it first or give a file in an existing directory\n`);
  });
});

describe('job-patterns --version', () => {
  test('prints the version of package.json, and exits 0', async () => {
    // GIVEN
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
    // WHEN
    const result = await cli('--version');
    // THEN
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('job-patterns verify: usage errors exit 3, before any cluster is read', () => {
  test.each([
    [['verify'], 'job-patterns verify: give either manifests (files or directories) or --selector, not both and not neither\n'],
    [['verify', '--selector', 'a=b', '--apply'], 'job-patterns verify: --apply needs manifests\n'],
    [['verify', '--selector', 'a=b', '--timeout', 'soon'], "error: option '--timeout <duration>' argument 'soon' is invalid. 'soon' is not a duration > 0; use e.g. 90s, 5m or 1h\n"],
    [['verify', '--selector', 'a=b', '--nope'], "error: unknown option '--nope'\n"],
    [['frobnicate'], "error: unknown command 'frobnicate'\n"],
  ])('fails when run as job-patterns %j', async (args, message) => {
    // WHEN
    const result = await cli(...args);
    // THEN
    expect(result).toEqual({ code: 3, stdout: '', stderr: message });
  });

  test("fails when --context names a context the kubeconfig does not have, naming the kubeconfig's contexts", async () => {
    // GIVEN a kubeconfig whose only context is 'fake'
    const kubeconfig = writeKubeconfig(dir, 'http://127.0.0.1:1');
    // WHEN
    const result = await cli('verify', '--selector', 'a=b', '--kubeconfig', kubeconfig, '--context', 'nope');
    // THEN
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: `job-patterns verify: cannot load the kubeconfig: context 'nope' is not in the kubeconfig ${kubeconfig}, whose contexts are 'fake'; pass one of them, or none for its current context 'fake'\n`,
    });
  });
});

describe('job-patterns verify: the exit code says how verification ended (a fake API server)', () => {
  let fake: FakeApiServer;
  let kubeconfig: string;
  beforeEach(async () => {
    fake = await FakeApiServer.start();
    kubeconfig = writeKubeconfig(dir, fake.url, 'jobs');
  });
  afterEach(() => fake.close());

  /** Verifies the Jobs labelled app=<name> in namespace `jobs`; returns the exit code and the JSON report. */
  async function verify(name: string, ...flags: string[]) {
    const result = await cli('verify', '--selector', `app=${name}`, '--kubeconfig', kubeconfig, '-o', 'json', '--log-lines', '0', ...flags);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    return { code: result.code, outcome: report.outcome, summary: report.summary, jobs: report.jobs.map((j: any) => [j.name, j.verdict.state]) };
  }

  test('0: a Job with Complete=True converged', async () => {
    // GIVEN
    fake.set(fakeJob('done', 'jobs', [{ type: 'Complete' }], { succeeded: 1 }));
    // WHEN
    const result = await verify('done');
    // THEN
    expect(result).toEqual({ code: 0, outcome: 'converged', summary: '1 Job(s) converged', jobs: [['done', 'complete']] });
    // It listed and watched the Jobs and the pods of the namespace the kubeconfig's context names.
    expect(fake.requests).toEqual(expect.arrayContaining([
      'GET /apis/batch/v1/namespaces/jobs/jobs', 'GET /api/v1/namespaces/jobs/pods',
    ]));
  });

  test('1: a Job with Failed=True failed', async () => {
    // GIVEN
    fake.set(fakeJob('broken', 'jobs', [{ type: 'Failed', reason: 'BackoffLimitExceeded' }], { failed: 1 }));
    // WHEN
    const result = await verify('broken');
    // THEN
    expect(result).toEqual({ code: 1, outcome: 'failed', summary: '1 of 1 Job(s) did not converge: broken failed (BackoffLimitExceeded)', jobs: [['broken', 'failed']] });
  });

  test('2: a Job still running when --timeout 2s is over timed out', async () => {
    // GIVEN a Job with one active pod and no condition
    fake.set(fakeJob('slow', 'jobs'));
    // WHEN
    const started = Date.now();
    const result = await verify('slow', '--timeout', '2s');
    // THEN
    expect(result).toMatchObject({ code: 2, outcome: 'timeout', jobs: [['slow', 'running']] });
    expect(result.summary).toMatch(/^timed out after 2 s\b/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    // It watched until then: the watches were open when time ran out.
    expect(fake.requests.filter(r => r.endsWith('?watch=true'))).toEqual(expect.arrayContaining([
      'GET /apis/batch/v1/namespaces/jobs/jobs?watch=true', 'GET /api/v1/namespaces/jobs/pods?watch=true',
    ]));
  });

  test('1 as soon as the watch brings the Failed condition of a Job that was running', async () => {
    // GIVEN a running Job
    const running = fake.set(fakeJob('later', 'jobs'));
    // WHEN it fails while being verified
    const verifying = verify('later');
    while (!fake.requests.includes('GET /api/v1/namespaces/jobs/pods?watch=true')) await new Promise(r => setTimeout(r, 20));
    fake.set({ ...fakeJob('later', 'jobs', [{ type: 'Failed', reason: 'DeadlineExceeded' }], { failed: 1, active: 0 }), metadata: running.metadata });
    // THEN
    expect(await verifying).toEqual({ code: 1, outcome: 'failed', summary: '1 of 1 Job(s) did not converge: later failed (DeadlineExceeded)', jobs: [['later', 'failed']] });
  });

  test('3: the API server cannot be reached (connection refused)', async () => {
    // GIVEN a kubeconfig pointing at a port where nothing listens
    const port = await closedPort();
    const refused = writeKubeconfig(dir, `http://127.0.0.1:${port}`, 'jobs');
    // WHEN
    const result = await cli('verify', '--selector', 'app=x', '--kubeconfig', refused, '--timeout', '3s');
    // THEN
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(new RegExp(`^error: cannot reach the cluster\\b.*\\bconnect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\b`, 'm'));
  });
});

describe('job-patterns verify --apply', () => {
  test('fails with one line naming the API server and the error when the cluster cannot be reached, and exits 3', async () => {
    // GIVEN three objects to apply, and a kubeconfig pointing at a port where nothing listens
    const manifests = fs.mkdtempSync(path.join(dir, 'manifests-'));
    fs.writeFileSync(path.join(manifests, 'app.k8s.yaml'), [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { a: b }',
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: first }\nspec: {}',
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: second }\nspec: {}',
    ].join('\n---\n'));
    const port = await closedPort();
    const kubeconfig = writeKubeconfig(dir, `http://127.0.0.1:${port}`, 'jobs');
    // WHEN (the default timeout of 10 min: no timer of the CLI may outlive a failed --apply)
    const result = await cli('verify', '--apply', manifests, '--kubeconfig', kubeconfig);
    // THEN
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: `job-patterns verify: cannot reach the API server at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (0 of 3 object(s) applied)\n`,
    });
  });
});
