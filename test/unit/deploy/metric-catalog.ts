// Every series name the payouts processes can expose, gathered from where the names are made: the relay's and
// the batch gauges' prom-client registries, Node's default metrics, our metrics on the SDK's meter (as the
// bridge renames them), and the Temporal SDK's own worker and client metrics read from the installed SDK's
// source. The dashboard and alert tests check every PromQL selector against it, so a typo fails.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerBatchGauges } from '../../../src/metrics/batch-gauges.js';
import { meterMetrics } from '../../../src/metrics/names.js';
import { createRelayMetrics } from '../../../src/metrics/relay-metrics.js';
import { prometheusName } from '../../../src/metrics/sdk-bridge.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/** The names a metric's samples carry in the exposition (a histogram writes three series). */
export function seriesOf(name: string, kind: MetricKind): string[] {
  if (kind === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (kind === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

function registryMetrics(registry: Registry): { name: string; kind: MetricKind }[] {
  return registry
    .getMetricsAsArray()
    .map((metric) => ({ name: metric.name, kind: (metric as unknown as { type: MetricKind }).type }));
}

/** Relay counters, batch gauges and Node's process metrics, as registered (the client is never called). */
export function registeredMetrics(): { name: string; kind: MetricKind }[] {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerBatchGauges({ client: {} as Client, registry });
  return [
    ...registryMetrics(registry),
    ...registryMetrics(createRelayMetrics(undefined, { processMetrics: false }).registry),
  ];
}

/** Our metrics on the SDK's meter, named as the bridge names them (counters get `_total`). */
export function meterMetricsAsExposed(): { name: string; kind: MetricKind }[] {
  return meterMetrics.map((metric) => {
    const kind = metric.buckets ? 'histogram' : 'counter';
    return { name: prometheusName(metric.name, kind), kind };
  });
}

const sdkCoreSources = [
  'crates/sdk-core/src/telemetry/metrics.rs',
  'crates/common/src/telemetry/metrics.rs',
  'crates/client/src/metrics.rs',
];

/**
 * The Temporal SDK's worker and client metrics, read from the core SDK sources its npm package ships: each
 * `<kind>(MetricParameters { name: "..." | CONSTANT.into()` instrument, with the runtime's `temporal_` prefix.
 */
export function sdkMetrics(): { name: string; kind: MetricKind }[] {
  // Resolved from the worker package, whose dependency it is (hoisted or not).
  const fromWorker = createRequire(createRequire(import.meta.url).resolve('@temporalio/worker'));
  const bridge = path.dirname(fromWorker.resolve('@temporalio/core-bridge/package.json'));
  // Each file's test module (made-up instruments) comes last: cut it off.
  const text = sdkCoreSources
    .map((file) => readFileSync(path.join(bridge, 'sdk-core', file), 'utf8').split(/#\[cfg\(test\)\]\s*mod tests/)[0])
    .join('\n');
  const constants = new Map(
    [...text.matchAll(/(?:const|static) ([A-Z0-9_]+): &str =\s*"([a-z0-9_]+)"/g)].map((match) => [
      match[1]!,
      match[2]!,
    ]),
  );
  const instruments = text.matchAll(
    /\b(counter|gauge|histogram)(?:_duration)?(?:_with_in_mem)?\(MetricParameters \{\s*name: (?:"([a-z0-9_]+)"|([A-Z0-9_]+))\.into\(\)/g,
  );
  return [...instruments].map(([, instrument, literal, constant]) => {
    const name = literal ?? constants.get(constant!);
    if (!name) throw new Error(`SDK metric constant ${constant} not found in ${sdkCoreSources.join(', ')}`);
    const kind = instrument as 'counter' | 'gauge' | 'histogram';
    return { name: prometheusName(`temporal_${name}`, kind), kind };
  });
}

/** Prometheus' own series for each target. */
const scrapeSeries = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

export function knownSeriesNames(): Set<string> {
  const metrics = [...registeredMetrics(), ...meterMetricsAsExposed(), ...sdkMetrics()];
  return new Set([...metrics.flatMap(({ name, kind }) => seriesOf(name, kind)), ...scrapeSeries]);
}
