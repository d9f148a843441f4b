import { hash } from 'crypto';

// The library's hashing, in one place: the spec hash in a runOncePerSpec Job's name, a work-items
// ConfigMap's name, a Redis queue's items annotation, and the hash that keeps a name derived from
// free text unique (names.ts).

/** Hex digits of a content hash (and of the spec hash in a runOncePerSpec Job name). */
export const HASH_LENGTH = 8;

/** A short, stable hex digest of `input` (first `length` hex digits of sha256). */
export function shortHash(input: string, length = HASH_LENGTH): string {
  // The one-shot digest (Node 20.12 and later): faster than createHash().update().digest() for short texts.
  return hash('sha256', input, 'hex').slice(0, length);
}

/**
 * JSON with object keys sorted at every level and undefined members left out: the same value gives
 * the same text whatever order its keys were added in (cdk8s sorts keys only unless
 * `CDK8S_DISABLE_SORT` is set).
 */
export function canonicalJson(value: unknown): string {
  // cdk8s renders keys sorted: then the native JSON.stringify gives the same text, three times faster.
  return keysSorted(value) ? JSON.stringify(value) : sortedJson(value);
}

function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.every(keysSorted);
  }
  let previous: string | undefined;
  for (const key in value) {
    if ((previous !== undefined && previous > key) || !keysSorted((value as Record<string, unknown>)[key])) {
      return false;
    }
    previous = key;
  }
  return true;
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  // Plain loops: this runs once per Job and synth, ten thousand times for a large template expansion.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += `${i > 0 ? ',' : ''}${value[i] === undefined ? 'null' : sortedJson(value[i])}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) {
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${sortedJson(record[key])}`;
    }
  }
  return `${out}}`;
}

/**
 * The content hash: {@link HASH_LENGTH} hex digits (sha256) of a value's canonical JSON.
 * `keysSorted: true` says the caller knows every object's keys are sorted already (as cdk8s
 * renders them), which spares the walk that checks it: the hash is the same.
 */
export function contentHash(value: unknown, keysSorted = false): string {
  return shortHash(keysSorted ? JSON.stringify(value) : canonicalJson(value));
}

/** The longest name that still has room for `-<hash>` in a DNS label of 63 characters: 54. */
export const MAX_HASHED_BASE_LENGTH = 63 - 1 - HASH_LENGTH;

/**
 * `<base, cut to 54 characters>-<contentHash(content)>`: a name of at most 63 characters that
 * changes with the content.
 */
export function nameWithHash(base: string, content: unknown, keysSorted = false): string {
  const head = base.slice(0, MAX_HASHED_BASE_LENGTH).replace(/-+$/, '');
  return `${head}-${contentHash(content, keysSorted)}`;
}
