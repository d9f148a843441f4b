import { canonicalJson, contentHash, nameWithHash, shortHash } from '../../lib/core/hash';

describe('the hash module', () => {
  test('canonicalJson does not depend on key order, and leaves undefined members out', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    // Sorted keys take the native JSON.stringify path: the same text either way.
    expect(canonicalJson({ a: 'x', b: [1, { c: 2, d: 1 }] })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });

  test('contentHash is 8 hex digits of sha256 of the canonical JSON', () => {
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).toBe(shortHash('{"a":1}'));
    // sha256('{"a":1}') starts with 015abd7f.
    expect(contentHash({ a: 1 })).toBe('015abd7f');
    expect(contentHash({ a: 2 })).not.toBe(contentHash({ a: 1 }));
    // A caller that knows the keys are sorted (as cdk8s renders them) gets the same hash, one walk sooner.
    expect(contentHash({ a: 1, b: [{ c: 2, d: 3 }] }, true)).toBe(contentHash({ b: [{ d: 3, c: 2 }], a: 1 }));
  });

  test('nameWithHash cuts the base to 54 characters, without a trailing dash', () => {
    expect(nameWithHash('pi', { a: 1 })).toBe('pi-015abd7f');
    expect(nameWithHash(`${'x'.repeat(53)}-tail`, { a: 1 })).toBe(`${'x'.repeat(53)}-015abd7f`);
    expect(nameWithHash('y'.repeat(80), { a: 1 })).toHaveLength(63);
  });
});
