import * as kplus from 'cdk8s-plus-28';
import { BatchJob, GitOpsPolicy } from '../../index';
import { modelFieldName, NOT_PLAIN, sortedPlain, toManifestJson, toSortedManifestJson } from '../../lib/core/k8s-json';
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

describe('toSortedManifestJson: the manifest JSON as cdk8s renders it, in one pass', () => {
  /** A rich pod of the typed model, as BatchJob renders it. */
  const richPod = () => {
    const c = chart();
    const job = new BatchJob(c, 'job', { container: { ...CONTAINER, name: 'sidecar' }, gitOps: GitOpsPolicy.none() });
    furnishRichPod(job, c);
    return { ...job._toPodSpec(), ...job.scheduling._toKube(), overhead: { cpu: kplus.k8s.Quantity.fromString('10m') } };
  };

  test('a rich pod: the same text, key order included, as converting and then sorting it', () => {
    const pod = richPod();
    const sorted = toSortedManifestJson(pod, 'io.k8s.api.core.v1.PodSpec');
    expect(JSON.stringify(sorted)).toBe(JSON.stringify(sortedPlain(toManifestJson(pod, 'io.k8s.api.core.v1.PodSpec'))));
    // (and sorted: the keys of every object in order)
    expect(Object.keys(sorted as object)).toEqual(Object.keys(sorted as object).sort());
  });

  test('every field of every type a Job can contain is written under its manifest name, in order', () => {
    for (const definition of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.Volume', 'io.k8s.api.core.v1.Affinity']) {
      const properties = DEFINITIONS[definition].properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([json, field]) => [modelFieldName(json), probeValue(field)]));
      const sorted = toSortedManifestJson(model, definition);
      expect(JSON.stringify(sorted)).toBe(JSON.stringify(sortedPlain(toManifestJson(model, definition))));
    }
  });

  test('null members and null list items are left out as cdk8s leaves them out; a key the schema does not know is kept', () => {
    const container = { name: 'main', image: 'busybox:1.36.1', command: ['sh', null], workingDir: null, zzUnknown: 1, aaUnknown: { b: 1, a: 2 } };
    const sorted = toSortedManifestJson(container, 'io.k8s.api.core.v1.Container');
    expect(JSON.stringify(sorted)).toBe(JSON.stringify(sortedPlain(toManifestJson(container, 'io.k8s.api.core.v1.Container'))));
    expect(sorted).toEqual({ aaUnknown: { a: 2, b: 1 }, command: ['sh', undefined], image: 'busybox:1.36.1', name: 'main', zzUnknown: 1 });
  });

  test('a value only cdk8s can render (a class instance, a function) is NOT_PLAIN: the caller lets cdk8s render it', () => {
    class Token { constructor(public readonly value: string) {} }
    expect(toSortedManifestJson({ name: 'main', image: new Token('x') }, 'io.k8s.api.core.v1.Container')).toBe(NOT_PLAIN);
    expect(toSortedManifestJson({ name: 'main', command: [() => 'x'] }, 'io.k8s.api.core.v1.Container')).toBe(NOT_PLAIN);
  });
});
