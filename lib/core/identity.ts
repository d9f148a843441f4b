import { ApiObjectMetadata } from 'cdk8s';
import { GitOpsPolicy } from './gitops';
import { JobPatternLabels } from './labels';
import { toDnsLabel } from './names';

/**
 * Who a Job is, decided once by `BatchJob`, before its pod is built: its base name, its GitOps
 * policy and its namespace. Every object a pattern creates for the Job (a queue, a ConfigMap, RBAC)
 * takes its name and metadata from here, never from the construct id or path, so the same id in
 * two charts gives distinct objects, and moving a construct changes no name.
 */
export class JobIdentity {
  /**
   * The GitOps policy of Job options that may name one: the one place its default is decided.
   * @internal
   */
  public static _gitOpsOf(options: { readonly gitOps?: GitOpsPolicy }): GitOpsPolicy {
    return options.gitOps ?? GitOpsPolicy.runOncePerSpec();
  }

  /** The Job's name without a spec hash: `metadata.name`, or the name cdk8s generates for the Job from its construct path. */
  public readonly baseName: string;
  /** The Job's GitOps policy. */
  public readonly gitOps: GitOpsPolicy;
  /** The labels of the Job and its pods (`app.kubernetes.io/*`). */
  public readonly labels: Readonly<Record<string, string>>;
  /** The Job's namespace, when its metadata names one. */
  public readonly namespace?: string;
  /** The Job's Argo CD sync wave (0 unless its annotations say otherwise). */
  public readonly syncWave: number;

  /** @internal */
  constructor(baseName: string, gitOps: GitOpsPolicy, labels: Readonly<Record<string, string>>, syncWave: number, namespace?: string) {
    this.baseName = baseName;
    this.gitOps = gitOps;
    this.labels = labels;
    this.namespace = namespace;
    this.syncWave = syncWave;
  }

  /** `<baseName>-<suffix>` as a DNS-1123 label (shortened with a hash when too long): a child object's name. */
  public childName(suffix: string): string {
    return toDnsLabel(`${this.baseName}-${suffix}`);
  }

  /**
   * The metadata of an object the pattern creates for its Job: `name`, the Job's namespace, its
   * labels with `component` as `app.kubernetes.io/component`, and under `GitOpsPolicy.hook()` the
   * hook annotations of the Job's phase, one wave before the Job (so it exists when the Job runs).
   */
  public childMetadata(name: string, component?: string): ApiObjectMetadata {
    return {
      name,
      namespace: this.namespace,
      labels: component === undefined ? { ...this.labels } : { ...this.labels, [JobPatternLabels.COMPONENT]: component },
      annotations: this.gitOps._dependencyAnnotations(this.syncWave - 1),
    };
  }
}

