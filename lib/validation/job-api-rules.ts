import { API_RULES, checkEnum, DNS_1123_SUBDOMAIN, Hit, isQualifiedName } from './api-rules';
import { Rule, Severity } from './rule';

// What the Kubernetes API server validates in a Job's spec beyond its OpenAPI schema
// (pkg/apis/batch/validation: validateJobSpec, validatePodFailurePolicy, validateSuccessPolicy,
// validatePodReplacementPolicy, ValidateJobCreate; pkg/registry/batch/job: generateSelector), for
// the fields the library writes. docs/validation-parity.md maps each rule of those functions to a
// rule here or says why none is needed; test/validation/corpus.ts has a case for each.

type Obj = Record<string, any>;

/** The rules of this file, by id. */
export const JOB_API_RULES = {
  POD_FAILURE_POLICY_RULE: { id: 'job/pod-failure-policy-rule', severity: Severity.ERROR, fix: "Give at most 20 rules, each with exactly one of onExitCodes (operator In or NotIn, 1 to 255 distinct exit codes in increasing order, no 0 with 'In', containerName naming a container of the pod) and onPodConditions (1 to 20 patterns, a condition type and status 'True', 'False' or 'Unknown'); the action FailIndex needs backoffLimitPerIndex." },
  SUCCESS_POLICY: { id: 'job/success-policy', severity: Severity.ERROR, fix: "Use successPolicy only with completionMode 'Indexed'; give 1 to 20 rules, each with succeededIndexes (ascending, non-overlapping indexes below completions, e.g. '0,2-3') and/or succeededCount (0 to completions, and at most the number of indexes named)." },
  INDEXED_LIMITS: { id: 'job/indexed-limits', severity: Severity.ERROR, fix: 'Keep an Indexed Job within the API server\'s limits: parallelism and maxFailedIndexes at most 100000 and maxFailedIndexes at most completions; above 100000 completions with backoffLimitPerIndex, set maxFailedIndexes, and keep it and parallelism at most 10000.' },
  INDEXED_HOSTNAME: { id: 'job/indexed-hostname', severity: Severity.ERROR, fix: 'Shorten the Job name: an Indexed Job\'s pods are named and hostnamed <job name>-<index>, which must be a DNS-1123 label of at most 63 characters for the highest index.' },
  MANAGED_BY: { id: 'job/managed-by', severity: Severity.ERROR, fix: "Name the controller as a domain-prefixed path of at most 63 characters, e.g. 'kueue.x-k8s.io/multikueue'." },
  POD_REPLACEMENT_POLICY: { id: 'job/pod-replacement-policy', severity: Severity.ERROR, fix: "Use podReplacementPolicy 'Failed' with a podFailurePolicy ('TerminatingOrFailed' only without one)." },
  SELECTOR_MATCH: { id: 'job/selector-match', severity: Severity.ERROR, fix: 'Make the selector match the pod template\'s labels, or leave out selector and manualSelector: the API server generates a selector that does.' },
  GENERATED_LABELS: { id: 'job/generated-labels', severity: Severity.ERROR, fix: 'Remove job-name, controller-uid and their batch.kubernetes.io/ forms from the pod template\'s labels (podMetadata): the API server writes them itself, from the Job\'s name and uid.' },
} as const satisfies Record<string, Rule>;

/** The API server's caps (pkg/apis/batch/validation). */
const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_POD_CONDITION_PATTERNS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The labels the API server's generateSelector writes into a Job's pod template: the Job's name, and its uid. */
const GENERATED_LABELS = ['batch.kubernetes.io/job-name', 'job-name', 'batch.kubernetes.io/controller-uid', 'controller-uid'];

/**
 * The Job spec: non-negative numbers, the Indexed limits and pod hostnames, managedBy, the pod
 * failure, success and replacement policies, and the labels the API server generates.
 * `name` is the Job's name (undefined in a CronJob's template, whose Jobs get generated names).
 */
