// The runtime entry point (`cdk8s-job-patterns/runtime`): apply, watch and verify deployed Jobs.
// Kept apart from the construct library so that a cdk8s app never loads the Kubernetes client.
export * from './lib/runtime';
