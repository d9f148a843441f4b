import { Rule, Severity } from './rule';

type Obj = Record<string, any>;
type Hit = (rule: Rule, path: string, message: string, severity?: Severity) => void;

/** How a Job or pod field matured: from which minor it exists (alpha), is on by default (beta), is GA. */
interface FieldMaturity {
  /** The field as users know it. */
  readonly field: string;
  /** Where it is set in a Job manifest (JSON paths, relative to the Job spec or to a pod spec). */
  readonly find: (jobSpec: Obj, pod: Obj) => string[];
  /** The feature gate. */
  readonly gate: string;
  readonly alpha: number;
  readonly beta: number;
  readonly ga: number;
  /** What happens when an API server without the gate drops it; undefined: nothing the Job needs. */
  readonly droppedMeans?: string;
  /** Where these facts come from. */
  readonly source: string;
}

const onJob = (name: string) => (spec: Obj) => (spec[name] !== undefined ? [`spec.${name}`] : []);

/**
 * The maturity of the Job and pod fields that came after Kubernetes 1.28 began, per minor:
 * alpha (off unless the feature gate is on: the API server drops the field silently), beta (on
 * by default), GA. Sources: the Kubernetes feature-gates reference
 * (kubernetes.io/docs/reference/command-line-tools-reference/feature-gates) and each KEP.
 */
export const FIELD_MATURITY: readonly FieldMaturity[] = [
  {
    field: 'podFailurePolicy', find: onJob('podFailurePolicy'), gate: 'JobPodFailurePolicy', alpha: 25, beta: 26, ga: 31,
    source: 'KEP-3329; feature gate JobPodFailurePolicy: alpha 1.25, beta 1.26, GA 1.31',
  },
  {
    field: 'backoffLimitPerIndex', find: onJob('backoffLimitPerIndex'), gate: 'JobBackoffLimitPerIndex', alpha: 28, beta: 29, ga: 33,
    source: 'KEP-3850; feature gate JobBackoffLimitPerIndex: alpha 1.28, beta 1.29, GA 1.33',
  },
  {
    field: 'maxFailedIndexes', find: onJob('maxFailedIndexes'), gate: 'JobBackoffLimitPerIndex', alpha: 28, beta: 29, ga: 33,
    source: 'KEP-3850; feature gate JobBackoffLimitPerIndex: alpha 1.28, beta 1.29, GA 1.33',
  },
  {
    field: 'podReplacementPolicy', find: onJob('podReplacementPolicy'), gate: 'JobPodReplacementPolicy', alpha: 28, beta: 29, ga: 34,
    source: 'KEP-3939; feature gate JobPodReplacementPolicy: alpha 1.28, beta 1.29, GA 1.34',
  },
  {
    field: 'successPolicy', find: onJob('successPolicy'), gate: 'JobSuccessPolicy', alpha: 30, beta: 31, ga: 33,
    droppedMeans: 'the Job then succeeds only when every index succeeded, not when the success policy is met',
    source: 'KEP-3998; feature gate JobSuccessPolicy: alpha 1.30, beta 1.31, GA 1.33',
  },
  {
    field: 'managedBy', find: onJob('managedBy'), gate: 'JobManagedBy', alpha: 30, beta: 32, ga: 35,
    droppedMeans: 'the built-in Job controller then runs the Job as well as the controller it names',
    source: 'KEP-4368; feature gate JobManagedBy: alpha 1.30, beta 1.32, GA 1.35',
  },
  {
    field: 'initContainers[].restartPolicy (a native sidecar)',
    find: (_spec, pod) => (pod.initContainers ?? []).flatMap((c: Obj, i: number) => (c?.restartPolicy !== undefined ? [`initContainers[${i}].restartPolicy`] : [])),
    gate: 'SidecarContainers', alpha: 28, beta: 29, ga: 33,
    droppedMeans: 'the sidecar then runs as an init container that never ends: the pod never starts its containers, and the Job hangs until its deadline',
    source: 'KEP-753; feature gate SidecarContainers: alpha 1.28, beta 1.29, GA 1.33',
  },
];

/** The rule the table drives. Its findings are errors where dropping the field changes what the Job does, warnings otherwise. */
export const VERSION_RULE: Rule = {
  id: 'version/field',
  severity: Severity.ERROR,
  fix: 'Target a Kubernetes version that has the field on by default (KubernetesVersion.of(...).applyTo(app), or the validation option kubernetesVersion), enable its feature gate on the cluster, or remove the field.',
};

/**
 * The fields of a Job (its spec at `at`, its pod at `podAt`) that the target version does not know
 * or drops: unknown (older than the field) is an error; dropped (alpha, gate off by default) is an
 * error where that changes what the Job does, a warning otherwise.
 */
export function checkFieldVersions(spec: Obj, pod: Obj, at: string, podAt: string, minor: number, hit: Hit): void {
  for (const f of FIELD_MATURITY) {
    const paths = f.find(spec, pod).map(p => (p.startsWith('spec.') ? `${at}${p.slice('spec'.length)}` : `${podAt}.${p}`));
    for (const path of paths) {
      if (minor < f.alpha) {
        hit(VERSION_RULE, path, `${f.field} does not exist on Kubernetes 1.${minor}: it exists from 1.${f.alpha} and is on by default from 1.${f.beta}; the API server refuses it as an unknown field`);
      } else if (minor < f.beta) {
        const dropped = `${f.field} is alpha on Kubernetes 1.${minor}: without the ${f.gate} feature gate the API server drops it silently (on by default from 1.${f.beta})`;
        hit(VERSION_RULE, path, f.droppedMeans ? `${dropped}, and ${f.droppedMeans}` : dropped, f.droppedMeans ? Severity.ERROR : Severity.WARNING);
      }
    }
  }
}
