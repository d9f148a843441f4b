import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';

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
 * Cluster access: what {@link loadKubeConfig} returns, or a `KubeConfig` of
 * `@kubernetes/client-node` 1.x that your own code built. Declared here by two of its methods
 * rather than by the client's class, so that the runtime's declarations type-check in any
 * TypeScript project (the client's own need `esModuleInterop` and `@types/ws`, which a `cdk8s init`
 * project lacks).
 */
export interface KubeConfigLike {
  /** The name of the context in use. */
  getCurrentContext(): string;
  /** Makes a client of one Kubernetes API group for this cluster (this loads `@kubernetes/client-node`). */
  makeApiClient(apiClientType: never): unknown;
}

/** A cluster of a kubeconfig, in the client's own shape (its `Cluster`). @internal */
export interface KubeCluster {
  readonly name: string;
  readonly server: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

/** A user of a kubeconfig, in the client's own shape (its `User`). @internal */
export interface KubeUser {
  readonly name: string;
  readonly authProvider?: { readonly name?: string; readonly config?: Record<string, string> } | null;
  readonly certData?: string | null;
  readonly certFile?: string | null;
  readonly exec?: unknown;
  readonly keyData?: string | null;
  readonly keyFile?: string | null;
  readonly token?: string;
  readonly password?: string | null;
  readonly username?: string | null;
  readonly impersonateUser?: string | null;
}

/** A context of a kubeconfig, in the client's own shape (its `Context`). @internal */
export interface KubeContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A kubeconfig read without `@kubernetes/client-node` (loading it costs a verifier about 53 MB):
 * the files, merging and in-cluster rules of the client's `loadFromDefault`, in the client's own
 * shapes, so that {@link LoadedKubeConfig.client} hands exactly this to the client when a task
 * needs it (`--apply`, `plan`, exec and auth-provider credentials, `makeApiClient`).
 *
 * @internal
 */
export class LoadedKubeConfig implements KubeConfigLike {
  /** Reads `file`; relative certificate paths are taken from its directory (as the client does). */
  public static fromFile(file: string): LoadedKubeConfig {
    const raw = parse(fs.readFileSync(file, 'utf-8')) ?? {};
    const dir = path.dirname(file);
    const absolute = (p: string | undefined) => (p && !path.isAbsolute(p) ? path.join(dir, p) : p);
    const clusters = list(raw.clusters, 'clusters').map((e, i): KubeCluster => {
      const c = e.cluster ?? missing(`clusters[${i}].cluster`, file);
      if (!c.server) missing(`clusters[${i}].cluster.server`, file);
      return dropUndefined({
        name: e.name, server: String(c.server).replace(/\/$/, ''), caData: c['certificate-authority-data'], caFile: absolute(c['certificate-authority']),
        skipTLSVerify: c['insecure-skip-tls-verify'] === true, tlsServerName: c['tls-server-name'], proxyUrl: c['proxy-url'],
      });
    });
    const users = list(raw.users, 'users').map((e): KubeUser => {
      const u = e.user ?? {};
      return dropUndefined({
        name: e.name, authProvider: u['auth-provider'], certData: u['client-certificate-data'], certFile: absolute(u['client-certificate']),
        exec: u.exec, keyData: u['client-key-data'], keyFile: absolute(u['client-key']),
        // The client reads a token file once, when it loads the kubeconfig.
        token: u.token ?? (u['token-file'] ? fs.readFileSync(u['token-file'], 'utf-8') : undefined),
        password: u.password, username: u.username, impersonateUser: u.as,
      });
    });
    const contexts = list(raw.contexts, 'contexts').map((e, i): KubeContext => {
      const c = e.context ?? missing(`contexts[${i}].context`, file);
      return dropUndefined({ name: e.name, cluster: c.cluster, user: c.user, namespace: c.namespace });
    });
    return new LoadedKubeConfig(clusters, users, contexts, raw['current-context'] ?? '');
    function list(value: unknown, what: string): any[] {
      if (!Array.isArray(value)) return [];
      value.forEach((e, i) => { if (!e?.name) missing(`${what}[${i}].name`, file); });
      return value;
    }
  }

  /** As the client's `loadFromDefault`: `$KUBECONFIG` (files merged), else `~/.kube/config`, else in-cluster, else localhost:8080. */
  public static fromDefault(): LoadedKubeConfig {
    const files = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(f => f);
    if (files.length > 0) {
      // As in the client: a later file's current context wins, and a name defined twice is an error.
      const [first, ...rest] = files.map(f => LoadedKubeConfig.fromFile(f));
      return rest.reduce((merged, next) => merged.merge(next), first);
    }
    const home = homeConfig();
    if (home) return LoadedKubeConfig.fromFile(home);
    if (fs.existsSync(`${SERVICE_ACCOUNT}/token`)) return LoadedKubeConfig.inCluster();
    return new LoadedKubeConfig([{ name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false }], [{ name: 'user' }], [{ name: 'loaded-context', cluster: 'cluster', user: 'user' }], 'loaded-context');
  }

