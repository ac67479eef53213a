/**
 * The identity of a payout request, kept in its workflow's memo: a second submission under the same payoutId
 * is accepted only when its identity matches. It is a keyed HMAC over the request with the card replaced by
 * its keyed fingerprint and the expiry and holder left out, so the memo next to the masked card in the UI
 * gives nothing to try card numbers against (issue 18). The key is CARD_FINGERPRINT_KEY, domain-separated.
 */
import { createHmac } from 'node:crypto';
import { cardFingerprint } from './card-fingerprint.js';
import { batchIdentityMemoKey, requestIdentityMemoKey } from './memo-keys.js';
import type { Card, PayoutRequest } from './payout-request.js';

export { batchIdentityMemoKey } from './memo-keys.js';
/** The memo keys of the unkeyed hashes written before issue 18, by the key that replaced them. */
const legacyMemoKeys: Record<string, string> = {
  [requestIdentityMemoKey]: 'requestHash',
  [batchIdentityMemoKey]: 'batchHash',
};

const scheme = 'hmac-sha256:v2:';

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

/** The HMAC key of one purpose, derived from the card key so no two uses share a key. */
function purposeKey(cardKey: string, purpose: string): Buffer {
  return createHmac('sha256', cardKey).update(`payouts/${purpose}`).digest();
}

/** The card as the identity sees it: the number's fingerprint (or the provider's token) and the routing hints. */
function identityCard(card: Card, cardKey: string): Record<string, unknown> {
  const { scheme: cardScheme, issuerCountry } = card;
  const hints = { scheme: cardScheme, issuerCountry };
  return 'pan' in card
    ? { fingerprint: cardFingerprint(card.pan, cardKey), ...hints }
    : { token: card.token, ...hints };
}

/** `hmac-sha256:v2:<hex>` over the parsed request (defaults applied); expiry, holder and CVV are not part of it. */
export function requestIdentity(request: PayoutRequest, cardKey: string): string {
  const canonical = canonicalJson({ ...request, card: identityCard(request.card, cardKey) });
  return `${scheme}${createHmac('sha256', purposeKey(cardKey, 'request-identity/v2')).update(canonical).digest('hex')}`;
}

/** One identity for a whole batch (or page): its items' identities in order and the options that change what it does. */
export function batchIdentity(itemIdentities: readonly string[], settings: unknown, cardKey: string): string {
  const hmac = createHmac('sha256', purposeKey(cardKey, 'batch-identity/v2')).update(`${canonicalJson(settings)}\n`);
  for (const item of itemIdentities) hmac.update(`${item}\n`);
  return `${scheme}${hmac.digest('hex')}`;
}

/** A keyed tag of a batch file's content (hex), for a batchId a re-run finds again; the file holds card numbers. */
export function batchFileTag(content: string, cardKey: string): string {
  return createHmac('sha256', purposeKey(cardKey, 'batch-file/v1')).update(content).digest('hex');
}

/**
 * What a memo (of a payout, batch or page) says about a resubmission: the same content, other content, or
 * `legacy`: started before issue 18 with an unkeyed hash, which is never computed again, so it cannot be compared.
 */
export function compareIdentity(
  memo: Record<string, unknown> | undefined,
  memoKey: string,
  identity: string,
): 'same' | 'different' | 'legacy' | 'none' {
  const stored = memo?.[memoKey];
  if (stored !== undefined) return stored === identity ? 'same' : 'different';
  return memo?.[legacyMemoKeys[memoKey] ?? ''] !== undefined ? 'legacy' : 'none';
}
