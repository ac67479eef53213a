// Issue 19, finding 8: a payout's later change reaches its batch. An item that ended needs_review and is then
// settled, and an item whose success a late callback contradicts, move in the batch's counts, amount paid and
// report row, whether the batch is still running or has already closed; no item counts twice.
import { PayoutsClient } from '../../../src/client/index.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { batchPageWorkflowId, batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import {
  payoutStatusQuery,
  payoutWorkflowId,
  providerEventSignal,
  settlePayoutUpdate,
} from '../../../src/workflows/definitions.js';
import type { PayoutTimings } from '../../../src/workflows/payout/workflow.js';
import { replayStarted } from '../replay-helpers.js';
import { ecommpayPayout, type PayoutStack, startPayoutStack, testTimings, waitFor } from '../payout/stack.js';
import { parseReport, progressUntil, uniqueId } from './batch-stack.js';

let stack: PayoutStack;
let payouts: PayoutsClient;
beforeAll(async () => {
  stack = await startPayoutStack('batch-settlements');
  payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
});
afterAll(async () => stack.close());

/** Unknown after 3 s (the sandbox keeps the pending card processing); open for late news and settlement long after. */
const childTimings: Partial<PayoutTimings> = {
  ...testTimings,
  firstPollAfterMs: 1_000,
  maxPollIntervalMs: 1_000,
  outcomeDeadlineMs: 3_000,
  lateEventWindowMs: 300_000,
  settlementWindowMs: 600_000,
};

const pendingItem = () => ecommpayPayout(testCards.pending.pan, { amount: 150_000 }, 'e');
const visaItem = () => ecommpayPayout(testCards.visa.pan, { amount: 100_000 }, 'e');

/** The batches and payouts of this file, replayed (and with RECORD_HISTORIES=1 kept) by the last test. */
const recorded: Array<{ scenario: string; workflowId: string }> = [];
function keep(scenario: string, batchId: string, items: PayoutRequestInput[]): void {
  recorded.push({ scenario: `${scenario} batch`, workflowId: batchWorkflowId(batchId) });
  recorded.push({ scenario: `${scenario} page`, workflowId: batchPageWorkflowId(batchId, 0) });
  for (const item of items)
    recorded.push({ scenario: `${scenario} payout`, workflowId: payoutWorkflowId(item.payoutId) });
}

/** The provider finishes the payment silently; the payout asks it when told to settle. */
async function settleAsSucceeded(payoutId: string): Promise<void> {
  stack.sandbox.ledger.settle('ecommpay', payoutId, { status: 'succeeded' });
  const handle = stack.conns.client.workflow.getHandle(payoutWorkflowId(payoutId));
  const settled = await handle.executeUpdate(settlePayoutUpdate, { args: [{ by: 'settlements-test' }] });
  expect(settled).toMatchObject({ result: 'settled', status: 'succeeded' });
}

async function reportRows(batchId: string) {
  return parseReport((await payouts.batchReport(batchId, { partial: true })).csv);
}

test('an item settled after its batch closed moves from needs_review to succeeded in the totals and report', async () => {
  const [unknown, paid] = [pendingItem(), visaItem()];
  const batchId = uniqueId('settled-late');
  keep('settled after close', batchId, [unknown, paid]);
  await payouts.submitBatch({ batchId, items: [unknown, paid], childTimings });
  const result = await payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 1, needs_review: 1 });
  expect(result.succeededAmounts).toEqual({ RUB: 100_000 });

  await settleAsSucceeded(unknown.payoutId);

  const progress = await progressUntil(payouts, batchId, (view) => view.counts.needs_review === 0, 20_000);
  expect(progress).toMatchObject({ state: 'completed', finished: 2, remaining: 0 });
  expect(progress.counts).toMatchObject({ succeeded: 2, needs_review: 0, declined: 0 });
  expect(progress.succeededAmounts).toEqual({ RUB: 250_000 });
  const rows = await reportRows(batchId);
  expect(rows.map((row) => [row.payout_id, row.status])).toEqual([
    [unknown.payoutId, 'succeeded'],
    [paid.payoutId, 'succeeded'],
  ]);
});

test('a success a late callback contradicts after the batch closed leaves succeeded and the amount paid', async () => {
  const [first, contradicted] = [visaItem(), visaItem()];
  const batchId = uniqueId('contradicted');
  keep('contradicted after close', batchId, [first, contradicted]);
  await payouts.submitBatch({ batchId, items: [first, contradicted], childTimings });
  const result = await payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 2, needs_review: 0 });
  expect(result.succeededAmounts).toEqual({ RUB: 200_000 });

  const handle = stack.conns.client.workflow.getHandle(payoutWorkflowId(contradicted.payoutId));
  await handle.signal(providerEventSignal, {
    provider: 'ecommpay',
    idempotencyKey: contradicted.payoutId,
    eventId: 'late-reversal',
    status: { state: 'declined', code: '3104', message: 'Card reversed the payment' },
  });
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'needs_review');

  const progress = await progressUntil(payouts, batchId, (view) => view.counts.needs_review === 1, 20_000);
  expect(progress.counts).toMatchObject({ succeeded: 1, needs_review: 1 });
  expect(progress.finished).toBe(2);
  expect(progress.succeededAmounts).toEqual({ RUB: 100_000 });
  const rows = await reportRows(batchId);
  expect(rows.map((row) => [row.payout_id, row.status])).toEqual([
    [first.payoutId, 'succeeded'],
    [contradicted.payoutId, 'needs_review'],
  ]);
});

test('an item settled while its batch still runs is counted once, as succeeded, in progress, result and report', async () => {
  // The second item waits for its own notBefore inside its payout: the batch stays open while the first is settled.
  const [unknown, later] = [pendingItem(), visaItem()];
  later.notBefore = new Date(Date.now() + 20_000).toISOString();
  const batchId = uniqueId('settled-running');
  keep('settled while running', batchId, [unknown, later]);
  await payouts.submitBatch({ batchId, items: [unknown, later], childTimings });
  await progressUntil(payouts, batchId, (view) => view.counts.needs_review === 1, 20_000);

  await settleAsSucceeded(unknown.payoutId);

  const progress = await progressUntil(payouts, batchId, (view) => view.counts.succeeded === 1, 10_000);
  expect(progress).toMatchObject({ state: 'running', finished: 1, inFlight: 1 });
  expect(progress.counts).toMatchObject({ succeeded: 1, needs_review: 0 });
  expect(progress.succeededAmounts).toEqual({ RUB: 150_000 });

  const result = await payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 2, needs_review: 0 });
  expect(result.succeededAmounts).toEqual({ RUB: 250_000 });
  const rows = await reportRows(batchId);
  expect(rows.map((row) => [row.payout_id, row.status])).toEqual([
    [unknown.payoutId, 'succeeded'],
    [later.payoutId, 'succeeded'],
  ]);
});

test('every workflow of this file replays on the current code', async () => {
  const started = recorded.map(({ scenario, workflowId }) => ({
    scenario,
    handle: stack.conns.client.workflow.getHandle(workflowId),
  }));
  expect(await replayStarted('batch-settlements', started)).toEqual([]);
});
