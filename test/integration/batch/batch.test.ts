// BatchWorkflow end to end on the real dev server, through the sandbox for both providers and the relay:
// totals and report, duplicates, pause and resume, cancel, the circuit breaker and continue-as-new.
import { PayoutsClient, BatchStateError, type PayoutRequestInput } from '../../../src/client/index.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { testCards as rbkmoneyCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { payoutOutcomeMemoKey } from '../../../src/domain/memo-keys.js';
import {
  batchIdSearchAttribute,
  payoutBatchBlockSearchAttribute,
  payoutWorkflowId,
} from '../../../src/workflows/definitions.js';
import { readFile } from 'node:fs/promises';
import { createActivities } from '../../../src/activities/index.js';
import { createLogger } from '../../../src/logging.js';
import { createEcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import { providerRegistry } from '../../../src/providers/registry.js';
import { createPayoutsWorker } from '../../../src/worker/worker.js';
import { expectNothingSent, timesPaid } from '../../support/paid-once.js';
import { testServer } from '../helpers.js';
import { sandboxProjectId, sandboxSecret } from '../payout/stack.js';
import {
  batchChildTimings,
  dataConverter,
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
  env = await startBatchStack('batch');
});
afterAll(async () => env.close());

/** A Visa card outside the sandbox's table: the amount decides its outcome. */
const amountDecidesCard = '4111111111111111';

/** Payments of this payoutId across all its attempts' keys. */
const paidTimes = (payoutId: string) => timesPaid(env.stack.sandbox.ledger.list(), payoutId);

test('a mixed batch of 30 ends with the right totals and report; duplicates are reported once and paid once', async () => {
  // A payoutId already used by an earlier, single payout.
  const earlier = ecommpayItem(ecommpayCards.visa.pan);
  await env.payouts.submitPayout(earlier);
  expect((await env.payouts.waitForOutcome(earlier.payoutId, 20_000)).status).toBe('succeeded');

  const visaRub = Array.from({ length: 11 }, (_, i) => ecommpayItem(ecommpayCards.visa.pan, { amount: 100_000 + i }));
  const items: PayoutRequestInput[] = [
    ...visaRub,
    ecommpayItem(ecommpayCards.visa.pan, { amount: 5_000, currency: 'EUR' }),
    ecommpayItem(ecommpayCards.visa.pan, { amount: 5_000, currency: 'EUR' }),
    ...[1, 2, 3].map(() => ecommpayItem(ecommpayCards.mastercard.pan)),
    ...[1, 2, 3].map(() => ecommpayItem(ecommpayCards.decline3104.pan)),
    ...[1, 2].map(() => ecommpayItem(ecommpayCards.decline10101.pan)),
    ecommpayItem(ecommpayCards.clarifyName.pan),
    rbkmoneyItem(rbkmoneyCards.visa.pan),
    rbkmoneyItem(rbkmoneyCards.mastercard.pan),
    rbkmoneyItem(rbkmoneyCards.rejectedByIssuer.pan),
    ecommpayItem(ecommpayCards.pending.pan),
    // Passes the schema, breaks ecommpay's rules: the worker rejects it (this client skips provider checks).
    ecommpayItem(ecommpayCards.visa.pan, { customer: { id: 'c-2' } }),
    { ...(visaRub[0] as PayoutRequestInput) },
    { ...(visaRub[1] as PayoutRequestInput) },
    { ...earlier, amount: 777 },
  ];
  expect(items).toHaveLength(30);
  const batchId = uniqueId('mixed');
  const schemaOnly = new PayoutsClient({
    client: env.stack.conns.client,
    taskQueue: env.stack.taskQueue,
    validate: false,
  });
  await schemaOnly.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 10 } });

  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toEqual({
    succeeded: 19,
    declined: 6,
    rejected: 1,
    cancelled: 0,
    needs_review: 1,
    duplicate: 3,
  });
  const rubPaid = visaRub.reduce((sum, item) => sum + item.amount, 0) + 3 * 150_000 + 150_000 + 2 * 250_000;
  expect(result.succeededAmounts).toEqual({ RUB: rubPaid, EUR: 10_000 });

  const report = await env.payouts.batchReport(batchId);
  expect(await readFile(result.report.path, 'utf8')).toBe(report.csv);
  const rows = parseReport(report.csv);
  expect(rows).toHaveLength(30);
  expect(rows.map((row) => row.payout_id)).toEqual(items.map((item) => item.payoutId));
  expect(rows.filter((row) => row.status === 'duplicate').map((row) => row.payout_id)).toEqual([
    visaRub[0]?.payoutId,
    visaRub[1]?.payoutId,
    earlier.payoutId,
  ]);
  expect(rows[16]).toMatchObject({ status: 'declined', code: '3104', masked_card: '400000******1049' });
  expect(rows[0]).toMatchObject({ status: 'succeeded', masked_card: '424242******4242', currency: 'RUB' });
  expect(rows[0]?.provider_reference).not.toBe('');
  for (const item of items) {
    if ('pan' in item.card) expect(report.csv).not.toContain(item.card.pan);
  }

  expect(paidTimes(earlier.payoutId)).toBe(1);
  expect(paidTimes(visaRub[0]?.payoutId ?? '')).toBe(1);
  for (const item of items) expect(paidTimes(item.payoutId)).toBeLessThanOrEqual(1);

  const child = await env.stack.conns.client.workflow
    .getHandle(payoutWorkflowId(visaRub[2]?.payoutId ?? ''))
    .describe();
  expect(child.typedSearchAttributes.get(batchIdSearchAttribute)).toBe(batchId);
  // Items 0-99 are block 0: the batch listed their outcomes by it, each of the 27 it started.
  expect(child.typedSearchAttributes.get(payoutBatchBlockSearchAttribute)).toBe(`${batchId}:0`);
  const { count } = await env.stack.conns.client.workflow.count(`PayoutBatchBlock = '${batchId}:0'`);
  expect(count).toBe(27);
  expect(child.memo?.requestIdentity).toMatch(/^hmac-sha256:v2:[0-9a-f]{64}$/);

  const progress = await env.payouts.getBatch(batchId);
  expect(progress).toMatchObject({ state: 'completed', remaining: 0, inFlight: 0, finished: 30 });
  await expect(env.payouts.pauseBatch(batchId)).rejects.toBeInstanceOf(BatchStateError);
});

