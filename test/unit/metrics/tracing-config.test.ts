// Tracing is off unless an exporter is named; the variables are validated with the rest of the configuration.
import { ConfigError, parseConfig } from '../../../src/config.js';
import { startTracing, tracingExporterOf } from '../../../src/tracing/index.js';

test('no exporter configured: tracing stays off and nothing is registered', () => {
  expect(tracingExporterOf(parseConfig({}))).toBeUndefined();
  expect(startTracing(parseConfig({}), 'payouts-worker')).toBeUndefined();
});

test('an OTLP endpoint turns tracing on; TRACING_EXPORTER chooses explicitly', () => {
  expect(tracingExporterOf(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe('otlp');
  expect(tracingExporterOf(parseConfig({ TRACING_EXPORTER: 'console' }))).toBe('console');
  expect(() => parseConfig({ TRACING_EXPORTER: 'jaeger' })).toThrow(ConfigError);
  expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
});
