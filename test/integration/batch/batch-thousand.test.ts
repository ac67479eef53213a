// A 1,000-item batch through the sandbox, both providers, with the worker restarted in the middle: every item
// ends in a final status, the report has one row per item in input order, the ledger shows each payoutId paid
// at most once (succeeded exactly once), and continue-as-new kept every run under the limit set.
import type { PayoutRequestInput } from '../../../src/client/index.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { testCards as rbkmoneyCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { timesPaid } from '../../support/paid-once.js';
import {
  batchChildTimings,
  ecommpayItem,
  parseReport,
  progressUntil,
  rbkmoneyItem,
  runHistories,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from './batch-stack.js';

let env: BatchStack;
beforeAll(async () => {
  env = await startBatchStack('batch-1000');
});
afterAll(async () => env.close());

const repeat = (count: number, item: () => PayoutRequestInput) => Array.from({ length: count }, item);

test('1,000 items with a worker restart mid-batch: all final, each paid at most once, nothing lost or repeated', async () => {
  const items = [
    ...repeat(700, () => ecommpayItem(ecommpayCards.visa.pan)),
    ...repeat(100, () => ecommpayItem(ecommpayCards.mastercard.pan)),
    ...repeat(100, () => ecommpayItem(ecommpayCards.decline3104.pan)),
    ...repeat(60, () => rbkmoneyItem(rbkmoneyCards.visa.pan)),
    ...repeat(40, () => rbkmoneyItem(rbkmoneyCards.rejectedByIssuer.pan)),
  ];
  // Interleave providers and outcomes, as a real file would.
  items.sort((a, b) => (a.payoutId < b.payoutId ? -1 : 1));
  const batchId = uniqueId('thousand');
  // The window's steps cost about 0.4 batch events per item: this limit still makes the batch continue as new.
  const maxEventsPerRun = 600;
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { maxEventsPerRun } });

  const beforeStop = await progressUntil(env.payouts, batchId, (view) => view.finished >= 300, 240_000);
  await env.stack.stopWorker();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await env.stack.restartWorker();

  const result = await env.payouts.waitForBatch(batchId);
  expect(beforeStop.finished).toBeLessThan(items.length);
  expect(result.total).toBe(1_000);
  expect(result.counts).toMatchObject({ succeeded: 860, declined: 140 });
  const finalCount = Object.values(result.counts).reduce((sum, count) => sum + count, 0);
  expect(finalCount).toBe(1_000);

  const rows = parseReport((await env.payouts.batchReport(batchId)).csv);
  expect(rows.map((row) => row.payout_id)).toEqual(items.map((item) => item.payoutId));

  const ledger = env.stack.sandbox.ledger.list();
  const succeeded = new Set(rows.filter((row) => row.status === 'succeeded').map((row) => row.payout_id));
  for (const item of items) {
    expect(timesPaid(ledger, item.payoutId)).toBe(succeeded.has(item.payoutId) ? 1 : 0);
  }

  const runs = await runHistories(env.stack, batchId);
  expect(runs.length).toBe(result.runs);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (const run of runs) expect(run.events).toBeLessThanOrEqual(maxEventsPerRun);
}, 420_000);
