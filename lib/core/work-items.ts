import { IConstruct } from 'constructs';
import { propError } from './errors';

/** One work item: a key that names it, and the parameters a pattern substitutes for it. */
export interface WorkItem {
  /** Names the item: unique within its list; Job names and labels are derived from it. */
  readonly key: string;
  /** Parameters substituted for `{{name}}` placeholders (see JobTemplateExpansion); a string item has the one parameter `item`. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The work items of a pattern: built from a list of strings or a list of records.
 *
 * @example
 * WorkItems.fromList(['apple', 'banana', 'cherry'])
 * WorkItems.fromRecords([{ city: 'paris', day: 'mon' }, { city: 'rome', day: 'tue' }], { key: 'city' })
 */
export class WorkItems {
  /** The parameter name a string item is substituted for: `{{item}}`. */
  public static readonly ITEM_PARAM = 'item';

  /** One item per string; the string is both the key and the parameter `item`. */
  public static fromList(items: string[]): WorkItems {
    return new WorkItems(items.map(item => ({ key: item, params: { [WorkItems.ITEM_PARAM]: item } })), 'fromList');
  }

  /**
   * One item per record; every value becomes a parameter. The key is the value of `options.key`,
   * or all values joined by `-` in the record's key order.
   */
  public static fromRecords(records: Array<Record<string, string>>, options: WorkItemRecordOptions = {}): WorkItems {
    return new WorkItems(records.map(record => ({
      key: options.key !== undefined ? record[options.key] : Object.values(record).join('-'),
      params: { ...record },
    })), 'fromRecords');
  }

  /** The items, in the order given. */
  public readonly items: WorkItem[];
  /**
   * How the items were given (`fromList` or `fromRecords`), for error messages.
   * @internal
   */
  public readonly _source: string;

  private constructor(items: WorkItem[], source: string) {
    this.items = items;
    this._source = source;
  }

  /** How many items there are. */
  public get length(): number {
    return this.items.length;
  }

  /**
   * Rejects an empty list, items without a key and duplicate keys, naming `scope` and `prop`.
   * Patterns call it in their constructor.
   * @internal
   */
  public _check(scope: IConstruct, prop: string): void {
    if (this.items.length === 0) {
      propError(scope, { prop, value: [], allowed: 'must hold at least one work item', fix: `Pass at least one item to WorkItems.${this._source}().` });
    }
    const seen = new Map<string, number>();
    for (const [index, item] of this.items.entries()) {
      if (typeof item.key !== 'string' || item.key.length === 0) {
        propError(scope, { prop: `${prop}[${index}]`, value: item.params, allowed: 'must have a non-empty key', fix: 'Give every record the key field, or choose another key with { key: ... }.' });
      }
      const first = seen.get(item.key);
      if (first !== undefined) {
        propError(scope, {
          prop: `${prop}[${index}]`,
          value: item.key,
          allowed: `must be unique, but item ${first} has the same key`,
          fix: 'Remove the duplicate, or key records by a field that is unique.',
        });
      }
      seen.set(item.key, index);
    }
  }
}

/** Options of {@link WorkItems.fromRecords}. */
export interface WorkItemRecordOptions {
  /**
   * The record field whose value names the item.
   *
   * @default - all values joined by '-'
   */
  readonly key?: string;
}
