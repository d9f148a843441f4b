import { closest, distance } from 'fastest-levenshtein';
import { IConstruct } from 'constructs';
import { propError } from './errors';
import PROP_NAMES from './prop-names.json';

interface Known { readonly props: readonly string[]; readonly required: readonly string[] }
const CONSTRUCTS: Readonly<Record<string, Known>> = PROP_NAMES.constructs;
/** The props read key by key one level down, and the props type they take. */
const NESTED: ReadonlyArray<[string, Known]> = [['container', PROP_NAMES.nested.ContainerProps], ['metadata', PROP_NAMES.nested.ApiObjectMetadata]];

/** Every prop `BatchJob` takes: what a pattern may pass on to it besides its user's props. */
export const PROP_NAMES_OF_BATCH_JOB: readonly string[] = CONSTRUCTS.BatchJob.props;

/**
 * What TypeScript checks and JavaScript does not, at construct time: every required prop is given,
 * and every prop given is one the construct has (a typo would be dropped silently), the error
 * naming the closest known prop. `construct` is the class whose props these are; `alsoKnown` are
 * props the base class takes from a pattern (so a pattern's own spread does not count as a typo).
 * The names come from the props interfaces (lib/core/prop-names.json, scripts/package/prop-names.js).
 */
export function checkPropsOf(scope: IConstruct, construct: string, props: unknown, alsoKnown: readonly string[] = []): void {
  const known = CONSTRUCTS[construct];
  if (known === undefined) return;
  if (props === null || typeof props !== 'object') {
    propError(scope, { prop: 'props', value: props, allowed: 'must be an object of props', fix: `Pass the props as the third argument: new ${construct}(scope, id, { ... }).` });
  }
  checkObject(scope, '', props as Record<string, unknown>, known, alsoKnown);
  for (const [prop, nestedKnown] of NESTED) {
    const value = (props as Record<string, unknown>)[prop];
    if (value !== undefined && value !== null && typeof value === 'object') {
      checkObject(scope, `${prop}.`, value as Record<string, unknown>, nestedKnown, []);
    }
  }
}

function checkObject(scope: IConstruct, prefix: string, object: Record<string, unknown>, known: Known, alsoKnown: readonly string[]): void {
  for (const required of known.required) {
    if (object[required] === undefined) {
      propError(scope, { prop: `${prefix}${required}`, value: undefined, allowed: 'is required', fix: `Set ${prefix}${required}.` });
    }
  }
  for (const key of Object.keys(object)) {
    if (known.props.includes(key) || alsoKnown.includes(key)) continue;
    const nearest = closest(key, [...known.props]);
    const near = distance(key, nearest) <= Math.max(2, Math.floor(key.length / 3));
    propError(scope, {
      prop: `${prefix}${key}`,
      value: object[key],
      allowed: `is not a prop of ${prefix === '' ? scope.constructor.name : prefix.slice(0, -1)}`,
      fix: near ? `Did you mean '${prefix}${nearest}'?` : `Remove it; the props are: ${known.props.join(', ')}.`,
    });
  }
}
