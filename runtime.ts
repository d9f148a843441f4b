// The runtime entry point (`cdk8s-job-patterns/runtime`): apply, watch and verify deployed Jobs.
// Kept apart from the construct library so that a cdk8s app never loads the Kubernetes client.
// Every name here is public API, recorded in api/runtime.api.md; helpers stay inside lib/runtime.

export { type KubeConfigLike, type KubeConfigOptions, loadKubeConfig } from './lib/runtime/kubeconfig';
export { JobVerifier, verifyJobs } from './lib/runtime/verify';
export { type VerifyOptions } from './lib/runtime/verify-options';
export { EXIT_CODES, type GroupReport, type JobReport, type JobStats, type JobTimeline, type Outage, VerifyOutcome, type VerifyResult } from './lib/runtime/verify-result';
export { type EarlierRun, RunEnd } from './lib/runtime/tracking';
export { type KueueEviction, type KueueQueueWait, type KueueReport, KueueStatus, KueueWait } from './lib/runtime/kueue';
export { type ExitCount, type FailedPod } from './lib/runtime/diagnosis';
export { type JobLike, JobState, type JobVerdict, judgeJob } from './lib/runtime/verdict';
export { type ContainerExit, type PodAttempt, PodOutcome, type PodFailureReason } from './lib/runtime/pods';
export { type ApplyOptions, type ApplyResult, applyManifests } from './lib/runtime/apply';
export { type JobTarget, jobTargets, loadManifests, type Manifest } from './lib/runtime/manifests';
export { junitReport, textReport } from './lib/runtime/report';
export { htmlReport, type HtmlReportOptions } from './lib/runtime/html-report';
export { markdownSummary, type MarkdownSummaryOptions } from './lib/runtime/summary';
export {
  type FieldChange, gitBaseline, type LiveBaseline, liveBaseline, type LiveJobStatus, markdownPlan, type Plan, PLAN_EXIT_CODES, PlanAction, planChanges, type PlanEntry, type PlanOptions, type RefusedChange, textPlan,
} from './lib/runtime/plan';
export {
  type ArgoCdHealth, type ArgoCdHealthOptions, ArgoCdHealthStatus, ArgoCdOperationPhase, ArgoCdVersion, argoCdDisagreement, argoCdOperationPhase, argoCdJobHealth,
} from './lib/runtime/argocd-health';
