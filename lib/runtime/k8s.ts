import * as client from '@kubernetes/client-node';

/**
 * @kubernetes/client-node, imported in one place for the whole runtime (other files import only
 * its types). The runtime requires this module only when a task needs the client
 * (`kubernetesClient()` in kubeconfig.ts: --apply, plan, exec and auth-provider credentials,
 * proxies): loading it costs about 53 MB, and verification does without it (api-connection.ts).
 * Version 1.x is published as ES modules: Node 20.19+ loads it with require(); under Jest,
 * babel-jest turns it into CommonJS (jest.config.js).
 */
export const k8s = client;
