/**
 * What the merchant's backend is told: one JSON notification per event, with an id that stays the same
 * across workflow replays and delivery retries, so the receiver handles each event once. Pure, and without
 * zod (workflows build the notifications; their schemas are in schemas.ts): the delivery activity signs and
 * sends them.
 * A notification never carries a full card number: cards appear masked, free text is scrubbed.
 */
import { scrubCardNumbers } from '../domain/card.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { BatchNotification, PayoutNotification } from './schemas.js';

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
