// PayoutWorkflow end to end through the ecommpay sandbox and the relay, on the real dev server.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { sign } from '../../../src/providers/ecommpay/signature.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import {
  cancelPayoutUpdate,
  payoutAmountSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusQuery,
  payoutStatusSearchAttribute,
  payoutWorkflowId,
  providerEventSignal,
} from '../../../src/workflows/definitions.js';
import { PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import {
  awaitOutcomeUpdate,
  ecommpayPayout,
  sandboxProjectId,
  sandboxSecret,
  startPayoutStack,
  type PayoutHandle,
  type PayoutStack,
  testTimings,
  waitFor,
} from './stack.js';
import { expectNothingSent, expectPaidOnce } from '../../support/paid-once.js';
import { replayStarted } from '../replay-helpers.js';

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('payout-ecommpay');
});
afterAll(async () => stack.close());

const visaPayout = (pan: string, overrides: Partial<PayoutRequestInput> = {}) => ecommpayPayout(pan, overrides);

/** A callback exactly as the provider would sign it, for the payout with this payment_id. */
function signedCallback(
  paymentId: string,
  status: 'success' | 'decline' | 'processing',
  amount = 150_000,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    project_id: sandboxProjectId,
    payment: { id: paymentId, type: 'payout', status, sum: { amount, currency: 'RUB' } },
    operation: {
      id: 99,
      type: 'payout',
      status,
      sum_initial: { amount, currency: 'RUB' },
      ...(status === 'decline' ? { code: '3105', message: 'Exceeded the limit' } : { code: '0', message: 'Success' }),
    },
  };
  return { ...body, signature: sign(body, sandboxSecret) };
}

