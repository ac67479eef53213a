/**
 * Binding a card: tokenize it in payres (the only place the card number and CVV are sent), then create a
 * destination from the token, named by externalID so that a repeat finds the same destination. The
 * destination starts Unauthorized; withdrawals wait until it is Authorized.
 */
import { maskPan, scrubCardNumbers } from '../../domain/card.js';
import type { PanCard } from '../../domain/payout-request.js';
import { IdempotencyConflictError, InvalidPayoutRequestError } from '../errors.js';
import type { RbkmoneyClient } from './client.js';
import { bankCardSchema, buildStoreBankCard } from './wire/cards.js';
import {
  type Destination,
  type DestinationParams,
  type destinationStatuses,
  isDestinationUsable,
} from './wire/destinations.js';

/** A tokenized card: what may be kept and logged. Never the card number or the CVV. */
export interface TokenizedCard {
  /** The payres token; it expires (about an hour on the provider's defaults), so bind the card soon. */
  token: string;
  maskedPan: string;
  bin?: string;
  lastDigits?: string;
  validUntil?: string;
}

export interface EnsureDestinationInput {
  identityId: string;
  currency: string;
  /** The payres token from tokenizeCard. */
  token: string;
  /** destinationExternalId(...): derived from the card fingerprint, never from the card number. */
  externalID: string;
  /** Shown at the provider; built the same way on every retry (a different name is a 409). */
  name: string;
}

export interface DestinationInfo {
  id: string;
  externalID?: string;
  status: (typeof destinationStatuses)[number];
  /** Authorized and not blocked: a withdrawal to it is accepted. */
  usable: boolean;
  bin?: string;
  lastDigits?: string;
}

export function destinationInfo(destination: Destination): DestinationInfo {
  const info: DestinationInfo = {
    id: destination.id,
    status: destination.status,
    usable: isDestinationUsable(destination),
  };
  if (destination.externalID !== undefined) info.externalID = destination.externalID;
  if (destination.resource.bin !== undefined) info.bin = destination.resource.bin;
  if (destination.resource.lastDigits !== undefined) info.lastDigits = destination.resource.lastDigits;
  return info;
}

const payresFields: Record<string, string> = {
  cardNumber: 'pan',
  expDate: 'expMonth',
  cardHolder: 'holder',
  cvv: 'cvv',
};

export async function tokenizeCard(client: RbkmoneyClient, card: PanCard): Promise<TokenizedCard> {
  const request = bankCardSchema.safeParse(buildStoreBankCard(card));
  if (!request.success) {
    // Field names only: the values are card data.
    const fields = [...new Set(request.error.issues.map((issue) => payresFields[String(issue.path[0])] ?? 'card'))];
    throw new InvalidPayoutRequestError('rbkmoney', `card not accepted by RBKmoney payres: ${fields.join(', ')}`);
  }
  const stored = await client.storeBankCard(request.data);
  const tokenized: TokenizedCard = { token: stored.token, maskedPan: maskPan(card.pan) };
  if (stored.bin !== undefined) tokenized.bin = stored.bin;
  if (stored.lastDigits !== undefined) tokenized.lastDigits = stored.lastDigits;
  if (stored.validUntil !== undefined) tokenized.validUntil = stored.validUntil;
  return tokenized;
}

/**
 * Looks the destination up by externalID first: the payres token expires, so a repeat after that would fail
 * with 400 InvalidResourceToken although the destination exists. Only then creates it (a race with another
 * create is settled by the client's 409 handling).
 */
export async function ensureDestination(
  client: RbkmoneyClient,
  input: EnsureDestinationInput,
): Promise<DestinationInfo> {
  const existing = await client.getDestinationByExternalID(input.externalID);
  if (existing) {
    const differing = [
      existing.identity !== input.identityId ? 'identity' : undefined,
      existing.currency !== input.currency ? 'currency' : undefined,
    ].filter(Boolean);
    if (differing.length > 0) {
      throw new IdempotencyConflictError(
        'rbkmoney',
        `RBKmoney destination externalID "${input.externalID}" already names ${existing.id} with a different ` +
          differing.join(', '),
        'conflict',
      );
    }
    return destinationInfo(existing);
  }
  const params: DestinationParams = {
    name: scrubCardNumbers(input.name),
    identity: input.identityId,
    currency: input.currency,
    resource: { type: 'BankCardDestinationResource', token: input.token },
    externalID: input.externalID,
  };
  return destinationInfo(await client.createDestination(params));
}

export async function getDestination(client: RbkmoneyClient, id: string): Promise<DestinationInfo | undefined> {
  const destination = await client.getDestination(id);
  return destination ? destinationInfo(destination) : undefined;
}
