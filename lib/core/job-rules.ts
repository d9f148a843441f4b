// The rulebook of Job invariants: each fact about a valid Job decided once, in Kubernetes' own
// field names. The constructors check a Job's props against it before anything is built (and
// throw, naming the prop), the validator checks every manifest against it (and reports the rule
// id); test/core/job-rules.test.ts proves that both give the same answer for every rule.

/** The fields of a Job the invariants read: a manifest's, or a construct's as it will render them. */
export interface JobFields {
  /** The pod template's `restartPolicy`. */
  readonly restartPolicy?: string;
  readonly completions?: number;
  readonly parallelism?: number;
  readonly completionMode?: string;
  readonly backoffLimitPerIndex?: number;
  readonly maxFailedIndexes?: number;
  /** True when `podFailurePolicy` is set. */
  readonly podFailurePolicy: boolean;
  readonly suspend?: boolean;
  /** The Kueue LocalQueue the Job's label names (`kueue.x-k8s.io/queue-name`; undefined: not queued). */
  readonly queueName?: string;
  /** The Argo CD hook types the Job is a hook of (`Sync`, `PostSync`, ...; empty: not a hook). */
  readonly hookTypes: readonly string[];
}

/** How a constructor says an invariant is broken (see `propError`): the allowed values and the fix. */
export interface PropBreach {
  readonly allowed: string;
  readonly fix: string;
}

/** One invariant: its rule id, the field it is about, and what each side says when it is broken. */
export interface JobInvariant {
  /** The validator's rule id. */
  readonly ruleId: string;
  /** The field of the Job's spec it is about (`completions`, `template.spec.restartPolicy`). */
  readonly field: string;
  /** The construct prop that writes the field. */
  readonly prop: string;
  /** True when a Job with these fields breaks it. */
  broken(job: JobFields): boolean;
  /** What the validator reports for a broken Job. */
  finding(job: JobFields): string;
  /** What a constructor reports; `gitOps` names the Job's GitOps policy (`GitOpsPolicy.hook(...)`). */
  breach(job: JobFields, gitOps: string): PropBreach;
}

const INDEXED = 'Indexed';

