// Retrying a batch's declined items on the real dev server, through the sandbox and the relay: only items the
// provider confirms declined get a new attempt (its own key and workflow), the report lists every attempt, and
// the sandbox ledger proves each payoutId is paid at most once across all its attempts.
import { BatchStateError, PayoutsClient, type PayoutRequestInput } from '../../../src/client/index.js';
import { parseCsv } from '../../../src/client/csv.js';
import { ledgerEntriesOf } from '../../support/paid-once.js';
import { sign } from '../../../src/providers/ecommpay/signature.js';
import type { Settlement } from '../../../src/sandbox/ledger.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutStatusQuery } from '../../../src/workflows/definitions.js';
import { sandboxProjectId, sandboxSecret, waitFor } from '../payout/stack.js';
import { batchChildTimings, dataDir, ecommpayItem, startBatchStack, uniqueId, type BatchStack } from './batch-stack.js';
import { type CliRun, runPayoutsCli } from '../payouts-cli.js';

let env: BatchStack;
/** Keys whose payout the sandbox's "issuer" approves this time, whatever the card says. */
const approveNextTime = new Set<string>();

beforeAll(async () => {
  env = await startBatchStack('retry-declined');
  const { ledger } = env.stack.sandbox;
  const settle = ledger.settle.bind(ledger);
  ledger.settle = (provider, key, outcome: Settlement) =>
    settle(provider, key, approveNextTime.has(key) ? { status: 'succeeded' } : outcome);
});
afterAll(async () => env.close());

/** Every ledger entry of a payoutId, whatever the attempt (the key is the payoutId, then `<payoutId>.a<n>`). */
function ledgerOf(payoutId: string) {
  return ledgerEntriesOf(env.stack.sandbox.ledger.list('ecommpay'), payoutId).map((entry) => ({
    key: entry.key,
    status: entry.status,
  }));
}

function signedSuccess(paymentId: string, amount: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    project_id: sandboxProjectId,
    payment: { id: paymentId, type: 'payout', status: 'success', sum: { amount, currency: 'RUB' } },
    operation: {
      id: 777,
      type: 'payout',
      status: 'success',
      sum_initial: { amount, currency: 'RUB' },
      code: '0',
      message: 'Success',
    },
  };
  return { ...body, signature: sign(body, sandboxSecret) };
}

