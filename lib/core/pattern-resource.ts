import { ApiObject, ApiObjectProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LibraryApiObject } from './library-api-object';

/**
 * An object a pattern creates for its Job (StaticWorkAssignmentJob's ConfigMap, ControllerPodJob's
 * Role and RoleBinding), as a cdk8s-plus resource (its name, metadata, `ApiObject.of()`, a volume
 * or a binding of it) whose API object is the library's: rendered once in a synth and in one pass
 * (cdk8s-plus' own ConfigMap or Role is rendered twice, validated and then written). Its content is
 * what the pattern decided from its props, complete when constructed: the pattern exposes it by
 * cdk8s-plus' interface (`IConfigMap`, `IRole`), without methods that would change it afterwards.
 * @internal
 */
export class PatternResource extends kplus.Resource implements kplus.IConfigMap, kplus.IRole {
  public readonly resourceType: string;
  protected readonly apiObject: ApiObject;

  /** @param resourceType the resource's plural name in the API (`configmaps`, `roles`), as cdk8s-plus names it. */
  constructor(scope: Construct, id: string, resourceType: string, props: ApiObjectProps) {
    super(scope, id);
    this.resourceType = resourceType;
    this.apiObject = new LibraryApiObject(this, 'Resource', props);
  }
}

/**
 * The ServiceAccount a pattern creates for its pod (ControllerPodJob), as {@link PatternResource}
 * is for its other objects; a RoleBinding subject as cdk8s-plus' `ServiceAccount` is one.
 * @internal
 */
export class PatternServiceAccount extends PatternResource implements kplus.IServiceAccount {
  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, 'serviceaccounts', props);
  }

  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    return { kind: this.kind, name: this.name, apiGroup: this.apiGroup, namespace: this.metadata.namespace };
  }
}
