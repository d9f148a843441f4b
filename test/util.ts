import { Chart, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';

/** A container every test can use. */
export const CONTAINER: kplus.ContainerProps = { image: 'busybox:1.36.1', command: ['true'] };

/** A fresh chart in a fresh test app. */
export function chart(): Chart {
  return Testing.chart();
}

/** A synthesized manifest, loosely typed for assertions. */
export type Manifest = { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [key: string]: any };

/** Synthesizes `c` and returns its manifests. */
export function synth(c: Chart): Manifest[] {
  return Testing.synth(c) as Manifest[];
}

/**
 * True when `m` is named `name`, or `name` followed by the content hash that
 * `GitOpsPolicy.runOncePerSpec()` (the default) appends to a Job (its spec) or a work-items
 * ConfigMap (its items): `<name>-<8 hex>`.
 */
export function hasBaseName(m: Manifest, name: string): boolean {
  return m.metadata.name === name || new RegExp(`^${name.slice(0, 54).replace(/-+$/, '')}-[0-9a-f]{8}$`).test(m.metadata.name);
}

/**
 * The one manifest of `kind` (and `name`, when given: its base name, with or without the content
 * hash) in `c`; fails when there is not exactly one.
 */
export function manifest(c: Chart, kind: string, name?: string): Manifest {
  const found = synth(c).filter(m => m.kind === kind && (name === undefined || hasBaseName(m, name)));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}

/** The only Job in `c`. */
export function job(c: Chart, name?: string): Manifest {
  return manifest(c, 'Job', name);
}

/** The pod spec of the only Job in `c`. */
export function podSpec(c: Chart, name?: string): any {
  return job(c, name).spec.template.spec;
}

/** A scope nested in `c` under the construct ids `ids` (to show that moving a construct changes nothing). */
export function nested(c: Chart, ids: string[]): Construct {
  return ids.reduce<Construct>((scope, id) => new Construct(scope, id), c);
}

/** The container security context every library pod gets by default (restricted profile). */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Resources given to every container of {@link furnishRichPod} (kplus would add its own otherwise). */
export const RICH_POD_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(64), limit: Size.gibibytes(1) },
};

/**
 * Furnishes `pod` (a BatchJob or a plain kplus.Job) with a bit of everything the cdk8s-plus pod
 * model renders: ports, probes, env from fields, resources (quantities), a mounted emptyDir with a
 * size limit, an init container, host aliases, tolerations and node affinity.
 */
export function furnishRichPod(pod: kplus.AbstractPod & { readonly scheduling: kplus.PodScheduling }, scope: Chart): void {
  const cache = kplus.Volume.fromEmptyDir(scope, `${pod.node.id}-cache`, 'cache', { sizeLimit: Size.mebibytes(64) });
  const main = pod.addContainer({
    ...CONTAINER,
    name: 'main',
    ports: [{ number: 8080, name: 'metrics' }],
    liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    envVariables: { MODE: kplus.EnvValue.fromValue('batch'), NODE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
    resources: RICH_POD_RESOURCES,
    securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false },
  });
  main.mount('/cache', cache);
  pod.addInitContainer({ ...CONTAINER, name: 'warm-up', resources: RICH_POD_RESOURCES, command: ['sh', '-c', 'touch /cache/ready'], volumeMounts: [{ path: '/cache', volume: cache }] });
  pod.addHostAlias({ ip: '10.0.0.1', hostnames: ['db.internal'] });
  pod.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is('dedicated', 'batch')));
  pod.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('disktype', 'ssd')));
}
