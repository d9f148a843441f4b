/**
 * The Jobs of the README's and the docs' snippets run on the real node (issue 26, item 2): each
 * snippet that synthesizes a Job (test/doc-snippets.ts, the list test/readme.test.ts type-checks
 * and runs) is run as written, and each of its Jobs, with the objects it uses (its queue's
 * Deployment, Service and filler; its ConfigMap), runs in a namespace of its own and shows the
 * outcome its page promises. A Job of a snippet that no check here names fails its own test,
 * unless it is kept off the real node with its reason (a skipped test says which, and why).
 *
 * What tests change in the YAML, and only they (test/e2e/real-node.ts): the toleration and node
 * selector of the real node, host names in the pods' /etc/hosts for the Services they use, and a
 * namespace the snippet wrote (README's MyChart: batch) replaced by the test's own.
 *
 * The tests run concurrently, as real-node-examples.test.ts's do.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { jobBaseName } from '../../lib/core/gitops';
import { Manifest, VerifyOutcome } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { root, Snippet, snippets } from '../doc-snippets';
import { e2eMinor, restrictedNamespace } from './cluster';
import {
  expectEachItemReversed, expectEveryItemProcessedOnce, expectEveryTicketDoubledOnce, inTestNamespace, linesOf, nodeOf, PI_2000,
  RealNodeRun, realNodeStarted, runOnRealNode, snippetManifests, withWhatItUses,
} from './real-node';

const TIMEOUT = 240_000;
const isJob = (m: Manifest) => m.kind === 'Job';
const COMPONENT = 'app.kubernetes.io/component';

/** A Job of a snippet, and what it runs with. */
interface SnippetJob {
  /** The snippet's page. */
  readonly doc: string;
  readonly snippet: Snippet;
  readonly base: string;
  readonly job: Manifest;
  /** The Job and the objects it uses, in the test's namespace. */
  readonly objects: Manifest[];
}

/**
 * Every Job of every snippet that synthesizes objects, fillers aside (they run with their workers).
 * Snapshot snippets test the chart of another snippet (README's main.ts), whose Jobs are here.
 */
const JOBS: SnippetJob[] = snippets.filter(s => s.expectation?.startsWith('synth ')).flatMap(snippet => {
  const manifests = snippetManifests(snippet).map(inTestNamespace);
  return manifests.filter(m => isJob(m) && m.metadata.labels?.[COMPONENT] !== 'filler').map(job => ({
    doc: snippet.where.split(':')[0],
    snippet,
    base: jobBaseName(job),
    job,
    objects: withWhatItUses(manifests, job),
  }));
});

/** The container of a Job's pod template that is not a sidecar. */
const containerOf = (job: Manifest): { image: string; imagePullPolicy?: string; command?: string[]; env?: Array<{ name: string; value?: string }> } =>
  (job as any).spec.template.spec.containers[0];

/**
 * Jobs of the docs that stay off the real node, and why: the first rule that matches a Job gives
 * its reason.
 */
const KEPT_OFF: Array<{ readonly matches: (j: SnippetJob) => boolean; readonly why: string }> = [
  {
    matches: j => j.objects.some(m => isJob(m) && containerOf(m).image.startsWith('example.com/')),
    why: 'its image (example.com/...) stands for the user\'s own program, whose command the docs do not give (and no registry is reachable here)',
  },
  {
    // docs/pinned-defaults.md's app pinned to 0.1: cdk8s-plus' imagePullPolicy, before DefaultFlag.IMAGE_PULL_POLICY_FROM_KUBERNETES.
    matches: j => j.objects.some(m => isJob(m) && containerOf(m).imagePullPolicy === 'Always'),
    why: 'it pulls its image at every start (imagePullPolicy: Always, cdk8s-plus\' default, which an app pinned to 0.1 keeps), and no registry is reachable here: the node\'s images are built locally',
  },
  { matches: j => j.base === 'even-seconds', why: 'its pods pass or fail by the clock\'s second: the Job completes or fails by chance, after minutes of back-off' },
  { matches: j => j.base === 'ring', why: 'its peers find each other through cluster DNS, which this node does not have' },
  {
    matches: j => j.base === 'job-success',
    why: 'its outcome is chance: nine indexes fail and index 2 succeeds, and with the library\'s backoffLimit 3 the Job fails or completes by which the Job controller counts first (docs/kubernetes-versions.md)',
  },
];

interface Check {
  readonly matches: (j: SnippetJob) => boolean;
  /** What the page promises, for the test's name. */
  readonly promise: (j: SnippetJob) => string;
  /** From this minor on (the Job's fields need it). */
  readonly since?: { readonly minor: number; readonly why: string };
  readonly check: (run: RealNodeRun, j: SnippetJob) => Promise<void> | void;
}

