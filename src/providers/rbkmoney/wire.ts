/**
 * RBKmoney Wallets API (wallet/v0, payres/v0) and its webhook events, as zod schemas, with the pure mappings
 * between them and our contract. Answers are parsed tolerantly (read-only and later-added fields optional,
 * unknown fields dropped); requests are built exactly. Field names follow the provider, `occuredAt` included.
 * Sources and assumptions: docs/PROVIDERS.md, "RBKmoney".
 */
import { z } from 'zod';
import { scrubCardNumbers } from '../../domain/card.js';
import type { BindingEvent, CallbackResult, ProviderEvent, ProviderStatus } from '../contract.js';

// The card tokenization request is also a pre-flight rule, so it lives with the rules; its home is domain/.
export {
  bankCardProblems,
  bankCardSchema,
  buildStoreBankCard,
  formatExpDate,
  type BankCard,
} from '../../domain/scheme-rules/rbkmoney-card.js';

const metadataSchema = z.record(z.string(), z.unknown());
/** Ids are strings in the spec; database-backed ones (webhooks, events) are tolerated as numbers too. */
const idSchema = z.union([z.string().min(1), z.number().int().transform(String)]);

export const assetSchema = z.object({ amount: z.number().int(), currency: z.string() });
export type Asset = z.infer<typeof assetSchema>;

// --- Identity, wallet -------------------------------------------------------------------------------------

export const identitySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  provider: z.string(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
  partyID: z.string().optional(),
});
export type Identity = z.infer<typeof identitySchema>;
export interface IdentityParams {
  name: string;
  provider: string;
  /** Required by the specs before Nov 2021 and sent by the provider's guide (`person`). */
  class?: string;
  externalID?: string;
  metadata?: Record<string, unknown>;
}

export const walletSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  identity: z.string(),
  currency: z.string(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
});
export type Wallet = z.infer<typeof walletSchema>;
export interface WalletParams {
  name: string;
  identity: string;
  currency: string;
  externalID?: string;
  metadata?: Record<string, unknown>;
}

export const walletAccountSchema = z.object({ own: assetSchema, available: assetSchema });
export type WalletAccount = z.infer<typeof walletAccountSchema>;

// --- Card tokenization (payres) ---------------------------------------------------------------------------

/** `paymentSystem` left the spec in 2020 and `validUntil` is absent from later forks: both optional. */
export const storeBankCardResponseSchema = z.object({
  token: z.string().min(1),
  bin: z.string().optional(),
  lastDigits: z.string().optional(),
  paymentSystem: z.string().optional(),
  authData: z.string().optional(),
  validUntil: z.string().optional(),
});
export type StoreBankCardResponse = z.infer<typeof storeBankCardResponseSchema>;

// --- Destination ------------------------------------------------------------------------------------------

export const destinationStatuses = ['Unauthorized', 'Authorized'] as const;

export const destinationSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  identity: z.string(),
  currency: z.string(),
  /** The answer's `token` is the provider's internal card token, not the payres token we sent. */
  resource: z.object({
    type: z.string(),
    token: z.string().optional(),
    bin: z.string().optional(),
    lastDigits: z.string().optional(),
    paymentSystem: z.string().optional(),
  }),
  status: z.enum(destinationStatuses),
  validUntil: z.string().optional(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
});
export type Destination = z.infer<typeof destinationSchema>;
export interface DestinationParams {
  name: string;
  identity: string;
  currency: string;
  resource: { type: 'BankCardDestinationResource'; token: string };
  externalID: string;
  metadata?: Record<string, unknown>;
}

/** A withdrawal to this destination is accepted only when it is Authorized (422 "Destination unauthorized"). */
export function isDestinationUsable(destination: Destination): boolean {
  return destination.status === 'Authorized' && destination.isBlocked !== true;
}

// --- Withdrawal -------------------------------------------------------------------------------------------

export interface WithdrawalFailure {
  code: string;
  subError?: WithdrawalFailure;
}
export const withdrawalFailureSchema: z.ZodType<WithdrawalFailure> = z.lazy(() =>
  z.object({ code: z.string(), subError: withdrawalFailureSchema.optional() }),
);

export const withdrawalStatuses = ['Pending', 'Succeeded', 'Failed'] as const;
export type WithdrawalStatus = (typeof withdrawalStatuses)[number];

