export { startTracing, type Tracing, type TracingConfig, tracingExporterOf } from './tracing.js';
