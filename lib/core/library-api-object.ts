import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import { renderedInSynth } from './app-validation';
import { NOT_PLAIN, sortedPlain } from './k8s-json';
import { metadataJson } from './metadata-json';

/**
 * An API object the library writes (a Job, or an object a pattern creates for it: a ConfigMap, a
 * ServiceAccount, a Role, a RoleBinding, a headless Service). In a synth it is rendered once: the manifest validation
 * rendered is the one written (see app-validation.ts). And it renders in one pass where that gives
 * what cdk8s' `ApiObject.toJson()` gives (see {@link LibraryApiObject.render}).
 * @internal
 */
export class LibraryApiObject extends ApiObject {
  /** True once a JSON patch was added: cdk8s applies patches after it sorted the keys. */
  protected patched = false;

  /**
   * @param sortedSpec renders `objectProps.spec` as cdk8s would render it (keys sorted, null and
   * undefined members left out), or NOT_PLAIN when only cdk8s can: the spec is then read as cdk8s
   * reads it, from `objectProps.spec`.
   */
  constructor(scope: Construct, id: string, private readonly objectProps: ApiObjectProps, private readonly sortedSpec?: () => unknown) {
    super(scope, id, objectProps);
  }

  public toJson(): any {
    return renderedInSynth(this) ?? this.render();
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  /** Renders the object afresh: in one pass where it can, else as cdk8s does. */
  protected render(): any {
    return this.renderPlain() ?? super.toJson();
  }

  /**
   * What `ApiObject.toJson()` renders, in one pass over the props instead of cdk8s' two (`resolve`,
   * then `sanitizeValue`, which copy them each), where the two give the same: no JSON patch, keys
   * sorted (CDK8S_DISABLE_SORT unset), the app's resolvers cdk8s' own three and nothing else, and
   * the props plain JSON or `Lazy` values producing it (on those, cdk8s' resolvers change nothing
   * but call `produce()`). Undefined otherwise: cdk8s then renders the object itself.
   */
  private renderPlain(): any {
    if (this.patched || process.env.CDK8S_DISABLE_SORT || !onlyBuiltInResolvers(App.of(this))) return undefined;
    // As ApiObject.toJson(): apiVersion, kind and metadata first, then the other props by key.
    const json: Record<string, unknown> = { apiVersion: this.apiVersion, kind: this.kind, metadata: metadataJson(this.metadata) };
    for (const key of Object.keys(this.objectProps).sort()) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const value = key === 'spec' && this.sortedSpec !== undefined ? this.sortedSpec() : sortedPlain(this.objectProps[key]);
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
