// The construct library (`cdk8s-job-patterns`): what users write in their cdk8s apps. Every name
// here is public API, recorded in api/cdk8s-job-patterns.api.md; helpers stay inside lib/.

// The patterns, one construct each, and the Job they all are.
export { BatchJob, type BatchJobProps, type JobOptions } from './lib/batch-job';
export { SingleBatchJob, type SingleBatchJobProps } from './patterns/single-batch-job';
export { FixedCompletionJob, type FixedCompletionJobProps } from './patterns/fixed-completion-job';
export { WorkQueueJob, type WorkQueueJobProps, WorkQueueMode } from './patterns/work-queue-job';
export { JobTemplateExpansion, type JobTemplateExpansionProps } from './patterns/job-template-expansion';
export { StaticWorkAssignmentJob, type StaticWorkAssignmentJobProps } from './patterns/static-work-assignment-job';
export { ControllerPodJob, type ControllerPodJobProps } from './patterns/controller-pod-job';

// What their props take.
export { JobDefault, JOB_DEFAULTS } from './lib/defaults';
export { CompletionMode, PodFailurePolicyAction, type PodFailurePolicyOnExitCodes, type PodFailurePolicyOnPodCondition, PodFailurePolicyOperator, type PodFailurePolicyRule, PodReplacementPolicy } from './lib/job-spec';
export { type WorkItem, type WorkItemRecordOptions, WorkItems } from './lib/work-items';
export { type IWorkQueue, type RedisQueueOptions, type TicketQueueOptions, WorkQueue, type WorkQueueAddress, WorkQueueEnv } from './lib/queues';

// GitOps: the policies, and the names and annotations the YAML carries.
export { ArgoCdAnnotations, GitOpsMode, GitOpsPolicy, HookDeletePolicy, type HookOptions, HookPhase, jobBaseName } from './lib/gitops';
export { JobPattern, JobPatternLabels } from './lib/labels';

// Validation: in the app, as a cdk8s-cli plugin, and as a function.
export { JobPatternsError } from './lib/errors';
export { warningsOf, type Warning } from './lib/warnings';
export { type Finding, formatFinding, formatReport, ManifestValidation, Severity, validateManifests, type ValidationOptions, type ValidationReport } from './lib/validation';
export { type Cdk8sPluginContext, JobPatternsValidation, type ViolatingResource } from './lib/validation/cdk8s-plugin';
