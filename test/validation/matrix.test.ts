import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchJob, CompletionMode, formatFinding, formatReport, JobDefault, ManifestValidation, PodFailurePolicyAction, PodFailurePolicyOperator, validateManifests, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { jobManifest } from './good-job';

/** A Job that passes the schema and every rule without a single warning. */
const goodJob = (): Record<string, any> => jobManifest('good');

type Mutate = (m: Record<string, any>) => void;
const pod = (m: Record<string, any>) => m.spec.template.spec;
const container = (m: Record<string, any>) => pod(m).containers[0];

// [case, mutation, rule id, path, message]
const manifests: Array<[string, Mutate, string, string, string]> = [
  ['an unknown spec field', m => { m.spec.completionz = 3; }, 'schema/invalid', 'spec.completionz', 'unknown field "completionz"'],
  ['an unknown container field', m => { container(m).imagePolicy = 'Always'; }, 'schema/invalid', 'spec.template.spec.containers[0].imagePolicy', 'unknown field "imagePolicy"'],
  ['a string where an integer belongs', m => { m.spec.parallelism = '2'; }, 'schema/invalid', 'spec.parallelism', 'must be of type integer'],
  ['no containers', m => { delete pod(m).containers; }, 'schema/invalid', 'spec.template.spec.containers', 'required field "containers" is missing'],
  ['restartPolicy Always', m => { pod(m).restartPolicy = 'Always'; }, 'job/restart-policy', 'spec.template.spec.restartPolicy', "restartPolicy is 'Always'; a Job allows only 'Never' or 'OnFailure'"],
  ['manualSelector without a selector', m => { m.spec.manualSelector = true; }, 'job/manual-selector', 'spec.manualSelector', 'manualSelector is true but there is no selector'],
  ['a selector without manualSelector', m => { m.spec.selector = { matchLabels: { a: 'b' } }; }, 'job/manual-selector', 'spec.selector', 'a selector is given without manualSelector: true; the API server rejects it'],
  ['Indexed without completions', m => { m.spec.completionMode = 'Indexed'; m.spec.parallelism = 2; }, 'job/indexed-needs-completions', 'spec.completions', "completionMode is 'Indexed' but completions is not set"],
  ['backoffLimitPerIndex without Indexed', m => { m.spec.completions = 2; m.spec.backoffLimitPerIndex = 1; }, 'job/per-index-needs-indexed', 'spec.backoffLimitPerIndex', "backoffLimitPerIndex is 1 but completionMode is not 'Indexed'"],
  ['podFailurePolicy with OnFailure', m => { pod(m).restartPolicy = 'OnFailure'; m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [2] } }] }; }, 'job/pod-failure-policy-needs-never', 'spec.podFailurePolicy', "a podFailurePolicy needs restartPolicy 'Never', found 'OnFailure'"],
  ['a name longer than 63 characters', m => { m.metadata.name = 'j'.repeat(64); }, 'job/name', 'metadata.name', `Job name '${'j'.repeat(64)}' is not a DNS-1123 label of at most 63 characters`],
  ['an upper-case name', m => { m.metadata.name = 'Pi'; }, 'job/name', 'metadata.name', "Job name 'Pi' is not a DNS-1123 label of at most 63 characters"],
  ['single-batch with completions 3', m => { m.metadata.annotations = { 'job-patterns.cdk8s.io/pattern': 'single-batch' }; m.spec.completions = 3; }, 'job/pattern-shape', 'spec', "pattern 'single-batch' needs completions 1 and parallelism 1, found completions 3, parallelism unset, completionMode unset"],
  ['a variable-count work queue with completions', m => { m.metadata.annotations = { 'job-patterns.cdk8s.io/pattern': 'work-queue-variable-pod-count' }; m.spec.completions = 5; }, 'job/pattern-shape', 'spec', "pattern 'work-queue-variable-pod-count' needs completions unset (any success ends the Job once all pods ended), found completions 5, parallelism unset, completionMode unset"],
  ['static work assignment that is not Indexed', m => { m.metadata.annotations = { 'job-patterns.cdk8s.io/pattern': 'static-work-assignment' }; m.spec.completions = 4; }, 'job/pattern-shape', 'spec', "pattern 'static-work-assignment' needs completionMode 'Indexed' and completions set to the number of work items, found completions 4, parallelism unset, completionMode unset"],
  ['a fixed completion count without completions', m => { m.metadata.annotations = { 'job-patterns.cdk8s.io/pattern': 'fixed-completion' }; }, 'job/pattern-shape', 'spec', "pattern 'fixed-completion' needs completions set to the number of successes (work items), found completions unset, parallelism unset, completionMode unset"],
  ['an unknown pattern', m => { m.metadata.annotations = { 'job-patterns.cdk8s.io/pattern': 'map-reduce' }; }, 'job/unknown-pattern', 'metadata.annotations.job-patterns.cdk8s.io/pattern', "unknown pattern 'map-reduce'"],
  ['a privileged container', m => { container(m).securityContext.privileged = true; }, 'pss/privileged', 'spec.template.spec.containers[0].securityContext.privileged', "container 'main' is privileged"],
  ['privilege escalation not forbidden', m => { delete container(m).securityContext.allowPrivilegeEscalation; }, 'pss/allow-privilege-escalation', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', "container 'main' does not set allowPrivilegeEscalation: false"],
  ['capabilities not dropped', m => { delete container(m).securityContext.capabilities; }, 'pss/capabilities', 'spec.template.spec.containers[0].securityContext.capabilities.drop', "container 'main' does not drop ALL capabilities"],
  ['a capability added', m => { container(m).securityContext.capabilities.add = ['SYS_ADMIN']; }, 'pss/capabilities', 'spec.template.spec.containers[0].securityContext.capabilities.add', "container 'main' adds SYS_ADMIN"],
  ['runAsNonRoot false', m => { pod(m).securityContext.runAsNonRoot = false; }, 'pss/run-as-non-root', 'spec.template.spec.securityContext.runAsNonRoot', 'runAsNonRoot is false'],
  ['uid 0', m => { container(m).securityContext.runAsUser = 0; }, 'pss/run-as-user', 'spec.template.spec.containers[0].securityContext.runAsUser', "container 'main' runs as uid 0"],
  ['seccomp Unconfined', m => { pod(m).securityContext.seccompProfile.type = 'Unconfined'; }, 'pss/seccomp', 'spec.template.spec.securityContext.seccompProfile.type', 'the pod seccomp profile is Unconfined'],
  ['hostNetwork', m => { pod(m).hostNetwork = true; }, 'pss/host-namespaces', 'spec.template.spec.hostNetwork', 'hostNetwork is true'],
  ['a hostPath volume', m => { pod(m).volumes = [{ name: 'root', hostPath: { path: '/' } }]; }, 'pss/volume-types', 'spec.template.spec.volumes[0].hostPath', "volume 'root' is of type hostPath"],
  ['a hostPort', m => { container(m).ports = [{ containerPort: 8080, hostPort: 80 }]; }, 'pss/host-ports', 'spec.template.spec.containers[0].ports[0].hostPort', "container 'main' uses hostPort 80"],
  // What the API server (or the kubelet) rejects that the schema lets through.
  ['an empty image', m => { container(m).image = ''; }, 'image/reference', 'spec.template.spec.containers[0].image', "container 'main' has no image: the API server requires one"],
  ['an image name with a space', m => { container(m).image = 'busy box:1.36.1'; }, 'image/reference', 'spec.template.spec.containers[0].image', "container 'main' image 'busy box:1.36.1' is not a valid image reference: the kubelet fails it with InvalidImageName"],
  ['an upper-case image repository', m => { container(m).image = 'BusyBox:1.36.1'; }, 'image/reference', 'spec.template.spec.containers[0].image', "container 'main' image 'BusyBox:1.36.1' is not a valid image reference: the kubelet fails it with InvalidImageName"],
  ['a podFailurePolicy In rule with exit code 0', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0, 42] } }] }; }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values[0]', "exit code 0 is not allowed with the operator 'In' (a succeeded container is not a failure)"],
  ['podFailurePolicy exit codes out of order', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42, 3] } }] }; }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]', 'exit codes must be in increasing order, found 42 before 3'],
  ['a podFailurePolicy exit code listed twice', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [3, 3] } }] }; }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]', 'exit code 3 is listed twice'],
  ['a podFailurePolicy containerName that names no container', m => { m.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'mian', operator: 'In', values: [42] } }] }; }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.containerName', "containerName 'mian' names no container or init container of the pod"],
  ['an upper-case container name', m => { container(m).name = 'Main'; }, 'api/container-name', 'spec.template.spec.containers[0].name', "container name 'Main' is not a DNS-1123 label"],
  ['two containers with the same name', m => { pod(m).initContainers = [{ ...container(m) }]; }, 'api/container-name', 'spec.template.spec.initContainers[0].name', "container name 'main' is used twice in the pod"],
  ['an invalid namespace', m => { m.metadata.namespace = 'Data_Team'; }, 'api/namespace', 'metadata.namespace', "namespace 'Data_Team' is not a DNS-1123 label of at most 63 characters"],
  ['a pod label value with a space', m => { m.spec.template.metadata = { labels: { team: 'data science' } }; }, 'api/labels', 'spec.template.metadata.labels.team', "label 'team' has the value 'data science', which is not a valid label value"],
  ['an invalid label key', m => { m.metadata.labels = { 'Example.com/team': 'data' }; }, 'api/labels', 'metadata.labels.Example.com/team', "label key 'Example.com/team' is not a valid qualified name"],
  ['an env var name starting with a digit', m => { container(m).env = [{ name: '2FA_TOKEN', value: 'x' }]; }, 'api/env-name', 'spec.template.spec.containers[0].env[0].name', "environment variable name '2FA_TOKEN' is not valid on Kubernetes 1.28 (letters, digits, '_', '-', '.'; not starting with a digit)"],
  ['a Service name starting with a digit', m => { Object.assign(m, { apiVersion: 'v1', kind: 'Service', metadata: { name: '2queue' }, spec: { clusterIP: 'None' } }); }, 'api/name', 'metadata.name', "Service name '2queue' is not a DNS-1035 label (a letter first) of at most 63 characters"],
  ['an env var given twice', m => { container(m).env = [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]; }, 'api/env', 'spec.template.spec.containers[0].env[1].name', "environment variable 'A' is given twice: server-side apply (kubectl --server-side, Argo CD's ServerSideApply) refuses the pod, client-side apply keeps the last"],
  ['a port name in upper case', m => { container(m).ports = [{ containerPort: 80, name: 'HTTP' }]; }, 'api/ports', 'spec.template.spec.containers[0].ports[0].name', "port name 'HTTP' is not at most 15 lower-case letters, digits and '-' with at least one letter"],
  ['a cpu request above its limit', m => { container(m).resources = { requests: { cpu: '2', memory: '64Mi' }, limits: { cpu: '1500m' } }; }, 'api/resources', 'spec.template.spec.containers[0].resources.requests.cpu', 'the cpu request 2 is above its limit 1500m'],
  ['a probe with two handlers', m => { container(m).readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } }; }, 'api/probe', 'spec.template.spec.containers[0].readinessProbe', 'the probe has 2 handlers (exec, tcpSocket)'],
  ['a negative backoffLimit', m => { m.spec.backoffLimit = -1; }, 'api/non-negative', 'spec.backoffLimit', 'backoffLimit is -1'],
  ['a Job of 1.6 MB', m => { container(m).args = ['x'.repeat(1_600_000)]; }, 'size/request', '', 'the object is 1563 KiB, over etcd\'s request limit of 1.5 MiB: the API server refuses to store it ("etcdserver: request is too large")'],
  ['a ConfigMap name with upper case', m => { Object.assign(m, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Items' }, data: {} }); delete m.spec; }, 'api/name', 'metadata.name', "ConfigMap name 'Items' is not a DNS-1123 subdomain of at most 253 characters"],
  ['a privileged Deployment pod', m => {
    const template = m.spec.template;
    template.spec.restartPolicy = 'Always';
    Object.assign(m, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: { matchLabels: { app: 'q' } }, template: { metadata: { labels: { app: 'q' } }, spec: template.spec } } });
    container(m).securityContext.privileged = true;
  }, 'pss/privileged', 'spec.template.spec.containers[0].securityContext.privileged', "container 'main' is privileged"],
];

