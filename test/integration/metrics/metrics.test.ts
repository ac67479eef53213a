// The worker's and the relay's /metrics after a small batch on the real dev server: each payout counted once by
// its terminal state, the amounts paid per currency, the provider calls, the callbacks, the SDK's own worker
// metrics through the same registry, and the batch gauges read from a running batch.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorkerMetrics } from '../../../src/metrics/worker-metrics.js';
import { sign } from '../../../src/providers/ecommpay/signature.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { testCards as rbkmoneyCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { type HealthServer, startHealthServer } from '../../../src/worker/health.js';
import { sandboxProjectId, sandboxSecret } from '../payout/stack.js';
import {
  batchChildTimings,
  ecommpayItem,
  rbkmoneyItem,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from '../batch/batch-stack.js';
import { batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { type Sample, samples, sumOf } from './exposition.js';

// Before any connection: this file's runtime feeds the SDK's metrics into the worker registry, as main.ts does.
const metrics = createWorkerMetrics();
Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: metrics.telemetryOptions });

let env: BatchStack;
let health: HealthServer;
beforeAll(async () => {
  env = await startBatchStack('metrics');
  metrics.watchBatches(env.stack.conns.client);
  health = await startHealthServer(
    0,
    () => true,
    '127.0.0.1',
    () => metrics.scrape(),
  );
});
afterAll(async () => {
  await health.close();
  metrics.stop();
  await env.close();
});

async function scrape(url: string) {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return samples(await response.text());
}

