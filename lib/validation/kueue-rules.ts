import { RULE_FIXES } from '../core/job-rules';
import { isKueueObjectName, KUEUE } from '../core/kueue';
import { Rule, Severity } from './rule';

// What a Job queued by Kueue must carry (kubernetes-sigs/kueue v0.17: pkg/controller/jobframework
// ValidateQueueName and ApplyDefaultForSuspend, pkg/controller/jobs/job/job_webhook.go
// validatePartialAdmissionCreate), and the mistakes charts make in the wild: the queue name as an
// annotation or on the pod template (Kueue reads neither, so the Job runs unqueued), no resource
// requests (Kueue admits by requests), a hard-coded `suspend`. docs/kueue.md explains each.

type Obj = Record<string, any>;
type Hit = (rule: Rule, path: string, message: string) => void;

/** The rules of this file, by id. */
export const KUEUE_RULES = {
  KUEUE_QUEUE_NAME: { id: 'kueue/queue-name', severity: Severity.ERROR, fix: `Name the LocalQueue in the Job's label ${KUEUE.QUEUE_NAME_LABEL} with a DNS-1123 subdomain of at most 63 characters (KueueQueue.localQueue('team-a')).` },
  KUEUE_QUEUE_NAME_PLACE: { id: 'kueue/queue-name-place', severity: Severity.ERROR, fix: `Put ${KUEUE.QUEUE_NAME_LABEL} in the Job's metadata.labels (KueueQueue.localQueue('...')): Kueue reads no annotation and nothing on the pod template, so the Job runs without waiting for quota.` },
  // Checked through the rulebook of Job invariants (lib/core/job-rules.ts), which the constructors share.
  KUEUE_SUSPEND: { id: 'kueue/suspend', severity: Severity.ERROR, fix: RULE_FIXES['kueue/suspend'] },
  KUEUE_HOOK: { id: 'kueue/hook', severity: Severity.ERROR, fix: RULE_FIXES['kueue/hook'] },
  KUEUE_REQUESTS: { id: 'kueue/requests', severity: Severity.ERROR, fix: 'Give every container and init container of a queued Job resources.requests (cpu and memory): Kueue admits a Job by what its pods request from the ClusterQueue\'s quota.' },
  KUEUE_MIN_PARALLELISM: { id: 'kueue/min-parallelism', severity: Severity.ERROR, fix: `Set ${KUEUE.MIN_PARALLELISM_ANNOTATION} to an integer from 1 to the Job's pods at once - 1 (min of parallelism and completions), or remove it; only for Jobs that work with fewer pods (KueueQueue's minParallelism).` },
} as const satisfies Record<string, Rule>;

/**
 * Checks a Job (`spec` its JobSpec at `at`, `metadata` its metadata) for what Kueue needs. A Job
 * is queued when its labels name a queue; the other checks run only then, except that a queue
 * name in the wrong place is reported on any Job. (A written `suspend` is the rulebook's
 * `kueue/suspend`, checked with the other Job invariants.)
 */
export function checkKueue(spec: Obj, metadata: Obj, at: string, hit: Hit): void {
  const labels: Obj = metadata.labels ?? {};
  const annotations: Obj = metadata.annotations ?? {};
  const metaAt = metadataPath(at);
  const queue = labels[KUEUE.QUEUE_NAME_LABEL];
  const podLabels: Obj = spec.template?.metadata?.labels ?? {};
  if (queue === undefined) {
    if (annotations[KUEUE.QUEUE_NAME_LABEL] !== undefined) {
      hit(KUEUE_RULES.KUEUE_QUEUE_NAME_PLACE, `${metaAt}.annotations['${KUEUE.QUEUE_NAME_LABEL}']`, `the queue name '${annotations[KUEUE.QUEUE_NAME_LABEL]}' is an annotation; Kueue reads only the Job's label, so this Job is not queued`);
    }
    if (podLabels[KUEUE.QUEUE_NAME_LABEL] !== undefined) {
      hit(KUEUE_RULES.KUEUE_QUEUE_NAME_PLACE, `${at}.template.metadata.labels['${KUEUE.QUEUE_NAME_LABEL}']`, `the queue name '${podLabels[KUEUE.QUEUE_NAME_LABEL]}' is on the pod template; Kueue reads only the Job's label, so this Job is not queued`);
    }
    return;
  }
  if (typeof queue !== 'string' || !isKueueObjectName(queue)) {
    hit(KUEUE_RULES.KUEUE_QUEUE_NAME, `${metaAt}.labels['${KUEUE.QUEUE_NAME_LABEL}']`, `'${queue}' is not a LocalQueue name (a DNS-1123 subdomain of at most 63 characters)`);
  }
  const priority = labels[KUEUE.PRIORITY_CLASS_LABEL];
  if (priority !== undefined && (typeof priority !== 'string' || !isKueueObjectName(priority))) {
    hit(KUEUE_RULES.KUEUE_QUEUE_NAME, `${metaAt}.labels['${KUEUE.PRIORITY_CLASS_LABEL}']`, `'${priority}' is not a WorkloadPriorityClass name (a DNS-1123 subdomain of at most 63 characters)`);
  }
  const pod: Obj = spec.template?.spec ?? {};
  for (const field of ['initContainers', 'containers']) {
    for (const [i, c] of ((Array.isArray(pod[field]) ? pod[field] : []) as Obj[]).entries()) {
      if (Object.keys(c?.resources?.requests ?? {}).length === 0) {
        hit(KUEUE_RULES.KUEUE_REQUESTS, `${at}.template.spec.${field}[${i}].resources.requests`, `container '${c?.name}' of a Job queued in '${queue}' requests nothing`);
      }
    }
  }
  const min = annotations[KUEUE.MIN_PARALLELISM_ANNOTATION];
  if (min !== undefined) {
    const pods = Math.min(spec.parallelism ?? 1, spec.completions ?? Number.POSITIVE_INFINITY);
    const value = typeof min === 'string' && /^\d+$/.test(min) ? Number(min) : NaN;
    if (!(value >= 1 && value < pods)) {
      hit(KUEUE_RULES.KUEUE_MIN_PARALLELISM, `${metaAt}.annotations['${KUEUE.MIN_PARALLELISM_ANNOTATION}']`, `'${min}' is not an integer from 1 to ${pods - 1} for a Job of ${pods} pod${pods === 1 ? '' : 's'} at once`);
    }
  }
}

/** The path of the metadata of the Job whose spec is at `at` (`spec` -> `metadata`, a CronJob's `spec.jobTemplate.spec` -> `spec.jobTemplate.metadata`). */
export function metadataPath(at: string): string {
  return at === 'spec' ? 'metadata' : at.replace(/\.spec$/, '.metadata');
}
