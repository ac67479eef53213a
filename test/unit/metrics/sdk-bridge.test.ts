// The bridge from the SDK's buffered metric updates to prom-client: counters add deltas, gauges keep the last
// value, histograms observe; names and labels come out in Prometheus style.
import type { BufferedMetricUpdate, MetricsBuffer } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { labelName, prometheusName, SdkMetricsBridge } from '../../../src/metrics/sdk-bridge.js';

type Kind = BufferedMetricUpdate['metric']['kind'];

function update(name: string, kind: Kind, value: number, attributes: Record<string, string | number>) {
  return {
    metric: { name, kind, valueType: 'int', description: `${name} help` },
    value,
    attributes,
  } as BufferedMetricUpdate;
}

function bridgeOver(updates: BufferedMetricUpdate[], warnings: string[] = []) {
  const registry = new Registry();
  const buffer = { retrieveUpdates: () => updates.splice(0).values() } as unknown as MetricsBuffer;
  return { registry, bridge: new SdkMetricsBridge(buffer, registry, (line) => warnings.push(line)), updates };
}

test('counters add their deltas under a _total name, with snake_case labels whatever the tag order', async () => {
  const { registry, bridge } = bridgeOver([
    update('payouts_finished', 'counter', 1, { status: 'succeeded', taskQueue: 'payouts', currency: 'RUB' }),
    update('payouts_finished', 'counter', 1, { currency: 'RUB', taskQueue: 'payouts', status: 'succeeded' }),
    update('payouts_finished', 'counter', 1, { status: 'declined', taskQueue: 'payouts', currency: 'RUB' }),
  ]);
  expect(bridge.drain()).toBe(3);
  const text = await registry.metrics();
  expect(text).toContain('payouts_finished_total{currency="RUB",status="succeeded",task_queue="payouts"} 2');
  expect(text).toContain('payouts_finished_total{currency="RUB",status="declined",task_queue="payouts"} 1');
  // Our own metrics carry the help text of the catalog (src/metrics/names.ts), not the SDK's description.
  expect(text).toContain('# HELP payouts_finished_total Payouts that reached a terminal state');
});

test('gauges keep the last value, up-down counters add, histograms observe into the catalog buckets', async () => {
  const { registry, bridge, updates } = bridgeOver([
    update('temporal_worker_task_slots_available', 'gauge', 5, { worker_type: 'ActivityWorker' }),
    update('temporal_worker_task_slots_available', 'gauge', 3, { worker_type: 'ActivityWorker' }),
    update('in_use', 'up-down-counter', 4, {}),
    update('in_use', 'up-down-counter', -1, {}),
    update('payouts_provider_call_duration_seconds', 'histogram', 0.2, { provider: 'ecommpay' }),
    update('payouts_provider_call_duration_seconds', 'histogram', 40, { provider: 'ecommpay' }),
  ]);
  bridge.drain();
  updates.push(update('in_use', 'up-down-counter', 2, {}));
  bridge.drain();
  const text = await registry.metrics();
  expect(text).toContain('temporal_worker_task_slots_available{worker_type="ActivityWorker"} 3');
  expect(text).toContain('in_use 5');
  expect(text).toContain('payouts_provider_call_duration_seconds_bucket{le="0.25",provider="ecommpay"} 1');
  expect(text).toContain('payouts_provider_call_duration_seconds_bucket{le="30",provider="ecommpay"} 1');
  expect(text).toContain('payouts_provider_call_duration_seconds_bucket{le="90",provider="ecommpay"} 2');
  expect(text).toContain('payouts_provider_call_duration_seconds_count{provider="ecommpay"} 2');
});

test('SDK tags may appear after the first update; any other new label is dropped and reported once', async () => {
  const warnings: string[] = [];
  const { registry, bridge } = bridgeOver(
    [
      update('requests', 'counter', 1, { operation: 'Poll' }),
      update('requests', 'counter', 1, { operation: 'Poll', statusCode: 'UNAVAILABLE', region: 'eu' }),
      update('requests', 'counter', 1, { operation: 'Poll', statusCode: 'UNAVAILABLE', region: 'eu' }),
    ],
    warnings,
  );
  bridge.drain();
  const text = await registry.metrics();
  expect(text).toContain('requests_total{operation="Poll"} 1');
  expect(text).toContain('requests_total{operation="Poll",status_code="UNAVAILABLE"} 2');
  expect(warnings).toEqual(['metric requests_total: label region was not on its first update; dropped']);
});

test('Prometheus names and labels', () => {
  expect(prometheusName('temporal_request', 'counter')).toBe('temporal_request_total');
  expect(prometheusName('already_total', 'counter')).toBe('already_total');
  expect(prometheusName('slots.used', 'gauge')).toBe('slots_used');
  expect(labelName('workflowType')).toBe('workflow_type');
  expect(labelName('task_queue')).toBe('task_queue');
});

test('a metric and an attribute set the SDK reuses are worked out once, however many updates name them', async () => {
  let attributeReads = 0;
  const attributes = new Proxy<Record<string, string>>(
    { workflowType: 'PayoutWorkflowV2', taskQueue: 'payouts' },
    {
      ownKeys(target) {
        attributeReads++;
        return Reflect.ownKeys(target);
      },
    },
  );
  const metric = { name: 'workflow_completed', kind: 'counter', valueType: 'int', description: '' };
  const updates = Array.from({ length: 1_000 }, () => ({ metric, value: 1, attributes }) as BufferedMetricUpdate);
  const { registry, bridge } = bridgeOver(updates);
  expect(bridge.drain()).toBe(1_000);
  // Once to fix the metric's label names, once for this attribute set's labels.
  expect(attributeReads).toBeLessThanOrEqual(2);
  const text = await registry.metrics();
  expect(text).toContain('workflow_completed_total{task_queue="payouts",workflow_type="PayoutWorkflowV2"} 1000');
});
