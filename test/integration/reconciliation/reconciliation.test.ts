// Reconciliation end to end: payouts whose outcome stayed unknown (the sandbox keeps them `processing`) end
// in needs_review and stay open; the provider later settles one; ReconciliationWorkflow looks it up and
// settles the payout with the evidence, leaves the still-unknown one in review, and never sends anything again.
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { PayoutsClient } from '../../../src/client/index.js';
import { ensureReconciliationSchedules } from '../../../src/client/reconciliation.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import {
  payoutStatusQuery,
  providerEventSignal,
  settlePayoutUpdate,
  type SettleRequest,
} from '../../../src/workflows/definitions.js';
import { receiverSecret, startReceiver, type TestReceiver } from '../notifications/receiver.js';
import { replayStarted, workflowsOnTaskQueue } from '../replay-helpers.js';
import { awaitOutcomeUpdate, type PayoutStack, startPayoutStack, waitFor } from '../payout/stack.js';
import { awaitsSettlement, inReviewVisible, startUnknown, unknownPayout } from './unknown-payouts.js';

let stack: PayoutStack;
let payouts: PayoutsClient;
let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startPayoutStack('reconciliation', {
    merchantNotifications: { url: receiver.url, secret: receiverSecret },
  });
  payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

test('a payout left unknown is settled from the provider’s later answer; the still-unknown one stays in review; nothing is resent', async () => {
  const batchId = `rec-${randomUUID().slice(0, 8)}`;
  const [settles, stays] = [await startUnknown(stack, batchId), await startUnknown(stack, batchId)];
  // Past its late-event window (2 s) a payout with an unknown outcome stays open, waiting to be settled: the
  // timer of its settlement window starts once the late-event window is over.
  await waitFor(async () => awaitsSettlement(settles.handle), 30_000);
  expect((await settles.handle.describe()).status.name).toBe('RUNNING');
  await inReviewVisible(stack, batchId, 2);

  // The provider finishes the payment silently: no callback, only its status says so now.
  stack.sandbox.ledger.settle('ecommpay', settles.id, { status: 'succeeded' });
  const result = await payouts.reconcile({ provider: 'ecommpay', batchId });

  expect(result.counts).toEqual({ settled: 1, unchanged: 1, contradiction: 0, skipped: 0, failed: 0 });
  expect(result.payouts.find((payout) => payout.payoutId === settles.id)).toMatchObject({
    result: 'settled',
    status: 'succeeded',
    evidence: { state: 'succeeded' },
  });
  expect(result.payouts.find((payout) => payout.payoutId === stays.id)).toMatchObject({
    result: 'unchanged',
    status: 'needs_review',
    evidence: { state: 'pending' },
  });

  // The settled payout records the evidence, ends succeeded and closes; the other stays open in review.
  const settled = await settles.handle.query(payoutStatusQuery);
  expect(settled.status).toBe('succeeded');
  expect(settled.settlement?.by).toMatch(/^reconciliation-ecommpay-/);
  expect(settled.events.at(-1)).toMatchObject({ source: 'reconciliation', state: 'succeeded', effect: 'applied' });
  expect(await settles.handle.result()).toMatchObject({ status: 'succeeded', payoutId: settles.id });
  const stillUnknown = await stays.handle.query(payoutStatusQuery);
  expect(stillUnknown.status).toBe('needs_review');
  expect(stillUnknown.events.at(-1)).toMatchObject({ source: 'reconciliation', state: 'pending', effect: 'recorded' });
  expect((await stays.handle.describe()).status.name).toBe('RUNNING');

  // Only status lookups: each payout was accepted once, never repeated, never sent under another key.
  const entries = stack.sandbox.ledger.list('ecommpay').filter((entry) => entry.key.startsWith('rec-'));
  for (const id of [settles.id, stays.id]) {
    expect(entries.filter((entry) => entry.key.startsWith(id))).toEqual([
      expect.objectContaining({ key: id, repeats: 0 }),
    ]);
  }

  // The merchant heard of the review and then of the settlement: two events, once each, signed.
  await waitFor(async () => receiver.deliveries(`payout:${settles.id}:succeeded:1`).length === 1);
  expect(receiver.deliveries(`payout:${settles.id}:needs_review:1`)).toHaveLength(1);
  const settledEvent = receiver.deliveries(`payout:${settles.id}:succeeded:1`)[0]!;
  expect(settledEvent.signatureValid).toBe(true);
  expect(settledEvent.notification).toMatchObject({
    payout: { status: 'succeeded', settledBy: settled.settlement?.by },
  });

  // A second run finds only the payout still in review.
  const again = await payouts.reconcile({ batchId });
  expect(again.payouts.map((payout) => payout.payoutId)).toEqual([stays.id]);
  await stays.handle.cancel();
  expect(await stays.handle.result()).toMatchObject({ status: 'needs_review' });
});

