/**
 * Card fingerprints: a keyed hash of the card number that names a card without revealing it. A plain hash of
 * a 12-19 digit number is reversed by trying every number, hence HMAC with a secret key
 * (CARD_FINGERPRINT_KEY). RBKmoney's destination ids and the request identity (client/request-identity.ts)
 * both name a card by it; nothing else may hash a card field.
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
