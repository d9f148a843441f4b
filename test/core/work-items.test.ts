import { WorkItems } from '../../index';
import { chart } from '../util';

describe('WorkItems', () => {
  test('fromList: the string is the key and the item parameter', () => {
    expect(WorkItems.fromList(['a', 'b']).items).toEqual([
      { key: 'a', params: { item: 'a' } },
      { key: 'b', params: { item: 'b' } },
    ]);
  });

  test('fromRecords: keyed by a field, or by all values', () => {
    expect(WorkItems.fromRecords([{ city: 'paris', day: 'mon' }], { key: 'city' }).items[0].key).toBe('paris');
    expect(WorkItems.fromRecords([{ city: 'paris', day: 'mon' }]).items[0]).toEqual({ key: 'paris-mon', params: { city: 'paris', day: 'mon' } });
  });

  test('fails when the list is empty', () => {
    const c = chart();
    expect(() => WorkItems.fromList([])._check(c, 'items'))
      .toThrow("test (Chart): 'items' must hold at least one work item, got []. Pass at least one item to WorkItems.fromList().");
  });

  test('fails when two items share a key', () => {
    const c = chart();
    expect(() => WorkItems.fromList(['a', 'b', 'a'])._check(c, 'items'))
      .toThrow("test (Chart): 'items[2]' must be unique, but item 0 has the same key, got 'a'. Remove the duplicate, or key records by a field that is unique.");
  });

  test('fails when a record lacks its key field', () => {
    const c = chart();
    expect(() => WorkItems.fromRecords([{ day: 'mon' }], { key: 'city' })._check(c, 'items'))
      .toThrow("test (Chart): 'items[0]' must have a non-empty key, got {\"day\":\"mon\"}. Give every record the key field, or choose another key with { key: ... }.");
  });
});
