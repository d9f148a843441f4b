import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import { renderedInSynth } from './app-validation';
import { GitOpsPolicy } from './gitops';
import { NOT_PLAIN, sortedPlain } from './k8s-json';
import { metadataJson } from './metadata-json';

/**
 * A Job's API object whose manifest name follows its GitOps policy: under
 * {@link GitOpsPolicy.runOncePerSpec}, `<name, cut to 54 characters>-<8 hex of the spec>`, the spec
 * exactly as rendered (after every container, env var and JSON patch), so nothing added after
 * construction escapes the hash, and the hash never covers the name itself. Its own `name` stays
 * the base name; under the other policies it renders as a plain ApiObject. In a synth, it is
 * rendered once: the manifest validation rendered is the one written (see app-validation.ts).
 * @internal
 */
export class JobApiObject extends ApiObject {
  private patched = false;

  /**
   * @param sortedSpec renders `jobProps.spec` as cdk8s would render it (keys sorted, null and
   * undefined members left out), or NOT_PLAIN when only cdk8s can: the spec is then read as cdk8s
   * reads it, from `jobProps.spec`.
   */
  constructor(scope: Construct, id: string, private readonly jobProps: ApiObjectProps, private readonly policy: GitOpsPolicy,
    private readonly sortedSpec?: () => unknown) {
    super(scope, id, jobProps);
  }

  public toJson(): any {
    return renderedInSynth(this) ?? this.render();
  }

  /** JSON patches are applied after cdk8s sorted the keys: a patched Job's keys are sorted again to hash it. */
  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  private render(): any {
    const json = this.renderPlain() ?? super.toJson();
    if (this.policy.hashesName) {
      // cdk8s renders every object's keys sorted unless CDK8S_DISABLE_SORT is set.
      json.metadata.name = this.policy._jobName(this.name, json.spec, !this.patched && !process.env.CDK8S_DISABLE_SORT);
    }
    return json;
  }

  /**
   * What `ApiObject.toJson()` renders, in one pass over the spec instead of cdk8s' two (`resolve`,
   * then `sanitizeValue`, which copy it each), where the two give the same: no JSON patch, keys
   * sorted (CDK8S_DISABLE_SORT unset), the app's resolvers cdk8s' own three and nothing else, and
   * the props plain JSON or `Lazy` values producing it (on those, cdk8s' resolvers change nothing
   * but call `produce()`). Undefined otherwise: cdk8s then renders the object itself.
   */
  private renderPlain(): any {
    if (this.patched || process.env.CDK8S_DISABLE_SORT || !onlyBuiltInResolvers(App.of(this))) return undefined;
    // As ApiObject.toJson(): apiVersion, kind and metadata first, then the other props by key.
    const json: Record<string, unknown> = { apiVersion: this.apiVersion, kind: this.kind, metadata: metadataJson(this.metadata) };
    for (const key of Object.keys(this.jobProps).sort()) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const value = key === 'spec' && this.sortedSpec !== undefined ? this.sortedSpec() : sortedPlain(this.jobProps[key]);
      if (value === NOT_PLAIN) return undefined;
      if (value !== undefined) json[key] = value;
    }
    return json;
  }
}

/** True when `app` resolves with cdk8s' built-in resolvers only (an app's own `resolvers` come first). */
function onlyBuiltInResolvers(app: App): boolean {
  const [lazy, token, union, ...others] = app.resolvers;
  return others.length === 0 && lazy?.constructor === LazyResolver && token?.constructor === ImplicitTokenResolver
    && union?.constructor === NumberStringUnionResolver;
}