test('a paused batch starts nothing new until it is resumed, then finishes', async () => {
  const batchId = uniqueId('pause');
  const items = Array.from({ length: 6 }, () => ecommpayItem(ecommpayCards.visa.pan));
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 1 } });
  await progressUntil(env.payouts, batchId, (view) => view.finished >= 1);
  const paused = await env.payouts.pauseBatch(batchId, 'checking the balance');
  expect(paused.paused).toMatchObject({ by: 'operator', reason: 'checking the balance' });

  const settled = await progressUntil(env.payouts, batchId, (view) => view.inFlight === 0);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const later = await env.payouts.getBatch(batchId);
  expect(later.state).toBe('paused');
  expect(later.started).toBe(settled.started);
  expect(later.finished).toBeLessThan(6);

  const resumed = await env.payouts.resumeBatch(batchId);
  expect(resumed.paused).toBeUndefined();
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(6);
});

test('cancel cancels the payouts not yet sent and reports every unstarted item cancelled', async () => {
  const batchId = uniqueId('cancel');
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  // Each payout waits for its own notBefore, so the three in flight are still cancellable.
  const items = Array.from({ length: 7 }, () => ecommpayItem(ecommpayCards.visa.pan, { notBefore: inAnHour }));
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 3 } });
  await progressUntil(env.payouts, batchId, (view) => view.inFlight === 3);

  const cancelling = await env.payouts.cancelBatch(batchId, 'wrong file');
  expect(cancelling.cancelled?.reason).toBe('wrong file');
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ cancelled: 7, succeeded: 0 });
  expect(result.cancelled?.reason).toBe('wrong file');

  const rows = parseReport((await env.payouts.batchReport(batchId)).csv);
  expect(rows).toHaveLength(7);
  expect(rows.every((row) => row.status === 'cancelled')).toBe(true);
  expect(rows.filter((row) => row.code === 'batch_cancelled')).toHaveLength(4);
  for (const item of items) expectNothingSent(env.stack.sandbox.ledger.list(), item.payoutId);
});