// Warnings: they fail synth only with warningsAsErrors.
const warnings: Array<[string, Mutate, string, string, string]> = [
  ['an image tagged latest', m => { container(m).image = 'busybox:latest'; }, 'image/tag', 'spec.template.spec.containers[0].image', "container 'main' uses image 'busybox:latest' without a pinned tag"],
  ['an image without a tag', m => { container(m).image = 'registry.example.com:5000/tools/busybox'; }, 'image/tag', 'spec.template.spec.containers[0].image', "container 'main' uses image 'registry.example.com:5000/tools/busybox' without a pinned tag"],
  ['no resource requests', m => { delete container(m).resources; }, 'resources/requests', 'spec.template.spec.containers[0].resources.requests', "container 'main' does not request both cpu and memory"],
  ['parallelism above completions', m => { m.spec.completions = 2; m.spec.parallelism = 3; }, 'job/parallelism-exceeds-completions', 'spec.parallelism', 'parallelism (3) is greater than completions (2): at most 2 pods run at once'],
  ['a deadline shorter than the back-off', m => { m.spec.backoffLimit = 6; m.spec.activeDeadlineSeconds = 600; }, 'job/deadline-shorter-than-backoff', 'spec.activeDeadlineSeconds', 'activeDeadlineSeconds (600) is shorter than the 630 s of back-off that backoffLimit 6 allows'],
  ['a TTL on a Job Argo CD tracks', m => { m.spec.ttlSecondsAfterFinished = 60; }, 'gitops/ttl-on-tracked-job', 'spec.ttlSecondsAfterFinished', 'ttlSecondsAfterFinished is 60 on a Job Argo CD tracks (not a hook): once the TTL deleted it, Argo CD shows it missing and auto-sync re-creates it, so it runs again after every TTL'],
  ['a work-items ConfigMap of 600 KiB', m => { Object.assign(m, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'items' }, data: { 0: 'x'.repeat(600 * 1024) } }); delete m.spec; }, 'size/last-applied', '', 'the object is 600 KiB: kubectl apply and Argo CD\'s default client-side apply copy it into the annotation kubectl.kubernetes.io/last-applied-configuration, which may hold at most 256 KiB'],
  ['an alpha field on 1.28', m => { m.spec.podReplacementPolicy = 'Failed'; }, 'version/field', 'spec.podReplacementPolicy', 'podReplacementPolicy is alpha on Kubernetes 1.28: without the JobPodReplacementPolicy feature gate the API server drops it silently (on by default from 1.29)'],
];

