/**
 * Every example of the example app (examples/app.ts) run on the real node (issue 26, item 2): the
 * commands the library and the examples write execute in real containers (images built from
 * Debian packages under the names the examples use, scripts/node/images.sh), and each example
 * shows the outcome the docs promise: pi's digits, the doubled tickets, each Redis item processed
 * once, the reversed work items, the controller's worker pods and their logs.
 *
 * Generic over buildExampleApp: each Job of the app runs with the objects it uses (its queue's
 * Deployment, Service and filler; its ConfigMap; its RBAC), and a Job that no test here checks, nor
 * KEPT_ON_KWOK names with a reason, fails the last test. What tests change in the YAML, and only
 * they (test/e2e/real-node.ts): the toleration and node selector of the real node, and host names
 * in the pods' /etc/hosts for the Services they use (this node has no cluster DNS and no
 * kube-proxy: a Service's name is its server pod's address; kubernetes.default.svc is the
 * kubernetes Service's address, which scripts/node/up.sh forwards to the API server).
 *
 * The tests run concurrently (the back-off of the unlucky examples takes over a minute).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Testing } from 'cdk8s';
import { buildExampleApp } from '../../examples/app';
import { jobBaseName } from '../../lib/core/gitops';
import { JobPatternLabels } from '../../lib/core/labels';
import { Manifest, VerifyOutcome } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { e2eMinor, restrictedNamespace } from './cluster';
import {
  expectEachItemReversed, expectEveryItemProcessedOnce, expectEveryTicketDoubledOnce, linesOf, nodeOf, PI_2000, REAL_NODE,
  RealNodeRun, realNodeStarted, runOnRealNode, withWhatItUses,
} from './real-node';

const app = Testing.app();
buildExampleApp(app);
const manifests = app.charts.flatMap(c => c.toJson()) as Manifest[];
const isJob = (m: Manifest) => m.kind === 'Job';

/** Examples of the app that stay on the kwok nodes, and why. */
const KEPT_ON_KWOK: Record<string, string> = {
  'even-seconds': 'its pods pass or fail by the clock\'s second: the Job completes or fails by chance, after minutes of back-off',
  'ring': 'its peers find each other through cluster DNS, which this node does not have',
};

/** The Job whose base name is `name`, and the objects it uses: its queue's, and those named like it. */
function example(name: string): Manifest[] {
  const job = manifests.find(m => isJob(m) && jobBaseName(m) === name);
  if (!job) throw new Error(`the example app (examples/app.ts) has no Job ${name}; this suite runs it on a real node: restore it in buildExampleApp()`);
  return withWhatItUses(manifests, job);
}

const TIMEOUT = 240_000;
let kc: KubeConfig;
const namespaces: string[] = [];
const measured: string[] = [];
const checked = new Set<string>();

interface RunOptions {
  /** A change the test makes to an object of the example (returns the object to apply, or undefined: unchanged). */
  readonly patch?: (m: Manifest) => Manifest | undefined;
  /** How long the verifier waits. @default TIMEOUT - 30 s */
  readonly timeoutMs?: number;
}

/** Runs example `name` on the real node in a namespace of its own (runOnRealNode). */
async function runExample(name: string, options: RunOptions = {}): Promise<RealNodeRun> {
  checked.add(name);
  await started;
  const objects = example(name).map(m => options.patch?.(m) ?? m);
  const namespace = await restrictedNamespace(kc, `real-${name}`.slice(0, 40));
  namespaces.push(namespace);
  const since = Date.now();
  const run = await runOnRealNode(kc, namespace, objects, options.timeoutMs ?? TIMEOUT - 30_000);
  measured.push(`${name}: ${run.result.outcome} in ${((Date.now() - since) / 1000).toFixed(1)} s`);
  return run;
}

let node = '';
const started = realNodeStarted().then(up => {
  kc = up.kc;
  node = up.node;
  measured.push(`node up in ${up.seconds.toFixed(0)} s`);
});