test('after a small batch the counters match its totals, and every callback is counted', async () => {
  const items = [
    ...[0, 1, 2].map((i) => ecommpayItem(ecommpayCards.visa.pan, { amount: 100_000 + i })),
    ecommpayItem(ecommpayCards.mastercard.pan, { amount: 5_000, currency: 'EUR' }),
    ...[0, 1].map(() => ecommpayItem(ecommpayCards.decline3104.pan)),
    rbkmoneyItem(rbkmoneyCards.visa.pan, { amount: 70_000 }),
  ];
  // Counted from here: whatever ran in this file before (or in another order) is not this batch's.
  const [workerBefore, relayBefore] = [await scrape(health.url), await scrape(env.stack.relay.internalUrl)];
  const batchId = uniqueId('metrics');
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings });
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 5, declined: 2 });

  const workerAfter = await scrape(health.url);
  const worker = {
    sum: (name: string, labels: Record<string, string>) =>
      sumOf(workerAfter, name, labels) - sumOf(workerBefore, name, labels),
  };
  const ours = { task_queue: env.stack.taskQueue };
  for (const [status, count] of Object.entries(result.counts)) {
    if (status === 'duplicate') continue;
    expect([status, worker.sum('payouts_finished_total', { ...ours, status })]).toEqual([status, count]);
  }
  expect(worker.sum('payouts_finished_total', { ...ours, provider: 'rbkmoney', status: 'succeeded' })).toBe(1);
  for (const [currency, amount] of Object.entries(result.succeededAmounts)) {
    expect([currency, worker.sum('payouts_paid_amount_minor_total', { ...ours, currency })]).toEqual([
      currency,
      amount,
    ]);
  }
  expect(result.succeededAmounts).toEqual({ RUB: 100_000 + 100_001 + 100_002 + 70_000, EUR: 5_000 });
  // One submission per item (the sandbox has no faults set), each timed, none failed at the call itself.
  expect(worker.sum('payouts_provider_call_duration_seconds_count', { ...ours, operation: 'submit' })).toBe(7);
  expect(worker.sum('payouts_provider_call_errors_total', ours)).toBe(0);
  // The SDK's own worker metrics come through the same registry.
  expect(worker.sum('temporal_workflow_completed_total', { ...ours, workflow_type: 'BatchWorkflow' })).toBe(1);
  expect(worker.sum('temporal_activity_execution_latency_count', ours)).toBeGreaterThanOrEqual(7);
  expect(sumOf(workerAfter, 'process_cpu_seconds_total', {})).toBeGreaterThan(0);

  const before = await scrape(env.stack.relay.internalUrl);
  const relayDelta = (name: string, labels: Record<string, string> = {}) =>
    sumOf(before, name, labels) - sumOf(relayBefore, name, labels);
  const received = sumOf(before, 'payouts_callbacks_received_total', {});
  // Every callback the sandbox sent for this batch reached a payout or a card binding; none was refused.
  expect(relayDelta('payouts_callbacks_received_total')).toBeGreaterThanOrEqual(7);
  expect(relayDelta('payouts_callbacks_delivered_total')).toBe(relayDelta('payouts_callbacks_received_total'));
  expect(relayDelta('payouts_callbacks_rejected_total')).toBe(0);
  const rejectedBefore = sumOf(before, 'payouts_callbacks_rejected_total', {
    provider: 'ecommpay',
    reason: 'bad_signature',
  });
  const orphanedBefore = sumOf(before, 'payouts_callbacks_orphaned_total', {
    provider: 'ecommpay',
    reason: 'no_such_payout',
  });

  const post = (body: string) =>
    fetch(`${env.stack.relay.url}/webhooks/ecommpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const unknown = { project_id: sandboxProjectId, payment: { id: uniqueId('gone'), status: 'success' } };
  expect((await post(JSON.stringify({ ...unknown, signature: 'forged' }))).status).toBe(403);
  expect((await post(JSON.stringify({ ...unknown, signature: sign(unknown, sandboxSecret) }))).status).toBe(200);
  const after = await scrape(env.stack.relay.internalUrl);
  expect(sumOf(after, 'payouts_callbacks_received_total', {})).toBe(received + 2);
  expect(sumOf(after, 'payouts_callbacks_rejected_total', { provider: 'ecommpay', reason: 'bad_signature' })).toBe(
    rejectedBefore + 1,
  );
  expect(sumOf(after, 'payouts_callbacks_orphaned_total', { provider: 'ecommpay', reason: 'no_such_payout' })).toBe(
    orphanedBefore + 1,
  );
});

test('a running batch shows in the batch gauges: its state, its items and who paused it', async () => {
  const batchId = uniqueId('gauges');
  const items = [0, 1, 2].map(() => ecommpayItem(ecommpayCards.visa.pan));
  // Scheduled an hour ahead: it stays open, nothing starts, and the test decides when it ends.
  const notBefore = new Date(Date.now() + 3_600_000).toISOString();
  await env.payouts.submitBatch({ batchId, items, notBefore, childTimings: batchChildTimings });
  await env.payouts.pauseBatch(batchId, 'metrics test');
  const batch = { batch_id: batchId };
  const handle = env.stack.conns.client.workflow.getHandle(batchWorkflowId(batchId));
  try {
    // Visibility lists a new workflow within a moment; the gauges read it at each scrape.
    const worker = await scrapeUntil(health.url, (all) => sumOf(all, 'payouts_batch_items', batch) > 0);
    expect(sumOf(worker, 'payouts_batch_items', { ...batch, kind: 'total' })).toBe(3);
    expect(sumOf(worker, 'payouts_batch_items', { ...batch, kind: 'remaining' })).toBe(3);
    expect(sumOf(worker, 'payouts_batch_items', { ...batch, kind: 'in_flight' })).toBe(0);
    expect(sumOf(worker, 'payouts_batch_paused', { ...batch, by: 'operator' })).toBe(1);
    expect(sumOf(worker, 'payouts_batches', { state: 'paused' })).toBeGreaterThanOrEqual(1);
  } finally {
    // Nothing was started: ending the run is enough (a cancel would also write its report).
    await handle.terminate('metrics test over');
  }
  // A closed batch leaves the gauges at a later scrape.
  await scrapeUntil(health.url, (all) => all.every((sample) => sample.labels.batch_id !== batchId));
});

async function scrapeUntil(url: string, done: (all: Sample[]) => boolean, timeoutMs = 20_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await scrape(url);
    if (done(all)) return all;
    if (Date.now() > deadline) throw new Error('the metrics never showed it');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
