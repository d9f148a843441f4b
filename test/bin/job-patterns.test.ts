import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// bin/job-patterns.js, the CLI's entry point: its process's V8 settings (docs/benchmarks.md, the
// verifier's memory) come before anything else it loads, and only in the CLI's own process.
const BIN = path.join(__dirname, '..', '..', 'bin', 'job-patterns.js');

/** A preload that writes, in order, each V8 flag set in the process and the first load of the CLI's module. */
function recorder(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jp-bin-')), 'record.js');
  fs.writeFileSync(file, `
const v8 = require('v8');
const Module = require('module');
const set = v8.setFlagsFromString;
v8.setFlagsFromString = flag => { process.stderr.write('flag ' + flag + '\\n'); return set(flag); };
const load = Module._load;
let seen = false;
Module._load = function (request, ...rest) {
  if (!seen && /runtime[\\\\/]cli(\\.ts|\\.js)?$/.test(request)) { seen = true; process.stderr.write('load cli\\n'); }
  return load.call(this, request, ...rest);
};
`);
  return file;
}

test('the CLI turns off V8\'s optimizing compiler before it loads its modules', () => {
  // GIVEN
  const { CLI_V8_FLAGS } = require(BIN) as { CLI_V8_FLAGS: string[] };

  // WHEN
  const run = spawnSync(process.execPath, ['-r', recorder(), BIN, 'verify', '--help'], { encoding: 'utf-8' });

  // THEN
  expect(CLI_V8_FLAGS).toEqual(['--no-opt']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Usage: job-patterns verify');
  expect(run.stderr.split('\n').filter(Boolean)).toEqual(['flag --no-opt', 'load cli']);
}, 60_000);

test('a program that requires the entry point gets its flags, and neither its V8 settings nor a run of the CLI', () => {
  // WHEN
  const run = spawnSync(process.execPath, ['-r', recorder(), '-e', `console.log(JSON.stringify(require(${JSON.stringify(BIN)})))`], { encoding: 'utf-8' });

  // THEN
  expect([run.status, run.stdout.trim(), run.stderr]).toEqual([0, '{"CLI_V8_FLAGS":["--no-opt"]}', '']);
}, 60_000);
