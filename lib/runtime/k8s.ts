import * as client from '@kubernetes/client-node';

/**
 * @kubernetes/client-node, imported in one place for the whole runtime (other files import only
 * its types). Version 1.x is published as ES modules: Node 20.19+ loads it with require(); under
 * Jest, babel-jest turns it into CommonJS (jest.config.js).
 */
export const k8s = client;
