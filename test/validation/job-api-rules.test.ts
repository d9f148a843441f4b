// The API server's Job-spec rules (lib/validation/job-api-rules.ts), one failing case per check
// with the exact path and message, and the nearest passing case. Each mirrors a rule of
// pkg/apis/batch/validation (docs/validation-parity.md), and the differential corpus
// (test/validation/corpus.ts) holds the same mistakes for the real API server to judge.
import { validateManifests } from '../../index';
import { RULES } from '../../lib/validation/rules';
import { jobManifest } from './good-job';

type Obj = Record<string, any>;
const pod = (m: Obj) => m.spec.template.spec;
const pfp = (...rules: Obj[]) => ({ rules });
const indexed = (completions: number, extra: Obj = {}) => (m: Obj) => { Object.assign(m.spec, { completionMode: 'Indexed', completions, ...extra }); };

/** The findings of one rule on the good Job with one change. */
function findings(change: (m: Obj) => void, ruleId: string, minor = 37): Array<[string, string]> {
  const manifest = jobManifest('job');
  change(manifest);
  return validateManifests([manifest], { kubernetesVersion: `1.${minor}` }).findings
    .filter(f => f.ruleId === ruleId).map(f => [f.path, f.message]);
}

// [case, change, rule id, path, message]
const FAILS: Array<[string, (m: Obj) => void, string, string, string]> = [
  ['backoffLimitPerIndex is negative', indexed(2, { backoffLimitPerIndex: -1 }), 'api/non-negative', 'spec.backoffLimitPerIndex', 'backoffLimitPerIndex is -1'],
  ['maxFailedIndexes is negative', indexed(2, { backoffLimitPerIndex: 1, maxFailedIndexes: -1 }), 'api/non-negative', 'spec.maxFailedIndexes', 'maxFailedIndexes is -1'],
  ['an Indexed Job has parallelism above 100000', indexed(200_000, { parallelism: 100_001 }), 'job/indexed-limits', 'spec.parallelism', 'parallelism 100001 is above 100000, the most an Indexed Job may have'],
  ['maxFailedIndexes is above completions', indexed(2, { backoffLimitPerIndex: 1, maxFailedIndexes: 3 }), 'job/indexed-limits', 'spec.maxFailedIndexes', 'maxFailedIndexes 3 is above completions (2)'],
  ['over 100000 completions per index have no maxFailedIndexes', indexed(100_001, { backoffLimitPerIndex: 1 }), 'job/indexed-limits', 'spec.maxFailedIndexes', 'maxFailedIndexes is not set with 100001 completions (above 100000) and backoffLimitPerIndex'],
  ['over 100000 completions per index run more than 10000 pods', indexed(100_001, { backoffLimitPerIndex: 1, maxFailedIndexes: 10, parallelism: 10_001 }), 'job/indexed-limits', 'spec.parallelism', 'parallelism 10001 is above 10000 with 100001 completions (above 100000) and backoffLimitPerIndex'],
  ['the last index makes a pod name of 64 characters', m => { m.metadata.name = 'a'.repeat(62); indexed(10)(m); }, 'job/indexed-hostname', 'metadata.name', `the pod of the last index would be named '${'a'.repeat(62)}-9' (64 characters), which is not a DNS-1123 label of at most 63 characters: the API server refuses the Job`],
  ['managedBy has no domain', m => { m.spec.managedBy = 'kueue'; }, 'job/managed-by', 'spec.managedBy', "managedBy 'kueue' is not a domain-prefixed path of at most 63 characters"],
  ['managedBy is longer than 63 characters', m => { m.spec.managedBy = `example.com/${'a'.repeat(52)}`; }, 'job/managed-by', 'spec.managedBy', `managedBy 'example.com/${'a'.repeat(52)}' is not a domain-prefixed path of at most 63 characters`],
  ['a pod failure rule has no matcher', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob' }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0]', 'the rule has neither onExitCodes nor onPodConditions'],
  ['a pod failure rule has both matchers', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0]', 'the rule has both onExitCodes and onPodConditions'],
  ['FailIndex without backoffLimitPerIndex', m => { indexed(2)(m); m.spec.podFailurePolicy = pfp({ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].action', "the action 'FailIndex' needs backoffLimitPerIndex, which is not set"],
  ['onExitCodes has no value', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [] } }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values', 'no exit code is given'],
  ['onExitCodes has 256 values', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'In', values: Array.from({ length: 256 }, (_, i) => i + 1) } }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values', '256 exit codes, more than the 255 the API server allows'],
  ['21 pod failure rules', m => { m.spec.podFailurePolicy = pfp(...Array.from({ length: 21 }, (_, i) => ({ action: 'FailJob', onExitCodes: { operator: 'In', values: [i + 1] } }))); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules', '21 rules, more than the 20 the API server allows'],
  ['a pod condition status is lower case', m => { m.spec.podFailurePolicy = pfp({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'true' }] }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onPodConditions[0].status', "condition status 'true' is not 'True', 'False' or 'Unknown'"],
  ['a pod condition type has a space', m => { m.spec.podFailurePolicy = pfp({ action: 'Ignore', onPodConditions: [{ type: 'Disruption Target', status: 'True' }] }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onPodConditions[0].type', "condition type 'Disruption Target' is not a qualified name"],
  ['exit code 0 with In', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'In', values: [0] } }); }, 'job/pod-failure-policy-rule', 'spec.podFailurePolicy.rules[0].onExitCodes.values[0]', "exit code 0 is not allowed with the operator 'In' (a succeeded container is not a failure)"],
  ['a success policy without Indexed', m => { m.spec.completions = 2; m.spec.successPolicy = { rules: [{ succeededCount: 1 }] }; }, 'job/success-policy', 'spec.successPolicy', "a successPolicy needs completionMode 'Indexed', found none"],
  ['a success policy without rules', m => { indexed(3)(m); m.spec.successPolicy = { rules: [] }; }, 'job/success-policy', 'spec.successPolicy.rules', 'the successPolicy has no rule'],
  ['a success rule with neither field', m => { indexed(3)(m); m.spec.successPolicy = { rules: [{}] }; }, 'job/success-policy', 'spec.successPolicy.rules[0]', 'the rule has neither succeededIndexes nor succeededCount'],
  ['succeededIndexes beyond completions', m => { indexed(3)(m); m.spec.successPolicy = { rules: [{ succeededIndexes: '0-3' }] }; }, 'job/success-policy', 'spec.successPolicy.rules[0].succeededIndexes', "succeededIndexes '0-3' names the index 3, but the indexes run from 0 to 2 (completions 3)"],
  ['succeededIndexes out of order', m => { indexed(5)(m); m.spec.successPolicy = { rules: [{ succeededIndexes: '3,1' }] }; }, 'job/success-policy', 'spec.successPolicy.rules[0].succeededIndexes', "succeededIndexes '3,1' is not in increasing order (1 after 3)"],
  ['succeededIndexes not a list of indexes', m => { indexed(5)(m); m.spec.successPolicy = { rules: [{ succeededIndexes: '0..2' }] }; }, 'job/success-policy', 'spec.successPolicy.rules[0].succeededIndexes', "succeededIndexes '0..2' has the interval '0..2', which is not an index or two indexes joined by '-'"],
  ['succeededCount above completions', m => { indexed(3)(m); m.spec.successPolicy = { rules: [{ succeededCount: 4 }] }; }, 'job/success-policy', 'spec.successPolicy.rules[0].succeededCount', 'succeededCount 4 is above completions (3)'],
  ['succeededCount above the indexes named', m => { indexed(5)(m); m.spec.successPolicy = { rules: [{ succeededIndexes: '0-1', succeededCount: 3 }] }; }, 'job/success-policy', 'spec.successPolicy.rules[0].succeededCount', 'succeededCount 3 is above the 2 indexes succeededIndexes names'],
  ['podReplacementPolicy TerminatingOrFailed with a pod failure policy', m => { m.spec.podReplacementPolicy = 'TerminatingOrFailed'; m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }); }, 'job/pod-replacement-policy', 'spec.podReplacementPolicy', "podReplacementPolicy 'TerminatingOrFailed' is not allowed with a podFailurePolicy, which needs 'Failed'"],
  ['the pod template names another Job', m => { m.spec.template.metadata = { labels: { 'batch.kubernetes.io/job-name': 'other' } }; }, 'job/generated-labels', 'spec.template.metadata.labels.batch.kubernetes.io/job-name', "the pod template sets the label batch.kubernetes.io/job-name: 'other', but the Job is named 'job': the API server refuses a selector that does not match"],
  ['the pod template sets a controller uid', m => { m.spec.template.metadata = { labels: { 'controller-uid': 'abc' } }; }, 'job/generated-labels', 'spec.template.metadata.labels.controller-uid', "the pod template sets the label controller-uid: 'abc', which the API server sets to the Job's uid (unknown before it is created): it refuses any other value"],
  ['completionMode is spelled in lower case', m => { m.spec.completionMode = 'indexed'; m.spec.completions = 2; }, 'api/enum-value', 'spec.completionMode', "completionMode 'indexed' is not 'NonIndexed' or 'Indexed'"],
  ['a pod failure action is unknown', m => { m.spec.podFailurePolicy = pfp({ action: 'Retry', onExitCodes: { operator: 'In', values: [1] } }); }, 'api/enum-value', 'spec.podFailurePolicy.rules[0].action', "action 'Retry' is not 'Count', 'FailIndex', 'FailJob' or 'Ignore'"],
  ['an exit code operator is unknown', m => { m.spec.podFailurePolicy = pfp({ action: 'FailJob', onExitCodes: { operator: 'Maybe', values: [1] } }); }, 'api/enum-value', 'spec.podFailurePolicy.rules[0].onExitCodes.operator', "operator 'Maybe' is not 'In' or 'NotIn'"],
  ["a manual selector does not match the pod's labels", m => { m.spec.manualSelector = true; m.spec.selector = { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }; m.spec.template.metadata = { labels: { app: 'a' } }; }, 'job/selector-match', 'spec.selector', "the selector does not match the pod template's labels: the Job would never see its own pods"],
  ['restartPolicy is not set', m => { delete pod(m).restartPolicy; }, 'job/restart-policy', 'spec.template.spec.restartPolicy', "restartPolicy is not set (a pod's default is 'Always'); a Job allows only 'Never' or 'OnFailure'"],
];

describe('the API server\'s Job rules', () => {
  test.each(FAILS)('fails when %s', (_, change, ruleId, path, message) => {
    expect(findings(change, ruleId)).toEqual([[path, message]]);
  });

  test('each finding carries its rule\'s fix', () => {
    const manifest = jobManifest('job');
    manifest.spec.managedBy = 'kueue';
    const [finding] = validateManifests([manifest], { kubernetesVersion: '1.37' }).errors;
    expect(finding.fix).toBe(RULES.MANAGED_BY.fix);
  });

  // The nearest valid neighbours of the failing cases: the same fields, within the limits.
  const PASSES: Array<[string, (m: Obj) => void]> = [
    ['a pod name of exactly 63 characters for the last index', m => { m.metadata.name = 'a'.repeat(61); indexed(10)(m); }],
    ['managedBy a domain-prefixed path', m => { m.spec.managedBy = 'kueue.x-k8s.io/multikueue'; }],
    ['a success policy within completions', m => { indexed(5)(m); m.spec.successPolicy = { rules: [{ succeededIndexes: '0,2-4', succeededCount: 4 }] }; }],
    ['FailIndex with backoffLimitPerIndex', m => { indexed(2, { backoffLimitPerIndex: 1, maxFailedIndexes: 2 })(m); m.spec.podFailurePolicy = pfp({ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1, 2] } }); }],
    ['podReplacementPolicy Failed with a pod failure policy', m => { m.spec.podReplacementPolicy = 'Failed'; m.spec.podFailurePolicy = pfp({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }); }],
    ["a manual selector that matches the pod's labels", m => { m.spec.manualSelector = true; m.spec.selector = { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }, { key: 'gone', operator: 'DoesNotExist' }, { key: 'tier', operator: 'NotIn', values: ['web'] }] }; m.spec.template.metadata = { labels: { app: 'a', tier: 'batch' } }; }],
    ["a pod condition without status (the API server defaults it to 'True')", m => { m.spec.podFailurePolicy = pfp({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }); }],
    ['the pod template names its own Job', m => { m.spec.template.metadata = { labels: { 'batch.kubernetes.io/job-name': 'job', 'job-name': 'job' } }; }],
  ];
  test.each(PASSES)('passes with %s', (_, change) => {
    const manifest = jobManifest('job');
    change(manifest);
    expect(validateManifests([manifest], { kubernetesVersion: '1.37' }).errors.map(e => `${e.ruleId}: ${e.message}`)).toEqual([]);
  });
});
