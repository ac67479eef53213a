/**
 * What the RBKmoney sandbox accepts: request bodies as the spec (swag-wallets v0) defines them, as zod
 * schemas written from it (./wire.ts), never the adapter's. The adapter always sends an externalID; here
 * optional is optional, as at the provider.
 */
import { z } from 'zod';
import { currencyIdSchema, entityIdSchema, webhookScopeSchema } from './wire.js';

const metadata = z.record(z.string(), z.unknown()).optional();
const externalID = z.string().optional();
const currency = currencyIdSchema;
const id = entityIdSchema;

export const identityRequestSchema = z.object({
  name: z.string(),
  provider: z.string(),
  metadata,
  externalID,
});
export type IdentityRequest = z.infer<typeof identityRequestSchema>;

export const walletRequestSchema = z.object({ name: z.string(), identity: id, currency, metadata, externalID });
export type WalletRequest = z.infer<typeof walletRequestSchema>;

export { bankCardRequestSchema, type BankCardRequest } from './wire.js';

export const destinationRequestSchema = z.object({
  name: z.string(),
  identity: id,
  currency,
  resource: z.object({
    type: z.enum([
      'BankCardDestinationResource',
      'CryptoWalletDestinationResource',
      'DigitalWalletDestinationResource',
    ]),
    token: z.string().min(1).max(1000).optional(),
  }),
  metadata,
  externalID,
});
export type DestinationRequest = z.infer<typeof destinationRequestSchema>;

const grant = z.string().min(1).max(4000).optional();

/** The amount is any int64 here: the server itself refuses a bad one (422 "Invalid cash amount"). */
export const withdrawalRequestSchema = z.object({
  wallet: id,
  destination: id,
  body: z.object({ amount: z.number().int(), currency }),
  metadata,
  externalID,
  walletGrant: grant,
  destinationGrant: grant,
  quoteToken: grant,
});
export type WithdrawalRequest = z.infer<typeof withdrawalRequestSchema>;

export const webhookRequestSchema = z.object({
  identityID: id,
  url: z.url().max(1000),
  scope: webhookScopeSchema,
});
export type WebhookRequest = z.infer<typeof webhookRequestSchema>;

/** The spec's `X-Request-ID`: required, 1-32 characters. */
export const requestIdSchema = z.string().min(1).max(32);

export type BadRequestType = 'SchemaViolated' | 'NotFound' | 'WrongType' | 'WrongLength' | 'NotInRange' | 'NoMatch';

/** The 400 body of the provider's request validation (wapi's map_error). */
export function badRequest(errorType: BadRequestType, name: string, detail?: string) {
  const description = `Request parameter: ${name}, error type: ${errorType}${detail ? `, description: ${detail}` : ''}`;
  return { errorType, name, description };
}
