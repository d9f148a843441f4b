import * as client from '@kubernetes/client-node';

/**
 * @kubernetes/client-node, imported in one place for the whole runtime (other files import only
 * its types). Version 1.x is published as ES modules: Node 20.19+ loads it with require(); under
 * Jest, babel-jest turns it into CommonJS (jest.config.js, babel.config.js).
 */
export const k8s = client;

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
 * Loads cluster access the way kubectl does, for {@link verifyJobs} and {@link applyManifests}.
 * Throws when the file cannot be read or names no current cluster.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): client.KubeConfig {
  const kubeConfig = new client.KubeConfig();
  if (options.kubeconfig) {
    kubeConfig.loadFromFile(options.kubeconfig);
  } else {
    kubeConfig.loadFromDefault();
  }
  if (options.context) kubeConfig.setCurrentContext(options.context);
  if (!kubeConfig.getCurrentCluster()) throw new Error('the kubeconfig has no current cluster');
  return kubeConfig;
}

/** The namespace of the kubeconfig's current context, else `default` (as kubectl picks it). */
export function contextNamespace(kubeConfig: client.KubeConfig): string {
  return kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
}