/** The invariants, by name. The validator's rules of the same id take their fixes from {@link RULE_FIXES}. */
export const JOB_INVARIANTS = {
  RESTART_POLICY: {
    ruleId: 'job/restart-policy',
    field: 'template.spec.restartPolicy',
    prop: 'restartPolicy',
    broken: job => job.restartPolicy !== 'Never' && job.restartPolicy !== 'OnFailure',
    finding: job => `restartPolicy is ${job.restartPolicy === undefined ? "not set (a pod's default is 'Always')" : `'${job.restartPolicy}'`}; a Job allows only 'Never' or 'OnFailure'`,
    breach: () => ({
      allowed: "must be 'Never' or 'OnFailure' for a Job",
      fix: 'Use RestartPolicy.NEVER (the default) or RestartPolicy.ON_FAILURE; a Job\'s pods must end.',
    }),
  },
  POD_FAILURE_POLICY_NEEDS_NEVER: {
    ruleId: 'job/pod-failure-policy-needs-never',
    field: 'podFailurePolicy',
    prop: 'podFailurePolicy',
    broken: job => job.podFailurePolicy && job.restartPolicy !== 'Never',
    finding: job => `a podFailurePolicy needs restartPolicy 'Never', found '${job.restartPolicy}'`,
    breach: job => ({
      allowed: `needs restartPolicy 'Never' (restartPolicy is '${job.restartPolicy}')`,
      fix: 'Remove restartPolicy: RestartPolicy.ON_FAILURE, or remove podFailurePolicy.',
    }),
  },
  // The API server defaults completions and parallelism to 1 when neither is set (one index), and
  // refuses an Indexed Job with parallelism but no completions.
  INDEXED_NEEDS_COMPLETIONS: {
    ruleId: 'job/indexed-needs-completions',
    field: 'completions',
    prop: 'completions',
    broken: job => job.completionMode === INDEXED && job.completions === undefined && job.parallelism !== undefined,
    finding: () => "completionMode is 'Indexed' but completions is not set",
    breach: job => ({
      allowed: `must be set when completionMode is 'Indexed' and parallelism is set (parallelism is ${job.parallelism}; with neither, Kubernetes runs one index)`,
      fix: 'Set completions to the number of indexes.',
    }),
  },
  PER_INDEX_NEEDS_INDEXED: {
    ruleId: 'job/per-index-needs-indexed',
    field: 'backoffLimitPerIndex',
    prop: 'backoffLimitPerIndex',
    broken: job => job.backoffLimitPerIndex !== undefined && job.completionMode !== INDEXED,
    finding: job => `backoffLimitPerIndex is ${job.backoffLimitPerIndex} but completionMode is not 'Indexed'`,
    breach: () => ({
      allowed: "needs completionMode 'Indexed'",
      fix: 'Set completionMode: CompletionMode.INDEXED, or remove backoffLimitPerIndex.',
    }),
  },
  MAX_FAILED_NEEDS_PER_INDEX: {
    ruleId: 'job/per-index-needs-indexed',
    field: 'maxFailedIndexes',
    prop: 'maxFailedIndexes',
    broken: job => job.maxFailedIndexes !== undefined && job.backoffLimitPerIndex === undefined,
    finding: job => `maxFailedIndexes is ${job.maxFailedIndexes} but backoffLimitPerIndex is not set`,
    breach: () => ({
      allowed: 'needs backoffLimitPerIndex',
      fix: 'Set backoffLimitPerIndex as well, or remove maxFailedIndexes.',
    }),
  },
  // One answer for Kueue too: Kueue's webhook suspends a queued Job itself and resumes it on
  // admission, and its docs say not to write suspend (the rule kueue/suspend), so a written
  // suspend on a hook is refused whether or not the Job is queued.
  SUSPENDED_HOOK: {
    ruleId: 'gitops/suspended-hook',
    field: 'suspend',
    prop: 'suspend',
    broken: job => job.suspend === true && job.hookTypes.length > 0,
    finding: job => `suspend is true on an Argo CD ${job.hookTypes.join(',')} hook: Argo CD reports the Job Suspended, keeps the hook running, and the sync never finishes unless something resumes the Job`,
    breach: (_job, gitOps) => ({
      allowed: `must not be true under gitOps ${gitOps}: Argo CD counts a suspended hook as running, so the sync waits for it forever`,
      fix: 'Remove suspend (a Job queued by Kueue is suspended by Kueue itself), or use another gitOps policy for a Job that something else resumes.',
    }),
  },
  // Kueue's webhook suspends a queued Job at creation and resumes it on admission (v0.17
  // ApplyDefaultForSuspend); a suspend in the YAML is drift that Argo CD's self-heal writes back
  // against Kueue, so a queued Job writes none, true or false.
  QUEUED_SUSPEND: {
    ruleId: 'kueue/suspend',
    field: 'suspend',
    prop: 'suspend',
    broken: job => job.queueName !== undefined && job.suspend !== undefined,
    finding: job => `a Job queued in '${job.queueName}' writes suspend: ${job.suspend}`,
    breach: job => ({
      allowed: `must not be written on a Job queued by Kueue (kueue: '${job.queueName}')`,
      fix: "Remove suspend: Kueue's webhook suspends the Job at creation and resumes it on admission.",
    }),
  },
  // Seen with Argo CD 3.6.1 and Kueue v0.17.0 (test/argocd/argocd-kueue.test.ts): while Kueue holds
  // a queued hook suspended Argo CD waits (Suspended: the hook runs), and on admission the Job's
  // Suspended condition turns False (JobResumed), which Argo CD counts as finished: the hook
  // succeeds and the sync goes on before the hook's pods ran.
  QUEUED_HOOK: {
    ruleId: 'kueue/hook',
    field: 'metadata.labels',
    prop: 'kueue',
    broken: job => job.queueName !== undefined && job.hookTypes.length > 0,
    finding: job => `an Argo CD ${job.hookTypes.join(',')} hook queued in '${job.queueName}': Argo CD counts it as finished as soon as Kueue admits it (Suspended=False, JobResumed), so the sync goes on before the hook ran`,
    breach: (_job, gitOps) => ({
      allowed: `must not queue an Argo CD hook (gitOps ${gitOps}): Argo CD counts the hook as finished as soon as Kueue admits it, and the sync goes on before the hook ran`,
      fix: 'Leave kueue out of a hook (it then runs without waiting for quota), or use GitOpsPolicy.runOncePerSpec() for a queued Job that nothing later in the sync waits for.',
    }),
  },
} as const satisfies Record<string, JobInvariant>;

/** The validator's fix of each rule id of the rulebook. */
export const RULE_FIXES = {
  'job/restart-policy': "Set restartPolicy to 'Never' (each attempt a new pod) or 'OnFailure'.",
  'job/pod-failure-policy-needs-never': "Use restartPolicy 'Never' with a podFailurePolicy.",
  'job/indexed-needs-completions': "Set completions when completionMode is 'Indexed' and parallelism is set.",
  'job/per-index-needs-indexed': "Use backoffLimitPerIndex and maxFailedIndexes only with completionMode 'Indexed' (maxFailedIndexes also needs backoffLimitPerIndex).",
  'kueue/suspend': "Remove spec.suspend from a queued Job: Kueue's webhook suspends it at creation and resumes it on admission; a written value is drift that Argo CD's self-heal re-applies against Kueue.",
  'kueue/hook': "Remove the queue label from the hook, or the hook annotation from the queued Job: Argo CD counts a queued hook as finished as soon as Kueue admits it (its Suspended condition turns False), so the next phase starts before the hook ran.",
  'gitops/suspended-hook': 'Remove spec.suspend (or set it to false), or do not make the Job a hook: Argo CD waits for a hook until it is Healthy or Degraded. A Job queued by Kueue needs no suspend: Kueue suspends it and resumes it on admission.',
} as const satisfies Record<(typeof JOB_INVARIANTS)[keyof typeof JOB_INVARIANTS]['ruleId'], string>;

/** The invariants a Job with these fields breaks, in rulebook order. */
export function brokenInvariants(job: JobFields): JobInvariant[] {
  return Object.values(JOB_INVARIANTS).filter(invariant => invariant.broken(job));
}
