/**
 * RBKmoney destination ids: one card bound once per identity and currency needs a stable name for the
 * destination's externalID (and the workflow that binds it); the card number itself must never be that name,
 * so it is the card's keyed fingerprint (src/domain/card-fingerprint.ts).
 */
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
