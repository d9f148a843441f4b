import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ControllerPodJob, SingleBatchJob, StaticWorkAssignmentJob, WorkItems } from '../../index';
import { chart, CONTAINER, manifest } from '../util';

// The objects the patterns create for their Jobs (StaticWorkAssignmentJob's ConfigMap,
// ControllerPodJob's ServiceAccount, Role and RoleBinding) are the library's own since 0.3, so
// that a synth renders them once; cdk8s-plus' ConfigMap, ServiceAccount, Role and RoleBinding
// wrote them before, and the YAML must not change.

/** Every pattern object of `c`, by kind. */
function objectsOf(c: ReturnType<typeof chart>): Record<string, ApiObject> {
  const objects: Record<string, ApiObject> = {};
  for (const o of c.node.findAll()) {
    if (o instanceof ApiObject && o.kind !== 'Job') objects[o.kind] = o;
  }
  return objects;
}

describe('the objects the patterns create', () => {
  test('render exactly as cdk8s-plus\' own ConfigMap, ServiceAccount, Role and RoleBinding rendered them, key order included', () => {
    // GIVEN the pattern objects, in a namespace, with rules of every shape cdk8s-plus renders
    const c = chart();
    const rules = [
      { verbs: ['get', 'list'], resources: [kplus.ApiResource.PODS, kplus.ApiResource.JOBS] },
      { verbs: ['get'], resources: [{ apiGroup: 'example.com', resourceType: 'widgets', resourceName: 'one' }] },
    ];
    new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render', namespace: 'batch' }, items: WorkItems.fromList(['a', 'b']), container: CONTAINER });
    const controller = new ControllerPodJob(c, 'driver', { metadata: { name: 'driver', namespace: 'batch' }, container: CONTAINER, rules });
    const ours = objectsOf(c);

    // WHEN cdk8s-plus builds the same objects from the same inputs
    const other = chart();
    const configMap = ours.ConfigMap.toJson();
    const kplusConfigMap = new kplus.ConfigMap(other, 'cm', { metadata: configMap.metadata, data: configMap.data });
    const metadata = ours.Role.toJson().metadata;
    const account = new kplus.ServiceAccount(other, 'sa', { metadata, automountToken: false });
    const role = new kplus.Role(other, 'role', { metadata, rules });
    const binding = new kplus.RoleBinding(other, 'binding', { metadata, role });
    binding.addSubjects(account);
    expect(controller.serviceAccount?.toSubjectConfiguration()).toEqual(account.toSubjectConfiguration());

    // THEN each renders the same JSON, as text
    const same = (object: ApiObject, resource: kplus.Resource) => expect(JSON.stringify(object.toJson())).toBe(JSON.stringify(ApiObject.of(resource).toJson()));
    same(ours.ConfigMap, kplusConfigMap);
    same(ours.ServiceAccount, account);
    same(ours.Role, role);
    same(ours.RoleBinding, binding);
    expect(controller.role.name).toBe('driver');
  });

  test('render as cdk8s\' own ApiObject.toJson() renders them (one pass where it can)', () => {
    const c = chart();
    new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: WorkItems.fromRecords([{ city: 'paris' }]), container: CONTAINER });
    new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: CONTAINER });
    for (const object of Object.values(objectsOf(c))) {
      expect(JSON.stringify(object.toJson())).toBe(JSON.stringify(ApiObject.prototype.toJson.call(object)));
    }
  });

  test('a JSON patch on one of them is written, as on any ApiObject', () => {
    const c = chart();
    const j = new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: WorkItems.fromList(['a']), container: CONTAINER });
    ApiObject.of(j.configMap).addJsonPatch(JsonPatch.add('/metadata/annotations', { owner: 'data' }));
    expect(manifest(c, 'ConfigMap').metadata.annotations).toEqual({ owner: 'data' });
  });

  test('they are cdk8s-plus resources: the ConfigMap mounts in another pod, the Role binds to another subject', () => {
    // GIVEN a StaticWorkAssignmentJob and a ControllerPodJob
    const c = chart();
    const items = new StaticWorkAssignmentJob(c, 'render', { metadata: { name: 'render' }, items: WorkItems.fromList(['a']), container: CONTAINER });
    const controller = new ControllerPodJob(c, 'driver', { metadata: { name: 'driver' }, container: CONTAINER });

    // WHEN another Job mounts the ConfigMap and the Role is bound to another account
    const reader = new SingleBatchJob(c, 'reader', { metadata: { name: 'reader' }, container: CONTAINER });
    reader.addVolume(kplus.Volume.fromConfigMap(c, 'items', items.configMap));
    const binding = new kplus.RoleBinding(c, 'extra', { role: controller.role });
    binding.addSubjects(kplus.ServiceAccount.fromServiceAccountName(c, 'auditor', 'auditor'));

    // THEN both refer to the pattern's objects by name
    const json = Testing.synth(c);
    const pod = json.find(o => o.kind === 'Job' && o.metadata.name.startsWith('reader-')).spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ configMap: expect.objectContaining({ name: items.configMap.name }) }));
    const extra = json.find(o => o.kind === 'RoleBinding' && o.metadata.name !== 'driver');
    expect(extra.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'driver' });
  });
});
