// Issue 19, "paid exactly once, checked": a provider's answer is a claim. A "duplicate", a callback's code
// or a status is checked against what we sent before it moves the payout, end to end through the sandbox.
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../../src/activities/index.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { createEcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import { sign } from '../../../src/providers/ecommpay/signature.js';
import { createRbkmoneyProvider } from '../../../src/providers/rbkmoney/index.js';
import { providerRegistry } from '../../../src/providers/registry.js';
import { createPayoutsWorker } from '../../../src/worker/worker.js';
import { payoutSearchAttributePairs } from '../../../src/workflows/batch/child-options.js';
import { PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import { testServer } from '../helpers.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutStatusQuery, payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { PayoutsClient } from '../../../src/client/index.js';
import { replayStarted } from '../replay-helpers.js';
import {
  awaitOutcomeUpdate,
  ecommpayPayout,
  rbkmoneyApiKey,
  sandboxProjectId,
  sandboxSecret,
  startPayoutStack,
  type PayoutStack,
  testTimings,
  waitFor,
} from './stack.js';

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('payout-checked');
});
afterAll(async () => stack.close());

/** An RBKmoney payout to the Visa test card; a fresh payoutId each call. */
const rbkmoneyPayout = (amount: number): PayoutRequestInput => ({
  payoutId: `r-${randomUUID().slice(0, 12)}`,
  provider: 'rbkmoney',
  amount,
  currency: 'RUB',
  card: { pan: testCards.visa.pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
});

/** Another system on the same ecommpay project: its callbacks go to its own (here: nobody's) URL. */
const otherClient = () =>
  createEcommpayProvider({
    baseUrl: stack.sandbox.url,
    projectId: sandboxProjectId,
    secretKey: sandboxSecret,
    callbackUrl: 'http://127.0.0.1:9/elsewhere',
  });

test('a payment_id paid by another client for another amount and card never ends succeeded', async () => {
  const request = ecommpayPayout(testCards.visa.pan, { amount: 999_900 });
  const foreign = ecommpayPayout(testCards.mastercard.pan, { payoutId: request.payoutId, amount: 10_000 });
  await otherClient().submit({ request: payoutRequestSchema.parse(foreign), idempotencyKey: request.payoutId });
  await waitFor(async () => stack.sandbox.ledger.get('ecommpay', request.payoutId)?.status === 'succeeded');

  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('needs_review');
  expect(outcome.message).toContain('10000 RUB');
  expect(outcome.message).toContain('555555******4444');
  // Later news (the poll, a late callback) never turns it into a success.
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect((await handle.query(payoutStatusQuery)).status).toBe('needs_review');
  expect(await handle.result()).toMatchObject({ status: 'needs_review' });
}, 60_000);

test('a 3028 in a callback is our balance, not a card decline: systemic, for the batch breaker', async () => {
  const handle = await stack.start(ecommpayPayout('4111111111111111', { amount: 13_028 }));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: '3028', failureClass: 'systemic' });
}, 60_000);

test('a code no table holds, in a callback, is never a final decline by itself', async () => {
  const handle = await stack.start(ecommpayPayout('4111111111111111', { amount: 17_777 }));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('needs_review');
  expect(outcome.message).toContain('77777');
}, 60_000);

test('RBKmoney account_limit_exceeded (our wallet ran dry) is systemic, not a card decline', async () => {
  const handle = await stack.start(rbkmoneyPayout(600_000_000));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({
    status: 'declined',
    code: 'account_limit_exceeded:amount',
    failureClass: 'systemic',
  });
}, 60_000);

test('a clarification the payout cannot answer stays open until the window passes, then ends as the provider says', async () => {
  const handle = await stack.start(
    ecommpayPayout(testCards.clarifyName.pan, { customer: { id: 'c-2', ip_address: '127.0.0.1' } }),
  );
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'awaiting_clarification');
  // Not declined while the provider still holds the payment awaiting clarification.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await handle.query(payoutStatusQuery)).status).toBe('awaiting_clarification');
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: '3191', failureClass: 'declined' });
  expect(stack.sandbox.ledger.get('ecommpay', outcome.payoutId)?.status).toBe('declined');
}, 60_000);

