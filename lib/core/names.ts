import { shortHash } from './hash';

/** Longest DNS-1123 label, and so the longest Job name (the name is also the pod label `job-name`). */
export const MAX_JOB_NAME_LENGTH = 63;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when `name` is a DNS-1123 label of at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_JOB_NAME_LENGTH && DNS_1123_LABEL.test(name);
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True when `value` is a valid label value (at most 63 characters, alphanumeric at both ends). */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Turns any text into a DNS-1123 label of at most `maxLength` characters.
 *
 * Lower-cases, maps every run of other characters to one `-`, trims `-` at both ends. When that
 * changed the text or it had to be shortened, a hash of the original text is appended so that two
 * different inputs never share a result by accident.
 */
export function toDnsLabel(text: string, maxLength = MAX_JOB_NAME_LENGTH): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned === text && cleaned.length <= maxLength && cleaned.length > 0) {
    return cleaned;
  }
  const hash = shortHash(text);
  const room = maxLength - hash.length - 1;
  const head = cleaned.slice(0, room).replace(/-+$/, '');
  return head.length > 0 ? `${head}-${hash}` : hash;
}
