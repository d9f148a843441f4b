import { ApiObject, ApiObjectMetadataDefinition, Lazy } from 'cdk8s';
import { metadataJson } from '../../lib/core/metadata-json';
import { chart } from '../util';

describe('metadataJson: an object\'s metadata as cdk8s renders it', () => {
  /** A metadata definition of a fresh ApiObject, changed by `change`. */
  const metadataOf = (metadata: Record<string, unknown>, change: (m: ApiObjectMetadataDefinition) => void = () => undefined) => {
    const object = new ApiObject(chart(), 'object', { apiVersion: 'v1', kind: 'ConfigMap', metadata });
    change(object.metadata);
    return object.metadata;
  };

  const shapes: Array<[string, Record<string, unknown>, ((m: ApiObjectMetadataDefinition) => void)?]> = [
    ['a name only', { name: 'a' }],
    ['labels and annotations, written in any order', { name: 'a', labels: { z: '1', a: '2' }, annotations: { 'b/c': 'x', a: '' } }, m => { m.addLabel('m', '3'); m.addAnnotation('0', 'y'); }],
    ['a namespace and finalizers', { name: 'a', namespace: 'batch', finalizers: ['example.com/keep'] }, m => m.addFinalizers('example.com/more')],
    ['empty maps and lists', { name: 'a', labels: {}, annotations: {}, finalizers: [] }],
    ['an owner reference (cdk8s renders it)', { name: 'a' }, m => m.addOwnerReference({ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' })],
    ['a field added with add() (cdk8s renders it)', { name: 'a' }, m => m.add('generateName', 'a-')],
    ['an option besides the written ones (cdk8s renders it)', { name: 'a', deletionGracePeriodSeconds: 3 }],
    ['a label that is not a string (cdk8s renders it)', { name: 'a' }, m => m.addLabel('lazy', Lazy.any({ produce: () => 'v' }) as unknown as string)],
  ];

  // One argument, not three: jest would take a third parameter a row does not fill for its `done` callback.
  test.each(shapes)('%s: the same text as cdk8s\' own toJson()', (...row) => {
    const [, metadata, change] = row;
    const m = metadataOf(metadata, change);
    expect(JSON.stringify(metadataJson(m))).toBe(JSON.stringify(m.toJson()));
  });

  test('the pod template\'s metadata of a Job (a definition of its own, no name): the same as cdk8s\'', () => {
    const object = new ApiObject(chart(), 'object', { apiVersion: 'v1', kind: 'ConfigMap' });
    const empty = new ApiObjectMetadataDefinition({ apiObject: object });
    expect(metadataJson(empty)).toBe(empty.toJson());
    const labelled = new ApiObjectMetadataDefinition({ apiObject: object, labels: { b: '1' }, annotations: { a: '2' } });
    labelled.addLabel('a', '0');
    expect(JSON.stringify(metadataJson(labelled))).toBe(JSON.stringify(labelled.toJson()));
  });
});
