// The relay's counters and their labels.
import { createRelayMetrics, orphanReasonLabel } from '../../../src/metrics/relay-metrics.js';

test("the orphan journal's reasons become short labels without the per-workflow detail", () => {
  expect(orphanReasonLabel('payout closed (COMPLETED)')).toBe('payout_closed');
  expect(orphanReasonLabel('payout closed (TERMINATED)')).toBe('payout_closed');
  expect(orphanReasonLabel('no such payout')).toBe('no_such_payout');
});

test('each outcome of a callback has its counter; process metrics only when asked for', async () => {
  const metrics = createRelayMetrics(undefined, { processMetrics: false });
  metrics.received('ecommpay');
  metrics.received('ecommpay');
  metrics.received('rbkmoney');
  metrics.rejected('ecommpay', 'bad_signature');
  metrics.delivered('rbkmoney', 'destination');
  metrics.orphaned('ecommpay', 'payout closed (COMPLETED)');
  metrics.temporalUnavailable('rbkmoney');
  const text = await metrics.registry.metrics();
  expect(text).toContain('payouts_callbacks_received_total{provider="ecommpay"} 2');
  expect(text).toContain('payouts_callbacks_received_total{provider="rbkmoney"} 1');
  expect(text).toContain('payouts_callbacks_rejected_total{provider="ecommpay",reason="bad_signature"} 1');
  expect(text).toContain('payouts_callbacks_delivered_total{provider="rbkmoney",target="destination"} 1');
  expect(text).toContain('payouts_callbacks_orphaned_total{provider="ecommpay",reason="payout_closed"} 1');
  expect(text).toContain('payouts_callbacks_temporal_unavailable_total{provider="rbkmoney"} 1');
  expect(text).not.toContain('process_cpu');
  expect(await createRelayMetrics().registry.metrics()).toContain('process_cpu_seconds_total');
});
