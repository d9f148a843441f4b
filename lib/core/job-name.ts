import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import { renderedInSynth } from './app-validation';
import { GitOpsPolicy } from './gitops';

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

  constructor(scope: Construct, id: string, private readonly jobProps: ApiObjectProps, private readonly policy: GitOpsPolicy) {
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
    const json: Record<string, unknown> = { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson() };
    for (const key of Object.keys(this.jobProps).sort()) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const value = sortedPlain(this.jobProps[key]);
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

/** Marks a value cdk8s' resolvers could change (a class instance, a function): rendered by cdk8s instead. */
const NOT_PLAIN = Symbol('not plain JSON');

/**
 * `value` as cdk8s' `resolve` and `sanitizeValue` (sorted keys) render it, for plain JSON and
 * `Lazy` values: a copy with object keys sorted and null and undefined members left out (null in
 * a list becomes undefined); {@link NOT_PLAIN} for anything else.
 */
function sortedPlain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return typeof value === 'function' ? NOT_PLAIN : value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedPlain(value[i]);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (value instanceof Lazy) return sortedPlain(value.produce());
  // An own `constructor` key changes how cdk8s' resolve reads the object: left to cdk8s.
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.prototype.hasOwnProperty.call(value, 'constructor')) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const item = sortedPlain(record[key]);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item !== undefined) out[key] = item;
  }
  return out;
}