test('2,000 replays of one signed callback grow a payout’s history by a handful of events', async () => {
  const request = ecommpayPayout(testCards.visa.pan);
  const handle = await stack.start(request, { lateEventWindowMs: 300_000 });
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
  const payload = {
    project_id: sandboxProjectId,
    payment: { id: request.payoutId, type: 'payout', status: 'success', sum: { amount: 150_000, currency: 'RUB' } },
    operation: { type: 'payout', status: 'success', code: '0', message: 'Success' },
  };
  const signed = { ...payload, signature: sign(payload, sandboxSecret) };
  const eventsNow = async () => (await handle.fetchHistory()).events?.length ?? 0;
  await waitFor(async () => (await handle.query(payoutStatusQuery)).events.length > 0);
  const before = await eventsNow();

  const post = async (index: number) => {
    // Whitespace varies between copies: the identity comes from the content, not the text.
    const body = index % 2 === 0 ? JSON.stringify(signed) : JSON.stringify(signed, null, 2);
    const response = await fetch(`${stack.relay.url}/webhooks/ecommpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.text();
    return response.status;
  };
  const statuses: number[] = [];
  for (let batch = 0; batch < 2_000; batch += 40) {
    statuses.push(...(await Promise.all(Array.from({ length: 40 }, (_, i) => post(batch + i)))));
  }
  expect(statuses.every((status) => status === 200)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const grown = (await eventsNow()) - before;
  expect(grown).toBeLessThanOrEqual(6);
  const view = await handle.query(payoutStatusQuery);
  expect(view.status).toBe('succeeded');
  expect(view.events.filter((event) => event.effect === 'duplicate').length).toBeLessThanOrEqual(3);
  await handle.terminate('test done');
}, 300_000);

describe('every payout ends with an outcome (issue 19, finding 2)', () => {
  // A worker that pays through RBKmoney only, and whose card binding fails in a way no rule classifies.
  let partial: { worker: Worker; running: Promise<void>; taskQueue: string };
  beforeAll(async () => {
    const taskQueue = `${stack.taskQueue}-partial`;
    const providers = providerRegistry({
      rbkmoney: () =>
        createRbkmoneyProvider({ baseUrl: stack.sandbox.url, apiKey: rbkmoneyApiKey, walletCurrency: 'RUB' }),
    });
    const real = createActivities({ providers, client: stack.conns.client, taskQueue });
    const activities = {
      ...real,
      requestCardBinding: () =>
        Promise.reject(ApplicationFailure.nonRetryable('the binding service answered nonsense', 'OddFailure')),
      // A slow page read, so a pause can arrive while the batch waits for it (finding 8).
      readBatchPage: async (input: Parameters<typeof real.readBatchPage>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        return real.readBatchPage(input);
      },
    };
    const worker = await createPayoutsWorker({
      connection: stack.conns.nativeConnection,
      namespace: testServer().namespace,
      taskQueue,
      activities,
    });
    partial = { worker, running: worker.run(), taskQueue };
  }, 120_000);
  afterAll(async () => {
    partial.worker.shutdown();
    await partial.running;
  });

  const startOnPartial = async (request: PayoutRequestInput) => {
    const parsed = payoutRequestSchema.parse(request);
    const handle = await stack.conns.client.workflow.start(PayoutWorkflowV3, {
      taskQueue: partial.taskQueue,
      workflowId: payoutWorkflowId(parsed.payoutId),
      args: [{ request: parsed, timings: testTimings }],
      typedSearchAttributes: payoutSearchAttributePairs(parsed),
    });
    stack.started.push({ scenario: expect.getState().currentTestName ?? 'unnamed', handle });
    return handle;
  };

  test('a batch paused while it reads a page starts no child from it (finding 8)', async () => {
    const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: partial.taskQueue });
    const batchId = `pause-race-${Date.now().toString(36)}`;
    const items = [ecommpayPayout(testCards.visa.pan), ecommpayPayout(testCards.visa.pan)];
    await payouts.submitBatch({ batchId, items, childTimings: testTimings });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await payouts.pauseBatch(batchId, 'operator pause during the page read');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const progress = await payouts.getBatch(batchId);
    expect(progress.paused).toBeDefined();
    expect(progress.inFlight).toBe(0);
    for (const item of items) {
      await expect(stack.conns.client.workflow.getHandle(payoutWorkflowId(item.payoutId)).describe()).rejects.toThrow();
    }
    await payouts.cancelBatch(batchId, 'test done');
    // Replayed (and recorded) with the payouts: its history holds the re-check's patch marker.
    stack.started.push({
      scenario: 'batch paused while it reads a page',
      handle: stack.conns.client.workflow.getHandle(batchWorkflowId(batchId)),
    });
  }, 60_000);

  test('a provider the worker is not configured for: rejected, systemic (the batch breaker counts it)', async () => {
    const handle = await startOnPartial(ecommpayPayout(testCards.visa.pan));
    const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
    expect(outcome).toMatchObject({ status: 'rejected', code: 'provider_not_configured', failureClass: 'systemic' });
    expect(await handle.result()).toMatchObject({ status: 'rejected' });
  }, 60_000);

  test('a card binding failing in a way nobody classified ends in review with the error', async () => {
    const handle = await startOnPartial(rbkmoneyPayout(1_000));
    const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
    expect(outcome.status).toBe('needs_review');
    expect(outcome.message).toContain('the binding service answered nonsense');
    expect(await handle.result()).toMatchObject({ status: 'needs_review' });
  }, 60_000);
});

test('every history this file produced replays on the current workflow code', async () => {
  expect(await replayStarted('checked', stack.started)).toEqual([]);
});
