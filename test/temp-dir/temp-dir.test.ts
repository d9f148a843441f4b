import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';

/* eslint-disable @typescript-eslint/no-require-imports */
const setup = require('./setup') as () => Promise<void>;
const teardown = require('./teardown') as () => Promise<void>;
/* eslint-enable @typescript-eslint/no-require-imports */

describe('the unit and consumer projects\' temporary folder (test/temp-dir)', () => {
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
      for (const key of ['TMPDIR', 'JOB_PATTERNS_TEST_TMPDIR', 'JOB_PATTERNS_OUTER_TMPDIR', 'KEEP_TEST_TMPDIR']) {
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

    test('a second setup in the same process changes nothing (the unit and consumer projects share one folder)', async () => {
      const before = process.env.JOB_PATTERNS_TEST_TMPDIR;
      const tmpdir = process.env.TMPDIR;
      await setup();
      expect(process.env.JOB_PATTERNS_TEST_TMPDIR).toBe(before);
      expect(process.env.TMPDIR).toBe(tmpdir);
    });
  });
});
