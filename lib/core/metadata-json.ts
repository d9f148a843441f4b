import { ApiObjectMetadataDefinition } from 'cdk8s';
import { NOT_PLAIN } from './k8s-json';

/**
 * `metadata.toJson()`, as cdk8s renders an object's metadata (resolved, keys sorted, empty maps and
 * lists left out), without cdk8s' two copies of it: a Job renders two of them (its own and its pod
 * template's), and they were a sixth of the time of rendering it. Only for what cdk8s 2.70's
 * `ApiObjectMetadataDefinition` holds when the library renders a Job (name, namespace, string labels
 * and annotations, finalizers) and only in an app that resolves with cdk8s' built-in resolvers
 * alone (the caller checks): anything else, an owner reference, a value that is not a string, a
 * field `metadata.add()` set, or a field a later cdk8s adds, is rendered by cdk8s itself. A test
 * compares both renderings on every shape.
 * @internal
 */
export function metadataJson(metadata: ApiObjectMetadataDefinition): unknown {
  const fast = render(metadata as unknown as Readonly<Record<string, unknown>>);
  return fast === NOT_PLAIN ? metadata.toJson() : fast;
}

/** The fields of an `ApiObjectMetadataDefinition` (cdk8s 2.70); `toJson()` writes all but the last two. */
const FIELDS = ['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'apiObject', '_additionalAttributes'];
/** The options a definition was made with, which `toJson()` writes under the fields above. */
const WRITTEN_OVER = new Set(FIELDS.slice(0, 6));

function render(m: Readonly<Record<string, unknown>>): unknown {
  let own = 0;
  for (const key in m) {
    if (!FIELDS.includes(key)) return NOT_PLAIN;
    own++;
  }
  if (own !== FIELDS.length) return NOT_PLAIN;
  const options = m._additionalAttributes as Record<string, unknown> | null;
  if (options === null || typeof options !== 'object') return NOT_PLAIN;
  for (const key in options) {
    if (!WRITTEN_OVER.has(key) && options[key] !== undefined && options[key] !== null) return NOT_PLAIN;
  }
  const { name, namespace, finalizers, ownerReferences } = m;
  if ((name !== undefined && typeof name !== 'string') || (namespace !== undefined && typeof namespace !== 'string')) return NOT_PLAIN;
  if (!Array.isArray(finalizers) || !Array.isArray(ownerReferences) || ownerReferences.length > 0) return NOT_PLAIN;
  if (!finalizers.every(f => typeof f === 'string')) return NOT_PLAIN;
  const annotations = stringMap(m.annotations);
  const labels = stringMap(m.labels);
  if (annotations === NOT_PLAIN || labels === NOT_PLAIN) return NOT_PLAIN;
  // Keys in sorted order; cdk8s leaves empty maps and lists, and an empty metadata, out.
  const out: Record<string, unknown> = {};
  if (annotations !== undefined) out.annotations = annotations;
  if (finalizers.length > 0) out.finalizers = [...finalizers];
  if (labels !== undefined) out.labels = labels;
  if (name !== undefined) out.name = name;
  if (namespace !== undefined) out.namespace = namespace;
  return annotations === undefined && finalizers.length === 0 && labels === undefined && name === undefined && namespace === undefined ? undefined : out;
}

/** A map of strings, keys sorted; undefined when empty; NOT_PLAIN when it is not one. */
function stringMap(map: unknown): Record<string, string> | undefined | typeof NOT_PLAIN {
  if (map === null || typeof map !== 'object' || Object.getPrototypeOf(map) !== Object.prototype) return NOT_PLAIN;
  const record = map as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const key of keys.sort()) {
    const value = record[key];
    if (typeof value !== 'string') {
      if (value === undefined || value === null) continue;
      return NOT_PLAIN;
    }
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
