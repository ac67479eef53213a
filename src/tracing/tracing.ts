/**
 * OpenTelemetry tracing, off unless an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * TRACING_EXPORTER=console). When on, the process registers a tracer provider and hands out the SDK's
 * OpenTelemetryPlugin: given to a Client it traces starts, signals, updates and queries and carries the trace
 * in the headers; given to a Worker it adds the workflow and activity interceptors, so one trace runs
 * client -> workflow -> activity -> provider call (the span made by src/metrics/provider-calls.ts).
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config.js';

export type TracingConfig = Pick<Config, 'TRACING_EXPORTER' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>;

export interface Tracing {
  /** For `new Client({ plugins })` and the worker's `plugins`. */
  readonly plugin: OpenTelemetryPlugin;
  readonly exporter: 'otlp' | 'console' | 'custom';
  /** Flushes the spans still buffered. */
  shutdown(): Promise<void>;
}

/** Which exporter the configuration asks for; undefined means tracing is off. */
export function tracingExporterOf(cfg: TracingConfig): 'otlp' | 'console' | undefined {
  if (cfg.TRACING_EXPORTER) return cfg.TRACING_EXPORTER;
  return cfg.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : undefined;
}

function spanExporter(kind: 'otlp' | 'console', cfg: TracingConfig): SpanExporter {
  if (kind === 'console') return new ConsoleSpanExporter();
  // OTLP over HTTP; the endpoint is the collector's base URL, the exporter adds /v1/traces.
  const base = cfg.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return new OTLPTraceExporter(base ? { url: `${base}/v1/traces` } : {});
}

/**
 * Starts tracing for this process (once, at start, before any client is made); undefined when it is off.
 * `service` names the process in the traces unless OTEL_SERVICE_NAME does; `spanExporter` (tests) replaces
 * the configured exporter.
 */
export function startTracing(
  cfg: TracingConfig,
  service: string,
  options: { spanExporter?: SpanExporter } = {},
): Tracing | undefined {
  const configured = tracingExporterOf(cfg);
  if (!configured && !options.spanExporter) return undefined;
  const exporter = options.spanExporter ?? spanExporter(configured ?? 'console', cfg);
  const resource = new Resource({ 'service.name': cfg.OTEL_SERVICE_NAME ?? service });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider and an AsyncLocalStorage context: activity and provider-call spans find their parent.
  provider.register();
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    exporter: options.spanExporter ? 'custom' : (configured ?? 'console'),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
