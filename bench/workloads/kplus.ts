// The benchmark's Jobs as plain cdk8s-plus-28 constructs: what a user of kplus.Job writes to get
// the same manifests (fields kplus lacks, and the pod-level seccomp profile, through JSON patches;
// the construct-path label removed), without our checks, defaults logic and validation. Final
// names (with the spec hash our GitOps policy appends) are given as strings: see ./plain.ts.

import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Names, pad, staticItems } from './plain';
import { parts, PatternId, WorkloadId } from './spec';

const image = 'busybox:1.36.1';

interface JobOptions {
  readonly name: string;
  readonly pattern: string;
  readonly component?: string;
  readonly appName?: string;
  readonly extraLabels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly spec: Record<string, unknown>;
  readonly command: string[];
  readonly env?: Record<string, kplus.EnvValue>;
  readonly serviceAccount?: kplus.IServiceAccount;
}

function job(scope: Construct, id: string, o: JobOptions): kplus.Job {
  const labels = {
    'app.kubernetes.io/name': o.appName ?? o.name,
    'app.kubernetes.io/component': o.component ?? 'job',
    'app.kubernetes.io/managed-by': 'cdk8s-job-patterns',
    ...o.extraLabels,
  };
  const j = new kplus.Job(scope, id, {
    metadata: {
      name: o.name,
      labels,
      annotations: { ...o.annotations, 'job-patterns.cdk8s.io/gitops-policy': 'run-once-per-spec', 'job-patterns.cdk8s.io/pattern': o.pattern },
    },
    podMetadata: { labels },
    restartPolicy: kplus.RestartPolicy.NEVER,
    backoffLimit: 3,
    activeDeadline: Duration.hours(1),
    securityContext: { ensureNonRoot: true, user: 65532, group: 65532, fsGroup: 65532 },
    serviceAccount: o.serviceAccount,
    automountServiceAccountToken: o.serviceAccount !== undefined,
  });
  j.addContainer({
    image,
    command: o.command,
    envVariables: o.env,
    resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    securityContext: {
      ensureNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: [kplus.Capability.ALL] },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
  });
  const api = ApiObject.of(j);
  for (const [field, value] of Object.entries(o.spec)) {
    api.addJsonPatch(JsonPatch.add(`/spec/${field}`, value));
  }
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  api.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  // The library leaves the pull policy to Kubernetes (kplus writes Always) and keeps the log as the
  // termination message of a failed container.
  api.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/imagePullPolicy'));
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/terminationMessagePolicy', 'FallbackToLogsOnError'));
  return j;
}

/** The library's writable /tmp (JobDefault.TMP_VOLUME), mounted after the container's other mounts. */
function mountTmp(j: kplus.Job): void {
  j.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(j, 'Tmp', 'job-patterns-tmp', { sizeLimit: Size.gibibytes(1) }));
}

export function build(chart: Chart, workload: WorkloadId, count: number, names: Names = {}): void {
  for (const [pattern, n] of parts(workload, count)) buildPattern(chart, pattern, n, names);
}

