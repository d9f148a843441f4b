import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// scripts/argocd/lib.sh's argocd_alive, which up.sh's `await` asks while a component starts: a
// "no" fails the Argo CD suite's set-up ("exited before /healthz ok"). It once said no for an
// argocd-repo-server that was running (CI of 2026-12-07 23:21Z: down.sh found it alive a moment
// later, its log still empty): for an instant while a process execs (setsid, then env, then the
// component), /proc/PID/cmdline reads empty, or not yet ours.

const LIB = path.resolve(__dirname, '..', '..', 'scripts', 'argocd', 'lib.sh');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-lib-'));
  fs.mkdirSync(path.join(dir, 'pids'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync('/bin/sleep', path.join(dir, 'bin', 'component'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Starts `start` (one shell command) in the background as the component `c`, runs `then`, and
 * prints what argocd_alive says of it.
 */
function aliveAfterStarting(start: string, then = ''): { said: string; status: number | null; stderr: string } {
  const script = [
    `. ${JSON.stringify(LIB)}`,
    `${start} </dev/null >/dev/null 2>&1 &`,
    'pid=$!',
    'echo "$pid" > "$ARGOCD_DIR/pids/c.pid"',
    then,
    'if argocd_alive c; then echo alive; else echo gone; fi',
    'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; true',
  ].join('\n');
  const run = spawnSync('bash', ['-c', script], { env: { ...process.env, JOB_PATTERNS_ARGOCD_DIR: dir }, encoding: 'utf-8' });
  return { said: run.stdout.trim(), status: run.status, stderr: run.stderr };
}

describe('argocd_alive (scripts/argocd/lib.sh)', () => {
  test('a component whose command line is not yet ours (still exec-ing into it) is alive', () => {
    // GIVEN a process that runs something else for 0.1 s, then execs the component (its path only in the environment, not on the command line)
    const start = `COMPONENT="$ARGOCD_DIR/bin/component" sh -c 'sleep 0.1; exec "$COMPONENT" 5'`;

    // WHEN argocd_alive asks at once
    const result = aliveAfterStarting(start);

    // THEN it waits out the exec instead of calling the component gone
    expect(result).toEqual({ said: 'alive', status: 0, stderr: '' });
  });

  test('a component running its binary is alive', () => {
    expect(aliveAfterStarting('setsid "$ARGOCD_DIR/bin/component" 5')).toEqual({ said: 'alive', status: 0, stderr: '' });
  });

  test('a process that never becomes ours is not (a PID reused by another program)', () => {
    expect(aliveAfterStarting('sleep 5')).toEqual({ said: 'gone', status: 0, stderr: '' });
  });

  test('a component that has exited is not', () => {
    expect(aliveAfterStarting('"$ARGOCD_DIR/bin/component" 0', 'wait "$pid"')).toEqual({ said: 'gone', status: 0, stderr: '' });
  });
});