/** Synthesizes `build` into a fresh output directory; returns what synth threw and the files it wrote. */
function synthInto(build: (chart: Chart) => void, warningsAsErrors = false): { error?: Error; files: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-matrix-'));
  const app = new App({ outdir });
  ManifestValidation.enable(app, { warningsAsErrors });
  let error: Error | undefined;
  try {
    build(new Chart(app, 'bad'));
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const files = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { error, files };
}

describe('bad-input matrix: raw manifests', () => {
  test('the good Job has no finding at all', () => {
    expect(validateManifests([goodJob()]).findings).toEqual([]);
  });

  test.each([...manifests.map(c => [...c, false]), ...warnings.map(c => [...c, true])] as Array<[string, Mutate, string, string, string, boolean]>)(
    'fails on %s', (_name, mutate, ruleId, jsonPath, message, asError) => {
      // GIVEN
      const m = goodJob();
      mutate(m);

      // WHEN
      const report = validateManifests([m], { warningsAsErrors: asError });
      const written = synthInto(chart => { new ApiObject(chart, 'hand-written', m as any); }, asError);

      // THEN
      expect(report.errors.map(f => [f.ruleId, f.path, f.message])).toEqual([[ruleId, jsonPath, message]]);
      expect(report.ok).toBe(false);
      expect(formatReport(report).split('\n').pop()).toEqual(`1 error(s)${asError ? ' (1 warning(s) treated as errors)' : ''}, ${report.warnings.length} warning(s)`);
      expect(written.error?.message).toContain(`cdk8s-job-patterns: 1 error(s)${asError ? ' (1 warning(s) treated as errors)' : ''} in the manifests; nothing was written.\n\n`);
      expect(written.error?.message).toContain([
        `${asError ? 'warning' : 'error'} ${ruleId}`,
        `  object:    ${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`,
        '  construct: bad/hand-written',
        ...(jsonPath ? [`  field:     ${jsonPath}`] : []),
        `  problem:   ${message}`,
        '',
      ].join('\n'));
      expect(written.error?.message).not.toContain('[]');
      expect(written.files).toEqual([]);
    });

  test('fails in Testing.synth with the construct path of each error, not an empty []', () => {
    // GIVEN a chart with a hand-written ConfigMap that has an unknown field
    const chart = Testing.chart();
    new ApiObject(chart, 'hand', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, datta: {} } as any);
    ManifestValidation.enable(chart);

    // WHEN / THEN
    expect(() => Testing.synth(chart)).toThrow('cdk8s-job-patterns: 1 error(s) in the manifests; nothing was written.\n\nerror schema/invalid\n  object:    ConfigMap/x\n'
      + '  construct: test/hand\n  field:     datta\n  problem:   unknown field "datta"\n  fix:       Remove or correct the field so the object matches the Kubernetes API of the target version (KubernetesVersion, 1.28 by default).\n');
    expect(() => Testing.synth(chart)).not.toThrow('[]');
  });

  test('every finding of the matrix reads as one sentence before its fix', () => {
    const lines = [...manifests, ...warnings].flatMap(([, mutate]) => {
      const m = goodJob();
      mutate(m);
      return validateManifests([m]).findings.map(formatFinding);
    });
    expect(lines.length).toBeGreaterThanOrEqual(manifests.length + warnings.length);
    expect(lines.filter(line => !/[^.]\. Fix: [^ ]/.test(line))).toEqual([]);
  });

  test('warnings alone do not fail synth', () => {
    const m = goodJob();
    m.spec.ttlSecondsAfterFinished = 60;
    const report = validateManifests([m]);
    expect(report.ok).toBe(true);
    expect(report.warnings.map(w => w.ruleId)).toEqual(['gitops/ttl-on-tracked-job']);
  });

  test('JOB_PATTERNS_WARNINGS_AS_ERRORS=true turns warnings into errors', () => {
    const m = goodJob();
    m.spec.ttlSecondsAfterFinished = 60;
    process.env.JOB_PATTERNS_WARNINGS_AS_ERRORS = 'true';
    try {
      expect(validateManifests([m]).ok).toBe(false);
    } finally {
      delete process.env.JOB_PATTERNS_WARNINGS_AS_ERRORS;
    }
  });

  test('skipRules skips a rule, and a prefix with /*', () => {
    const m = goodJob();
    delete container(m).securityContext;
    delete container(m).resources;
    expect(validateManifests([m], { skipRules: ['pss/*', 'resources/requests'] }).findings).toEqual([]);
  });

  test.each([
    ['an id an earlier version had', 'job/alpha-field', "cdk8s-job-patterns: skipRules: 'job/alpha-field' is not a rule id (the rule is now 'version/field'), so it would skip nothing. Fix: write 'version/field' instead (docs/validation.md lists every rule id; 'prefix/*' skips every rule of a prefix)."],
    ['a misspelt id', 'pss/privilegd', "cdk8s-job-patterns: skipRules: 'pss/privilegd' is not a rule id; the closest is 'pss/privileged', so it would skip nothing. Fix: write 'pss/privileged' instead (docs/validation.md lists every rule id; 'prefix/*' skips every rule of a prefix)."],
    ['a prefix no rule has', 'pod/*', "cdk8s-job-patterns: skipRules: 'pod/*' matches no rule id; the closest is 'job/*', so it would skip nothing. Fix: write 'job/*' instead (docs/validation.md lists every rule id; 'prefix/*' skips every rule of a prefix)."],
  ])('fails when skipRules names %s', (_case, id, message) => {
    // GIVEN a valid Job
    const m = goodJob();

    // WHEN / THEN the function, and the app's validation at the line that enables it
    expect(() => validateManifests([m], { skipRules: ['pss/*', id] })).toThrow(message);
    expect(() => ManifestValidation.enable(Testing.app(), { skipRules: [id] })).toThrow(message);
  });

  test('YAML text with several documents is read', () => {
    const report = validateManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata: { x: "1" }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\ndatta: {}\n');
    expect(report.findings.map(f => [f.name, f.ruleId, f.path])).toEqual([['b', 'schema/invalid', 'datta']]);
  });

  test('a custom resource is reported as not checked, not as an error', () => {
    const report = validateManifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { anything: true } }]);
    expect(report.ok).toBe(true);
    expect(report.findings.map(f => f.ruleId)).toEqual(['schema/unknown-kind']);
  });
});