test('declined items get a new attempt only when the provider confirms the decline; each payoutId is paid at most once', async () => {
  const succeeded = ecommpayItem(testCards.visa.pan);
  const limit = ecommpayItem(testCards.decline10101.pan);
  const amountRule = ecommpayItem(testCards.decline3104.pan);
  const pending = ecommpayItem(testCards.pending.pan);
  // No data to answer the clarification: it waits for the provider's window, then ends on its decline (3191).
  const unanswered = ecommpayItem(testCards.clarifyName.pan, { customer: { id: 'c-9', ip_address: '127.0.0.1' } });
  const rejected = ecommpayItem(testCards.visa.pan, { customer: { id: 'c-2' } });
  const items: PayoutRequestInput[] = [succeeded, limit, amountRule, pending, unanswered, rejected, { ...succeeded }];
  const batchId = uniqueId('retry');
  // Attempts stay open for late events well past the retries, as in production.
  const childTimings = { ...batchChildTimings, lateEventWindowMs: 120_000 };
  const schemaOnly = new PayoutsClient({
    client: env.stack.conns.client,
    taskQueue: env.stack.taskQueue,
    validate: false,
  });
  await schemaOnly.submitBatch({ batchId, items, childTimings, options: { concurrency: 10 } });

  await expect(env.payouts.retryDeclined(batchId)).rejects.toBeInstanceOf(BatchStateError);
  const first = await env.payouts.waitForBatch(batchId);
  expect(first.counts).toEqual({ succeeded: 1, declined: 3, rejected: 1, cancelled: 0, needs_review: 1, duplicate: 1 });

  // Round 1: only code 10101, and this time the issuer approves.
  approveNextTime.add(`${limit.payoutId}.a2`);
  const round1 = await env.payouts.retryDeclined(batchId, { codes: ['10101'] });
  expect(round1).toMatchObject({ started: true, round: 1, declined: 3, codes: ['10101'] });
  const afterRound1 = await env.payouts.waitForBatch(batchId);
  expect(afterRound1.counts).toEqual({
    succeeded: 2,
    declined: 2,
    rejected: 1,
    cancelled: 0,
    needs_review: 1,
    duplicate: 1,
  });
  expect(afterRound1.succeededAmounts).toEqual({ RUB: succeeded.amount + limit.amount });
  expect(afterRound1.retry).toMatchObject({ round: 1, codes: ['10101'], retried: 1, skipped: 0 });

  // The new attempt is its own workflow with its own key; its callback reached it through the relay.
  const latest = await env.payouts.getPayout(limit.payoutId);
  expect(latest).toMatchObject({ attempt: 2, idempotencyKey: `${limit.payoutId}.a2`, status: 'succeeded' });
  expect(latest.events.some((event) => event.source === 'callback' && event.state === 'succeeded')).toBe(true);
  expect(latest.earlierAttempts).toMatchObject([{ attempt: 1, status: 'declined', code: '10101' }]);
  expect((await env.payouts.waitForOutcome(limit.payoutId, 5_000)).attempt).toBe(2);

  // A (forged, validly signed) success for the declined first attempt after the second one paid: the first
  // attempt's workflow goes to review; the second stays succeeded; nothing is paid again.
  const attempt1 = env.stack.conns.client.workflow.getHandle(`payout-${limit.payoutId}`);
  const late = await fetch(`${env.stack.relay.url}/webhooks/ecommpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signedSuccess(limit.payoutId, limit.amount)),
  });
  expect(late.status).toBe(200);
  await waitFor(async () => (await attempt1.query(payoutStatusQuery)).status === 'needs_review');
  expect((await env.payouts.getPayout(limit.payoutId)).status).toBe('succeeded');
  // The batch has closed: the first attempt's row shows the review, and the totals, which count the item by
  // its second attempt, stay as they were.
  await waitFor(async () => (await env.payouts.batchReport(batchId)).csv.includes(`${limit.payoutId},needs_review,`));
  expect((await env.payouts.getBatch(batchId)).counts).toEqual(afterRound1.counts);

  // Round 2: every declined item. The unanswered clarification was declined by the provider itself once its
  // window closed (issue 19, finding 5), so the provider confirms it and it is retried too.
  const round2 = await env.payouts.retryDeclined(batchId);
  expect(round2).toMatchObject({ started: true, round: 2, declined: 2 });
  const afterRound2 = await env.payouts.waitForBatch(batchId);
  expect(afterRound2.counts).toEqual(afterRound1.counts);
  expect(afterRound2.retry).toMatchObject({ round: 2, retried: 2, skipped: 0 });

  // The ledger: at most one payment per payoutId across all its attempts; untouched items were sent once.
  expect(ledgerOf(succeeded.payoutId)).toEqual([{ key: succeeded.payoutId, status: 'succeeded' }]);
  expect(ledgerOf(limit.payoutId)).toEqual([
    { key: limit.payoutId, status: 'declined' },
    { key: `${limit.payoutId}.a2`, status: 'succeeded' },
  ]);
  expect(ledgerOf(amountRule.payoutId)).toEqual([
    { key: amountRule.payoutId, status: 'declined' },
    { key: `${amountRule.payoutId}.a2`, status: 'declined' },
  ]);
  expect(ledgerOf(pending.payoutId)).toHaveLength(1);
  expect(ledgerOf(unanswered.payoutId)).toEqual([
    { key: unanswered.payoutId, status: 'declined' },
    { key: `${unanswered.payoutId}.a2`, status: 'declined' },
  ]);
  expect(ledgerOf(rejected.payoutId)).toEqual([]);
  for (const item of items) {
    expect(ledgerOf(item.payoutId).filter((entry) => entry.status === 'succeeded').length).toBeLessThanOrEqual(1);
  }

  // The report shows every attempt, each item's in turn.
  const report = await env.payouts.batchReport(batchId);
  const [header, ...records] = parseCsv(report.csv).records.map((record) => record.cells);
  const column = (name: string) => (header ?? []).indexOf(name);
  const rows = records.map((cells) =>
    ['payout_id', 'status', 'code', 'attempt'].map((name) => cells[column(name)] ?? 'missing'),
  );
  expect(rows).toEqual([
    [succeeded.payoutId, 'succeeded', '', '1'],
    [limit.payoutId, 'needs_review', '10101', '1'],
    [limit.payoutId, 'succeeded', '', '2'],
    [amountRule.payoutId, 'declined', '3104', '1'],
    [amountRule.payoutId, 'declined', '3104', '2'],
    [pending.payoutId, 'needs_review', '', '1'],
    [unanswered.payoutId, 'declined', '3191', '1'],
    [unanswered.payoutId, 'declined', '3191', '2'],
    [rejected.payoutId, 'rejected', '', '1'],
    [succeeded.payoutId, 'duplicate', 'duplicate_payout_id', ''],
  ]);

  // Submitting the same batch again still finds it (the retries kept its content hash).
  expect((await schemaOnly.submitBatch({ batchId, items, childTimings })).created).toBe(false);
});

test('a batch without declined items has nothing to retry', async () => {
  const batchId = uniqueId('retry-none');
  await env.payouts.submitBatch({
    batchId,
    items: [ecommpayItem(testCards.visa.pan)],
    childTimings: batchChildTimings,
  });
  await env.payouts.waitForBatch(batchId);
  expect(await env.payouts.retryDeclined(batchId)).toEqual({
    started: false,
    batchId,
    reason: 'it has no declined items',
  });
});

test('payouts batch retry-declined --wait retries, follows the batch and says what it did', async () => {
  const batchId = uniqueId('retry-cli');
  const declined = ecommpayItem(testCards.decline3104.pan);
  await env.payouts.submitBatch({
    batchId,
    items: [declined, ecommpayItem(testCards.visa.pan)],
    childTimings: batchChildTimings,
  });
  await env.payouts.waitForBatch(batchId);

  const run = await payoutsCli(['batch', 'retry-declined', batchId, '--codes', '3104,', '--wait']);
  expect(run.stdout).toContain(`batch ${batchId}: retry 1 started for its declined items with code 3104`);
  expect(run.stdout).toContain('retry 1 (codes 3104): 1 item(s) retried, 0 left declined');
  // Declined again (the card decides): not every item succeeded.
  expect(run.code).toBe(1);
  expect(ledgerOf(declined.payoutId).map((entry) => entry.key)).toEqual([declined.payoutId, `${declined.payoutId}.a2`]);
});

function payoutsCli(args: string[]): Promise<CliRun> {
  return runPayoutsCli(args, { taskQueue: env.stack.taskQueue, env: { DATA_DIR: dataDir } });
}
