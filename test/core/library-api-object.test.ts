import { ApiObject, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { LibraryApiObject } from '../../lib/core/library-api-object';
import { chart } from '../util';

// The library's API objects (its Jobs: test/core/job-name.test.ts; the objects its patterns create:
// test/core/pattern-resource.test.ts) render in one pass where that gives what cdk8s' own
// ApiObject.toJson() gives, and as cdk8s renders them everywhere else.

/** What cdk8s' own ApiObject.toJson() renders for `object`. */
const cdk8sRendering = (object: ApiObject) => ApiObject.prototype.toJson.call(object);

describe('LibraryApiObject: rendered as cdk8s renders it', () => {
  test('Lazy values, nulls and values cdk8s\' resolvers change render as cdk8s renders them', () => {
    // GIVEN objects whose props hold a Lazy, null members, and a class instance with a value (cdk8s' union types)
    const c = chart();
    class Quantity { constructor(public readonly value: string) {} }
    const lazy = new LibraryApiObject(c, 'lazy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy' }, spec: { b: Lazy.any({ produce: () => ({ z: 1, a: [null, 'x'] }) }), a: null } });
    const union = new LibraryApiObject(c, 'union', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'union' }, spec: { size: new Quantity('1Gi') } });

    // THEN each renders as cdk8s' ApiObject does, as text (key order) too
    for (const object of [lazy, union]) {
      expect(JSON.stringify(object.toJson())).toBe(JSON.stringify(cdk8sRendering(object)));
    }
    expect(lazy.toJson().spec).toEqual({ b: { a: [undefined, 'x'], z: 1 } });
    expect(union.toJson().spec).toEqual({ size: { value: '1Gi' } });
  });

  test('props other than spec, and the metadata, render sorted as cdk8s renders them', () => {
    const c = chart();
    const object = new LibraryApiObject(c, 'cm', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns', labels: { b: '2', a: '1' }, annotations: { note: 'x' } },
      immutable: false, data: { z: 'last', a: 'first' },
    });
    expect(JSON.stringify(object.toJson())).toBe(JSON.stringify(cdk8sRendering(object)));
    expect(Object.keys(object.toJson())).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'immutable']);
  });

  test('a JSON patch, an app\'s own resolver and CDK8S_DISABLE_SORT leave the rendering to cdk8s', () => {
    // GIVEN a patched object, an object in an app with a resolver of its own, and sorting switched off
    const patched = new LibraryApiObject(chart(), 'patched', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patched' }, data: { a: '1' } });
    patched.addJsonPatch(JsonPatch.add('/data/b', '2'));
    const upper: IResolver = { resolve: (context: ResolutionContext) => { if (context.value === 'quiet') context.replaceValue('LOUD'); } };
    const app = Testing.app({ resolvers: [upper] });
    const own = new LibraryApiObject(new Chart(app, 'c'), 'own', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own' }, data: { a: 'quiet' } });

    // THEN each renders as cdk8s does
    expect(patched.toJson().data).toEqual({ a: '1', b: '2' });
    expect(own.toJson().data).toEqual({ a: 'LOUD' });
    const previous = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = 'true';
    try {
      const unsorted = new LibraryApiObject(chart(), 'unsorted', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unsorted' }, data: { z: '1', a: '2' } });
      expect(JSON.stringify(unsorted.toJson())).toBe(JSON.stringify(cdk8sRendering(unsorted)));
      expect(Object.keys(unsorted.toJson().data)).toEqual(['z', 'a']);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = previous;
    }
  });
});
