/**
 * The worker process's metrics: one prom-client registry holding the Temporal SDK's worker metrics (bridged
 * from the runtime's MetricsBuffer), our payout and provider metrics (emitted through the SDK's meter, so
 * workflow counts are replay-safe), the batch gauges and Node's process metrics. Served as /metrics next to
 * /healthz (src/worker/health.ts).
 */
import type { Client } from '@temporalio/client';
import { MetricsBuffer, type RuntimeOptions } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerBatchGauges } from './batch-gauges.js';
import { SdkMetricsBridge } from './sdk-bridge.js';

/** Drained at least this often between scrapes, so a slow scraper never lets the buffer overflow. */
const drainEveryMs = 1_000;

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Goes into Runtime.install, before any connection is made. */
  readonly telemetryOptions: NonNullable<RuntimeOptions['telemetryOptions']>;
  /** Adds the batch gauges, read through this client at scrape time. */
  watchBatches(client: Client): void;
  /** The exposition text (drains the SDK's buffer first). */
  scrape(): Promise<{ contentType: string; body: string }>;
  stop(): void;
}

export function createWorkerMetrics(warn: (message: string) => void = () => {}): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Durations in seconds, as Prometheus expects; room for a few seconds of a busy worker's updates.
  const buffer = new MetricsBuffer({ maxBufferSize: 100_000, useSecondsForDurations: true });
  const bridge = new SdkMetricsBridge(buffer, registry, warn);
  const timer = setInterval(() => bridge.drain(), drainEveryMs);
  timer.unref();
  return {
    registry,
    telemetryOptions: { metrics: { buffer } },
    watchBatches(client) {
      registerBatchGauges({ client, registry, warn });
    },
    async scrape() {
      bridge.drain();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
