import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions } from '../lib/core/job-options';
import { constructSite, propError, rejectReservedEnv } from '../lib/core/errors';
import { PatternResource, PatternServiceAccount } from '../lib/core/pattern-resource';
import { checkedProps, checkPropsOf, PROP_NAMES_OF_BATCH_JOB } from '../lib/core/props';

/**
 * Properties of a {@link ControllerPodJob}.
 */
export interface ControllerPodJobProps extends JobOptions {
  /**
   * What the controller may do in its own namespace: the rules of its Role. Name every verb,
   * API group and resource; `*` is rejected. Subresources are resources of their own
   * (`pods/log`, `pods/exec`).
   *
   * @default ControllerPodJob.DEFAULT_RULES: pods create, get, list, watch, delete; pods/log get
   */
  readonly rules?: kplus.RolePolicyRule[];
}

/**
 * A single Job whose pod is a controller: it creates and manages other pods or Jobs, and the Job
 * ends when it does (the seeds' "single Job starts a controller Pod" pattern, e.g. a Spark
 * driver). completions 1, parallelism 1.
 *
 * It creates a ServiceAccount (unless you pass `serviceAccount`), a Role with `rules` only, and a
 * RoleBinding, all named after the Job and in its namespace. The pod mounts the service account
 * token (this pattern is the one place it does) and gets `POD_NAME`, `POD_NAMESPACE` and
 * `POD_UID`, so the children it creates can carry an owner reference to it: the garbage collector
 * then deletes them when the controller pod is deleted (with the Job, by its TTL, or by hand).
 *
 * @example
 * new ControllerPodJob(chart, 'spark-driver', {
 *   metadata: { name: 'spark-driver' },
 *   container: { image: 'example.com/spark-driver:3.5.1' },
 * });
 */
export class ControllerPodJob extends BatchJob {
  /** The default `rules`: what a controller of plain pods needs. */
  public static readonly DEFAULT_RULES: kplus.RolePolicyRule[] = [
    { verbs: ['create', 'get', 'list', 'watch', 'delete'], resources: [kplus.ApiResource.PODS] },
    { verbs: ['get'], resources: [kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/log' })] },
  ];
  /** The env vars (downward API) that tell the controller who it is, for owner references. */
  public static readonly POD_ENV: Record<string, kplus.EnvFieldPaths> = { POD_NAME: kplus.EnvFieldPaths.POD_NAME, POD_NAMESPACE: kplus.EnvFieldPaths.POD_NAMESPACE, POD_UID: kplus.EnvFieldPaths.POD_UID };

  /**
   * The service account the controller pod runs as (created, or the one passed in): always set.
   * Typed optional as in `kplus.AbstractPod`, which it overrides (jsii keeps an override's type).
   */
  public readonly serviceAccount?: kplus.IServiceAccount;
  /** The Role with the controller's permissions: {@link rules}, and nothing added afterwards. */
  public readonly role: kplus.IRole;
  /** The RoleBinding of {@link role} to {@link serviceAccount} (in the Job's namespace), and to no other subject. */
  public readonly roleBinding: kplus.IResource;
  /** Effective `rules`. */
  public readonly rules: kplus.RolePolicyRule[];

  constructor(scope: Construct, id: string, props: ControllerPodJobProps) {
    // Checked before the pattern's own automountServiceAccountToken hides the caller's.
    checkPropsOf(constructSite(scope, id, new.target.name), 'ControllerPodJob', props, PROP_NAMES_OF_BATCH_JOB);
    super(scope, id, checkedProps({
      ...props,
      automountServiceAccountToken: true,
      ...PATTERN_CATALOGUE[JobPattern.CONTROLLER_POD].fixed,
      pattern: JobPattern.CONTROLLER_POD,
    }));
    if (props.automountServiceAccountToken === false) {
      propError(this, {
        prop: 'automountServiceAccountToken',
        value: false,
        allowed: 'must not be false: the controller needs its token to call the API server',
        fix: 'Remove automountServiceAccountToken, or use SingleBatchJob if the pod needs no API access.',
      });
    }
    this.rules = props.rules ?? ControllerPodJob.DEFAULT_RULES;
    this.checkRules();
    this.checkReservedEnv(props.container);

    // Named after the Job's base name (never its spec hash): the identity stays while the spec changes.
    const metadata = this.identity.childMetadata(this.baseName);
    // Its token is not mounted by default: only this pod, which asks for it, gets one. The pod
    // reads the account's name when it renders, so it may come after the Job.
    const created = props.serviceAccount ? undefined : new PatternServiceAccount(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false,
    });
    const serviceAccount = created ?? props.serviceAccount!;
    this.serviceAccount = serviceAccount;
    this.role = new PatternResource(this, 'Role', 'roles', { apiVersion: RBAC_API_VERSION, kind: 'Role', metadata, rules: policyRules(this.rules) });
    const namespace = this.apiObject.metadata.namespace;
    this.roleBinding = new PatternResource(this, 'RoleBinding', 'rolebindings', {
      apiVersion: RBAC_API_VERSION,
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: this.role.apiGroup, kind: this.role.kind, name: this.role.name },
      // The account of that name in the pod's own namespace (a pod can use no other): cdk8s-plus
      // would put an account imported by name in 'default'; with no namespace the subject is in
      // the RoleBinding's namespace, which is the Job's. Read when rendered, as the pod reads it.
      subjects: Lazy.any({ produce: () => [{ apiGroup: '', kind: 'ServiceAccount', name: serviceAccount.name, namespace }] }),
    });
    // Written before the Job, so `kubectl apply -f` creates the pod's identity and rights first.
    for (const resource of [created, this.role, this.roleBinding]) {
      if (resource) {
        this.apiObject.addDependency(ApiObject.of(resource));
      }
    }

    const main = this.containers[0];
    for (const [name, fieldPath] of Object.entries(ControllerPodJob.POD_ENV)) {
      main.env.addVariable(name, kplus.EnvValue.fromFieldRef(fieldPath));
    }
  }

