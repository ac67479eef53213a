/** RBKmoney webhook management (`/wallet/v0/webhooks`): which events are delivered where. */
import { z } from 'zod';
import { idSchema } from './common.js';

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