export const withdrawalSchema = z.object({
  id: z.string().min(1),
  wallet: z.string(),
  destination: z.string(),
  body: assetSchema,
  fee: assetSchema.optional(),
  createdAt: z.string().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
  /** Kept as a string: a status we do not know maps to `unknown`, never to a parse failure (money may move). */
  status: z.string(),
  failure: withdrawalFailureSchema.optional(),
});
export type Withdrawal = z.infer<typeof withdrawalSchema>;

export const withdrawalParametersSchema = z.object({
  wallet: z.string().min(1),
  destination: z.string().min(1),
  body: z.object({
    amount: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  externalID: z.string().min(1),
  metadata: metadataSchema.optional(),
  walletGrant: z.string().optional(),
  destinationGrant: z.string().optional(),
  quoteToken: z.string().optional(),
});
export type WithdrawalParameters = z.infer<typeof withdrawalParametersSchema>;

// --- Webhook management -----------------------------------------------------------------------------------

export const withdrawalEventTypes = ['WithdrawalStarted', 'WithdrawalSucceeded', 'WithdrawalFailed'] as const;
export const destinationEventTypes = [
  'DestinationCreated',
  'DestinationUnauthorized',
  'DestinationAuthorized',
] as const;

export const withdrawalsTopicSchema = z.object({
  topic: z.literal('WithdrawalsTopic'),
  walletID: z.string().optional(),
  eventTypes: z.array(z.enum(withdrawalEventTypes)),
});
export const destinationsTopicSchema = z.object({
  topic: z.literal('DestinationsTopic'),
  eventTypes: z.array(z.enum(destinationEventTypes)),
});
export const webhookScopeSchema = z.discriminatedUnion('topic', [withdrawalsTopicSchema, destinationsTopicSchema]);
export type WebhookScope = z.infer<typeof webhookScopeSchema>;

export const webhookSchema = z.object({
  id: idSchema,
  identityID: z.string(),
  active: z.boolean().optional(),
  scope: webhookScopeSchema,
  url: z.string(),
  /** base64 SPKI DER in practice; see signature.ts. */
  publicKey: z.string().optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;
export interface WebhookParams {
  identityID: string;
  url: string;
  scope: WebhookScope;
}

// --- Error bodies -----------------------------------------------------------------------------------------

export const badRequestErrorTypes = [
  'SchemaViolated',
  'NotFound',
  'WrongType',
  'NotInRange',
  'WrongSize',
  'WrongLength',
  'WrongArray',
  'NoMatch',
  'InvalidResourceToken',
  'InvalidToken',
  'AmbiguousPartyID',
] as const;

/** `errorType` kept as a string so a type added later still classifies as a bad request. */
export const badRequestSchema = z.object({
  errorType: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
});
export type BadRequest = z.infer<typeof badRequestSchema>;

export const conflictRequestSchema = z.object({
  externalID: z.string().optional(),
  id: z.string().optional(),
  message: z.string().optional(),
});
export type ConflictRequest = z.infer<typeof conflictRequestSchema>;

/** 422 bodies of the wallet API (InvalidOperationParameters) and of payres (InvalidBankCard) alike. */
export const invalidOperationParametersSchema = z.object({ message: z.string().optional() });

// --- Webhook events ---------------------------------------------------------------------------------------

const eventBase = {
  /** A per-subject sequence number as a string: unique only together with the withdrawal or destination id. */
  eventID: idSchema.optional(),
  occuredAt: z.string(),
};
const withdrawalTopic = z.literal('WithdrawalTopic');
const destinationTopic = z.literal('DestinationTopic');

export const withdrawalStartedSchema = z.object({
  ...eventBase,
  topic: withdrawalTopic,
  eventType: z.literal('WithdrawalStarted'),
  withdrawal: z.object({
    id: z.string().optional(),
    createdAt: z.string().optional(),
    wallet: z.string(),
    destination: z.string(),
    body: assetSchema,
    metadata: metadataSchema.optional(),
    externalID: z.string().optional(),
  }),
});
const withdrawalOutcome = {
  ...eventBase,
  topic: withdrawalTopic,
  withdrawalID: z.string(),
  externalID: z.string().optional(),
  /** Added by the later (Vality) spec only. */
  body: assetSchema.optional(),
  fee: assetSchema.optional(),
};
export const withdrawalSucceededSchema = z.object({
  ...withdrawalOutcome,
  eventType: z.literal('WithdrawalSucceeded'),
});
/** Carries no failure code: the reason is only on getWithdrawal. */
export const withdrawalFailedSchema = z.object({ ...withdrawalOutcome, eventType: z.literal('WithdrawalFailed') });

export const destinationCreatedSchema = z.object({
  ...eventBase,
  topic: destinationTopic,
  eventType: z.literal('DestinationCreated'),
  destination: z.object({
    id: z.string().optional(),
    name: z.string(),
    identity: z.string().optional(),
    currency: z.string(),
    /** Here the type is `BankCard` (not `BankCardDestinationResource`) and carries `cardNumberMask`. */
    resource: z.object({
      type: z.string(),
      cardNumberMask: z.string().optional(),
      bin: z.string().optional(),
      lastDigits: z.string().optional(),
      paymentSystem: z.string().optional(),
    }),
    metadata: metadataSchema.optional(),
    externalID: z.string().optional(),
  }),
});
const destinationStatusChange = {
  ...eventBase,
  topic: destinationTopic,
  destinationID: z.string(),
  externalID: z.string().optional(),
};
export const destinationAuthorizedSchema = z.object({
  ...destinationStatusChange,
  eventType: z.literal('DestinationAuthorized'),
});
export const destinationUnauthorizedSchema = z.object({
  ...destinationStatusChange,
  eventType: z.literal('DestinationUnauthorized'),
});

export const webhookEventSchema = z.discriminatedUnion('eventType', [
  withdrawalStartedSchema,
  withdrawalSucceededSchema,
  withdrawalFailedSchema,
  destinationCreatedSchema,
  destinationAuthorizedSchema,
  destinationUnauthorizedSchema,
]);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
export type WithdrawalWebhookEvent = Extract<WebhookEvent, { topic: 'WithdrawalTopic' }>;
export type DestinationWebhookEvent = Extract<WebhookEvent, { topic: 'DestinationTopic' }>;

export type ParsedWebhookEvent = { ok: true; event: WebhookEvent } | { ok: false; reason: string };

/** Parses a (verified) webhook body. The reason names fields and problems, never the body's values. */
export function parseWebhookEvent(rawBody: string | Buffer): ParsedWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = webhookEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return { ok: false, reason: `not an RBKmoney wallet event: ${problems.join('; ')}` };
}

// --- Mappings to the contract -----------------------------------------------------------------------------

const maxFailureDepth = 16;

/** `{code: a, subError: {code: b}}` -> `a:b`, the form fistful itself uses; `failed` when there is none. */
export function failureCode(failure: WithdrawalFailure | undefined): string {
  const codes: string[] = [];
  for (let f = failure; f && codes.length < maxFailureDepth; f = f.subError) codes.push(f.code);
  return codes.length > 0 ? codes.join(':') : 'failed';
}

export function withdrawalToProviderStatus(withdrawal: Withdrawal): ProviderStatus {
  const reference = withdrawal.id;
  // What the withdrawal holds, for the payout to check against what it sent.
  const amount = { value: withdrawal.body.amount, currency: withdrawal.body.currency };
  switch (withdrawal.status) {
    case 'Pending':
      return { state: 'pending', reference, amount };
    case 'Succeeded':
      return { state: 'succeeded', reference, amount };
    case 'Failed': {
      const code = failureCode(withdrawal.failure);
      return { state: 'declined', reference, code, message: `RBKmoney withdrawal failed: ${code}`, amount };
    }
    default:
      return {
        state: 'unknown',
        reference,
        reason: `RBKmoney withdrawal status "${withdrawal.status}" is not known`,
        amount,
      };
  }
}

/** Code used for a WithdrawalFailed webhook, whose payload has no failure details. */
export const failedWithoutDetailsCode = 'failed';

function eventStatus(event: WithdrawalWebhookEvent, reference: string | undefined): ProviderStatus {
  switch (event.eventType) {
    case 'WithdrawalStarted':
      return { state: 'pending', reference };
    case 'WithdrawalSucceeded':
      return { state: 'succeeded', reference };
    case 'WithdrawalFailed':
      // Failed is final at the provider, so the payout is declined now; the precise code (and whether it is
      // our wallet's limit rather than the card) comes from getWithdrawal, which a caller may look up.
      return {
        state: 'declined',
        reference,
        code: failedWithoutDetailsCode,
        message: 'RBKmoney reported the withdrawal failed; the failure code is only available from getWithdrawal',
      };
  }
}

type CallbackOutcome = Extract<CallbackResult, { ok: true }>;
type OtherOutcome = Extract<CallbackOutcome, { event: null }>;

const destinationEventStates = {
  DestinationCreated: 'created',
  DestinationAuthorized: 'authorized',
  DestinationUnauthorized: 'unauthorized',
} as const satisfies Record<DestinationWebhookEvent['eventType'], BindingEvent['state']>;

/**
 * Maps a verified event to what parseCallback returns. A withdrawal event with our externalID becomes a
 * ProviderEvent keyed by it; destination events, and withdrawals we did not create, are reported as `other`.
 */
export function webhookEventToCallback(event: WebhookEvent): CallbackOutcome {
  if (event.topic === 'DestinationTopic') {
    const subject = event.eventType === 'DestinationCreated' ? (event.destination.id ?? '') : event.destinationID;
    const externalID = event.eventType === 'DestinationCreated' ? event.destination.externalID : event.externalID;
    const outcome: OtherOutcome = {
      ok: true,
      event: null,
      other: {
        kind: event.eventType,
        subject,
        detail: { externalID, eventID: event.eventID, occuredAt: event.occuredAt },
      },
    };
    // Without our externalID (or an id) the event cannot be routed to a binding; it stays `other` only.
    if (externalID && subject) {
      outcome.binding = {
        provider: 'rbkmoney',
        idempotencyKey: externalID,
        reference: subject,
        eventId: `${subject}:${event.eventType}:${event.eventID ?? event.occuredAt}`,
        state: destinationEventStates[event.eventType],
        occurredAt: event.occuredAt,
      };
    }
    return outcome;
  }
  const withdrawalID = event.eventType === 'WithdrawalStarted' ? event.withdrawal.id : event.withdrawalID;
  const externalID = event.eventType === 'WithdrawalStarted' ? event.withdrawal.externalID : event.externalID;
  if (!externalID) {
    return {
      ok: true,
      event: null,
      other: { kind: event.eventType, subject: withdrawalID ?? '', detail: { reason: 'withdrawal has no externalID' } },
    };
  }
  const body = event.eventType === 'WithdrawalStarted' ? event.withdrawal.body : event.body;
  const providerEvent: ProviderEvent = {
    provider: 'rbkmoney',
    idempotencyKey: externalID,
    eventId: `${withdrawalID ?? externalID}:${event.eventType}:${event.eventID ?? event.occuredAt}`,
    status: eventStatus(event, withdrawalID),
    occurredAt: event.occuredAt,
  };
  if (body) providerEvent.amount = { value: body.amount, currency: body.currency };
  return { ok: true, event: providerEvent };
}

// --- Request builders -------------------------------------------------------------------------------------

function scrubbed(value: unknown): unknown {
  if (typeof value === 'string') return scrubCardNumbers(value);
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, scrubbed(child)]));
  }
  return value;
}