  private checkRules(): void {
    if (this.rules.length === 0) {
      propError(this, {
        prop: 'rules',
        value: [],
        allowed: 'must hold at least one rule',
        fix: 'Name what the controller needs, or use SingleBatchJob if it needs no API access.',
      });
    }
    for (const [i, rule] of this.rules.entries()) {
      if (rule.verbs.length === 0 || rule.verbs.some(v => v.includes('*'))) {
        propError(this, {
          prop: `rules[${i}].verbs`,
          value: rule.verbs,
          allowed: "must name at least one verb and no '*' (the controller gets only what it names)",
          fix: "List the verbs it needs, e.g. ['get', 'list', 'watch'].",
        });
      }
      if (rule.resources.length === 0) {
        propError(this, {
          prop: `rules[${i}].resources`,
          value: [],
          allowed: 'must name at least one resource',
          fix: 'Add the resources the verbs apply to, e.g. kplus.ApiResource.PODS.',
        });
      }
      for (const [j, resource] of rule.resources.entries()) {
        if (resource.apiGroup.includes('*') || !resource.resourceType || resource.resourceType.includes('*')) {
          propError(this, {
            prop: `rules[${i}].resources[${j}]`,
            value: { apiGroup: resource.apiGroup, resourceType: resource.resourceType },
            allowed: "must name its API group and resource type, without '*'",
            fix: "Name each one, e.g. kplus.ApiResource.JOBS or kplus.ApiResource.custom({ apiGroup: 'example.com', resourceType: 'widgets' }).",
          });
        }
      }
    }
  }

  private checkReservedEnv(container: kplus.ContainerProps): void {
    rejectReservedEnv(this, 'container', container.envVariables, Object.keys(ControllerPodJob.POD_ENV),
      'is set by ControllerPodJob (from the pod itself, for owner references)',
      'Remove it; the controller reads POD_NAME, POD_NAMESPACE and POD_UID.');
  }
}

const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

/** The Role's rules as cdk8s-plus' Role wrote them (one rule per resource), which this pattern used until 0.3: the YAML stays the same. */
function policyRules(rules: readonly kplus.RolePolicyRule[]): unknown[] {
  return rules.flatMap(rule => rule.resources.map(resource => ({
    verbs: rule.verbs,
    apiGroups: [resource.apiGroup === 'core' ? '' : resource.apiGroup],
    resourceNames: resource.resourceName ? [resource.resourceName] : undefined,
    resources: resource.resourceType ? [resource.resourceType] : undefined,
  })));
}
