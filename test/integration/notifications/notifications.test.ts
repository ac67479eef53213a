// Merchant notifications end to end: payouts through the sandbox, a worker with notifications on, and a
// test receiver that verifies every signature. Each event arrives once, signed, with the masked card only;
// an outage of the receiver delays the notifications, never the outcomes, and loses none.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PayoutsClient } from '../../../src/client/index.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { merchantNotificationWorkflowId } from '../../../src/workflows/notification/definitions.js';
import { PayoutWorkflow } from '../../../src/workflows/payout/workflow.js';
import { merchantNotificationsOffBundle } from '../patches-off.js';
import { patchIdsIn, replayStarted, workflowsOnTaskQueue } from '../replay-helpers.js';
import { awaitOutcomeUpdate, ecommpayPayout, type PayoutStack, startPayoutStack, waitFor } from '../payout/stack.js';
import { receiverSecret, startReceiver, type TestReceiver } from './receiver.js';

// The batch's report goes to a temporary directory, set before the worker first reads the configuration.
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'payouts-notifications-'));

let stack: PayoutStack;
let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startPayoutStack('notifications', {
    merchantNotifications: { url: receiver.url, secret: receiverSecret },
  });
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const payout = (pan: string) => ecommpayPayout(pan, {}, 'n');

/**
 * A card number as its own run of digits, or the test cards' numbers anywhere (a provider reference may hold
 * long digit runs by chance: it is hex, so the run must stand alone to count).
 */
const cardNumberRun = /(?<![\da-f])\d{13,19}(?![\da-f])/;

test('each outcome reaches the merchant once, signed, with the masked card only', async () => {
  const paid = payout(testCards.visa.pan);
  const declined = payout(testCards.decline3105.pan);
  const handles = [await stack.start(paid), await stack.start(declined)];
  for (const handle of handles) await handle.result();

  const ids = [`payout:${paid.payoutId}:succeeded:1`, `payout:${declined.payoutId}:declined:1`];
  for (const id of ids) {
    const deliveries = receiver.deliveries(id);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.signatureValid).toBe(true);
    expect(deliveries[0]!.body).not.toMatch(cardNumberRun);
    for (const pan of [testCards.visa.pan, testCards.decline3105.pan]) expect(deliveries[0]!.body).not.toContain(pan);
  }
  expect(receiver.deliveries(ids[0]!)[0]!.notification).toMatchObject({
    id: ids[0],
    type: 'payout.outcome',
    payout: { payoutId: paid.payoutId, status: 'succeeded', maskedCard: '424242******4242', amount: 150_000 },
  });
  expect(receiver.deliveries(ids[1]!)[0]!.notification).toMatchObject({
    payout: { status: 'declined', code: '3105', failureClass: 'declined', maskedCard: '400000******1056' },
  });
});

test('while the receiver is down the outcome is not delayed; afterwards every event arrives once', async () => {
  await receiver.down();
  const requests = [payout(testCards.visa.pan), payout(testCards.mastercard.pan)];
  const handles = await Promise.all(requests.map((request) => stack.start(request)));
  // Every outcome is known while the receiver is still down: nothing waits for the delivery.
  const outcomes = await Promise.all(handles.map((handle) => handle.executeUpdate(awaitOutcomeUpdate)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded']);

  // Down for longer than the first few retries: each payout's delivery activity is on its third attempt.
  const deliveryAttempt = async (handle: (typeof handles)[number]) => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    const delivery = pending.find((activity) => activity.activityType?.name === 'deliverMerchantNotification');
    return delivery?.attempt ?? 0;
  };
  await waitFor(async () => (await Promise.all(handles.map(deliveryAttempt))).every((attempt) => attempt >= 3), 60_000);
  const ids = requests.map((request) => `payout:${request.payoutId}:succeeded:1`);
  expect(ids.flatMap((id) => receiver.deliveries(id))).toEqual([]);
  await receiver.up();

  await waitFor(async () => ids.every((id) => receiver.deliveries(id).length === 1), 60_000);
  for (const handle of handles) await handle.result();
  for (const id of ids) expect(receiver.deliveries(id).map((delivery) => delivery.signatureValid)).toEqual([true]);
  // The delivery was retried (its activity's attempts), not sent again as a new event.
  const history = await handles[0]!.fetchHistory();
  const attempts = (history.events ?? [])
    .map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0)
    .reduce((most, attempt) => Math.max(most, attempt), 0);
  expect(attempts).toBeGreaterThan(1);
});

test('a finished batch is one event, after its payouts’ own events', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  const batchId = `nb-${randomUUID().slice(0, 8)}`;
  const items = [payout(testCards.visa.pan), payout(testCards.decline3105.pan)];
  await payouts.submitBatch({ batchId, items, childTimings: { lateEventWindowMs: 1_000 } });
  await payouts.waitForBatch(batchId);
  stack.started.push({
    scenario: 'a finished batch with merchant notifications',
    handle: stack.conns.client.workflow.getHandle(batchWorkflowId(batchId)),
  });

  const eventId = `batch:${batchId}:finished`;
  await waitFor(async () => receiver.deliveries(eventId).length === 1);
  expect(receiver.deliveries(eventId)[0]!.notification).toMatchObject({
    type: 'batch.finished',
    batch: { batchId, total: 2, counts: { succeeded: 1, declined: 1 } },
  });
  for (const item of items) {
    const child = receiver.received.find((delivery) => delivery.eventId.startsWith(`payout:${item.payoutId}:`));
    expect(child?.notification).toMatchObject({ payout: { batchId } });
  }
  // Handed to a workflow of its own, whose id is the event's: a second start of the same event is refused.
  // The receiver counts the delivery before the worker reports the activity done, so the workflow may
  // close a moment after it.
  const notification = stack.conns.client.workflow.getHandle(merchantNotificationWorkflowId(eventId));
  await notification.result();
  expect((await notification.describe()).status.name).toBe('COMPLETED');
});