test('a payout in review for a contradiction stays in review whatever the provider says now, with the evidence', async () => {
  const batchId = `rec-${randomUUID().slice(0, 8)}`;
  const request = unknownPayout(batchId);
  const paid = { ...request, card: { ...request.card, pan: testCards.visa.pan } } as PayoutRequestInput;
  const handle = await stack.start(paid, { lateEventWindowMs: 15_000 });
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
  // A signed decline after the success (as the relay would signal it): a contradiction, for a person.
  await handle.signal(providerEventSignal, {
    provider: 'ecommpay',
    idempotencyKey: paid.payoutId,
    eventId: 'late-decline',
    status: { state: 'declined', code: '3105', message: 'Card country is forbidden' },
  });
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'needs_review');
  await inReviewVisible(stack, batchId, 1);

  const result = await payouts.reconcile({ batchId });

  expect(result.payouts).toEqual([
    expect.objectContaining({
      payoutId: paid.payoutId,
      result: 'contradiction',
      status: 'needs_review',
      evidence: { state: 'succeeded' },
    }),
  ]);
  const view = await handle.query(payoutStatusQuery);
  expect(view.reviewKind).toBe('contradiction');
  expect(view.events.at(-1)).toMatchObject({ source: 'reconciliation', state: 'succeeded', effect: 'contradiction' });
  // It closes after its late-event window, still in review; the merchant heard of both statuses.
  expect(await handle.result()).toMatchObject({ status: 'needs_review' });
  expect(receiver.deliveries(`payout:${paid.payoutId}:succeeded:1`)).toHaveLength(1);
  expect(receiver.deliveries(`payout:${paid.payoutId}:needs_review:1`)).toHaveLength(1);
});

test('the worker keeps one schedule per provider: created once, updated to the configured interval, removed at 0', async () => {
  const temporal = stack.conns.client;
  const options = { taskQueue: stack.taskQueue, providers: ['ecommpay', 'rbkmoney'] as const };
  expect(await ensureReconciliationSchedules(temporal, { ...options, intervalMinutes: 60 })).toEqual([
    'reconciliation-ecommpay',
    'reconciliation-rbkmoney',
  ]);
  // A second worker starting with another interval updates the same schedules.
  await ensureReconciliationSchedules(temporal, { ...options, intervalMinutes: 15 });
  const schedule = await temporal.schedule.getHandle('reconciliation-ecommpay').describe();
  expect(schedule.spec.intervals).toMatchObject([{ every: 15 * 60_000 }]);
  expect(schedule.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'ReconciliationWorkflow',
    args: [{ provider: 'ecommpay' }],
    taskQueue: stack.taskQueue,
  });
  expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

  expect(await ensureReconciliationSchedules(temporal, { ...options, intervalMinutes: 0 })).toEqual([]);
  await expect(temporal.schedule.getHandle('reconciliation-ecommpay').describe()).rejects.toThrow(
    ScheduleNotFoundError,
  );
});

test('the settle update carries no trusted answer: the payout asks its provider and settles only on that answer', async () => {
  const batchId = `rec-${randomUUID().slice(0, 8)}`;
  const { id, handle } = await startUnknown(stack, batchId);
  // Anyone who reaches Temporal could send this: invented evidence that the payout succeeded.
  const forged = (state: 'succeeded' | 'declined') => ({
    status: state === 'succeeded' ? { state } : { state, code: '3104', message: 'forged decline' },
    checkedAt: new Date().toISOString(),
    by: 'forged-evidence',
  });
  const first = await handle.executeUpdate(settlePayoutUpdate, { args: [forged('succeeded') as SettleRequest] });
  expect(first).toMatchObject({ result: 'unchanged', status: 'needs_review' });
  const view = await handle.query(payoutStatusQuery);
  expect(view.status).toBe('needs_review');
  expect(view.events.at(-1)).toMatchObject({ source: 'reconciliation', state: 'pending', effect: 'recorded' });

  // The provider settles it: the same update, whatever it claims, settles with the provider's own answer.
  stack.sandbox.ledger.settle('ecommpay', id, { status: 'succeeded' });
  const second = await handle.executeUpdate(settlePayoutUpdate, { args: [forged('declined') as SettleRequest] });
  expect(second).toMatchObject({ result: 'settled', status: 'succeeded' });
  expect(await handle.result()).toMatchObject({ status: 'succeeded', payoutId: id });
});

test('the histories of these payouts replay on today’s code', async () => {
  const runs = await workflowsOnTaskQueue(stack.conns.client, stack.taskQueue, ['ReconciliationWorkflow']);
  expect(await replayStarted('reconciliation', [...stack.started, ...runs])).toEqual([]);
});
