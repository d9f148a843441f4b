export * from './apply';
export * from './manifests';
export * from './pods';
export * from './reflector';
export * from './verdict';
export * from './verify';
export * from './cli';
export * from './report';
export { k8s } from './k8s';
