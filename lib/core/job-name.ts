import { ApiObjectProps } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOpsPolicy } from './gitops';
import { LibraryApiObject } from './library-api-object';

/**
 * A Job's API object whose manifest name follows its GitOps policy: under
 * {@link GitOpsPolicy.runOncePerSpec}, `<name, cut to 54 characters>-<8 hex of the spec>`, the spec
 * exactly as rendered (after every container, env var and JSON patch), so nothing added after
 * construction escapes the hash, and the hash never covers the name itself. Its own `name` stays
 * the base name; under the other policies it renders as a plain ApiObject. In a synth, it is
 * rendered once, and in one pass where it can (see {@link LibraryApiObject}).
 * @internal
 */
export class JobApiObject extends LibraryApiObject {
  /**
   * @param sortedSpec renders `jobProps.spec` as cdk8s would render it (keys sorted, null and
   * undefined members left out), or NOT_PLAIN when only cdk8s can.
   */
  constructor(scope: Construct, id: string, jobProps: ApiObjectProps, private readonly policy: GitOpsPolicy, sortedSpec?: () => unknown) {
    super(scope, id, jobProps, sortedSpec);
  }

  protected render(): any {
    const json = super.render();
    if (this.policy.hashesName) {
      // cdk8s renders every object's keys sorted unless CDK8S_DISABLE_SORT is set: JSON patches are
      // applied after it sorted them, so a patched Job's keys are sorted again to hash it.
      json.metadata.name = this.policy._jobName(this.name, json.spec, !this.patched && !process.env.CDK8S_DISABLE_SORT);
    }
    return json;
  }
}
