import * as kplus from 'cdk8s-plus-28';
import { BatchJob, GitOpsPolicy } from '../../index';
import { modelFieldName, toManifestJson } from '../../lib/core/k8s-json';
import SCHEMA from '../../lib/schema/k8s-1.28.15.schema.json';
import { chart, CONTAINER, furnishRichPod } from '../util';

interface Schema { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; items?: Schema }
const DEFINITIONS = (SCHEMA as unknown as { definitions: Record<string, Schema> }).definitions;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const deref = (s: Schema) => (s.$ref ? s.$ref.replace('#/definitions/', '') : undefined);

/** Every definition a Job's spec can contain. */
function reachableFrom(root: string): string[] {
  const seen = new Set<string>();
  const visit = (s: Schema | boolean | undefined) => {
    if (!s || typeof s !== 'object') return;
    const ref = deref(s);
    if (ref !== undefined) {
      if (!seen.has(ref)) {
        seen.add(ref);
        visit(DEFINITIONS[ref]);
      }
      return;
    }
    Object.values(s.properties ?? {}).forEach(visit);
    visit(s.items);
    visit(s.additionalProperties);
  };
  visit({ $ref: `#/definitions/${root}` });
  return [...seen].sort();
}

/** A value of each field's type that cdk8s-plus' converter writes back (so the field shows in its output). */
function probeValue(field: Schema): unknown {
  const ref = deref(field);
  if (ref === QUANTITY) return kplus.k8s.Quantity.fromString('1');
  if (ref === INT_OR_STRING) return kplus.k8s.IntOrString.fromNumber(1);
  if (ref === TIME || ref === MICRO_TIME) return new Date(0);
  const s = ref ? DEFINITIONS[ref] : field;
  if (s.properties || s.additionalProperties || s.type === 'object') return {};
  if (s.type === 'array') return [];
  const type = [s.type ?? 'string'].flat()[0];
  return type === 'boolean' ? true : type === 'integer' || type === 'number' ? 1 : 'x';
}

describe('toManifestJson', () => {
  const definitions = reachableFrom('io.k8s.api.batch.v1.JobSpec').filter(d => DEFINITIONS[d].properties);

  test('the walk covers the types of a Job (sanity check of the list below)', () => {
    expect(definitions).toEqual(expect.arrayContaining([
      'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.Volume', 'io.k8s.api.core.v1.ContainerPort',
      'io.k8s.api.core.v1.ResourceRequirements', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ]));
    expect(definitions.length).toBeGreaterThan(100);
  });

  // cdk8s-plus' converter toJson_<Type> reads each field under its model name and writes it under
  // the manifest name: a probe whose fields are named by modelFieldName() must come back complete.
  test.each(definitions)('model field names of %s are cdk8s-plus\' own', definition => {
    // cdk8s-plus names its types as it names fields, capitalized: HTTPHeader is HttpHeader.
    const type = modelFieldName(definition.split('.').pop()!);
    const converter = (kplus.k8s as unknown as Record<string, (o: unknown) => Record<string, unknown>>)[`toJson_${type[0].toUpperCase()}${type.slice(1)}`];
    expect(converter).toBeInstanceOf(Function);
    const fields = Object.entries(DEFINITIONS[definition].properties!);
    const probe = Object.fromEntries(fields.map(([json, field]) => [modelFieldName(json), probeValue(field)]));
    expect(Object.keys(converter(probe)).sort()).toEqual(fields.map(([json]) => json).sort());
    // and toManifestJson writes the same object
    expect(toManifestJson(probe, definition)).toEqual(converter(probe));
  });

  test('names with acronyms', () => {
    expect(modelFieldName('setHostnameAsFQDN')).toBe('setHostnameAsFqdn');
    expect(modelFieldName('hostIP')).toBe('hostIp');
    expect(modelFieldName('clusterIPs')).toBe('clusterIPs');
    expect(modelFieldName('podCIDRs')).toBe('podCidRs');
    expect(modelFieldName('activeDeadlineSeconds')).toBe('activeDeadlineSeconds');
  });

  test('a rich pod converts exactly as k8s.toJson_PodSpec converts it', () => {
    // GIVEN a pod with a bit of everything cdk8s-plus renders
    const c = chart();
    const job = new BatchJob(c, 'job', { container: { ...CONTAINER, name: 'sidecar' }, gitOps: GitOpsPolicy.none() });
    furnishRichPod(job, c);
    const pod = { ...job._toPodSpec(), ...job.scheduling._toKube(), overhead: { cpu: kplus.k8s.Quantity.fromString('10m') } };

    // WHEN / THEN
    expect(toManifestJson(pod, 'io.k8s.api.core.v1.PodSpec')).toEqual(kplus.k8s.toJson_PodSpec(pod));
  });

  test('map keys are data: a label or resource name that looks like a model field name is kept', () => {
    const meta = { labels: { hostIp: 'a', setHostnameAsFqdn: 'b' }, annotations: { volumeId: 'c' } };
    expect(toManifestJson(meta, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')).toEqual(meta);
    const csi = { driver: 'd', volumeAttributes: { volumeId: 'v' } };
    expect(toManifestJson(csi, 'io.k8s.api.core.v1.CSIVolumeSource')).toEqual(csi);
  });
});
