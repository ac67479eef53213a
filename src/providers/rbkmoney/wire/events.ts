/**
 * RBKmoney webhook events (the 2021 spec: withdrawal and destination topics). Field names follow the provider,
 * `occuredAt` included. Parsing and mapping to our contract: ../callbacks.ts.
 */
import { z } from 'zod';
import { assetSchema, idSchema, metadataSchema } from './common.js';

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
