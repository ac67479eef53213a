/**
 * The notifications' shapes as zod schemas: what a receiver may validate against (docs/NOTIFICATIONS.md).
 * Apart from events.ts, which workflows import: the workflow bundle holds no zod.
 */
import { z } from 'zod';
import { payoutOutcomeSchema } from '../domain/payout-outcome.js';

export const payoutNotificationSchema = z.object({
  /** `payout:<payoutId>:<status>:<attempt>`: a later status of the same payout (review, settlement) is a new event. */
  id: z.string(),
  type: z.literal('payout.outcome'),
  occurredAt: z.string(),
  // The outcome's own fields (one source of truth), minus the idempotency key and validation details.
  payout: payoutOutcomeSchema
    .pick({
      payoutId: true,
      status: true,
      provider: true,
      amount: true,
      currency: true,
      maskedCard: true,
      attempt: true,
      reference: true,
      code: true,
      message: true,
      failureClass: true,
    })
    .extend({
      batchId: z.string().optional(),
      /** The reconciliation run that settled a payout whose outcome had been unknown. */
      settledBy: z.string().optional(),
    }),
});

export const batchNotificationSchema = z.object({
  /** `batch:<batchId>:finished`, or `batch:<batchId>:finished:retry<n>` when a retry of its declined items finishes. */
  id: z.string(),
  type: z.literal('batch.finished'),
  occurredAt: z.string(),
  batch: z.object({
    batchId: z.string(),
    total: z.number().int(),
    /** Items per final status (succeeded, declined, ..., duplicate, cancelled). */
    counts: z.record(z.string(), z.number().int()),
    /** Amount paid per currency, minor units. */
    succeededAmounts: z.record(z.string(), z.number().int()),
    cancelled: z.object({ reason: z.string(), at: z.string() }).optional(),
    /** Set when this is the end of the n-th retry of the batch's declined items; counts are the batch's totals. */
    retryRound: z.number().int().positive().optional(),
  }),
});

export const merchantNotificationSchema = z.discriminatedUnion('type', [
  payoutNotificationSchema,
  batchNotificationSchema,
]);
export type PayoutNotification = z.infer<typeof payoutNotificationSchema>;
export type BatchNotification = z.infer<typeof batchNotificationSchema>;
export type MerchantNotification = z.infer<typeof merchantNotificationSchema>;