const CONTAINER: kplus.ContainerProps = { image: 'busybox:1.36.1' };
// [case, props, message]: construct props are rejected in the constructor, before any manifest exists.
const props: Array<[string, any, string]> = [
  ['restartPolicy Always', { restartPolicy: kplus.RestartPolicy.ALWAYS }, "bad/job (BatchJob): 'restartPolicy' must be 'Never' or 'OnFailure' for a Job, got 'Always'."],
  ['completions 0', { completions: 0 }, "bad/job (BatchJob): 'completions' must be a whole number >= 1, got 0."],
  ['a negative backoffLimit', { backoffLimit: -1 }, "bad/job (BatchJob): 'backoffLimit' must be a whole number >= 0, got -1."],
  ['a fractional parallelism', { parallelism: 0.5 }, "bad/job (BatchJob): 'parallelism' must be a whole number >= 0, got 0.5."],
  ['an invalid name', { metadata: { name: 'Bad_Name' } }, "bad/job (BatchJob): 'metadata.name' must be a DNS-1123 label of at most 63 characters"],
  ['Indexed with parallelism but no completions', { completionMode: CompletionMode.INDEXED, parallelism: 2 }, "bad/job (BatchJob): 'completions' must be set when completionMode is 'Indexed' and parallelism is set (parallelism is 2; with neither, Kubernetes runs one index), got undefined."],
  ['podFailurePolicy with OnFailure', { restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: [{ action: PodFailurePolicyAction.FAIL_JOB, onExitCodes: { operator: PodFailurePolicyOperator.IN, values: [1] } }] }, "bad/job (BatchJob): 'podFailurePolicy' needs restartPolicy 'Never' (restartPolicy is 'OnFailure')"],
  ['an omitted default that is also set', { omitDefaults: [JobDefault.ACTIVE_DEADLINE], activeDeadline: Duration.minutes(1) }, "bad/job (BatchJob): 'activeDeadline' cannot be set while omitDefaults contains JobDefault.ACTIVE_DEADLINE, got 60 seconds."],
  ['maxFailedIndexes without backoffLimitPerIndex', { completions: 2, completionMode: CompletionMode.INDEXED, maxFailedIndexes: 1 }, "bad/job (BatchJob): 'maxFailedIndexes' needs backoffLimitPerIndex, got 1."],
];

