/**
 * Whether a live Job is the run a manifest describes: its pod template holds every field the
 * manifest's template sets, with the same value. Pure.
 *
 * The comparison is one-sided on purpose: the API server fills in defaults
 * (`terminationMessagePath`, `dnsPolicy`, ...), Kueue merges node selectors, tolerations and
 * scheduling gates into an admitted Job's template, and mesh webhooks inject containers; none of
 * that makes the run another one. A field the manifest sets that the live template lacks or holds
 * with another value does: that Job was created from another manifest (an earlier sync).
 */

/** Where `live` first departs from `manifest`, as a path and both values; undefined when it holds all of `manifest`. */
export function templateDifference(manifest: unknown, live: unknown, path = 'spec.template'): string | undefined {
  if (isEmpty(manifest)) return undefined;
  if (Array.isArray(manifest)) {
    if (!Array.isArray(live)) return differs(path, manifest, live);
    return arrayDifference(manifest, live, path);
  }
  if (typeof manifest === 'object' && manifest !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return differs(path, manifest, live);
    for (const [key, value] of Object.entries(manifest)) {
      const difference = templateDifference(value, (live as Record<string, unknown>)[key], `${path}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (manifest === live) return undefined;
  // Go's omitempty: the API server stores false, 0 and "" as nothing (hostNetwork: false).
  if (live === undefined && (manifest === false || manifest === 0 || manifest === '')) return undefined;
  if (isQuantityPath(path) && sameQuantity(manifest, live)) return undefined;
  // An int-or-string written as a number and kept as a string (or the other way round).
  if ((typeof manifest === 'number' || typeof manifest === 'string') && (typeof live === 'number' || typeof live === 'string') && String(manifest) === String(live)) return undefined;
  return differs(path, manifest, live);
}

/**
 * Arrays of named items (containers, env, volumes, ports) are matched by name, so an injected
 * container or an extra toleration does not count; other arrays element by element, the live one
 * possibly longer (a webhook appends).
 */
function arrayDifference(manifest: readonly unknown[], live: readonly unknown[], path: string): string | undefined {
  const named = manifest.every(item => typeof (item as { name?: unknown } | null)?.name === 'string');
  for (const [i, item] of manifest.entries()) {
    if (named) {
      const name = (item as { name: string }).name;
      const match = live.find(l => (l as { name?: unknown } | null)?.name === name);
      if (match === undefined) return `${path}[name=${name}] is missing`;
      const difference = templateDifference(item, match, `${path}[name=${name}]`);
      if (difference) return difference;
    } else {
      const difference = templateDifference(item, live[i], `${path}[${i}]`);
      if (difference) return difference;
    }
  }
  return undefined;
}

/** `{}`, `[]`, null and undefined: what a manifest may write for "nothing", which the server may drop. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function differs(path: string, manifest: unknown, live: unknown): string {
  return `${path}: the manifest has ${short(manifest)}, the Job ${live === undefined ? 'has none' : `has ${short(live)}`}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Resource quantities are canonicalized by the API server ("0.5" is stored as "500m"). */
function isQuantityPath(path: string): boolean {
  return /\.resources\.(requests|limits)\.[^.]+$|\.sizeLimit$/.test(path);
}

const SUFFIXES: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * SUFFIXES[match[2] ?? ''];
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantity(a);
  const y = quantity(b);
  return x !== undefined && y !== undefined && Math.abs(x - y) <= Math.abs(x) * 1e-9;
}
