/**
 * What the merchant's backend is told: one JSON notification per event, with an id that stays the same
 * across workflow replays and delivery retries, so the receiver handles each event once. Pure (zod and
 * domain only): workflows build the notifications, the delivery activity signs and sends them.
 * A notification never carries a full card number: cards appear masked, free text is scrubbed.
 */
import { z } from 'zod';
import { scrubCardNumbers } from '../domain/card.js';
import { type PayoutOutcome, payoutOutcomeSchema } from '../domain/payout-outcome.js';

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

export const payoutEventId = (payoutId: string, status: string, attempt: number) =>
  `payout:${payoutId}:${status}:${attempt}`;
export const batchFinishedEventId = (batchId: string, retryRound?: number) =>
  `batch:${batchId}:finished${retryRound ? `:retry${retryRound}` : ''}`;

/** The notification of a payout's (new) terminal status. */
export function payoutNotification(
  outcome: PayoutOutcome,
  context: { occurredAt: string; batchId?: string; settledBy?: string },
): PayoutNotification {
  const { payoutId, status, provider, amount, currency, maskedCard, attempt } = outcome;
  return {
    id: payoutEventId(payoutId, status, attempt),
    type: 'payout.outcome',
    occurredAt: context.occurredAt,
    payout: {
      payoutId,
      status,
      provider,
      amount,
      currency,
      maskedCard: scrubCardNumbers(maskedCard),
      attempt,
      ...(outcome.reference ? { reference: outcome.reference } : {}),
      ...(outcome.code ? { code: outcome.code } : {}),
      ...(outcome.message ? { message: scrubCardNumbers(outcome.message) } : {}),
      ...(outcome.failureClass ? { failureClass: outcome.failureClass } : {}),
      ...(context.batchId ? { batchId: context.batchId } : {}),
      ...(context.settledBy ? { settledBy: context.settledBy } : {}),
    },
  };
}

/** The notification that a batch finished (every item has its final status and the report is written). */
export function batchFinishedNotification(
  result: Pick<BatchNotification['batch'], 'batchId' | 'total' | 'counts' | 'succeededAmounts' | 'cancelled'> & {
    retryRound?: number | undefined;
  },
  occurredAt: string,
): BatchNotification {
  return {
    id: batchFinishedEventId(result.batchId, result.retryRound),
    type: 'batch.finished',
    occurredAt,
    batch: {
      batchId: result.batchId,
      total: result.total,
      counts: { ...result.counts },
      succeededAmounts: { ...result.succeededAmounts },
      ...(result.cancelled
        ? { cancelled: { reason: scrubCardNumbers(result.cancelled.reason), at: result.cancelled.at } }
        : {}),
      ...(result.retryRound ? { retryRound: result.retryRound } : {}),
    },
  };
}