  /** The pod's service account, as the client's `loadFromCluster` reads it (its token file is read again every minute). */
  public static inCluster(root = SERVICE_ACCOUNT): LoadedKubeConfig {
    const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
    const port = process.env.KUBERNETES_SERVICE_PORT;
    const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
    const namespaceFile = `${root}/namespace`;
    return new LoadedKubeConfig(
      [{ name: 'inCluster', server: `${scheme}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: `${root}/ca.crt`, skipTLSVerify: false }],
      [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: `${root}/token` } } }],
      [dropUndefined({ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace: fs.existsSync(namespaceFile) ? fs.readFileSync(namespaceFile, 'utf-8') : undefined })],
      'inClusterContext',
    );
  }

  private clientConfig?: KubeConfig;

  private constructor(
    public readonly clusters: readonly KubeCluster[],
    public readonly users: readonly KubeUser[],
    public readonly contexts: readonly KubeContext[],
    private currentContext: string,
  ) {}

  public getCurrentContext(): string {
    return this.currentContext;
  }

  public setCurrentContext(name: string): void {
    this.currentContext = name;
    this.clientConfig?.setCurrentContext(name);
  }

  public getContexts(): readonly KubeContext[] {
    return this.contexts;
  }

  public getContextObject(name: string): KubeContext | undefined {
    return this.contexts.find(c => c.name === name);
  }

  public getCurrentCluster(): KubeCluster | undefined {
    const context = this.getContextObject(this.currentContext);
    return context ? this.clusters.find(c => c.name === context.cluster) : undefined;
  }

  public getCurrentUser(): KubeUser | undefined {
    const context = this.getContextObject(this.currentContext);
    return context ? this.users.find(u => u.name === context.user) : undefined;
  }

  /** Loads `@kubernetes/client-node` (once) and makes the client of `apiClientType` from this configuration. */
  public makeApiClient(apiClientType: never): unknown {
    return this.client().makeApiClient(apiClientType);
  }

  /** This configuration as the client's `KubeConfig`: loads `@kubernetes/client-node` on first use. */
  public client(): KubeConfig {
    if (!this.clientConfig) {
      const kc = new (kubernetesClient().KubeConfig)();
      kc.loadFromOptions({ clusters: [...this.clusters], users: [...this.users], contexts: [...this.contexts], currentContext: this.currentContext } as never);
      this.clientConfig = kc;
    }
    return this.clientConfig;
  }

  private merge(other: LoadedKubeConfig): LoadedKubeConfig {
    const join = <T extends { name: string }>(a: readonly T[], b: readonly T[], what: string): T[] => {
      for (const e of b) if (a.some(x => x.name === e.name)) throw new Error(`Duplicate ${what}: ${e.name}`);
      return [...a, ...b];
    };
    return new LoadedKubeConfig(join(this.clusters, other.clusters, 'cluster'), join(this.users, other.users, 'user'), join(this.contexts, other.contexts, 'context'), other.currentContext || this.currentContext);
  }
}

function homeConfig(): string | undefined {
  const home = process.env.HOME;
  const file = home ? path.join(home, '.kube', 'config') : undefined;
  return file && fs.existsSync(file) ? file : undefined;
}

function missing(field: string, file: string): never {
  throw new Error(`${field} is missing in the kubeconfig ${file}`);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * `@kubernetes/client-node`, loaded on first use: a verification that needs no more than lists,
 * watches and log reads never loads it (lib/runtime/api-connection.ts makes those requests).
 *
 * @internal
 */
export function kubernetesClient(): typeof import('@kubernetes/client-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./k8s') as typeof import('./k8s')).k8s;
}

/**
 * Loads cluster access the way kubectl does, for {@link verifyJobs} and {@link applyManifests}.
 * Throws when the file cannot be read, has no context of the name given, or names no current
 * cluster. The Kubernetes client is not loaded here: only when a task needs it.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfigLike {
  const kubeConfig = options.kubeconfig ? LoadedKubeConfig.fromFile(options.kubeconfig) : LoadedKubeConfig.fromDefault();
  if (options.context) {
    // Say which contexts there are, rather than finding no cluster later.
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

/** The error when `value`, passed as `field`, is not cluster access. @internal */
export function notKubeConfig(value: unknown, field: string): Error {
  return new Error(`${field}: must be a KubeConfig of @kubernetes/client-node 1.x, got ${describeValue(value)}. Pass loadKubeConfig() from cdk8s-job-patterns/runtime, or loadKubeConfig({ kubeconfig: '<file>', context: '<name>' }).`);
}

/** Whether `value` is a `KubeConfig` of the client (one the user built). @internal */
export function isClientKubeConfig(value: unknown): value is KubeConfig {
  const candidate = value as Partial<KubeConfig> | undefined;
  return typeof candidate?.makeApiClient === 'function' && typeof candidate.getCurrentCluster === 'function' && typeof candidate.applyToFetchOptions === 'function';
}

/**
 * The client's `KubeConfig` behind `value`, which a caller passed as `field` (this loads the
 * client for {@link loadKubeConfig}'s own); anything else (a path, a plain object from
 * JavaScript) is rejected with the fix.
 *
 * @internal
 */
export function clientKubeConfig(value: KubeConfigLike, field: string): KubeConfig {
  if (value instanceof LoadedKubeConfig) return value.client();
  if (!isClientKubeConfig(value)) throw notKubeConfig(value, field);
  return value;
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
export function contextNamespace(kubeConfig: LoadedKubeConfig | KubeConfig): string {
  return kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
}

/** The API server's address, for messages. @internal */
export function serverOf(kubeConfig: KubeConfigLike): string | undefined {
  return (kubeConfig as Partial<LoadedKubeConfig>).getCurrentCluster?.()?.server;
}
