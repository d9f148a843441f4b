// The reviewed differences between validateManifests() and the API server on the differential
// corpus (test/validation/corpus.ts), per Kubernetes minor version: case name -> why the library
// answers differently on purpose. test/e2e/validation-corpus.test.ts fails on any other
// difference, and on an entry here that no longer differs.

/** The kubelet, not the API server, parses image references: such a pod never starts. */
const KUBELET_IMAGE = 'The API server only checks that an image is given; the kubelet cannot parse this reference, so the pod stays in InvalidImageName and the Job never runs. The library stops it before the cluster (image/reference).';

/** backoffLimitPerIndex and maxFailedIndexes are alpha on 1.28: the reason, naming the rule that rejects the case. */
const alphaPerIndex = (ruleId: string) => `On 1.28 backoffLimitPerIndex and maxFailedIndexes are alpha (JobBackoffLimitPerIndex is off): the API server drops them and admits the Job, and from 1.29 it rejects this combination. The library rejects a field the server would silently ignore (${ruleId}).`;
const ALPHA_PER_INDEX = alphaPerIndex('job/per-index-needs-indexed');

/** FailIndex belongs to backoffLimitPerIndex, alpha on 1.28. */
const ALPHA_FAIL_INDEX = 'On 1.28 JobBackoffLimitPerIndex is off: the API server drops podFailurePolicy rules whose action is FailIndex and admits the Job, which then ignores those failures; from 1.29 it rejects FailIndex without backoffLimitPerIndex. The library rejects it on every version (job/pod-failure-policy-rule).';

/** podReplacementPolicy is alpha on 1.28. */
const ALPHA_REPLACEMENT = "On 1.28 podReplacementPolicy is alpha (JobPodReplacementPolicy is off): the API server drops it and admits the Job; from 1.29 it refuses any value but 'Failed' and 'TerminatingOrFailed', and 'TerminatingOrFailed' with a podFailurePolicy. The library rejects them on every version, so the same YAML applies to every cluster (job/pod-replacement-policy).";

/** Native sidecars are alpha on 1.28. */
const ALPHA_SIDECAR = "On 1.28 native sidecars are alpha (SidecarContainers is off): the API server drops the init container's restartPolicy and admits the Job. The library refuses the field for 1.28, naming 1.29 (version/field); from 1.29 the API server refuses any value but 'Always' until 1.35 (api/container-restart-policy).";

/** A dotted Job name: admitted, but not a label. */
const DOTTED_JOB_NAME = 'The API server admits a dotted Job name, but an Indexed Job\'s pods get the hostname <job>-<index>, which must be a DNS-1123 label, and the name is also the pods\' job-name label: the library keeps every Job name a DNS-1123 label (job/name).';

export const KNOWN_DIFFERENCES: Readonly<Record<number, Readonly<Record<string, string>>>> = {
  28: {
    "Job name 'dot.name'": DOTTED_JOB_NAME,
    "image ' '": KUBELET_IMAGE,
    "image 'busy box:1.36.1'": KUBELET_IMAGE,
    "image 'BusyBox:1.36.1'": KUBELET_IMAGE,
    "image 'busybox:'": KUBELET_IMAGE,
    "image 'busybox:tag with space'": KUBELET_IMAGE,
    'backoffLimitPerIndex without Indexed': ALPHA_PER_INDEX,
    'maxFailedIndexes without backoffLimitPerIndex': ALPHA_PER_INDEX,
    'backoffLimitPerIndex -1': alphaPerIndex('api/non-negative'),
    'maxFailedIndexes -1': alphaPerIndex('api/non-negative'),
    'maxFailedIndexes above completions': alphaPerIndex('job/indexed-limits'),
    'Indexed with 100001 completions per index and no maxFailedIndexes': alphaPerIndex('job/indexed-limits'),
    'Indexed with 100001 completions per index and parallelism 10001': alphaPerIndex('job/indexed-limits'),
    'podFailurePolicy FailIndex without backoffLimitPerIndex': ALPHA_FAIL_INDEX,
    'podReplacementPolicy TerminatingOrFailed with a podFailurePolicy': ALPHA_REPLACEMENT,
    'an init container with restartPolicy Never': ALPHA_SIDECAR,
    "podReplacementPolicy 'Sometimes'": ALPHA_REPLACEMENT,
    'podFailurePolicy condition without status': "The 1.28 OpenAPI schema marks onPodConditions[].status as required, but the API server defaults a missing status to 'True' (batch/v1 SetDefaults_Job), as 1.37's schema says. The library follows the 1.28 schema (schema/invalid): write status: 'True'.",
    'website example with typed props: Job myjob': 'On 1.28 native sidecars are alpha (SidecarContainers is off): the API server drops the init container\'s restartPolicy and admits the Job, whose sidecar then never ends, so the Job hangs until its deadline. The library refuses it for 1.28, naming 1.29 (version/field).',
  },
  37: {
    "Job name 'dot.name'": DOTTED_JOB_NAME,
    "image ' '": KUBELET_IMAGE,
    "image 'busy box:1.36.1'": KUBELET_IMAGE,
    "image 'BusyBox:1.36.1'": KUBELET_IMAGE,
    "image 'busybox:'": KUBELET_IMAGE,
    "image 'busybox:tag with space'": KUBELET_IMAGE,
    "Service name '1svc'": 'Kubernetes 1.37 admits a Service name that starts with a digit (a DNS-1123 label); older versions refuse it. The library keeps Service names DNS-1035 labels, valid on every version it supports, so the same YAML applies to every cluster (api/name).',
  },
};