test('systemic failures in a row trip the circuit breaker; resume finishes the batch', async () => {
  const batchId = uniqueId('breaker');
  const refused = [1, 2, 3].map(() => ecommpayItem(amountDecidesCard, { amount: 3028 }));
  const fine = [1, 2, 3].map(() => ecommpayItem(amountDecidesCard, { amount: 4_000 }));
  await env.payouts.submitBatch({
    batchId,
    items: [...refused, ...fine],
    childTimings: batchChildTimings,
    options: { concurrency: 1, stopAfterConsecutiveSystemicFailures: 3 },
  });

  const tripped = await progressUntil(env.payouts, batchId, (view) => view.paused !== undefined && view.inFlight === 0);
  expect(tripped.paused?.by).toBe('circuit_breaker');
  expect(tripped.paused?.reason).toContain('3028');
  expect(tripped).toMatchObject({ started: 3, finished: 3, consecutiveSystemicFailures: 3 });
  expect(tripped.counts.declined).toBe(3);

  await env.payouts.resumeBatch(batchId);
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 3, declined: 3 });
});

test('continue-as-new keeps every run under its event limit and loses or repeats no item', async () => {
  const batchId = uniqueId('runs');
  const maxEventsPerRun = 150;
  const items = Array.from({ length: 24 }, () => ecommpayItem(ecommpayCards.visa.pan));
  await env.payouts.submitBatch({
    batchId,
    items,
    childTimings: batchChildTimings,
    options: { concurrency: 4, maxEventsPerRun, rowFlushSize: 5 },
    pageSize: 5,
  });
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(24);

  const runs = await runHistories(env.stack, batchId);
  expect(runs.length).toBe(result.runs);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (const run of runs) expect(run.events).toBeLessThanOrEqual(maxEventsPerRun);
  // No payout signals its outcome (issue 21): the window's steps collect them from the payouts' memos, a
  // group at a time, and what a run had in flight when it continued is collected by the next.
  expect(runs.map((run) => run.outcomesSignalled)).toEqual(runs.map(() => 0));
  expect(runs.reduce((sum, run) => sum + run.outcomesCollected, 0)).toBe(items.length);
  // Children of today's batches are the payout's current type (no patch markers of their own).
  expect([...new Set(runs.flatMap((run) => run.childTypes))]).toEqual(['PayoutWorkflowV3']);
  expect(runs.reduce((sum, run) => sum + run.childrenStarted, 0)).toBe(items.length);
  // Started a window's worth at a time by an activity (issue 21): no child-start events in the batch's history.
  expect(runs.map((run) => run.startedAsChildren)).toEqual(runs.map(() => 0));
  // A payout leaves its outcome in its memo with its final status (issue 21): no signal of its own and no
  // local activity (marker) to send one; nor one to validate, which its submission activity does.
  for (const item of items) {
    const handle = env.stack.conns.client.workflow.getHandle(payoutWorkflowId(item.payoutId));
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    expect(events.filter((event) => event.externalWorkflowExecutionSignaledEventAttributes)).toEqual([]);
    expect(events.filter((event) => event.markerRecordedEventAttributes)).toEqual([]);
    expect((await handle.describe()).memo?.[payoutOutcomeMemoKey]).toMatchObject({
      payoutId: item.payoutId,
      status: 'succeeded',
    });
  }

  const rows = parseReport((await env.payouts.batchReport(batchId)).csv);
  expect(rows.map((row) => row.payout_id)).toEqual(items.map((item) => item.payoutId));
  for (const item of items) expect(paidTimes(item.payoutId)).toBe(1);
  expect((await env.stack.conns.client.workflow.getHandle(batchWorkflowId(batchId)).describe()).status.name).toBe(
    'COMPLETED',
  );
});

