import { main } from '../../lib/runtime/cli';

/** Runs `job-patterns` in-process; returns its exit code and what it printed. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => { stdout += s; return true; }, isTTY: false } as any,
    stderr: { write: (s: string) => { stderr += s; return true; } } as any,
  });
  return { code, stdout, stderr };
}