export interface CreateDestinationInput {
  externalID: string;
  identityID: string;
  currency: string;
  /** The payres token from storeBankCard. */
  token: string;
  /**
   * The masked card (maskPan: 424242******4242), which names the destination. It must be the same on every
   * retry: the provider answers 409 when the same externalID comes with a different name.
   */
  maskedCard: string;
  metadata?: Record<string, unknown>;
}

export function buildCreateDestination(input: CreateDestinationInput): DestinationParams {
  const params: DestinationParams = {
    name: `Card ${scrubCardNumbers(input.maskedCard)}`,
    identity: input.identityID,
    currency: input.currency,
    resource: { type: 'BankCardDestinationResource', token: input.token },
    externalID: input.externalID,
  };
  if (input.metadata) params.metadata = scrubbed(input.metadata) as Record<string, unknown>;
  return params;
}

export interface CreateWithdrawalInput {
  externalID: string;
  walletID: string;
  destinationID: string;
  /** Minor units. */
  amount: number;
  currency: string;
  metadata?: Record<string, unknown>;
}

export function buildCreateWithdrawal(input: CreateWithdrawalInput): WithdrawalParameters {
  const params: WithdrawalParameters = {
    wallet: input.walletID,
    destination: input.destinationID,
    body: { amount: input.amount, currency: input.currency },
    externalID: input.externalID,
  };
  if (input.metadata) params.metadata = scrubbed(input.metadata) as Record<string, unknown>;
  return params;
}
