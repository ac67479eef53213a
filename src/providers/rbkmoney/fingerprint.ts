/**
 * Card fingerprints: a keyed hash of the card number that names a card without revealing it. One card bound
 * once per identity and currency needs a stable name for the destination's externalID (and the workflow that
 * binds it); the card number itself must never be that name, and a plain hash of a 16-digit number can be
 * reversed by trying every number, hence HMAC with a secret key (CARD_FINGERPRINT_KEY).
 */
import { createHmac } from 'node:crypto';

/** The shortest key accepted, as config.ts requires of CARD_FINGERPRINT_KEY. */
export const minFingerprintKeyLength = 16;

/** HMAC-SHA256 of the card number's digits under `key`, as 64 lowercase hex digits. */
export function cardFingerprint(pan: string, key: string): string {
  if (key.length < minFingerprintKeyLength) {
    throw new RangeError(`the card fingerprint key must be at least ${minFingerprintKeyLength} characters`);
  }
  const digits = pan.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) throw new RangeError('a card number is 12-19 digits');
  return createHmac('sha256', key).update(digits, 'utf8').digest('hex');
}

export interface DestinationKey {
  fingerprint: string;
  identityId: string;
  currency: string;
}

/**
 * The destination's externalID: one destination per card, identity and currency. The identity and currency
 * are part of it because the provider answers 409 when one externalID comes with another identity or currency.
 */
export function destinationExternalId({ fingerprint, identityId, currency }: DestinationKey): string {
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new RangeError('not a card fingerprint');
  return `card-${fingerprint}-${identityId}-${currency}`;
}