describe('bad-input matrix: construct props', () => {
  test.each(props)('fails when given %s', (_name, bad, message) => {
    const written = synthInto(chart => { new BatchJob(chart, 'job', { container: CONTAINER, ...bad }); });
    expect(written.error?.message).toContain(message);
    expect(written.files).toEqual([]);
  });
});

describe('one object per name', () => {
  test('fails when two charts write the same object, naming both construct paths', () => {
    // GIVEN two charts that each run a work queue named 'fruit' in the same namespace
    const app = Testing.app();
    for (const id of ['shop', 'farm']) {
      new WorkQueueJob(new Chart(app, id), 'fruit', { metadata: { name: 'fruit' }, queue: WorkQueue.redis({ items: WorkItems.fromList(['apple']) }), container: CONTAINER });
    }

    // WHEN
    const report = ManifestValidation.enable(app).report();

    // THEN every object of the second is reported (the same spec gives the same hashed Job names), with the first one's path
    const hashed = (text: string) => text.replace(/-[0-9a-f]{8}'/g, "-<hash>'");
    expect(report.errors.filter(f => f.ruleId === 'api/duplicate-object').map(f => hashed(`${f.constructPath}: ${f.message}`)).sort()).toEqual([
      "farm/fruit/Queue/Filler/Resource: Job 'fruit-filler-<hash>' is also written by the construct shop/fruit/Queue/Filler/Resource: applied together, one overwrites the other",
      "farm/fruit/Queue/Server/Deployment/Resource: Deployment 'fruit-queue' is also written by the construct shop/fruit/Queue/Server/Deployment/Resource: applied together, one overwrites the other",
      "farm/fruit/Queue/Server/Service/Resource: Service 'fruit-queue' is also written by the construct shop/fruit/Queue/Server/Service/Resource: applied together, one overwrites the other",
      "farm/fruit/Resource: Job 'fruit-<hash>' is also written by the construct shop/fruit/Resource: applied together, one overwrites the other",
    ]);
  });

  test('the same name in another namespace or of another kind is no duplicate', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'items', namespace: 'a' }, data: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'items', namespace: 'b' }, data: {} },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'items', namespace: 'a' }, data: {} },
    ];
    expect(validateManifests(objects).findings.filter(f => f.ruleId === 'api/duplicate-object')).toEqual([]);
  });

  test('fails on two objects of one name in one manifest set, without construct paths', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'items' }, data: {} };
    expect(validateManifests([cm, cm]).errors.map(f => f.message)).toEqual(["ConfigMap 'items' is also written by object 1 of the set: applied together, one overwrites the other"]);
  });
});