function buildPattern(chart: Chart, pattern: PatternId, count: number, names: Names): void {
  const nm = (kind: string, name: string) => names[`${kind}/${name}`] ?? name;
  for (let i = 0; i < count; i++) {
    const n = pad(i);
    switch (pattern) {
      case 'expansion': {
        const item = `item-${n}`;
        mountTmp(job(chart, `expand-${item}`, {
          name: nm('Job', `expand-${item}`), appName: 'expand', pattern: 'template-expansion',
          extraLabels: { 'job-patterns.cdk8s.io/group': 'expand', 'job-patterns.cdk8s.io/item': item },
          spec: { completions: 1, parallelism: 1 },
          command: ['sh', '-c', `echo working on ${item}`],
        }));
        break;
      }
      case 'single':
        mountTmp(job(chart, `single-${n}`, { name: nm('Job', `single-${n}`), appName: `single-${n}`, pattern: 'single-batch', spec: { completions: 1, parallelism: 1 }, command: ['sh', '-c', 'echo single'] }));
        break;
      case 'fixed':
        mountTmp(job(chart, `fixed-${n}`, {
          name: nm('Job', `fixed-${n}`), appName: `fixed-${n}`, pattern: 'fixed-completion', spec: { completions: 6, parallelism: 2, completionMode: 'NonIndexed' }, command: ['sh', '-c', 'echo fixed'],
        }));
        break;
      case 'queue':
        mountTmp(job(chart, `queue-${n}`, {
          name: nm('Job', `queue-${n}`), appName: `queue-${n}`, pattern: 'work-queue-pod-per-item', component: 'worker',
          annotations: { 'argocd.argoproj.io/sync-wave': '0', 'job-patterns.cdk8s.io/queue': 'rabbitmq.messaging.svc' },
          spec: { completions: 8, parallelism: 2 },
          command: ['sh', '-c', 'echo queue'],
          env: {
            QUEUE_HOST: kplus.EnvValue.fromValue('rabbitmq.messaging.svc'),
            QUEUE_PORT: kplus.EnvValue.fromValue('5672'),
            QUEUE_NAME: kplus.EnvValue.fromValue(`q-${n}`),
          },
        }));
        break;
      case 'static': {
        const name = `static-${n}`;
        const scope = new Construct(chart, name);
        const data: Record<string, string> = {};
        staticItems(i).forEach((item, k) => { data[String(k)] = item; });
        const configMap = new kplus.ConfigMap(scope, 'WorkItems', {
          metadata: {
            name: nm('ConfigMap', `${name}-work-items`),
            labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'work-items', 'app.kubernetes.io/managed-by': 'cdk8s-job-patterns' },
          },
          data,
        });
        const j = job(scope, 'Job', {
          name: nm('Job', name), appName: name, pattern: 'static-work-assignment', spec: { completions: 5, parallelism: 5, completionMode: 'Indexed' }, command: ['sh', '-c', 'cat "$WORK_ITEM_FILE"'],
        });
        ApiObject.of(j).addDependency(ApiObject.of(configMap));
        const main = j.containers[0];
        main.mount('/etc/work-items', kplus.Volume.fromConfigMap(scope, 'Volume', configMap, { name: 'work-items' }), { readOnly: true });
        main.env.addVariable('JOB_COMPLETION_INDEX', kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_ANNOTATION, { key: 'batch.kubernetes.io/job-completion-index' }));
        main.env.addVariable('WORK_ITEM_FILE', kplus.EnvValue.fromValue('/etc/work-items/$(JOB_COMPLETION_INDEX)'));
        mountTmp(j);
        break;
      }
      case 'controller': {
        const name = `ctl-${n}`;
        const scope = new Construct(chart, name);
        const metadata = (kind: string) => ({
          name: nm(kind, name),
          labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/managed-by': 'cdk8s-job-patterns' },
        });
        const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', { metadata: metadata('ServiceAccount'), automountToken: false });
        const role = new kplus.Role(scope, 'Role', {
          metadata: metadata('Role'),
          rules: [
            { verbs: ['create', 'get', 'list', 'watch', 'delete'], resources: [kplus.ApiResource.PODS] },
            { verbs: ['get'], resources: [kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/log' })] },
          ],
        });
        const roleBinding = new kplus.RoleBinding(scope, 'RoleBinding', { metadata: metadata('RoleBinding'), role });
        roleBinding.addSubjects(serviceAccount);
        const j = job(scope, 'Job', {
          name: nm('Job', name), appName: name, pattern: 'controller-pod', component: 'controller', spec: { completions: 1, parallelism: 1 },
          command: ['sh', '-c', 'echo controller'], serviceAccount,
          env: {
            POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
            POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
            POD_UID: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_UID),
          },
        });
        for (const before of [serviceAccount, role, roleBinding]) {
          ApiObject.of(j).addDependency(ApiObject.of(before));
        }
        mountTmp(j);
        break;
      }
    }
  }
}
