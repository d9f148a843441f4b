/** How bad a finding is. Errors fail synth; warnings do not unless `warningsAsErrors` is set. */
export enum Severity {
  /** Kubernetes would reject it, or it breaks a pattern's promise. */
  ERROR = 'error',
  /** Legal, but probably not what you meant. */
  WARNING = 'warning',
}

/** A rule: a stable id, a severity, and the fix to apply. */
export interface Rule {
  /** Stable id, e.g. `job/restart-policy`; use it in `skipRules`. */
  readonly id: string;
  /** Severity of its findings. */
  readonly severity: Severity;
  /** How to fix what it finds. */
  readonly fix: string;
}
