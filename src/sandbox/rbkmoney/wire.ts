/**
 * The RBKmoney shapes the sandbox serves and sends, written from the provider's specifications in
 * /work/shared/reference (swag-wallets v0 `api/wallet/spec/definitions`, payres `api/payres/spec/definitions`,
 * webhook events `spec/definitions`), not from the adapter's schemas: the two sides must be able to disagree.
 * What the sandbox only produces is a type; what it reads (request bodies, its own state file) is a zod schema.
 */
import { z } from 'zod';

/** CurrencyID: `^[A-Z]{3}$`. */
export const currencyIdSchema = z.string().regex(/^[A-Z]{3}$/);
/** IdentityID, WalletID, DestinationID ...: strings of 1-40 characters. */
export const entityIdSchema = z.string().min(1).max(40);

/** Asset: minor units and currency, both required. */
export const assetSchema = z.object({ amount: z.number().int(), currency: currencyIdSchema });
export type Asset = z.infer<typeof assetSchema>;

export interface Identity {
  id: string;
  name: string;
  provider: string;
  createdAt: string;
  isBlocked: boolean;
  metadata?: Record<string, unknown>;
  externalID?: string;
}

export interface Wallet {
  id: string;
  name: string;
  identity: string;
  currency: string;
  createdAt: string;
  isBlocked: boolean;
  metadata?: Record<string, unknown>;
  externalID?: string;
}

/** payres BankCard: only `cardNumber` is required (expDate stopped being required in 2019). */
export const bankCardRequestSchema = z.object({
  type: z.literal('BankCard').optional(),
  cardNumber: z.string().regex(/^\d{12,19}$/),
  expDate: z
    .string()
    .regex(/^\d{2}\/(\d{2}|\d{4})$/)
    .optional(),
  // The spec's `[[:alpha:][:space:][:punct:]]`: letters, spaces and punctuation.
  cardHolder: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\s\p{P}\p{S}]+$/u)
    .optional(),
  cvv: z
    .string()
    .regex(/^\d{3,4}$/)
    .optional(),
});
export type BankCardRequest = z.infer<typeof bankCardRequestSchema>;

/** BankCardDestinationResource as answered: the provider's own card token, BIN and last digits. */
export interface DestinationResource {
  type: 'BankCardDestinationResource';
  token: string;
  bin: string;
  lastDigits: string;
}

export interface Destination {
  id: string;
  name: string;
  identity: string;
  currency: string;
  resource: DestinationResource;
  status: 'Unauthorized' | 'Authorized';
  createdAt: string;
  isBlocked: boolean;
  metadata?: Record<string, unknown>;
  externalID?: string;
}

/** WithdrawalFailure and SubFailure: a code with an optional, recursive `subError`. */
export interface WithdrawalFailure {
  code: string;
  subError?: WithdrawalFailure;
}
export const withdrawalFailureSchema: z.ZodType<WithdrawalFailure> = z.lazy(() =>
  z.object({ code: z.string().min(1), subError: withdrawalFailureSchema.optional() }),
);

export const withdrawalStatusSchema = z.enum(['Pending', 'Succeeded', 'Failed']);
export type WithdrawalStatus = z.infer<typeof withdrawalStatusSchema>;

/** Withdrawal as the server answers it (no `fee`: the server never fills it). */
export const withdrawalSchema = z.object({
  id: z.string().min(1),
  wallet: entityIdSchema,
  destination: entityIdSchema,
  body: assetSchema,
  createdAt: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  externalID: z.string().optional(),
  status: withdrawalStatusSchema,
  failure: withdrawalFailureSchema.optional(),
});
export type Withdrawal = z.infer<typeof withdrawalSchema>;

/** `a:b:c` -> `{code: a, subError: {code: b, subError: {code: c}}}` (how the server splits fistful's code). */
export function failureFromChain(chain: string): WithdrawalFailure {
  const [code = 'failed', ...rest] = chain.split(':');
  return rest.length > 0 ? { code, subError: failureFromChain(rest.join(':')) } : { code };
}

/** The failure back as `a:b:c`, the sandbox's ledger code for a failed withdrawal. */
export function chainOfFailure(failure: WithdrawalFailure | undefined): string {
  if (!failure) return 'failed';
  return failure.subError ? `${failure.code}:${chainOfFailure(failure.subError)}` : failure.code;
}

/** WebhookScope: WithdrawalsTopic (optionally one wallet) or DestinationsTopic, each with its event types. */
export const webhookScopeSchema = z.discriminatedUnion('topic', [
  z.object({
    topic: z.literal('WithdrawalsTopic'),
    walletID: entityIdSchema.optional(),
    eventTypes: z.array(z.enum(['WithdrawalStarted', 'WithdrawalSucceeded', 'WithdrawalFailed'])),
  }),
  z.object({
    topic: z.literal('DestinationsTopic'),
    eventTypes: z.array(z.enum(['DestinationCreated', 'DestinationUnauthorized', 'DestinationAuthorized'])),
  }),
]);
export type WebhookScope = z.infer<typeof webhookScopeSchema>;

export interface Webhook {
  id: string;
  identityID: string;
  active: boolean;
  scope: WebhookScope;
  url: string;
  /** base64 SubjectPublicKeyInfo DER, as the provider's hooker publishes it. */
  publicKey: string;
}

// Webhook events (the 2021 events spec): the topic names are singular here, unlike the scopes above.

interface EventBase {
  eventID: string;
  occuredAt: string;
}

export interface WithdrawalStartedEvent extends EventBase {
  topic: 'WithdrawalTopic';
  eventType: 'WithdrawalStarted';
  withdrawal: { id: string; wallet: string; destination: string; body: Asset; externalID?: string };
}

export interface WithdrawalFinishedEvent extends EventBase {
  topic: 'WithdrawalTopic';
  eventType: 'WithdrawalSucceeded' | 'WithdrawalFailed';
  withdrawalID: string;
  externalID?: string;
}

export interface DestinationCreatedEvent extends EventBase {
  topic: 'DestinationTopic';
  eventType: 'DestinationCreated';
  destination: {
    id: string;
    name: string;
    identity: string;
    currency: string;
    /** Here `type` is `BankCard`, with the masked number and the payment system the spec requires. */
    resource: { type: 'BankCard'; cardNumberMask: string; bin: string; lastDigits: string; paymentSystem: string };
    metadata?: Record<string, unknown>;
    externalID?: string;
  };
}

export interface DestinationStatusEvent extends EventBase {
  topic: 'DestinationTopic';
  eventType: 'DestinationAuthorized' | 'DestinationUnauthorized';
  destinationID: string;
  externalID?: string;
}

export type WebhookEvent =
  WithdrawalStartedEvent | WithdrawalFinishedEvent | DestinationCreatedEvent | DestinationStatusEvent;