let kc: KubeConfig;
let node = '';
const namespaces: string[] = [];
const measured: string[] = [];
const started = realNodeStarted().then(up => {
  kc = up.kc;
  node = up.node;
  measured.push(`node up in ${up.seconds.toFixed(0)} s`);
});

const converged = (run: RealNodeRun, j: SnippetJob) => {
  expect(run.result.outcome).toBe(VerifyOutcome.CONVERGED);
  expect(nodeOf(run.pods[j.base])).toEqual([node]);
};

const CHECKS: Check[] = [
  {
    matches: j => containerOf(j.job).command?.join(' ') === 'perl -Mbignum=bpi -wle print bpi(2000)',
    promise: () => 'prints pi to 2,000 digits (perl\'s bignum)',
    check: (run, j) => {
      converged(run, j);
      expect(run.pods[j.base].map(p => p.log)).toEqual([expect.stringMatching(PI_2000)]);
    },
  },
  {
    matches: j => j.base === 'multiplier',
    promise: () => 'three workers double the ticket queue\'s tickets (nc) until one reads 101, and all exit 0',
    check: (run, j) => {
      converged(run, j);
      expect(run.pods[j.base].map(w => w.pod.status?.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
      expectEveryTicketDoubledOnce(run.pods[j.base]);
    },
  },
  {
    matches: j => j.base === 'fruit',
    promise: () => 'the filler pushes the items to Redis, the workers pop and print each item once',
    check: (run, j) => {
      converged(run, j);
      const filler = j.objects.find(m => isJob(m) && m.metadata.labels?.[COMPONENT] === 'filler')!;
      const items: string[] = (filler as any).spec.template.spec.containers[0].args.slice(1);
      expect(items.length).toBeGreaterThan(0);
      expectEveryItemProcessedOnce(run.pods[jobBaseName(filler)], run.pods[j.base], items);
    },
  },
  {
    matches: j => /^process-item-/.test(j.base),
    promise: j => `prints "Processing item ${j.base.slice('process-item-'.length)}"`,
    check: (run, j) => {
      converged(run, j);
      expect(linesOf(run.pods[j.base])).toEqual([`Processing item ${j.base.slice('process-item-'.length)}`]);
    },
  },
  {
    matches: j => /^forecast-/.test(j.base),
    promise: j => `prints "forecast for ${j.base.slice('forecast-'.length)} on <its day>", $(DAY) expanded by the kubelet`,
    check: (run, j) => {
      converged(run, j);
      const day = containerOf(j.job).env?.find(e => e.name === 'DAY')?.value;
      expect(day).toMatch(/^[a-z]+$/);
      expect(linesOf(run.pods[j.base])).toEqual([`forecast for ${j.base.slice('forecast-'.length)} on ${day}`]);
    },
  },
  {
    matches: j => j.base === 'indexed-job',
    promise: () => 'pod i reads item i from the mounted ConfigMap and prints it reversed',
    check: (run, j) => {
      converged(run, j);
      expectEachItemReversed(j.objects.find(m => m.kind === 'ConfigMap')!, run.pods[j.base]);
    },
  },
  {
    // Kueue's part (the LocalQueue, admission with fewer pods) is test/e2e/kueue.test.ts's; with no
    // Kueue running, its webhook suspends nothing and the Job's pods run as written.
    matches: j => j.doc === 'docs/kueue.md' && j.base === 'render',
    promise: () => 'each of its indexes prints "rendering part <index>" (no Kueue here: the queue\'s part is the Kueue suite\'s)',
    check: (run, j) => {
      converged(run, j);
      const completions: number = (j.job as any).spec.completions;
      expect(linesOf(run.pods[j.base]).sort()).toEqual(Array.from({ length: completions }, (_, i) => `rendering part ${i}`).sort());
    },
  },
  {
    matches: j => j.base === 'myjob',
    promise: () => 'completes: its logshipper (a native sidecar) ships the line the Job\'s container wrote, and the verifier does not count the logshipper\'s stop (killed at the pod\'s end, exit 137) as a failure',
    since: {
      minor: 29,
      why: 'native sidecars need the SidecarContainers feature gate on 1.28 (alpha), off in the e2e cluster, whose other suites check 1.28\'s defaults (docs/maintainers/real-node.md)',
    },
    check: async (run, j) => {
      converged(run, j);
      const report = run.reports[j.base];
      expect([report.failedPods, report.exitCounts]).toEqual([[], []]);
      // sh -c execs tail -F, the sidecar's PID 1, which ignores SIGTERM: the kubelet kills it when
      // the grace period (30 s) ends.
      const pods = run.pods[j.base];
      expect(pods.map(p => p.pod.status?.initContainerStatuses?.map(s => [s.name, s.state?.terminated?.exitCode]))).toEqual([[['logshipper', 137]]]);
      const log = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedPodLog({ name: pods[0].pod.metadata!.name!, namespace: pods[0].pod.metadata!.namespace!, container: 'logshipper' });
      expect(log.split('\n')).toContain('logging');
    },
  },
];

describe(`the snippets of the README and the docs on a real node, Kubernetes 1.${e2eMinor}`, () => {
  beforeAll(async () => { await started; }, 1_800_000);
  afterAll(async () => {
    const core = kc?.makeApiClient(k8s.CoreV1Api);
    await Promise.all(namespaces.map(name => core!.deleteNamespace({ name }).catch(() => undefined)));
    process.stderr.write(`\n[e2e real node: snippets] measured:\n${measured.map(m => `  ${m}`).join('\n')}\n`);
  });

  test('the docs have snippets with Jobs (the list below is theirs)', () => {
    expect(JOBS.length).toBeGreaterThanOrEqual(10);
  });

  const ordinal = new Map<string, number>();
  for (const j of JOBS) {
    // Two snippets of one page may name the same Job (docs/pinned-defaults.md's pi): the n-th.
    const key = `${j.doc} ${j.base}`;
    ordinal.set(key, (ordinal.get(key) ?? 0) + 1);
    const label = `${j.doc}${ordinal.get(key)! > 1 ? ` (snippet at line ${j.snippet.where.split(':')[1]})` : ''}: ${j.base}`;
    const kept = KEPT_OFF.find(k => k.matches(j));
    const check = CHECKS.find(c => c.matches(j));
    if (kept) {
      test.skip(`${label} is not run on the real node: ${kept.why}`, () => undefined);
    } else if (!check) {
      test(`${label} runs on the real node with a check, or stays off it with a reason`, () => {
        throw new Error(`the Job ${j.base} of the snippet at ${j.snippet.where} is neither checked in CHECKS nor kept in KEPT_OFF with its reason (test/e2e/real-node-snippets.test.ts)`);
      });
    } else if (check.since && e2eMinor < check.since.minor) {
      test.skip(`${label} ${check.promise(j)} (skipped on 1.${e2eMinor}: ${check.since.why})`, () => undefined);
    } else {
      test.concurrent(`${label} ${check.promise(j)}`, async () => {
        // GIVEN
        await started;
        const namespace = await restrictedNamespace(kc, `snip-${j.base}`.slice(0, 40));
        namespaces.push(namespace);

        // WHEN
        const since = Date.now();
        const run = await runOnRealNode(kc, namespace, j.objects, TIMEOUT - 30_000);
        measured.push(`${label}: ${run.result.outcome} in ${((Date.now() - since) / 1000).toFixed(1)} s`);

        // THEN
        await check.check(run, j);
      }, TIMEOUT);
    }
  }

  // The advice of docs/kubernetes-versions.md's note on its logshipper, run as the page gives it.
  const VERSIONS_DOC = 'docs/kubernetes-versions.md';
  const TRAPPED = "trap 'exit 0' TERM; tail -F /opt/logs.txt & wait";
  const sidecars = e2eMinor >= 29 ? test.concurrent : test.skip;
  sidecars(`${VERSIONS_DOC}'s advice: a logshipper whose shell traps SIGTERM (${TRAPPED}) stops at once at the pod's end, with exit 0${e2eMinor >= 29 ? '' : ' (skipped on 1.28: native sidecars need the SidecarContainers feature gate there)'}`, async () => {
    // GIVEN the page's Job, its logshipper's command as the page advises
    expect(fs.readFileSync(path.join(root, VERSIONS_DOC), 'utf-8')).toContain(`command: ['sh', '-c', "${TRAPPED}"]`);
    const sidecar = JOBS.find(j => j.doc === VERSIONS_DOC && j.base === 'myjob')!;
    const job = JSON.parse(JSON.stringify(sidecar.job));
    const [logshipper] = job.spec.template.spec.initContainers;
    expect([logshipper.name, logshipper.command]).toEqual(['logshipper', ['sh', '-c', 'tail -F /opt/logs.txt']]);
    logshipper.command = ['sh', '-c', TRAPPED];
    await started;
    const namespace = await restrictedNamespace(kc, 'snip-trapped-sidecar');
    namespaces.push(namespace);

    // WHEN
    const since = Date.now();
    const run = await runOnRealNode(kc, namespace, [job], 60_000);
    measured.push(`myjob, its logshipper trapping SIGTERM: ${run.result.outcome} in ${((Date.now() - since) / 1000).toFixed(1)} s`);

    // THEN
    expect(run.result.outcome).toBe(VerifyOutcome.CONVERGED);
    const [{ pod }] = run.pods.myjob;
    const ended = (s?: { state?: { terminated?: { finishedAt?: Date } } }) => new Date(s!.state!.terminated!.finishedAt!).getTime();
    const shipper = pod.status!.initContainerStatuses![0];
    expect([shipper.name, shipper.state?.terminated?.exitCode]).toEqual(['logshipper', 0]);
    expect(ended(shipper) - ended(pod.status!.containerStatuses![0])).toBeLessThan(10_000);
  }, TIMEOUT);
});
