import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions, PatternPod } from '../lib/core/job-options';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';
import { checkServiceName, propError, rejectReservedEnv } from '../lib/core/errors';
import { LibraryApiObject } from '../lib/core/library-api-object';

/** The label the Job controller puts on every pod of a Job, naming it (Kubernetes 1.27+). */
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/**
 * The Service's name suffix (`<job base name>-peers`) and its `app.kubernetes.io/component`. The
 * Job's component is the catalogue's `peer` (each pod is one peer); the Service's is `peers`, the
 * word of its name, as every object a pattern creates for its Job is labelled (`work-items`,
 * `queue`, `filler`): it names the object, the directory of all the peers. Kept on purpose: it has
 * been in the YAML since 0.2.0, and renaming it would change a released pattern's YAML for no
 * behaviour (STYLE.md: a fix that changes YAML is a flag).
 */
const PEERS = 'peers';

/**
 * Properties of a {@link PodToPodJob}.
 */
export interface PodToPodJobProps extends JobOptions {
  /**
   * How many pods work together, with indexes 0 to `completions - 1`. They all run at once
   * (`parallelism` = `completions`): each may wait for the others.
   */
  readonly completions: number;

  /**
   * Name of the headless Service through which the pods find each other: their `subdomain`.
   *
   * @default - `<job base name>-peers`
   */
  readonly serviceName?: string;
}

/**
 * A Job whose pods talk to each other (the Kubernetes job-patterns table's "Job with Pod-to-Pod
 * Communication"): an Indexed Job of `completions` pods that all run at once, and a headless
 * Service (`clusterIP: None`, no ports) that is their `subdomain`. The pod with index `i` is
 * reachable as `<job name>-<i>.<serviceName>` from any pod of the namespace.
 *
 * The main container gets what it needs to build those names: `JOB_NAME` (the Job's name as the
 * Job controller labels its pods, spec hash included), `PEER_SUBDOMAIN` (the Service) and
 * `PEER_COUNT` (`completions`), besides the `JOB_COMPLETION_INDEX` every Indexed pod has. Pod 0
 * of a three-pod Job reaches pod 2 at `$(JOB_NAME)-2.$(PEER_SUBDOMAIN)`.
 *
 * The Service selects the pods by the `batch.kubernetes.io/job-name` label the controller gives
 * them, so a replaced Job's pods (a new spec under `GitOpsPolicy.runOncePerSpec()`) are never
 * mixed with the new ones. It is written before the Job, and under `GitOpsPolicy.hook()` it is a
 * hook of the Job's phase, one wave earlier.
 *
 * @example
 * new PodToPodJob(chart, 'ring', {
 *   metadata: { name: 'ring' },
 *   completions: 3,
 *   container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'nslookup "$(JOB_NAME)-0.$(PEER_SUBDOMAIN)"'] },
 * });
 */
export class PodToPodJob extends BatchJob {
  /** The env var that holds the Job's name (from its pods' `batch.kubernetes.io/job-name` label). */
  public static readonly JOB_NAME_ENV = 'JOB_NAME';
  /** The env var that holds the Service name, the pods' subdomain. */
  public static readonly SUBDOMAIN_ENV = 'PEER_SUBDOMAIN';
  /** The env var that holds the number of pods. */
  public static readonly COUNT_ENV = 'PEER_COUNT';

  /** Effective `serviceName`: the pods' subdomain. */
  public readonly serviceName: string;
  /** The headless Service. */
  public readonly service: ApiObject;

  constructor(scope: Construct, id: string, props: PodToPodJobProps) {
    super(scope, id, {
      ...props,
      ...PATTERN_CATALOGUE[JobPattern.POD_TO_POD].fixed,
      parallelism: props.completions,
      pattern: JobPattern.POD_TO_POD,
    });
    if (props.dns?.subdomain !== undefined) {
      propError(this, {
        prop: 'dns.subdomain',
        value: props.dns.subdomain,
        allowed: 'is set by PodToPodJob to its headless Service',
        fix: 'Remove dns.subdomain; name the Service with serviceName.',
      });
    }
    rejectReservedEnv(this, 'container', props.container.envVariables, [PodToPodJob.JOB_NAME_ENV, PodToPodJob.SUBDOMAIN_ENV, PodToPodJob.COUNT_ENV],
      'is set by PodToPodJob (the names the pods reach each other by)',
      'Remove it; build a peer\'s name as $(JOB_NAME)-<index>.$(PEER_SUBDOMAIN).');
    this.serviceName = this.subdomain;
    checkServiceName(this, props.serviceName === undefined ? 'metadata.name' : 'serviceName', this.serviceName, 'the pods\' headless Service',
      'Set serviceName to a name that starts with a letter, or give the Job a metadata.name that does.');

    // The library's own object: rendered once per synth, as the Job (see LibraryApiObject).
    this.service = new LibraryApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.identity.childMetadata(this.serviceName, PEERS),
      spec: {
        clusterIP: 'None',
        // The Job's name as rendered (a runOncePerSpec name ends in the hash of the spec).
        selector: { [JOB_NAME_LABEL]: Lazy.any({ produce: () => this.name }) },
      },
    });
    this.apiObject.addDependency(this.service);
  }

  /** The pods' subdomain and the names they reach each other by. */
  protected patternPod(): PatternPod {
    return {
      subdomain: this.subdomain,
      env: {
        [PodToPodJob.JOB_NAME_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key: JOB_NAME_LABEL }),
        [PodToPodJob.SUBDOMAIN_ENV]: kplus.EnvValue.fromValue(this.subdomain),
        [PodToPodJob.COUNT_ENV]: kplus.EnvValue.fromValue(`${this.props.completions}`),
      },
    };
  }

  /** `serviceName`, or `<base name>-peers`: one rule, read by the pod and by the Service. */
  private get subdomain(): string {
    return (this.props as PodToPodJobProps).serviceName ?? this.identity.childName(PEERS);
  }
}
