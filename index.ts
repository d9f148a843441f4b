// The construct library (`cdk8s-job-patterns`): what users write in their cdk8s apps. Every name
// here is public API, recorded in api/cdk8s-job-patterns.api.md; helpers stay inside lib/.

import { connectAppValidator } from './lib/core/app-validation';
import { MANIFEST_VALIDATOR } from './lib/validation/validate';

// The one seam between the core and validation (lib/core/app-validation.ts): every construct
// switches validation on for its app through it, and this entry point fills it in.
connectAppValidator(MANIFEST_VALIDATOR);

// The patterns, one construct each, and the Job they all are.
export { BatchJob } from './lib/core/batch-job';
export { type BatchJobProps, type JobOptions, type PatternPod } from './lib/core/job-options';
export { JobIdentity } from './lib/core/identity';
export { SingleBatchJob, type SingleBatchJobProps } from './patterns/single-batch-job';
export { FixedCompletionJob, type FixedCompletionJobProps } from './patterns/fixed-completion-job';
export { WorkQueueJob, type WorkQueueJobProps, WorkQueueMode } from './patterns/work-queue/work-queue-job';
export { JobTemplateExpansion, type JobTemplateExpansionProps } from './patterns/job-template-expansion';
export { StaticWorkAssignmentJob, type StaticWorkAssignmentJobProps } from './patterns/static-work-assignment-job';
export { ControllerPodJob, type ControllerPodJobProps } from './patterns/controller-pod-job';
export { PodToPodJob, type PodToPodJobProps } from './patterns/pod-to-pod-job';

// What their props take.
export { JobDefault, JOB_DEFAULTS } from './lib/core/defaults';
export { DefaultFlag, JobPatternDefaults, type PinOptions } from './lib/core/default-flags';
export { KubernetesVersion } from './lib/core/kubernetes-version';
export { CompletionMode, PodFailurePolicyAction, type PodFailurePolicyOnExitCodes, type PodFailurePolicyOnPodCondition, PodFailurePolicyOperator, type PodFailurePolicyRule, PodReplacementPolicy, type SuccessPolicyRule } from './lib/core/job-spec';
export { type WorkItem, type WorkItemRecordOptions, WorkItems } from './lib/core/work-items';
export { type IWorkQueue, type WorkQueueAddress, WorkQueueEnv } from './patterns/work-queue/queue';
export { WorkQueue } from './patterns/work-queue/work-queue';
export { type RedisQueueOptions } from './patterns/work-queue/redis-queue';
export { type TicketQueueOptions } from './patterns/work-queue/ticket-queue';

// GitOps: the policies, and the names and annotations the YAML carries.
export { GitOpsMode, GitOpsPolicy, type HookOptions, jobBaseName } from './lib/core/gitops';
export { HookDeletePolicy, HookPhase } from './lib/core/argo-cd';
export { JobPattern } from './lib/core/catalogue';
export { argoCdKueueSettings, KueueQueue, type ArgoCdIgnoreDifferences, type ArgoCdKueueSettings, type KueueQueueOptions } from './lib/core/kueue';
export { ArgoCdAnnotations, JobPatternAnnotations, JobPatternLabels } from './lib/core/labels';

// Validation: in the app, as a cdk8s-cli plugin, and as a function.
export { JobPatternsError } from './lib/core/errors';
export { warningsOf, type Warning } from './lib/validation/warnings';
export { type Finding, formatFinding, formatFindingBlock, formatReport, ManifestValidation, validateManifests, type ValidationOptions, type ValidationReport } from './lib/validation/validate';
export { Severity } from './lib/validation/rule';
export { type Cdk8sPluginContext, JobPatternsValidation, type ViolatingResource } from './lib/validation/cdk8s-plugin';