async function postToRelay(body: unknown): Promise<number> {
  const response = await fetch(`${stack.relay.url}/webhooks/ecommpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

test('a valid payout is paid once and ends succeeded through the callback', async () => {
  const request = visaPayout(testCards.visa.pan);
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);

  expect(outcome).toMatchObject({
    status: 'succeeded',
    maskedCard: '424242******4242',
    idempotencyKey: request.payoutId,
  });
  const view = await handle.query(payoutStatusQuery);
  expect(view.events.some((event) => event.source === 'callback' && event.effect === 'applied')).toBe(true);
  const paid = expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId);
  expect(JSON.stringify(paid)).not.toContain(testCards.visa.pan);

  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(payoutStatusSearchAttribute)).toBe('succeeded');

  // Started with its search attributes, on a worker without notifications: the history writes the final
  // status alone (with the provider's reference; each upsert is a visibility write), records no patch
  // marker, and schedules nothing but the one call that validates and submits.
  const { events } = await handle.fetchHistory();
  const upserted = (events ?? []).flatMap((event) => {
    const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    return fields ? [Object.keys(fields).sort().join('+')] : [];
  });
  expect(upserted).toEqual([
    [payoutStatusSearchAttribute.name, payoutProviderReferenceSearchAttribute.name].sort().join('+'),
  ]);
  const scheduled = (events ?? []).flatMap(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
  expect(scheduled).toEqual(['prepareAndSubmitPayout']);
});

test('a payout started without search attributes (by another starter) sets them itself', async () => {
  const request = payoutRequestSchema.parse(visaPayout(testCards.visa.pan));
  const handle = await stack.conns.client.workflow.start(PayoutWorkflowV3, {
    taskQueue: stack.taskQueue,
    workflowId: payoutWorkflowId(request.payoutId),
    args: [{ request, timings: testTimings }],
  });
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
  const attributes = (await handle.describe()).typedSearchAttributes;
  expect(attributes.get(payoutStatusSearchAttribute)).toBe('succeeded');
  expect(attributes.get(payoutProviderSearchAttribute)).toBe('ecommpay');
  expect(attributes.get(payoutCurrencySearchAttribute)).toBe('RUB');
  expect(attributes.get(payoutAmountSearchAttribute)).toBe(150_000);
});

test('an answer lost after the provider accepted: the retry is told duplicate, the payout is paid once', async () => {
  stack.sandbox.faults.update({ timeoutAfterAcceptRate: 1, timeoutHangMs: 5_000 });
  const request = visaPayout(testCards.visa.pan);
  let handle: PayoutHandle;
  try {
    handle = await stack.start(request);
    await waitFor(async () =>
      stack.sandbox.ledger.list().some((entry) => entry.key === request.payoutId && entry.repeats > 0),
    );
  } finally {
    stack.sandbox.faults.update({ timeoutAfterAcceptRate: 0 });
  }
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
  expect(expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId).key).toBe(request.payoutId);
});

test('a worker stopped between submission and outcome: a new worker finishes the payout, paid once', async () => {
  const request = visaPayout(testCards.slow.pan);
  const handle = await stack.start(request);
  await waitForStatus(handle, 'submitted');
  await stack.stopWorker();
  // The callback arrives while no worker runs: the server keeps the signal until one does.
  await waitFor(async () =>
    stack.sandbox.ledger.list().some((e) => e.key === request.payoutId && e.status === 'succeeded'),
  );
  await stack.restartWorker();
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
  expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId);
});

test('a declined card ends declined with the provider code and message', async () => {
  const handle = await stack.start(visaPayout(testCards.decline3104.pan));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: '3104', failureClass: 'declined' });
  expect(outcome.message).toBeTruthy();
});

test('a payout that breaks a scheme rule is rejected with every problem and nothing is sent', async () => {
  const request = visaPayout(testCards.visa.pan, { sender: { first_name: 'Acme', last_name: 'Ltd' } });
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('rejected');
  expect(outcome.problems?.map((problem) => problem.path)).toContain('sender.day_of_birth');
  expectNothingSent(stack.sandbox.ledger.list(), request.payoutId);
});

test('a clarification request is answered from the payout data, then the payout succeeds', async () => {
  const handle = await stack.start(visaPayout(testCards.clarifyName.pan));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
  const view = await handle.query(payoutStatusQuery);
  expect(view.events.map((event) => event.state)).toContain('needs_clarification');
});

test('a clarification the payout has no data for ends declined with the reason', async () => {
  const handle = await stack.start(
    visaPayout(testCards.clarifyName.pan, { customer: { id: 'c-2', ip_address: '127.0.0.1' } }),
  );
  // It waits for the provider's clarification window (issue 19, finding 5), then ends on the provider's decline.
  await waitForStatus(handle, 'awaiting_clarification');
  expect((await handle.query(payoutStatusQuery)).events.map((event) => event.state)).toContain('needs_clarification');
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: '3191' });
  expect(outcome.message).toMatch(/clarification window closed/);
});

test('with every callback dropped, polling learns the outcome', async () => {
  stack.sandbox.faults.update({ callbackDropRate: 1 });
  try {
    const handle = await stack.start(
      visaPayout(testCards.mastercard.pan, { customer: { id: 'c-3', ip_address: '127.0.0.1', address: 'Main st 1' } }),
    );
    const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
    expect(outcome.status).toBe('succeeded');
    const view = await handle.query(payoutStatusQuery);
    expect(view.events.filter((event) => event.source === 'callback')).toHaveLength(0);
    expect(view.events.some((event) => event.source === 'poll' && event.state === 'succeeded')).toBe(true);
  } finally {
    stack.sandbox.faults.update({ callbackDropRate: 0 });
  }
});

test('a payout whose outcome never comes ends in needs_review at the deadline, not as a failure', async () => {
  const handle = await stack.start(visaPayout(testCards.pending.pan), {
    outcomeDeadlineMs: 5_000,
    firstPollAfterMs: 1_000,
  });
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('needs_review');
  expect(outcome.message).toMatch(/no outcome/);
});

test('cancel before submission ends cancelled; cancel after submission is refused', async () => {
  const later = new Date(Date.now() + 60 * 60_000).toISOString();
  const scheduled = await stack.start(visaPayout(testCards.visa.pan, { notBefore: later }));
  await waitForStatus(scheduled, 'scheduled');
  const view = await scheduled.executeUpdate(cancelPayoutUpdate, { args: [{ reason: 'merchant asked' }] });
  expect(view.outcome).toMatchObject({ status: 'cancelled', message: 'merchant asked' });

  const sent = await stack.start(visaPayout(testCards.slow.pan));
  await waitForStatus(sent, 'submitted');
  await expect(sent.executeUpdate(cancelPayoutUpdate, { args: [{}] })).rejects.toThrow(WorkflowUpdateFailedError);
  expect((await sent.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
});

test('forged callbacks are refused with 403 and leave the payout unchanged', async () => {
  const request = visaPayout(testCards.pending.pan);
  const handle = await stack.start(request, { outcomeDeadlineMs: 60_000 });
  await waitForStatus(handle, 'submitted');

  const wrongKey = signedCallback(request.payoutId, 'success');
  wrongKey.signature = sign({ other: 'body' }, sandboxSecret);
  expect(await postToRelay(wrongKey)).toBe(403);
  const alteredAmount = signedCallback(request.payoutId, 'success');
  (alteredAmount.payment as { sum: { amount: number } }).sum.amount = 1;
  expect(await postToRelay(alteredAmount)).toBe(403);
  const alteredStatus = signedCallback(request.payoutId, 'decline');
  (alteredStatus.payment as { status: string }).status = 'success';
  expect(await postToRelay(alteredStatus)).toBe(403);
  expect(await postToRelay('not json')).toBe(400);

  const view = await handle.query(payoutStatusQuery);
  expect(view.status).toBe('submitted');
  expect(view.events.filter((event) => event.source === 'callback')).toHaveLength(0);
  await handle.terminate('test done');
});

test('a duplicated callback is recorded once; a contradicting late callback sends the payout to review', async () => {
  const request = visaPayout(testCards.visa.pan);
  const handle = await stack.start(request, { lateEventWindowMs: 5_000 });
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');

  const success = signedCallback(request.payoutId, 'success');
  expect(await postToRelay(success)).toBe(200);
  expect(await postToRelay(success)).toBe(200);
  expect(await postToRelay(signedCallback(request.payoutId, 'decline'))).toBe(200);

  const result = await handle.result();
  expect(result.status).toBe('needs_review');
  expect(result.message).toMatch(/after the payout ended as succeeded, the provider reported declined 3105/);
  const view = await handle.query(payoutStatusQuery);
  // The relay signals a repeat with the same request id, which Temporal takes once (issue 19, finding 3).
  expect(view.events.filter((event) => event.eventId.includes(':99:success:')).length).toBe(1);
  expect((await handle.describe()).typedSearchAttributes.get(payoutStatusSearchAttribute)).toBe('needs_review');
});

test('a callback copied before the outcome and after it is applied once; an older one arriving late changes nothing', async () => {
  // The pending card: the sandbox never calls back, so every callback here is one the test sends.
  const request = visaPayout(testCards.pending.pan);
  const handle = await stack.start(request, { firstPollAfterMs: 60_000, outcomeDeadlineMs: 60_000 });
  await waitForStatus(handle, 'submitted');
  // The provider pays silently; the callbacks below tell the payout so.
  stack.sandbox.ledger.settle('ecommpay', request.payoutId, { status: 'succeeded' });
  const success = signedCallback(request.payoutId, 'success');
  // The event's identity is what it says (payment, operation, statuses, code, amount), not its raw text.
  const successId = `ecommpay:${request.payoutId}:99:success:success:0:150000 RUB`;

  // Before the outcome: with no worker running, everything sent waits in the history, so the workflow meets
  // a copy before it has any outcome. The relay's own repeat carries the same signal request id, so Temporal
  // keeps one; a copy that reaches the workflow another way (signalled directly) is recorded as a duplicate.
  await stack.stopWorker();
  try {
    expect(await postToRelay(success)).toBe(200);
    expect(await postToRelay(success)).toBe(200);
    await handle.signal(providerEventSignal, {
      provider: 'ecommpay',
      idempotencyKey: request.payoutId,
      eventId: successId,
      status: { state: 'succeeded' },
    });
  } finally {
    await stack.restartWorker();
  }
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
  const first = await handle.query(payoutStatusQuery);
  expect(first.events.map((event) => [event.eventId, event.effect])).toEqual([
    [successId, 'applied'],
    [successId, 'duplicate'],
  ]);

  // After the outcome: a third copy (kept out by Temporal), then the 'processing' callback the success overtook.
  expect(await postToRelay(success)).toBe(200);
  expect(await postToRelay(signedCallback(request.payoutId, 'processing'))).toBe(200);
  await waitFor(async () => (await handle.query(payoutStatusQuery)).events.length === 3);
  const last = await handle.query(payoutStatusQuery);
  expect(last.events.slice(2).map((event) => [event.eventId, event.effect])).toEqual([
    [`ecommpay:${request.payoutId}:99:processing:processing:0:150000 RUB`, 'recorded'],
  ]);
  expect(last.events.filter((event) => event.effect === 'applied')).toHaveLength(1);
  // The view and the outcome are what the one applied event made them.
  const { events: _firstEvents, ...firstView } = first;
  const { events: _lastEvents, ...lastView } = last;
  expect(lastView).toEqual(firstView);
  expect(await handle.result()).toEqual(outcome);
  expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId);
});

test('an authentic callback for no payout is kept as an orphan and answered 200', async () => {
  expect(await postToRelay(signedCallback('nobody-here', 'success'))).toBe(200);
  const orphans = await stack.orphans.list();
  expect(orphans.map((orphan) => orphan.workflowId)).toContain('payout-nobody-here');
});

test("an event about another attempt's key is recorded, never applied", async () => {
  const request = visaPayout(testCards.pending.pan);
  const handle = await stack.start(request, { outcomeDeadlineMs: 60_000 });
  await waitForStatus(handle, 'submitted');
  await handle.signal(providerEventSignal, {
    provider: 'ecommpay',
    idempotencyKey: `${request.payoutId}.a2`,
    eventId: 'other-attempt',
    status: { state: 'declined', code: '3104', message: 'x' },
  });
  await waitFor(async () => (await handle.query(payoutStatusQuery)).events.length > 0);
  const view = await handle.query(payoutStatusQuery);
  expect(view.status).toBe('submitted');
  expect(view.events[0]).toMatchObject({ eventId: 'other-attempt', effect: 'recorded' });
  await handle.terminate('test done');
});

test('every history this file produced replays on the current workflow code', async () => {
  expect(stack.started.length).toBeGreaterThan(10);
  expect(await replayStarted('ecommpay', stack.started)).toEqual([]);
});

async function waitForStatus(handle: PayoutHandle, status: string): Promise<void> {
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === status);
}