export function checkJobApi(spec: Obj, pod: Obj, at: string, hit: Hit, name?: string): void {
  for (const field of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    if (typeof spec[field] === 'number' && spec[field] < 0) {
      hit(API_RULES.NON_NEGATIVE, `${at}.${field}`, `${field} is ${spec[field]}`);
    }
  }
  checkEnum(spec.completionMode, ['NonIndexed', 'Indexed'], 'completionMode', () => `${at}.completionMode`, hit);
  checkIndexed(spec, at, hit, name);
  if (typeof spec.managedBy === 'string' && !isDomainPrefixedPath(spec.managedBy)) {
    hit(JOB_API_RULES.MANAGED_BY, `${at}.managedBy`, `managedBy '${spec.managedBy}' is not a domain-prefixed path of at most ${MAX_MANAGED_BY_LENGTH} characters`);
  }
  checkPodFailurePolicy(spec, pod, at, hit);
  checkSuccessPolicy(spec, at, hit);
  checkPodReplacementPolicy(spec, at, hit);
  if (spec.manualSelector === true && spec.selector && typeof spec.selector === 'object' && !selects(spec.selector, spec.template?.metadata?.labels ?? {})) {
    hit(JOB_API_RULES.SELECTOR_MATCH, `${at}.selector`, "the selector does not match the pod template's labels: the Job would never see its own pods");
  }
  if (spec.manualSelector !== true && name !== undefined) {
    checkGeneratedLabels(spec.template?.metadata?.labels ?? {}, `${at}.template.metadata.labels`, hit, name);
  }
}

