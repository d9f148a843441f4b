export * from './rules';
export * from './schema';
export * from './validate';
export * from './cdk8s-plugin';
