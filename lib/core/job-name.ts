import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
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

  constructor(scope: Construct, id: string, props: ApiObjectProps, private readonly policy: GitOpsPolicy) {
    super(scope, id, props);
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
    const json = super.toJson();
    if (this.policy.hashesName) {
      // cdk8s renders every object's keys sorted unless CDK8S_DISABLE_SORT is set.
      json.metadata.name = this.policy._jobName(this.name, json.spec, !this.patched && !process.env.CDK8S_DISABLE_SORT);
    }
    return json;
  }
}