test('a provider task queue with maxTaskQueueActivitiesPerSecond paces that provider for the whole batch', async () => {
  const { conns, sandbox, relay, taskQueue } = env.stack;
  const ecommpayQueue = `${taskQueue}-ecommpay`;
  const providers = providerRegistry({
    ecommpay: () =>
      createEcommpayProvider({
        baseUrl: sandbox.url,
        projectId: sandboxProjectId,
        secretKey: sandboxSecret,
        callbackUrl: `${relay.url}/webhooks/ecommpay`,
        logger: createLogger('rate-limited', { level: 'silent' }),
      }),
  });
  const paced = await createPayoutsWorker({
    connection: conns.nativeConnection,
    namespace: testServer().namespace,
    taskQueue: ecommpayQueue,
    activities: createActivities({ providers, client: conns.client, taskQueue: ecommpayQueue }),
    tuning: { maxTaskQueueActivitiesPerSecond: 2 },
    dataConverter,
  });
  const batchId = uniqueId('paced');
  const items = Array.from({ length: 6 }, () => ecommpayItem(ecommpayCards.visa.pan));
  // A client configured with the provider's queue (as the CLI is by PAYOUTS_PROVIDER_RATE_LIMITS) routes there.
  const routed = new PayoutsClient({
    client: conns.client,
    taskQueue,
    providerTaskQueues: { ecommpay: ecommpayQueue },
  });
  const result = await paced.runUntil(async () => {
    await routed.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 6 } });
    return routed.waitForBatch(batchId);
  });
  expect(result.counts.succeeded).toBe(6);
  const child = await conns.client.workflow.getHandle(payoutWorkflowId(items[0]?.payoutId ?? '')).describe();
  expect(child.taskQueue).toBe(ecommpayQueue);
  // Six submissions at two per second: spread over seconds, where unpaced they land within a few milliseconds.
  const accepted = items.map((item) =>
    Date.parse(sandbox.ledger.list().find((e) => e.key === item.payoutId)?.acceptedAt ?? ''),
  );
  expect(Math.max(...accepted) - Math.min(...accepted)).toBeGreaterThanOrEqual(1_500);
});

test('a batch with notBefore waits, shown as scheduled, and starts nothing before then', async () => {
  const batchId = uniqueId('later');
  const notBefore = new Date(Date.now() + 2_500).toISOString();
  const items = [1, 2].map(() => ecommpayItem(ecommpayCards.visa.pan));
  await env.payouts.submitBatch({ batchId, items, notBefore, childTimings: batchChildTimings });
  expect(await env.payouts.getBatch(batchId)).toMatchObject({ state: 'scheduled', started: 0, notBefore });

  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(2);
  for (const item of items) {
    const entry = env.stack.sandbox.ledger.list().find((e) => e.key === item.payoutId);
    expect(Date.parse(entry?.acceptedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(notBefore));
  }
});

test('a cancel request from Temporal itself (UI, temporal CLI) ends the batch like the cancel update', async () => {
  const batchId = uniqueId('tcancel');
  const notBefore = new Date(Date.now() + 3_600_000).toISOString();
  const items = [1, 2, 3].map(() => ecommpayItem(ecommpayCards.visa.pan));
  await env.payouts.submitBatch({ batchId, items, notBefore, childTimings: batchChildTimings });
  await env.stack.conns.client.workflow.getHandle(batchWorkflowId(batchId)).cancel();
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.cancelled).toBe(3);
  expect(result.cancelled?.reason).toBe('the batch workflow was cancelled');
  expect(parseReport((await env.payouts.batchReport(batchId)).csv).map((row) => row.status)).toEqual([
    'cancelled',
    'cancelled',
    'cancelled',
  ]);
});

test('a child that ends without telling the batch (cancelled from the UI) is found by the in-flight check', async () => {
  const batchId = uniqueId('lost');
  const item = ecommpayItem(ecommpayCards.visa.pan, { notBefore: new Date(Date.now() + 3_600_000).toISOString() });
  await env.payouts.submitBatch({
    batchId,
    items: [item],
    childTimings: batchChildTimings,
    options: { inFlightCheckMs: 1_000 },
  });
  await progressUntil(env.payouts, batchId, (view) => view.inFlight === 1);
  // A Temporal cancel (not the cancel update) ends the payout in a cancelled scope, where it cannot signal.
  await env.stack.conns.client.workflow.getHandle(payoutWorkflowId(item.payoutId)).cancel();
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts.cancelled).toBe(1);
});
