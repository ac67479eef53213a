// Payouts whose outcome stays unknown: the sandbox keeps them `processing`, so they end in needs_review at a
// short deadline and stay open for reconciliation.
import { randomUUID } from 'node:crypto';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import type { PayoutTimings } from '../../../src/workflows/payout/workflow.js';
import { awaitOutcomeUpdate, type PayoutHandle, type PayoutStack, waitFor } from '../payout/stack.js';

/** Unknown after 3 s; then open for reconciliation far longer than the test. */
export const unknownSoon: Partial<PayoutTimings> = {
  firstPollAfterMs: 1_000,
  outcomeDeadlineMs: 3_000,
  settlementWindowMs: 600_000,
};

/** A payout the sandbox keeps `processing` for ever, in a batch of the test's own (so runs filter by it). */
export function unknownPayout(batchId: string): PayoutRequestInput {
  return {
    payoutId: `rec-${randomUUID().slice(0, 12)}`,
    batchId,
    provider: 'ecommpay',
    amount: 150_000,
    currency: 'RUB',
    card: { pan: testCards.pending.pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
    customer: { id: 'c-1', ip_address: '127.0.0.1', first_name: 'Ivan', last_name: 'Petrov' },
    sender: { first_name: 'Acme', last_name: 'Ltd', day_of_birth: '01-01-1980' },
  };
}

export async function startUnknown(stack: PayoutStack, batchId: string): Promise<{ id: string; handle: PayoutHandle }> {
  const request = unknownPayout(batchId);
  const handle = await stack.start(request, unknownSoon);
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('needs_review');
  return { id: request.payoutId, handle };
}

export async function inReviewVisible(stack: PayoutStack, batchId: string, count: number): Promise<void> {
  const query = `BatchId = '${batchId}' AND PayoutStatus = 'needs_review' AND ExecutionStatus = 'Running'`;
  await waitFor(async () => (await stack.conns.client.workflow.count(query)).count === count);
}

/**
 * Whether the payout has begun to wait for its settlement (past its late-event window): the timer of its
 * settlement window is in its history.
 */
export async function awaitsSettlement(handle: PayoutHandle): Promise<boolean> {
  const { events } = await handle.fetchHistory();
  const windowSeconds = String((unknownSoon.settlementWindowMs ?? 0) / 1000);
  return (events ?? []).some(
    (event) => String(event.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? '') === windowSeconds,
  );
}
