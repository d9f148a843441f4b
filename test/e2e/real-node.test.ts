/**
 * A real node beside the kwok nodes (issue 26): the kubelet of the cluster's version, Debian's
 * containerd and runc, and a busybox image built from Debian's busybox-static, started by
 * scripts/node/up.sh (docs/maintainers/real-node.md). The commands of these Jobs really run, so what the
 * library's defaults allow, the exit codes and the logs the verifier reports are the kubelet's own,
 * not a kwok stage's.
 *
 * The node is tainted and labelled job-patterns.cdk8s.io/real-node=true: only these Jobs, which
 * tolerate the taint and select the label, run on it; the other suites keep their kwok nodes.
 *
 * In npm test on both e2e versions (1.28.15 and 1.37.2). The node is started by the first real-node suite and stopped by the cluster's
 * down.sh; a cold machine first installs the packages, builds the kubelet and the images
 * (docs/maintainers/real-node.md).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Size, Testing } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-28';
import { RestartPolicy } from 'cdk8s-plus-28';
import { GitOpsPolicy, JobDefault, SingleBatchJob } from '../../index';
import { applyManifests, Manifest, verifyJobs, VerifyOutcome } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { e2eMinor, kubeConfig, restrictedNamespace } from './cluster';
import { nodeScript, onRealNode, realNodeName } from './real-node';

const TIMEOUT = 120_000;

interface RealNodeJobProps {
  readonly omitDefaults?: JobDefault[];
  readonly resources?: ContainerResources;
  readonly restartPolicy?: RestartPolicy;
  /** @default 0 */
  readonly backoffLimit?: number;
}

/**
 * A single-batch Job of the library with its defaults (GitOpsPolicy.none(): named `name`, no TTL
 * kept), running `script` in busybox on the real node (the only change made to the synthesized
 * Job: its toleration and node selector).
 */
function realNodeJob(name: string, script: string, props: RealNodeJobProps = {}): Manifest {
  const chart = Testing.chart();
  new SingleBatchJob(chart, name, {
    metadata: { name },
    container: { image: 'busybox:1.36.1', command: ['sh', '-c', script], resources: props.resources },
    gitOps: GitOpsPolicy.none(),
    backoffLimit: props.backoffLimit ?? 0,
    restartPolicy: props.restartPolicy,
    omitDefaults: [JobDefault.TTL_AFTER_FINISHED, ...props.omitDefaults ?? []],
  });
  return onRealNode(Testing.synth(chart)[0] as Manifest);
}

let kc: KubeConfig;
const measured: string[] = [];

