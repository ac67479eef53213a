// The RBKmoney wallet balance check before a batch pays, on the dev server with the sandbox: a wallet short of
// the batch's total keeps the batch paused with the reason and nothing is sent; resume checks again; once the
// wallet is topped up, resume pays and the wallet's balance goes down by what was paid.
import { formatMoney } from '../../../src/domain/currency.js';
import { RbkmoneyClient } from '../../../src/providers/rbkmoney/client.js';
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { rbkmoneyApiKey } from '../payout/stack.js';
import {
  batchChildTimings,
  ecommpayItem,
  progressUntil,
  rbkmoneyItem,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from './batch-stack.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';

let env: BatchStack;
let wallet: RbkmoneyClient;
let walletId: string;
beforeAll(async () => {
  env = await startBatchStack('batch-balance');
  wallet = new RbkmoneyClient({ baseUrl: env.stack.sandbox.url, apiKey: rbkmoneyApiKey });
  walletId = (await wallet.getWalletByExternalID('payouts-wallet-RUB'))?.id ?? '';
  expect(walletId).not.toBe('');
});
afterAll(async () => env.close());

/** The sandbox's test control: what the wallet owns, in minor units. */
async function setWalletBalance(own: number): Promise<void> {
  const response = await fetch(`${env.stack.sandbox.url}/sandbox/rbkmoney/wallets/${walletId}/balance`, {
    method: 'POST',
    body: JSON.stringify({ own }),
  });
  expect(response.status).toBe(200);
}

test('a wallet short of the batch keeps it paused with the reason; resume after a top-up pays', async () => {
  await setWalletBalance(100_000);
  const batchId = uniqueId('short');
  const items = [rbkmoneyItem(testCards.visa.pan), rbkmoneyItem(testCards.mastercard.pan)];
  // ecommpay has no balance to ask: its item is not part of the comparison.
  const other = ecommpayItem(ecommpayCards.visa.pan);
  await env.payouts.submitBatch({ batchId, items: [...items, other], childTimings: batchChildTimings });

  const reason = "RBKmoney wallet balance 1 000.00 RUB is short of the batch's 5 000.00 RUB remaining";
  const paused = await progressUntil(env.payouts, batchId, (view) => view.state === 'paused');
  expect(paused.paused).toMatchObject({ by: 'system', reason });
  expect(paused.started).toBe(0);

  // Still short: resume checks again and the batch pauses again, nothing sent.
  await env.payouts.resumeBatch(batchId);
  const again = await progressUntil(env.payouts, batchId, (view) => view.state === 'paused');
  expect(again.paused?.reason).toBe(reason);
  const sent = () => env.stack.sandbox.ledger.list().filter((entry) => entry.provider === 'rbkmoney').length;
  const sentBefore = sent();
  expect(again.started).toBe(0);

  await setWalletBalance(1_000_000);
  await env.payouts.resumeBatch(batchId);
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(3);
  expect(sent() - sentBefore).toBe(2);
  // 10 000.00 RUB less the two withdrawals of 2 500.00 RUB paid from it.
  expect((await wallet.getWalletAccount(walletId))?.own).toEqual({ amount: 500_000, currency: 'RUB' });
});

test('on resume only what is still unstarted is compared', async () => {
  await setWalletBalance(800_000);
  const batchId = uniqueId('remaining');
  const items = [1, 2, 3].map(() => rbkmoneyItem(testCards.visa.pan));
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 1 } });
  await progressUntil(env.payouts, batchId, (view) => view.started >= 1);
  await env.payouts.pauseBatch(batchId, 'ops check');
  const stopped = await progressUntil(env.payouts, batchId, (view) => view.inFlight === 0);
  expect(stopped.started).toBeLessThan(3);

  // Short of one item's 2 500.00 RUB: whether the pause left one or two unstarted, the check names just those.
  await setWalletBalance(200_000);
  await env.payouts.resumeBatch(batchId);
  const paused = await progressUntil(env.payouts, batchId, (view) => view.paused?.by === 'system');
  const remaining = formatMoney((3 - stopped.started) * 250_000, 'RUB');
  expect(paused.paused?.reason).toBe(
    `RBKmoney wallet balance 2 000.00 RUB is short of the batch's ${remaining} remaining`,
  );

  await setWalletBalance(1_000_000);
  await env.payouts.resumeBatch(batchId);
  expect((await env.payouts.waitForBatch(batchId)).counts.succeeded).toBe(3);
});

test('a wallet that holds enough lets the batch start at once', async () => {
  await setWalletBalance(10_000_000);
  const batchId = uniqueId('enough');
  await env.payouts.submitBatch({
    batchId,
    items: [rbkmoneyItem(testCards.visa.pan)],
    childTimings: batchChildTimings,
  });
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(1);
  expect((await env.payouts.getBatch(batchId)).paused).toBeUndefined();
});