/**
 * Redis as 0.2 wrote it, without `--protected-mode no` (an app pinned to 0.2 without
 * `DefaultFlag.REDIS_ACCEPTS_PODS`): the library's `command` replaces the official image's
 * entrypoint, which adds it when no config file is given, and Redis answers other pods
 * "-DENIED Redis is running in protected mode".
 */
function protectedModeOn(m: Manifest): Manifest | undefined {
  const container = m.kind === 'Deployment' ? (m as any).spec.template.spec.containers[0] : undefined;
  if (container?.command?.[0] !== 'redis-server') return undefined;
  const copy = JSON.parse(JSON.stringify(m));
  const command: string[] = container.command;
  const at = command.indexOf('--protected-mode');
  if (at === -1) throw new Error(`the example's Redis command has no --protected-mode: ${command.join(' ')}`);
  copy.spec.template.spec.containers[0].command = [...command.slice(0, at), ...command.slice(at + 2)];
  return copy;
}

describe(`the example app on a real node, Kubernetes 1.${e2eMinor}`, () => {
  beforeAll(async () => { await started; }, 1_800_000);
  afterAll(async () => {
    const core = kc?.makeApiClient(k8s.CoreV1Api);
    await Promise.all(namespaces.map(name => core!.deleteNamespace({ name }).catch(() => undefined)));
    process.stderr.write(`\n[e2e real node: examples] measured:\n${measured.map(m => `  ${m}`).join('\n')}\n`);
  });

  test.concurrent('unlucky-never fails after 4 pods, each exiting 1 with its host name in its log, as the verifier reports them', async () => {
    // WHEN
    const { result, reports, pods } = await runExample('unlucky-never');

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    const report = reports['unlucky-never'];
    expect(report.stats).toMatchObject({ podsCreated: 4, failedAttempts: 4 });
    expect(report.exitCounts).toEqual([{ container: 'unlucky', exitCode: 1, reason: 'Error', count: 4 }]);
    expect(nodeOf(pods['unlucky-never'])).toEqual([node]);
    for (const { pod, log } of pods['unlucky-never']) expect(log).toMatch(new RegExp(`^${pod.metadata!.name} failed on \\w{3} \\w{3} .*\\d{4}\\n$`));
    const shown = report.failedPods[0];
    expect([shown.logContainer, shown.logTail?.length]).toEqual(['unlucky', 1]);
    expect(shown.logTail![0]).toMatch(new RegExp(`^${shown.name} failed on `));
  }, TIMEOUT);

  test.concurrent('unlucky-onfailure fails after its container restarted in place: each run\'s exit, and a failed run\'s log', async () => {
    // WHEN
    const { result, reports } = await runExample('unlucky-onfailure');

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    const report = reports['unlucky-onfailure'];
    expect(report.stats.podsCreated).toBe(1);
    expect(report.stats.failedAttempts).toBeGreaterThanOrEqual(3);
    const [pod] = report.failedPods;
    expect(pod.exits.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pod.exits.map(e => `${e.container} ${e.exitCode} ${e.reason}`))).toEqual(new Set(['unlucky 1 Error']));
    // A failed run's log: the current container's when the last run had ended when the verifier
    // read it, else the previous container's (1.37's early verdict can come while the container
    // waits in back-off). Every run prints the same line; real-node.test.ts pins the previous one.
    // Or, when the Job controller's deletion of the failed pod won the race, no log: the kubelet's
    // answer for a removed container, which pods/log returns as the log (200), is reported as such.
    if (pod.logError === undefined) {
      expect(pod.logContainer).toBe('unlucky');
      expect(pod.logTail).toEqual([expect.stringMatching(new RegExp(`^${pod.name} failed on \\w{3} \\w{3} .*\\d{4}$`))]);
    } else {
      expect(pod.logError).toMatch(/^the node no longer has it \(the kubelet answered "unable to retrieve container logs for containerd:\/\/[0-9a-f]{64}"\)$/);
      expect(pod.logTail).toBeUndefined();
    }
  }, TIMEOUT);

  for (const pi of ['pi', 'pi-with-ttl', 'pi-with-timeout']) {
    test.concurrent(`${pi} prints pi to 2,000 digits (perl's bignum)`, async () => {
      // WHEN
      const { result, pods } = await runExample(pi);

      // THEN
      expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
      expect(nodeOf(pods[pi])).toEqual([node]);
      expect(pods[pi].map(p => p.log)).toEqual([expect.stringMatching(PI_2000)]);
    }, TIMEOUT);
  }

  test.concurrent('job-demo prints 1 to 10, two-times 2 to 20', async () => {
    // WHEN
    const [demo, twoTimes] = await Promise.all([runExample('job-demo'), runExample('two-times')]);

    // THEN
    expect([demo.result.outcome, twoTimes.result.outcome]).toEqual([VerifyOutcome.CONVERGED, VerifyOutcome.CONVERGED]);
    expect(linesOf(demo.pods['job-demo'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(linesOf(twoTimes.pods['two-times'])).toEqual(['2', '4', '6', '8', '10', '12', '14', '16', '18', '20']);
  }, TIMEOUT);

  test.concurrent('multiplier: three workers double the ticket queue\'s tickets (nc) until one reads 101, and all exit 0', async () => {
    // WHEN
    const { result, pods } = await runExample('multiplier');

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    const workers = pods.multiplier;
    expect(workers.map(w => [w.pod.spec?.nodeName, w.pod.status?.phase])).toEqual([[node, 'Succeeded'], [node, 'Succeeded'], [node, 'Succeeded']]);
    expectEveryTicketDoubledOnce(workers);
  }, TIMEOUT);

  for (const queue of manifests.filter(m => isJob(m) && m.metadata.labels?.['app.kubernetes.io/component'] === 'filler').map(m => m.metadata.labels![JobPatternLabels.QUEUE])) {
    const worker = manifests.find(m => isJob(m) && m.metadata.annotations?.[JobPatternLabels.QUEUE] === queue && m.metadata.labels?.['app.kubernetes.io/component'] === 'worker');
    const name = worker ? jobBaseName(worker) : `(no worker Job of queue ${queue})`;
    test.concurrent(`${name}: the filler pushes the items to Redis ${queue}, the workers pop each item once until the list is drained`, async () => {
      // GIVEN
      if (!worker) throw new Error(`the example app has a filler for Redis ${queue} and no worker Job reading it`);
      const filler = jobBaseName(example(name).find(m => isJob(m) && m !== worker && m.metadata.labels?.['app.kubernetes.io/component'] === 'filler')!);
      const items: string[] = (example(name).find(m => jobBaseName(m) === filler) as any).spec.template.spec.containers[0].args.slice(1);

      // WHEN
      const { result, pods } = await runExample(name);

      // THEN
      expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
      expectEveryItemProcessedOnce(pods[filler], pods[name], items);
      expect(nodeOf(pods[name])).toEqual([node]);
    }, TIMEOUT);
  }

  test.concurrent('job-wq-2 as 0.2 wrote it (pinned without DefaultFlag.REDIS_ACCEPTS_PODS): Redis, started without a config file, is in protected mode and refuses other pods, so the filler waits for it and the workers for the filler (found here, issue 26)', async () => {
    // WHEN
    const { result, pods } = await runExample('job-wq-2', { timeoutMs: 20_000, patch: protectedModeOn });

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.TIMEOUT);
    const fillerLines = linesOf(pods['job-wq-2-filler']);
    expect(fillerLines.length).toBeGreaterThan(2);
    expect(new Set(fillerLines)).toEqual(new Set(['waiting for Redis at redis:6379']));
    expect(pods['job-wq-2'].map(p => p.pod.status?.phase)).toEqual(['Pending', 'Pending']);
  }, TIMEOUT);

  test.concurrent('process-item-*: one Job per item, each printing its item', async () => {
    // GIVEN
    const names = manifests.filter(m => isJob(m) && m.metadata.labels?.[JobPatternLabels.GROUP] === 'process-item').map(jobBaseName);
    expect(names.length).toBeGreaterThan(0);

    // WHEN
    const runs = await Promise.all(names.map(name => runExample(name)));

    // THEN
    runs.forEach((run, i) => {
      expect(run.result.outcome).toBe(VerifyOutcome.CONVERGED);
      expect(linesOf(run.pods[names[i]])).toEqual([`Processing item ${names[i].slice('process-item-'.length)}`]);
    });
  }, TIMEOUT);

  test.concurrent('indexed-job: pod i reads item i from the mounted ConfigMap and prints it reversed', async () => {
    // GIVEN
    const configMap = example('indexed-job').find(m => m.kind === 'ConfigMap')!;

    // WHEN
    const { result, pods } = await runExample('indexed-job');

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    expectEachItemReversed(configMap, pods['indexed-job']);
  }, TIMEOUT);

  test.concurrent('pi-driver: the controller pod creates its three worker pods through the API with its RBAC, prints their pi and deletes them', async () => {
    // GIVEN the driver's pods carry no toleration: while it runs, the real node is untainted and the
    // kwok nodes are cordoned, so they land on the real node.
    await started;
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const realNode = await core.readNode({ name: node });
    const taints = realNode.spec?.taints ?? [];
    const kwokNodes = (await core.listNode({ labelSelector: `!${REAL_NODE}` })).items;
    const schedulable = async (n: { metadata?: { name?: string } }, unschedulable: boolean) => {
      const live = await core.readNode({ name: n.metadata!.name! });
      live.spec = { ...live.spec, unschedulable };
      await core.replaceNode({ name: n.metadata!.name!, body: live });
    };
    await Promise.all(kwokNodes.map(n => schedulable(n, true)));
    const untainted = await core.readNode({ name: node });
    untainted.spec = { ...untainted.spec, taints: taints.filter(t => t.key !== REAL_NODE) };
    await core.replaceNode({ name: node, body: untainted });
    let run: RealNodeRun;
    try {
      // WHEN
      run = await runExample('pi-driver');
    } finally {
      const tainted = await core.readNode({ name: node });
      tainted.spec = { ...tainted.spec, taints };
      await core.replaceNode({ name: node, body: tainted });
      await Promise.all(kwokNodes.map(n => schedulable(n, false)));
    }

    // THEN
    expect(run.result.outcome).toBe(VerifyOutcome.CONVERGED);
    const [driver] = run.pods['pi-driver'];
    expect(driver.log.split('\n').filter(l => l !== '')).toEqual([0, 1, 2].map(i => expect.stringMatching(
      new RegExp(`^${driver.pod.metadata!.name}-worker-${i} 3\\.14159265358979323846264338327950288419716939937510\\d{49}$`))));
    // The driver deleted its workers.
    const left = (await core.listNamespacedPod({ namespace: driver.pod.metadata!.namespace!, labelSelector: 'app.kubernetes.io/managed-by=pi-driver' })).items;
    expect(left.filter(p => !p.metadata?.deletionTimestamp)).toEqual([]);
  }, TIMEOUT);

  test('every Job of the example app ran here, or is kept on kwok with a reason', () => {
    const jobs = [...new Set(manifests.filter(isJob).map(jobBaseName))];
    const fillers = manifests.filter(m => isJob(m) && m.metadata.labels?.['app.kubernetes.io/component'] === 'filler').map(jobBaseName);
    expect(jobs.filter(j => !checked.has(j) && !fillers.includes(j) && !(j in KEPT_ON_KWOK))).toEqual([]);
  });
});