describe(`a real node on Kubernetes 1.${e2eMinor}`, () => {
  beforeAll(() => {
    kc = kubeConfig();
    measured.push(`node up in ${nodeScript('node/up.sh').toFixed(0)} s`);
  }, 1_800_000);
  // The node keeps running for the other real-node suite; the cluster's down.sh stops it.
  afterAll(() => {
    process.stderr.write(`\n[e2e ${e2eMinor} real node] measured:\n${measured.map(m => `  ${m}`).join('\n')}\n`);
  });

  async function run(name: string, job: Manifest, timeoutMs = TIMEOUT) {
    const namespace = await restrictedNamespace(kc, name);
    const applied = await applyManifests(kc, [job], { namespace });
    expect(applied.filter(r => r.error)).toEqual([]);
    const started = Date.now();
    const result = await verifyJobs({ kubeConfig: kc, targets: [{ name, namespace }], namespace, timeoutMs });
    measured.push(`${name}: ${result.outcome} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const pods = (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: `job-name=${name}` })).items;
    return { namespace, result, report: result.jobs[0], pods };
  }

  test('a Job that writes to /tmp completes with the library\'s defaults (read-only root file system, the /tmp emptyDir)', async () => {
    // GIVEN
    const job = realNodeJob('writes-tmp', 'echo "report of $(date +%F)" > /tmp/report.txt && cat /tmp/report.txt');

    // WHEN
    const { namespace, result, pods } = await run('writes-tmp', job);

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.CONVERGED);
    expect(pods.map(p => [p.spec?.nodeName, p.status?.phase])).toEqual([[await realNodeName(kc), 'Succeeded']]);
    expect(pods[0].spec?.containers[0].securityContext?.readOnlyRootFilesystem).toBe(true);
    const log = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedPodLog({ name: pods[0].metadata!.name!, namespace });
    expect(log).toMatch(/^report of \d{4}-\d{2}-\d{2}\n$/);
  });

  test('fails when the /tmp default is omitted: the root file system refuses the write, and the verifier shows the kubelet\'s exit and log', async () => {
    // GIVEN
    const job = realNodeJob('no-tmp', 'echo data > /tmp/report.txt', { omitDefaults: [JobDefault.TMP_VOLUME] });

    // WHEN
    const { result, report } = await run('no-tmp', job);

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    const pod = report.failedPods[0];
    expect(pod.exits.map(e => [e.container, e.exitCode, e.reason])).toEqual([['main', 1, 'Error']]);
    expect(pod.logTail).toEqual(["sh: can't create /tmp/report.txt: Read-only file system"]);
  });

  test('fails when the command exits non-zero: its exit code, and its log read through pods/log, as the verifier reports them', async () => {
    // GIVEN
    // (A second apart: the runtime reads stdout and stderr separately, and orders lines by their time.)
    const job = realNodeJob('exits-3', 'echo "checking 3 shards"; sleep 1; echo "shard 2: checksum mismatch" >&2; exit 3');

    // WHEN
    const { result, report } = await run('exits-3', job);

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(result.requests.logs).toBeGreaterThanOrEqual(1);
    const pod = report.failedPods[0];
    expect([pod.logContainer, pod.logTail]).toEqual(['main', ['checking 3 shards', 'shard 2: checksum mismatch']]);
    // FallbackToLogsOnError: the log's end is also the termination message, in the pod's status.
    expect(pod.exits).toEqual([{ container: 'main', exitCode: 3, reason: 'Error', message: 'checking 3 shards\nshard 2: checksum mismatch\n' }]);
  });

  test('a container restarted in place (restartPolicy OnFailure) and running again: the verifier shows the failed run\'s exit and its log, read as the previous container\'s', async () => {
    // GIVEN a first run that fails, and a second that runs on (the /tmp emptyDir outlives a run)
    const job = realNodeJob('restarted', 'if [ -f /tmp/ran ]; then echo "second run"; sleep 120; fi; touch /tmp/ran; echo "first run: no input yet"; exit 2',
      { restartPolicy: RestartPolicy.ON_FAILURE, backoffLimit: 2 });

    // WHEN the verifier gives up while the second run runs
    const { result, report, pods } = await run('restarted', job, 25_000);

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.TIMEOUT);
    expect(pods.map(p => [p.status?.phase, p.status?.containerStatuses?.[0].restartCount])).toEqual([['Running', 1]]);
    const [pod] = report.failedPods;
    expect(pod.exits.map(e => [e.container, e.exitCode, e.reason])).toEqual([['main', 2, 'Error']]);
    expect([pod.logContainer, pod.logPrevious, pod.logTail]).toEqual(['main', true, ['first run: no input yet']]);
  });

  test('fails when the container exceeds its memory limit: the kubelet\'s OOMKilled and exit 137, as the verifier reports them', async () => {
    // GIVEN a 16Mi limit, and a shell that holds 64 MiB in a variable
    const job = realNodeJob('oom', 'echo "loading"; x="$(head -c 67108864 /dev/zero | tr "\\0" a)"; echo "loaded ${#x}"', { resources: { memory: { limit: Size.mebibytes(16) } } });

    // WHEN
    const { result, report } = await run('oom', job);

    // THEN
    expect(result.outcome).toBe(VerifyOutcome.FAILED);
    expect(report.failedPods[0].exits.map(e => [e.container, e.exitCode, e.reason])).toEqual([['main', 137, 'OOMKilled']]);
  });
});
