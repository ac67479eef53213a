/**
 * A stable hash of a payout request, kept in the payout workflow's memo: a second submission under the same
 * payoutId is accepted only when its hash matches. The memo holds the hash, never card data.
 */
import { createHash } from 'node:crypto';
import type { PayoutRequest } from '../domain/payout-request.js';

/** JSON with object keys sorted and undefined members dropped, so equal requests serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>` over the parsed request (defaults applied), versioned so the scheme can change. */
export function requestHash(request: PayoutRequest): string {
  return `sha256:${createHash('sha256')
    .update(`payout-request/v1\n${canonicalJson(request)}`)
    .digest('hex')}`;
}

/** One hash for a whole batch: its items' hashes in order and the options that change what it does. */
export function batchHash(itemHashes: readonly string[], settings: unknown): string {
  const hash = createHash('sha256').update(`payout-batch/v1\n${canonicalJson(settings)}\n`);
  for (const itemHash of itemHashes) hash.update(`${itemHash}\n`);
  return `sha256:${hash.digest('hex')}`;
}
