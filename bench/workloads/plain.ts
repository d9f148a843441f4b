// The benchmark's Jobs written out as plain object literals: what a user who writes raw cdk8s
// ApiObjects (or YAML) by hand would type. Used by the raw ApiObject case and the YAML floor.
// `npm run bench` first checks that these are the very manifests our constructs synthesize
// (bench/synth/check.ts), so every case renders the same Jobs: when the library's output
// changes, this file must follow (the check names each difference).
//
// Names: our constructs may append a hash of the spec to a name (`<name>-<8 hex>`, the GitOps
// policy runOncePerSpec). A hand-written manifest simply has the final name as a string, so the
// benchmark renders our constructs once beforehand (untimed) and gives every literal the final
// names through `names` (see Names).
//
// No import of cdk8s here: the YAML floor must not load it.

import { PatternId } from './spec';

type Obj = Record<string, any>;

/** The final name of each object, by kind and the name without a hash (`Job/static-00000` -> `static-00000-5fa4a88b`). */
export type Names = Readonly<Record<string, string>>;

/** The names that differ, from our constructs' manifests: a name ending in `-<8 hex>` maps from the name without it. */
export function namesOf(manifests: ReadonlyArray<{ kind?: string; metadata?: { name?: string } }>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const m of manifests) {
    const name = m.metadata?.name ?? '';
    const base = name.replace(/-[0-9a-f]{8}$/, '');
    if (base !== name) names[`${m.kind}/${base}`] = name;
  }
  return names;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-job-patterns' };

function labels(name: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, ...MANAGED_BY, ...extra };
}

/** The library's writable /tmp (JobDefault.TMP_VOLUME): the pod's volume and each container's mount. */
const TMP_VOLUME = { name: 'job-patterns-tmp', emptyDir: { sizeLimit: '1024Mi' } };
const TMP_MOUNT = { mountPath: '/tmp', name: 'job-patterns-tmp' };

/** The main container with the library's defaults, as a literal. */
function container(command: string[], extra: Obj = {}): Obj {
  return {
    name: 'main',
    image: 'busybox:1.36.1',
    command,
    resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...extra,
    volumeMounts: [...extra.volumeMounts ?? [], TMP_MOUNT],
  };
}

interface JobLiteral {
  readonly name: string;
  readonly pattern: string;
  readonly component?: string;
  /** `app.kubernetes.io/name` when it is not the Job name (template expansion: the base name). */
  readonly appName?: string;
  readonly extraLabels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly spec: Obj;
  readonly container: Obj;
  readonly pod?: Obj;
}

function job(j: JobLiteral): Obj {
  const l = labels(j.appName ?? j.name, j.component ?? 'job', j.extraLabels);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: j.name,
      labels: l,
      annotations: { ...j.annotations, 'job-patterns.cdk8s.io/gitops-policy': 'run-once-per-spec', 'job-patterns.cdk8s.io/pattern': j.pattern },
    },
    spec: {
      activeDeadlineSeconds: 3600,
      backoffLimit: 3,
      ...j.spec,
      template: {
        metadata: { labels: { ...l } },
        spec: {
          automountServiceAccountToken: false,
          containers: [j.container],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Never',
          securityContext: {
            fsGroup: 65532,
            fsGroupChangePolicy: 'Always',
            runAsGroup: 65532,
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          setHostnameAsFQDN: false,
          terminationGracePeriodSeconds: 30,
          ...j.pod,
          volumes: [...j.pod?.volumes ?? [], TMP_VOLUME],
        },
      },
    },
  };
}

/** Zero-padded index: names sort in creation order. */
export function pad(i: number): string {
  return String(i).padStart(5, '0');
}

/**
 * The objects of instance `i` of `pattern`, in the order cdk8s writes them (dependencies first).
 * `dependsOn[k]` lists the indexes of the objects that object `k` depends on (come before it).
 */
