// Our verifier in a process of its own (so that its peak RSS is its own):
//   node child.js <kubeconfig> <targets.json> <timeoutMs> <result.json>
// Runs JobVerifier over the targets and writes a VerifierRun to <result.json>.

import * as fs from 'fs';
import type { JobTarget } from '../../lib/runtime/manifests';

/** What the verifier process reports. */
export interface VerifierRun {
  readonly outcome: string;
  readonly summary: string;
  readonly requests: { lists: number; watches: number; logs: number };
  /** Epoch ms: JobVerifier.run() called, and resolved (the caller has the verdict). */
  readonly startedAt: number;
  readonly resolvedAt: number;
  /** Per Job: when the controller set the terminal condition (1 s resolution) and when the verifier judged it (epoch ms). */
  readonly jobs: ReadonlyArray<{ readonly key: string; readonly terminalAt?: number; readonly verdictAt?: number }>;
  readonly baseRssMb: number;
  readonly peakRssMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024 * 10) / 10;

async function main(): Promise<void> {
  const [kubeconfig, targetsFile, timeoutMs, resultFile] = process.argv.slice(2);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { k8s } = require('../../lib/runtime/k8s') as typeof import('../../lib/runtime/k8s');
  const { JobVerifier } = require('../../lib/runtime/verify') as typeof import('../../lib/runtime/verify');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const targets = JSON.parse(fs.readFileSync(targetsFile, 'utf-8')) as JobTarget[];
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const baseRssMb = mb(process.memoryUsage().rss);

  const startedAt = Date.now();
  const result = await new JobVerifier({ kubeConfig, targets, namespace: 'default', timeoutMs: Number(timeoutMs), logLines: 0 }).run();
  const resolvedAt = Date.now();

  const run: VerifierRun = {
    outcome: result.outcome,
    summary: result.summary,
    requests: { ...result.requests },
    startedAt,
    resolvedAt,
    jobs: result.jobs.map(j => ({
      key: `${j.namespace}/${j.name}`,
      ...(j.terminalAt ? { terminalAt: Date.parse(j.terminalAt) } : {}),
      ...(j.verdictAt ? { verdictAt: Date.parse(j.verdictAt) } : {}),
    })),
    baseRssMb,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
  fs.writeFileSync(resultFile, JSON.stringify(run));
  process.exit(result.exitCode);
}

main().catch(error => {
  process.stderr.write(`verifier child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(3);
});
