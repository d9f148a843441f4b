export * from './lib';
export * from './patterns/single-batch-job';
export * from './patterns/fixed-completion-job';