export function plainObjects(pattern: PatternId, i: number, names: Names = {}): { objects: Obj[]; dependsOn: number[][] } {
  const n = pad(i);
  const nm = (kind: string, name: string) => names[`${kind}/${name}`] ?? name;
  switch (pattern) {
    case 'expansion': {
      const item = `item-${n}`;
      const extra = { 'job-patterns.cdk8s.io/group': 'expand', 'job-patterns.cdk8s.io/item': item };
      return one(job({
        name: nm('Job', `expand-${item}`), appName: 'expand', pattern: 'template-expansion', extraLabels: extra,
        spec: { completions: 1, parallelism: 1 },
        container: container(['sh', '-c', `echo working on ${item}`]),
      }));
    }
    case 'single':
      return one(job({
        name: nm('Job', `single-${n}`), appName: `single-${n}`, pattern: 'single-batch', spec: { completions: 1, parallelism: 1 },
        container: container(['sh', '-c', 'echo single']),
      }));
    case 'fixed':
      return one(job({
        name: nm('Job', `fixed-${n}`), appName: `fixed-${n}`, pattern: 'fixed-completion', spec: { completions: 6, parallelism: 2, completionMode: 'NonIndexed' },
        container: container(['sh', '-c', 'echo fixed']),
      }));
    case 'queue':
      return one(job({
        name: nm('Job', `queue-${n}`), appName: `queue-${n}`, pattern: 'work-queue-pod-per-item', component: 'worker',
        annotations: { 'argocd.argoproj.io/sync-wave': '0', 'job-patterns.cdk8s.io/queue': 'rabbitmq.messaging.svc' },
        spec: { completions: 8, parallelism: 2 },
        container: container(['sh', '-c', 'echo queue'], {
          env: [
            { name: 'QUEUE_HOST', value: 'rabbitmq.messaging.svc' },
            { name: 'QUEUE_PORT', value: '5672' },
            { name: 'QUEUE_NAME', value: `q-${n}` },
          ],
        }),
      }));
    case 'static': {
      const name = `static-${n}`;
      const data: Record<string, string> = {};
      staticItems(i).forEach((item, k) => { data[String(k)] = item; });
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: nm('ConfigMap', `${name}-work-items`), labels: labels(name, 'work-items') },
        data,
        immutable: false,
      };
      const worker = job({
        name: nm('Job', name), appName: name, pattern: 'static-work-assignment', spec: { completions: 5, parallelism: 5, completionMode: 'Indexed' },
        container: container(['sh', '-c', 'cat "$WORK_ITEM_FILE"'], {
          env: [
            { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
            { name: 'WORK_ITEM_FILE', value: '/etc/work-items/$(JOB_COMPLETION_INDEX)' },
          ],
          volumeMounts: [{ mountPath: '/etc/work-items', name: 'work-items', readOnly: true }],
        }),
        pod: { volumes: [{ name: 'work-items', configMap: { name: nm('ConfigMap', `${name}-work-items`) } }] },
      });
      return { objects: [configMap, worker], dependsOn: [[], [0]] };
    }
    case 'controller': {
      const name = `ctl-${n}`;
      const metadata = (kind: string) => ({ name: nm(kind, name), labels: labels(name, 'controller') });
      const serviceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata('ServiceAccount'), automountServiceAccountToken: false };
      const role = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: metadata('Role'),
        rules: [
          { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        ],
      };
      const roleBinding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: metadata('RoleBinding'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: nm('Role', name) },
        subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: nm('ServiceAccount', name) }],
      };
      const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
      const worker = job({
        name: nm('Job', name), appName: name, pattern: 'controller-pod', component: 'controller', spec: { completions: 1, parallelism: 1 },
        container: container(['sh', '-c', 'echo controller'], {
          env: [
            { name: 'POD_NAME', ...fieldRef('metadata.name') },
            { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
            { name: 'POD_UID', ...fieldRef('metadata.uid') },
          ],
        }),
        pod: { automountServiceAccountToken: true, serviceAccountName: nm('ServiceAccount', name) },
      });
      return { objects: [serviceAccount, role, roleBinding, worker], dependsOn: [[], [], [], [0, 1, 2]] };
    }
  }
}

/** The five work items of static-work-assignment instance `i`. */
export function staticItems(i: number): string[] {
  return ['a', 'b', 'c', 'd', 'e'].map(s => `frame-${pad(i)}-${s}`);
}

function one(o: Obj): { objects: Obj[]; dependsOn: number[][] } {
  return { objects: [o], dependsOn: [[]] };
}
