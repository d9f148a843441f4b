export * from './lib';
export * from './patterns/single-batch-job';
export * from './patterns/fixed-completion-job';
export * from './patterns/job-template-expansion';
export * from './patterns/static-work-assignment-job';
export * from './patterns/controller-pod-job';
export * from './patterns/work-queue-job';
