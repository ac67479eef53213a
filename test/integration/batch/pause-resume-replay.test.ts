// A resume makes the batch check the providers' balances again before it starts anything: the resume update and
// the balance check it wakes happen in one workflow task. That task must replay in a worker that lost the batch
// from its cache mid-run (restart, eviction), and from the recorded history afterwards, whatever workflow
// interceptors the replaying worker has (they add steps to the update's return, which used to reorder it).
import { PayoutsClient } from '../../../src/client/index.js';
import { RbkmoneyClient } from '../../../src/providers/rbkmoney/client.js';
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { batchPageWorkflowId, batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { type PayoutStack, rbkmoneyApiKey, startPayoutStack } from '../payout/stack.js';
import { replayFailures, replayStarted, type StartedWorkflow } from '../replay-helpers.js';
import { batchChildTimings, progressUntil, rbkmoneyItem, uniqueId } from './batch-stack.js';

// Unencrypted payloads, so the histories replay and are kept without the test's throwaway codec key.
let env: { stack: PayoutStack; payouts: PayoutsClient };
beforeAll(async () => {
  const stack = await startPayoutStack('batch-resume-replay');
  env = { stack, payouts: new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue }) };
  const wallet = new RbkmoneyClient({ baseUrl: env.stack.sandbox.url, apiKey: rbkmoneyApiKey });
  const walletId = (await wallet.getWalletByExternalID('payouts-wallet-RUB'))?.id ?? '';
  // Enough for every item: the checks pass and the batch pays on.
  const response = await fetch(`${env.stack.sandbox.url}/sandbox/rbkmoney/wallets/${walletId}/balance`, {
    method: 'POST',
    body: JSON.stringify({ own: 10_000_000 }),
  });
  expect(response.status).toBe(200);
});
afterAll(async () => env.stack.close());

const started: StartedWorkflow[] = [];

/** The batch's result, or a failure naming where it stopped when it does not finish in time. */
async function finishedWithin(batchId: string, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`batch ${batchId} did not finish in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([env.payouts.waitForBatch(batchId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('a batch paused and resumed (which checks the balances again) finishes after its worker restarts', async () => {
  const batchId = uniqueId('resume-replay');
  const items = [1, 2, 3].map(() => rbkmoneyItem(testCards.visa.pan));
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 1 } });
  const handle = env.stack.conns.client.workflow.getHandle(batchWorkflowId(batchId));
  started.push({ scenario: 'paused and resumed batch', handle });
  started.push({
    scenario: 'paused and resumed batch page',
    handle: env.stack.conns.client.workflow.getHandle(batchPageWorkflowId(batchId, 0)),
  });

  await progressUntil(env.payouts, batchId, (view) => view.started >= 1);
  await env.payouts.pauseBatch(batchId, 'ops check');
  await progressUntil(env.payouts, batchId, (view) => view.inFlight === 0);
  const resumed = await env.payouts.resumeBatch(batchId);
  expect(resumed.paused).toBeUndefined();

  // A new worker has nothing cached: its first task of this batch replays the resume and its balance check.
  await env.stack.stopWorker();
  await env.stack.restartWorker();

  const result = await finishedWithin(batchId, 60_000);
  expect(result.counts.succeeded).toBe(3);
});

test('the paused and resumed batch replays from its history', async () => {
  expect(await replayStarted('resume-replay', started)).toEqual([]);
});

test('it replays as well where handlers take fewer steps (the worker had other workflow interceptors)', async () => {
  // Tracing switched off, or the plaintext guard absent: the update's completion comes sooner than it did live.
  const histories = await Promise.all(
    started.map(async ({ handle }) => ({ workflowId: handle.workflowId, history: await handle.fetchHistory() })),
  );
  expect(await replayFailures(histories, [])).toEqual([]);
});
