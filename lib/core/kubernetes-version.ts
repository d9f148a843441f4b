import { IConstruct } from 'constructs';

/** The construct context key that names the Kubernetes version of the YAML below a scope. */
const CONTEXT_KEY = 'cdk8s-job-patterns:kubernetesVersion';

/**
 * The Kubernetes version the YAML is for: validation uses its API schema and knows which Job and
 * pod fields it drops or refuses. Every minor from 1.28 to 1.37 can be named; the schema of 1.28 is
 * that of 1.28.15, the others share 1.37.2's, and the field maturity table tells them apart.
 *
 * State it for an app or a chart with `KubernetesVersion.of('1.33').applyTo(chartOrApp)` (before
 * adding constructs to it), or in `ValidationOptions.kubernetesVersion`.
 */
export class KubernetesVersion {
  /** The oldest minor the library supports. */
  public static readonly OLDEST_MINOR = 28;
  /** The newest minor the library supports (and proves on a real control plane). */
  public static readonly NEWEST_MINOR = 37;
  /** Kubernetes 1.28, the default: the version cdk8s-plus-28 models. */
  public static readonly V1_28 = new KubernetesVersion(28);
  /** Kubernetes 1.37, the newest release supported. */
  public static readonly V1_37 = new KubernetesVersion(37);
  /**
   * The version the YAML is for when nothing names one (1.28, the version cdk8s-plus-28 models):
   * the one default that validation, its schema, the rules and the runtime's `plan` read.
   */
  public static readonly DEFAULT = KubernetesVersion.V1_28;

  /**
   * A version by its number: `'1.33'`, `'1.33.4'` or `'v1.33'`. Throws for a version outside
   * 1.28-1.37, naming the supported ones.
   */
  public static of(version: string): KubernetesVersion {
    const match = /^v?1\.(\d+)(\.\d+)?$/.exec(String(version).trim());
    const minor = match ? Number(match[1]) : NaN;
    if (!(minor >= KubernetesVersion.OLDEST_MINOR && minor <= KubernetesVersion.NEWEST_MINOR)) {
      throw new Error(`Kubernetes version '${version}' is not supported: use one from 1.${KubernetesVersion.OLDEST_MINOR} to 1.${KubernetesVersion.NEWEST_MINOR} (e.g. '1.33').`);
    }
    return new KubernetesVersion(minor);
  }

  /** The version of the YAML below `scope`: the nearest one applied to it or a parent, else `fallback`. */
  public static targetOf(scope: IConstruct, fallback: KubernetesVersion = KubernetesVersion.DEFAULT): KubernetesVersion {
    const found = scope.node.tryGetContext(CONTEXT_KEY);
    return typeof found === 'string' ? KubernetesVersion.of(found) : fallback;
  }

  private constructor(
    /** The minor version, e.g. 33. */
    public readonly minor: number,
  ) {}

  /** Makes this the version of the YAML below `scope` (an app or a chart, before its constructs are added). */
  public applyTo(scope: IConstruct): void {
    scope.node.setContext(CONTEXT_KEY, this.toString());
  }

  /** `1.<minor>`. */
  public toString(): string {
    return `1.${this.minor}`;
  }
}