function checkIndexed(spec: Obj, at: string, hit: Hit, name: string | undefined): void {
  if (spec.completionMode !== 'Indexed') return;
  const { completions, parallelism, maxFailedIndexes, backoffLimitPerIndex } = spec;
  const number = (v: unknown): v is number => typeof v === 'number';
  if (number(parallelism) && parallelism > MAX_PARALLELISM_INDEXED) {
    hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.parallelism`, `parallelism ${parallelism} is above ${MAX_PARALLELISM_INDEXED}, the most an Indexed Job may have`);
  }
  if (number(maxFailedIndexes) && number(completions) && maxFailedIndexes > completions) {
    hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.maxFailedIndexes`, `maxFailedIndexes ${maxFailedIndexes} is above completions (${completions})`);
  }
  if (number(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES) {
    hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.maxFailedIndexes`, `maxFailedIndexes ${maxFailedIndexes} is above ${MAX_FAILED_INDEXES}`);
  }
  if (number(completions) && completions > COMPLETIONS_SOFT_LIMIT && backoffLimitPerIndex !== undefined) {
    const high = `with ${completions} completions (above ${COMPLETIONS_SOFT_LIMIT}) and backoffLimitPerIndex`;
    if (maxFailedIndexes === undefined) {
      hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.maxFailedIndexes`, `maxFailedIndexes is not set ${high}`);
    }
    if (number(parallelism) && parallelism > LIMIT_FOR_HIGH_COMPLETIONS) {
      hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.parallelism`, `parallelism ${parallelism} is above ${LIMIT_FOR_HIGH_COMPLETIONS} ${high}`);
    }
    if (number(maxFailedIndexes) && maxFailedIndexes > LIMIT_FOR_HIGH_COMPLETIONS) {
      hit(JOB_API_RULES.INDEXED_LIMITS, `${at}.maxFailedIndexes`, `maxFailedIndexes ${maxFailedIndexes} is above ${LIMIT_FOR_HIGH_COMPLETIONS} ${high}`);
    }
  }
  if (typeof name === 'string' && number(completions) && completions > 0) {
    const hostname = `${name}-${completions - 1}`;
    if (hostname.length > 63 || !DNS_1123_LABEL.test(hostname)) {
      hit(JOB_API_RULES.INDEXED_HOSTNAME, 'metadata.name', `the pod of the last index would be named '${hostname}' (${hostname.length} characters), which is not a DNS-1123 label of at most 63 characters: the API server refuses the Job`);
    }
  }
}

/** `acme.io/foo`: a DNS-1123 subdomain, '/', an HTTP path; at most 63 characters in all. */
function isDomainPrefixedPath(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1 || value.length > MAX_MANAGED_BY_LENGTH) return false;
  const host = value.slice(0, slash);
  return host.length <= 253 && DNS_1123_SUBDOMAIN.test(host) && HTTP_PATH.test(value.slice(slash + 1));
}

function checkPodFailurePolicy(spec: Obj, pod: Obj, at: string, hit: Hit): void {
  const rules: unknown = spec.podFailurePolicy?.rules;
  if (!Array.isArray(rules)) return;
  const path = `${at}.podFailurePolicy.rules`;
  const fail = (where: string, message: string) => hit(JOB_API_RULES.POD_FAILURE_POLICY_RULE, where, message);
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) {
    fail(path, `${rules.length} rules, more than the ${MAX_POD_FAILURE_POLICY_RULES} the API server allows`);
  }
  const names = new Set([...(pod.containers ?? []), ...(pod.initContainers ?? [])].map((c: Obj) => c?.name));
  for (const [i, rule] of rules.entries()) {
    const rulePath = `${path}[${i}]`;
    const codes: Obj | undefined = rule?.onExitCodes ?? undefined;
    const conditions: unknown[] = Array.isArray(rule?.onPodConditions) ? rule.onPodConditions : [];
    if (codes !== undefined && conditions.length > 0) {
      fail(rulePath, 'the rule has both onExitCodes and onPodConditions');
    } else if (codes === undefined && conditions.length === 0) {
      fail(rulePath, 'the rule has neither onExitCodes nor onPodConditions');
    }
    checkEnum(rule?.action, ['Count', 'FailIndex', 'FailJob', 'Ignore'], 'action', () => `${rulePath}.action`, hit);
    if (rule?.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) {
      fail(`${rulePath}.action`, "the action 'FailIndex' needs backoffLimitPerIndex, which is not set");
    }
    if (codes !== undefined) checkExitCodes(codes, `${rulePath}.onExitCodes`, names, fail, hit);
    if (conditions.length > MAX_POD_CONDITION_PATTERNS) {
      fail(`${rulePath}.onPodConditions`, `${conditions.length} patterns, more than the ${MAX_POD_CONDITION_PATTERNS} the API server allows`);
    }
    for (const [j, pattern] of conditions.entries()) {
      const p = pattern as Obj;
      if (typeof p?.type === 'string' && !isQualifiedName(p.type)) {
        fail(`${rulePath}.onPodConditions[${j}].type`, `condition type '${p.type}' is not a qualified name`);
      }
      // A missing status is defaulted to 'True' (batch/v1 SetDefaults_Job).
      if (p?.status !== undefined && !['True', 'False', 'Unknown'].includes(p.status)) {
        fail(`${rulePath}.onPodConditions[${j}].status`, `condition status '${p.status}' is not 'True', 'False' or 'Unknown'`);
      }
    }
  }
}

function checkExitCodes(codes: Obj, path: string, names: Set<unknown>, fail: (where: string, message: string) => void, hit: Hit): void {
  checkEnum(codes.operator, ['In', 'NotIn'], 'operator', () => `${path}.operator`, hit);
  if (typeof codes.containerName === 'string' && !names.has(codes.containerName)) {
    fail(`${path}.containerName`, `containerName '${codes.containerName}' names no container or init container of the pod`);
  }
  const values: unknown[] = Array.isArray(codes.values) ? codes.values : [];
  if (values.length === 0) {
    fail(`${path}.values`, 'no exit code is given');
  } else if (values.length > MAX_EXIT_CODES) {
    fail(`${path}.values`, `${values.length} exit codes, more than the ${MAX_EXIT_CODES} the API server allows`);
  }
  for (const [j, value] of values.entries()) {
    if (codes.operator === 'In' && value === 0) {
      fail(`${path}.values[${j}]`, "exit code 0 is not allowed with the operator 'In' (a succeeded container is not a failure)");
    }
    if (values.indexOf(value) !== j) {
      fail(`${path}.values[${j}]`, `exit code ${value} is listed twice`);
    } else if (j > 0 && (values[j - 1] as number) > (value as number)) {
      fail(`${path}.values[${j}]`, `exit codes must be in increasing order, found ${values[j - 1]} before ${value}`);
    }
  }
}

function checkSuccessPolicy(spec: Obj, at: string, hit: Hit): void {
  if (spec.successPolicy === undefined || spec.successPolicy === null) return;
  const path = `${at}.successPolicy`;
  const fail = (where: string, message: string) => hit(JOB_API_RULES.SUCCESS_POLICY, where, message);
  if (spec.completionMode !== 'Indexed') {
    fail(path, `a successPolicy needs completionMode 'Indexed', found ${spec.completionMode === undefined ? 'none' : `'${spec.completionMode}'`}`);
    return;
  }
  const rules: unknown[] = Array.isArray(spec.successPolicy.rules) ? spec.successPolicy.rules : [];
  if (rules.length === 0) {
    fail(`${path}.rules`, 'the successPolicy has no rule');
  } else if (rules.length > MAX_SUCCESS_POLICY_RULES) {
    fail(`${path}.rules`, `${rules.length} rules, more than the ${MAX_SUCCESS_POLICY_RULES} the API server allows`);
  }
  // With neither completions nor parallelism the API server defaults completions to 1.
  const completions: number = typeof spec.completions === 'number' ? spec.completions : 1;
  for (const [i, rule] of (rules as Obj[]).entries()) {
    const rulePath = `${path}.rules[${i}]`;
    const { succeededIndexes, succeededCount } = rule ?? {};
    if (succeededIndexes === undefined && succeededCount === undefined) {
      fail(rulePath, 'the rule has neither succeededIndexes nor succeededCount');
    }
    let total: number | undefined;
    if (typeof succeededIndexes === 'string') {
      const parsed = countIndexes(succeededIndexes, completions);
      if (typeof parsed === 'string') {
        fail(`${rulePath}.succeededIndexes`, `succeededIndexes '${succeededIndexes}' ${parsed}`);
      } else {
        total = parsed;
      }
    }
    if (typeof succeededCount === 'number') {
      if (succeededCount > completions) {
        fail(`${rulePath}.succeededCount`, `succeededCount ${succeededCount} is above completions (${completions})`);
      }
      if (typeof succeededIndexes === 'string' && succeededCount > (total ?? 0)) {
        fail(`${rulePath}.succeededCount`, `succeededCount ${succeededCount} is above the ${total ?? 0} indexes succeededIndexes names`);
      }
      if (succeededCount < 0) {
        hit(API_RULES.NON_NEGATIVE, `${rulePath}.succeededCount`, `succeededCount is ${succeededCount}`);
      }
    }
  }
}

/** How many indexes `'0,2-3'` names, or what is wrong with it (the API server's validateIndexesFormat). */
function countIndexes(text: string, completions: number): number | string {
  if (text === '') return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(',')) {
    const parts = interval.split('-');
    if (parts.length > 2 || parts.some(p => !/^\+?\d+$/.test(p))) {
      return `has the interval '${interval}', which is not an index or two indexes joined by '-'`;
    }
    const [x, y = x] = parts.map(Number);
    if (y >= completions) {
      return `names the index ${y}, but the indexes run from 0 to ${completions - 1} (completions ${completions})`;
    }
    if (parts.length === 2 && x >= y) {
      return `has the interval '${interval}', whose first index is not below its last`;
    }
    if (last !== undefined && last >= x) {
      return `is not in increasing order (${x} after ${last})`;
    }
    total += y - x + 1;
    last = y;
  }
  return total;
}

function checkPodReplacementPolicy(spec: Obj, at: string, hit: Hit): void {
  const policy = spec.podReplacementPolicy;
  if (policy === undefined) return;
  if (spec.podFailurePolicy !== undefined && policy !== 'Failed') {
    hit(JOB_API_RULES.POD_REPLACEMENT_POLICY, `${at}.podReplacementPolicy`, `podReplacementPolicy '${policy}' is not allowed with a podFailurePolicy, which needs 'Failed'`);
  } else if (!['Failed', 'TerminatingOrFailed'].includes(policy)) {
    hit(JOB_API_RULES.POD_REPLACEMENT_POLICY, `${at}.podReplacementPolicy`, `podReplacementPolicy '${policy}' is not 'Failed' or 'TerminatingOrFailed'`);
  }
}

/** The API server generates these labels (the Job's name, its uid); one already set must agree. */
function checkGeneratedLabels(labels: Obj, at: string, hit: Hit, name: string): void {
  for (const key of GENERATED_LABELS) {
    const value = labels[key];
    if (value === undefined) continue;
    const isName = key.endsWith('job-name');
    if (isName && value === name) continue;
    hit(JOB_API_RULES.GENERATED_LABELS, `${at}.${key}`, isName
      ? `the pod template sets the label ${key}: '${value}', but the Job is named '${name}': the API server refuses a selector that does not match`
      : `the pod template sets the label ${key}: '${value}', which the API server sets to the Job's uid (unknown before it is created): it refuses any other value`);
  }
}

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
function selects(selector: Obj, labels: Obj): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).every((e: Obj) => {
    const values: unknown[] = Array.isArray(e?.values) ? e.values : [];
    switch (e?.operator) {
      case 'In': return values.includes(labels[e.key]);
      case 'NotIn': return !(e.key in labels) || !values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: return true;
    }
  });
  return byLabels && byExpressions;
}
