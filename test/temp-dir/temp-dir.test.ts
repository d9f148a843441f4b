import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';

/* eslint-disable @typescript-eslint/no-require-imports */
const setup = require('./setup') as () => Promise<void>;
const teardown = require('./teardown') as () => Promise<void>;
const { outerEnv } = require('./outer-env') as { outerEnv: (env?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv };
const jestConfig = require('../../jest.config') as { projects: Array<{ displayName: string; globalSetup?: string; globalTeardown?: string }> };
const { clusterFor, VERSIONS } = require('../e2e/cluster-env') as { clusterFor: (v: string) => { env: NodeJS.ProcessEnv }; VERSIONS: string[] };
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, '..', '..');

describe('the test run\'s temporary folder (test/temp-dir)', () => {
  test('os.tmpdir() in a test is the folder the run was given, which cdk8s\' Testing.app() folders land in', () => {
    const given = process.env.JOB_PATTERNS_TEST_TMPDIR;
    expect(given).toBeDefined();
    expect(path.basename(given!)).toMatch(/^job-patterns-test-/);
    expect(os.tmpdir()).toBe(given);
    const outdir = Testing.app().outdir;
    expect(path.dirname(outdir)).toBe(given);
  });

  describe('setup, then teardown', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of ['TMPDIR', 'JOB_PATTERNS_TEST_TMPDIR', 'JOB_PATTERNS_OUTER_TMPDIR', 'KEEP_TEST_TMPDIR', 'KEEP_CLUSTER']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    test('setup makes a folder and sets TMPDIR to it; teardown removes it with what is inside and puts TMPDIR back', async () => {
      delete process.env.JOB_PATTERNS_TEST_TMPDIR;
      process.env.TMPDIR = '/outer/tmp';
      await setup();
      const dir = process.env.JOB_PATTERNS_TEST_TMPDIR!;
      expect(process.env.TMPDIR).toBe(dir);
      expect(process.env.JOB_PATTERNS_OUTER_TMPDIR).toBe('/outer/tmp');
      fs.mkdirSync(path.join(dir, 'cdk8s.outdir.x'));
      fs.writeFileSync(path.join(dir, 'cdk8s.outdir.x', 'app.k8s.yaml'), 'kind: Job\n');

      await teardown();

      expect(fs.existsSync(dir)).toBe(false);
      expect(process.env.TMPDIR).toBe('/outer/tmp');
      expect(process.env.JOB_PATTERNS_TEST_TMPDIR).toBeUndefined();
      expect(process.env.JOB_PATTERNS_OUTER_TMPDIR).toBeUndefined();
    });

    test('a TMPDIR that was unset is unset again', async () => {
      delete process.env.JOB_PATTERNS_TEST_TMPDIR;
      delete process.env.TMPDIR;
      await setup();
      const dir = process.env.JOB_PATTERNS_TEST_TMPDIR!;
      expect(process.env.TMPDIR).toBe(dir);
      await teardown();
      expect(fs.existsSync(dir)).toBe(false);
      expect(process.env.TMPDIR).toBeUndefined();
    });

    test('KEEP_TEST_TMPDIR=1 keeps the folder and says where it is', async () => {
      delete process.env.JOB_PATTERNS_TEST_TMPDIR;
      await setup();
      const dir = process.env.JOB_PATTERNS_TEST_TMPDIR!;
      process.env.KEEP_TEST_TMPDIR = '1';
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      let printed: unknown[][];
      try {
        await teardown();
      } finally {
        printed = write.mock.calls.map(call => [...call]);
        write.mockRestore();
      }
      expect(printed).toEqual([[`\nThe tests' temporary folder is kept: ${dir}\n`]]);
      expect(fs.existsSync(dir)).toBe(true);
      fs.rmSync(dir, { recursive: true });
    });

    // Every project, e2e and argocd too: their control planes and Argo CD do not use the folder
    // (outerEnv below), so it goes also when KEEP_CLUSTER=1 keeps them running.
    test.each(jestConfig.projects.map(p => [p.displayName, p] as const))('the %s project\'s global teardown removes the folder, also with KEEP_CLUSTER=1', async (_name, project) => {
      expect(project.globalSetup).toBeDefined();
      expect(project.globalTeardown).toBeDefined();
      delete process.env.JOB_PATTERNS_TEST_TMPDIR;
      await setup();
      const dir = process.env.JOB_PATTERNS_TEST_TMPDIR!;
      process.env.KEEP_CLUSTER = '1';
      const globalTeardown = require(project.globalTeardown!.replace('<rootDir>', ROOT)) as () => Promise<void>; // eslint-disable-line @typescript-eslint/no-require-imports
      await globalTeardown();
      expect(fs.existsSync(dir)).toBe(false);
      expect(process.env.JOB_PATTERNS_TEST_TMPDIR).toBeUndefined();
    });

    test('a second setup in the same process changes nothing (the unit and consumer projects share one folder)', async () => {
      const before = process.env.JOB_PATTERNS_TEST_TMPDIR;
      const tmpdir = process.env.TMPDIR;
      await setup();
      expect(process.env.JOB_PATTERNS_TEST_TMPDIR).toBe(before);
      expect(process.env.TMPDIR).toBe(tmpdir);
    });
  });
});

describe('outerEnv: the environment of what may outlive the run (test/temp-dir/outer-env.js)', () => {
  test('puts the TMPDIR from before the run back and leaves the run\'s variables out', () => {
    const env = { PATH: '/bin', TMPDIR: '/tmp/job-patterns-test-x', JOB_PATTERNS_TEST_TMPDIR: '/tmp/job-patterns-test-x', JOB_PATTERNS_OUTER_TMPDIR: '/scratch' };
    expect(outerEnv(env)).toEqual({ PATH: '/bin', TMPDIR: '/scratch' });
    expect(env.TMPDIR).toBe('/tmp/job-patterns-test-x');
  });

  test('a TMPDIR that was unset before the run is unset', () => {
    expect(outerEnv({ PATH: '/bin', TMPDIR: '/tmp/job-patterns-test-x', JOB_PATTERNS_TEST_TMPDIR: '/tmp/job-patterns-test-x' })).toEqual({ PATH: '/bin' });
  });

  test('outside a test run it is the environment as it is', () => {
    expect(outerEnv({ PATH: '/bin', TMPDIR: '/scratch' })).toEqual({ PATH: '/bin', TMPDIR: '/scratch' });
  });

  test('the e2e control planes and the Argo CD instances start with it: not in the folder the run removes', () => {
    const outer = process.env.JOB_PATTERNS_OUTER_TMPDIR;
    expect(process.env.TMPDIR).toBe(process.env.JOB_PATTERNS_TEST_TMPDIR);
    jest.isolateModules(() => {
      const argocd = require('../argocd/argocd-env') as { env: NodeJS.ProcessEnv; kueue: { env: NodeJS.ProcessEnv } }; // eslint-disable-line @typescript-eslint/no-require-imports
      const envs = [...VERSIONS.map(v => clusterFor(v).env), argocd.env, argocd.kueue.env];
      for (const env of envs) {
        expect(env.TMPDIR).toBe(outer);
        expect(env.JOB_PATTERNS_TEST_TMPDIR).toBeUndefined();
      }
    });
  });
});