test('a batch that continues as new with children in flight sends one finished event', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  const batchId = `nb-runs-${randomUUID().slice(0, 8)}`;
  const items = Array.from({ length: 12 }, () => payout(testCards.visa.pan));
  await payouts.submitBatch({
    batchId,
    items,
    childTimings: { lateEventWindowMs: 1_000 },
    options: { concurrency: 4, maxEventsPerRun: 150, rowFlushSize: 5 },
    pageSize: 5,
  });
  const result = await payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(12);
  expect(result.runs).toBeGreaterThanOrEqual(2);
  const eventId = `batch:${batchId}:finished`;
  await waitFor(async () => receiver.deliveries(eventId).length === 1);
  // Each run (payouts' outcomes collected by the window's steps: patch 'outcomes-collected') goes to the corpus.
  const { client } = stack.conns;
  const runs = await workflowsOnTaskQueue(client, stack.taskQueue, ['BatchWorkflow']);
  const ofThisBatch = runs.filter(({ handle }) => handle.workflowId === batchWorkflowId(batchId));
  expect(ofThisBatch).toHaveLength(result.runs);
  for (const [index, run] of ofThisBatch.entries()) {
    stack.started.push({ ...run, scenario: `continue-as-new run ${index + 1}` });
  }
  expect(patchIdsIn(await ofThisBatch[0]!.handle.fetchHistory())).toContain('outcomes-collected');
  expect(receiver.deliveries(eventId)).toHaveLength(1);
});

test('histories from before merchant notifications: a payout and a batch finish and notify nobody', async () => {
  // The worker runs today's workflows as the code before the 'merchant-notifications' patch ran them; the
  // payouts of the tests before, recorded with the patch, must have closed first (they would not replay on it).
  const query = `TaskQueue = '${stack.taskQueue}' AND ExecutionStatus = 'Running' AND WorkflowType IN ('PayoutWorkflowV3', 'PayoutWorkflowV2', 'PayoutWorkflow', 'BatchWorkflow')`;
  await waitFor(async () => (await stack.conns.client.workflow.count(query)).count === 0, 60_000);
  await stack.stopWorker();
  await stack.restartWorker({ workflowBundle: await merchantNotificationsOffBundle() });
  try {
    const single = payout(testCards.visa.pan);
    // The payout's first type: its changes answer by marker, so the shim's answer reaches it.
    const handle = await stack.start(single, {}, PayoutWorkflow);
    expect((await handle.result()).status).toBe('succeeded');
    const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
    const batchId = `nb-off-${randomUUID().slice(0, 8)}`;
    const items = [payout(testCards.visa.pan)];
    await payouts.submitBatch({ batchId, items, childTimings: { lateEventWindowMs: 1_000 } });
    expect((await payouts.waitForBatch(batchId)).counts.succeeded).toBe(1);
    const batch = stack.conns.client.workflow.getHandle(batchWorkflowId(batchId));
    stack.started.push({ scenario: 'batch with the merchant-notifications patch off', handle: batch });
    // Both closed without handing anything over: the patch's old branch ran, and no marker was written.
    for (const closed of [handle, batch]) {
      const history = await closed.fetchHistory();
      const { events } = history;
      expect(patchIdsIn(history)).not.toContain('merchant-notifications');
      const types = (events ?? []).flatMap((event) => [
        event.activityTaskScheduledEventAttributes?.activityType?.name,
        event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name,
      ]);
      expect(types).not.toContain('deliverMerchantNotification');
      expect(types).not.toContain('MerchantNotificationWorkflow');
    }
    // The other patches were recorded as usual: the shim turned off only this one.
    expect(patchIdsIn(await handle.fetchHistory())).toContain('prepare-payout');
    const sent = [single, ...items].flatMap((item) =>
      receiver.received.filter((delivery) => delivery.eventId.startsWith(`payout:${item.payoutId}:`)),
    );
    expect(sent).toEqual([]);
    expect(receiver.deliveries(`batch:${batchId}:finished`)).toEqual([]);
  } finally {
    await stack.stopWorker();
    await stack.restartWorker();
  }
});

test('the histories of these payouts, the batches, their pages and notifications replay on today’s code', async () => {
  const { client } = stack.conns;
  const others = await workflowsOnTaskQueue(client, stack.taskQueue, [
    'BatchPageWorkflow',
    'MerchantNotificationWorkflow',
  ]);
  const batches = stack.started.filter(({ handle }) => handle.workflowId.startsWith('batch-'));
  expect(batches.length).toBeGreaterThanOrEqual(4);
  expect(await replayStarted('notifications', [...stack.started, ...others])).toEqual([]);
});
