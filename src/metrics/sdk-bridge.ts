/**
 * Feeds the Temporal SDK's metrics into a prom-client registry. The worker's runtime is installed with a
 * MetricsBuffer (runtime telemetry option `metrics: { buffer }`): the SDK's own worker metrics and everything
 * our workflows and activities emit through its metric meter land in the buffer, and drain() turns each update
 * into a prom-client counter, gauge or histogram. One registry, one /metrics endpoint, no second exporter.
 */
import type { BufferedMetricUpdate, MetricsBuffer } from '@temporalio/worker';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { meterMetrics } from './names.js';

/** Seconds: the runtime reports durations in seconds (`useSecondsForDurations`). */
export const defaultDurationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

type PromMetric = Counter | Gauge | Histogram;

interface Bridged {
  name: string;
  metric: PromMetric;
  labelNames: readonly string[];
}

const knownHelp = new Map(meterMetrics.map((metric) => [metric.name, metric]));

/** Prometheus names: letters, digits and underscores; counters end in `_total`. */
export function prometheusName(name: string, kind: BufferedMetricUpdate['metric']['kind']): string {
  const clean = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return kind === 'counter' && !clean.endsWith('_total') ? `${clean}_total` : clean;
}

/**
 * Tags the SDK puts on its metrics, not always from the first update on (a client call's first update may come
 * before the namespace is known): declared on every bridged metric, since prom-client fixes label names at
 * creation. A label left unset is simply not written.
 */
const sdkTags = [
  'namespace',
  'task_queue',
  'workflow_type',
  'activity_type',
  'operation',
  'worker_type',
  'poller_type',
  'status_code',
  'eager',
  'failure_reason',
  'nexus_endpoint',
  'nexus_service',
  'nexus_operation',
  'service_name',
];

/** The SDK tags its meter's metrics in camelCase (taskQueue) and its own in snake_case: one style, snake_case. */
export function labelName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * The SDK reuses one object per metric and one per attribute set across its updates (a worker sends several
 * updates per workflow task), so both are looked up by identity: a name and its labels are worked out once per
 * object, not once per update. Keyed weakly, so objects the SDK lets go are not held.
 */
export class SdkMetricsBridge {
  readonly #metrics = new Map<string, Bridged>();
  readonly #byMetricObject = new WeakMap<object, Bridged>();
  readonly #labelsByAttributes = new WeakMap<object, Map<Bridged, Record<string, string>>>();
  /** Label names a metric was first seen without; reported once, then dropped from its updates. */
  readonly #dropped = new Set<string>();

  constructor(
    private readonly buffer: MetricsBuffer,
    private readonly registry: Registry,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Moves every buffered update into the registry; call before each scrape and now and then in between. */
  drain(): number {
    let count = 0;
    for (const update of this.buffer.retrieveUpdates()) {
      this.apply(update);
      count++;
    }
    return count;
  }

  apply({ metric, value, attributes }: BufferedMetricUpdate): void {
    const bridged = this.#byMetricObject.get(metric) ?? this.bridge(metric, attributes);
    const labels = this.labelsOf(bridged, attributes);
    const target = bridged.metric;
    if (target instanceof Counter) target.inc(labels, value);
    else if (target instanceof Histogram) target.observe(labels, value);
    else if (metric.kind === 'up-down-counter') target.inc(labels, value);
    else target.set(labels, value);
  }

  private bridge(metric: BufferedMetricUpdate['metric'], attributes: Record<string, unknown>): Bridged {
    const name = prometheusName(metric.name, metric.kind);
    const bridged =
      this.#metrics.get(name) ??
      this.create(name, metric, [...new Set([...Object.keys(attributes).map(labelName), ...sdkTags])].sort());
    this.#byMetricObject.set(metric, bridged);
    return bridged;
  }

  private labelsOf(bridged: Bridged, attributes: Record<string, unknown>): Record<string, string> {
    let byMetric = this.#labelsByAttributes.get(attributes);
    if (!byMetric) {
      byMetric = new Map();
      this.#labelsByAttributes.set(attributes, byMetric);
    }
    let labels = byMetric.get(bridged);
    if (!labels) {
      labels = this.labelsFor(bridged, attributes);
      byMetric.set(bridged, labels);
    }
    return labels;
  }

  private create(name: string, metric: BufferedMetricUpdate['metric'], labelNames: string[]): Bridged {
    const known = knownHelp.get(metric.name);
    const help = known?.help ?? metric.description ?? `Temporal SDK metric ${metric.name}`;
    const options = { name, help: help || name, labelNames, registers: [this.registry] };
    const created: PromMetric =
      metric.kind === 'counter'
        ? new Counter(options)
        : metric.kind === 'histogram'
          ? new Histogram({ ...options, buckets: known?.buckets ?? defaultDurationBuckets })
          : new Gauge(options);
    const bridged = { name, metric: created, labelNames };
    this.#metrics.set(name, bridged);
    return bridged;
  }

  /** prom-client fixes a metric's label names at creation; a label seen later is dropped (and reported once). */
  private labelsFor(bridged: Bridged, attributes: Record<string, unknown>): Record<string, string> {
    const { name } = bridged;
    const labels: Record<string, string> = {};
    for (const [attribute, raw] of Object.entries(attributes)) {
      const key = labelName(attribute);
      if (bridged.labelNames.includes(key)) {
        labels[key] = String(raw);
      } else if (!this.#dropped.has(`${name}:${key}`)) {
        this.#dropped.add(`${name}:${key}`);
        this.warn(`metric ${name}: label ${key} was not on its first update; dropped`);
      }
    }
    // Sorted, so a series reads the same whatever order the SDK gave its tags in.
    return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  }
}
