import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from './k8s';

/** Where {@link loadKubeConfig} reads cluster access from. */
export interface KubeConfigOptions {
  /**
   * A kubeconfig file.
   *
   * @default - `$KUBECONFIG`, else `~/.kube/config`, else the in-cluster service account
   */
  readonly kubeconfig?: string;

  /**
   * The context to use.
   *
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
}

/**
 * Cluster access: a `KubeConfig` of `@kubernetes/client-node` 1.x, as {@link loadKubeConfig}
 * returns it or as your own code builds it. Declared here by two of its methods rather than by
 * the client's class, so that the runtime's declarations type-check in any TypeScript project
 * (the client's own need `esModuleInterop` and `@types/ws`, which a `cdk8s init` project lacks).
 */
export interface KubeConfigLike {
  /** The name of the context in use. */
  getCurrentContext(): string;
  /** Makes a client of one Kubernetes API group for this cluster. */
  makeApiClient(apiClientType: never): unknown;
}

/**
 * Loads cluster access the way kubectl does, for {@link verifyJobs} and {@link applyManifests}.
 * Throws when the file cannot be read, has no context of the name given, or names no current
 * cluster.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfigLike {
  const kubeConfig = new k8s.KubeConfig();
  if (options.kubeconfig) {
    kubeConfig.loadFromFile(options.kubeconfig);
  } else {
    kubeConfig.loadFromDefault();
  }
  if (options.context) {
    // The client takes any name, and then finds no cluster: say which contexts there are instead.
    const contexts = kubeConfig.getContexts().map(c => c.name);
    if (!contexts.includes(options.context)) {
      const home = path.join(os.homedir(), '.kube', 'config');
      const file = options.kubeconfig ?? (process.env.KUBECONFIG ? `$KUBECONFIG (${process.env.KUBECONFIG})` : fs.existsSync(home) ? home : undefined);
      const source = file ? `the kubeconfig ${file}` : 'the in-cluster configuration (no $KUBECONFIG, no ~/.kube/config)';
      const current = kubeConfig.getCurrentContext();
      throw new Error(contexts.length === 0
        ? `context '${options.context}' is not in ${source}, which has no context at all; add one (kubectl config set-context), or pass a kubeconfig that has '${options.context}'`
        : `context '${options.context}' is not in ${source}, whose contexts are ${contexts.map(c => `'${c}'`).join(', ')}; pass one of them${current ? `, or none for its current context '${current}'` : ''}`);
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (!kubeConfig.getCurrentCluster()) throw new Error('the kubeconfig has no current cluster');
  return kubeConfig;
}

/**
 * The client's `KubeConfig` behind `value`, which a caller passed as `field`; anything else (a
 * path, a plain object from JavaScript) is rejected with the fix.
 *
 * @internal
 */
export function clientKubeConfig(value: KubeConfigLike, field: string): KubeConfig {
  const candidate = value as Partial<KubeConfig> | undefined;
  if (typeof candidate?.makeApiClient !== 'function' || typeof candidate.getCurrentCluster !== 'function' || typeof candidate.applyToFetchOptions !== 'function') {
    throw new Error(`${field}: must be a KubeConfig of @kubernetes/client-node 1.x, got ${describeValue(value)}. Pass loadKubeConfig() from cdk8s-job-patterns/runtime, or loadKubeConfig({ kubeconfig: '<file>', context: '<name>' }).`);
  }
  return candidate as KubeConfig;
}

/**
 * A value as an error quotes it (the runtime does not load the construct library's formatter).
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  }
  if (typeof value === 'object' && value !== null) return `an object with keys [${Object.keys(value).join(', ')}]`;
  return String(value);
}

/**
 * The namespace of the kubeconfig's current context, else `default` (as kubectl picks it).
 *
 * @internal
 */
export function contextNamespace(kubeConfig: KubeConfig): string {
  return kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
}
