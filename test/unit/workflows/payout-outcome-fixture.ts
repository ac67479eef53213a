import type { PayoutOutcome } from '../../../src/domain/payout-outcome.js';

export const finishedAt = '2026-01-01T00:00:00.000Z';

/** A child's outcome as a batch hears it: a success of 10.00 RUB on attempt 1, unless `fields` say otherwise. */
export function outcome(payoutId: string, fields: Partial<PayoutOutcome> = {}): PayoutOutcome {
  return {
    payoutId,
    status: 'succeeded',
    provider: 'ecommpay',
    amount: 1_000,
    currency: 'RUB',
    maskedCard: '424242******4242',
    attempt: 1,
    idempotencyKey: payoutId,
    finishedAt,
    ...fields,
  };
}
