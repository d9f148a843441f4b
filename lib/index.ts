export * from './batch-job';
export * from './defaults';
export * from './errors';
export * from './job-spec';
export * from './labels';
export * from './names';
export * from './warnings';
export * from './work-items';
