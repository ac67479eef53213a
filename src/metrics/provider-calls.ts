/**
 * Measures one provider call made by an activity: its duration and, when it fails, its error class, through
 * the activity's metric meter (tagged by the SDK with namespace, task queue and activity type), and a span
 * `<provider> <operation>` under the activity's span when tracing is on. Adapters stay free of both.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import { type MetricMeter, noopMetricMeter } from '@temporalio/common';
import { ProviderError } from '../providers/errors.js';
import { providerCallDuration, providerCallErrors } from './names.js';

export type ProviderCallResult = 'ok' | ProviderError['errorClass'] | 'unexpected';

const tracer = trace.getTracer('payouts');

/** The current activity's meter; a no-op outside an activity (unit tests calling activities directly). */
function activityMeter(): MetricMeter {
  try {
    return Context.current().metricMeter;
  } catch {
    return noopMetricMeter;
  }
}

export function resultOf(error: unknown): ProviderCallResult {
  return error instanceof ProviderError ? error.errorClass : 'unexpected';
}

export async function measuredProviderCall<T>(provider: string, operation: string, work: () => Promise<T>): Promise<T> {
  const meter = activityMeter();
  const started = performance.now();
  const finish = (result: ProviderCallResult) => {
    const seconds = (performance.now() - started) / 1000;
    meter
      .createHistogram(providerCallDuration.name, 'float', providerCallDuration.unit, providerCallDuration.help)
      .record(seconds, { provider, operation, result });
    if (result !== 'ok') {
      meter
        .createCounter(providerCallErrors.name, undefined, providerCallErrors.help)
        .add(1, { provider, operation, error_class: result });
    }
  };
  return tracer.startActiveSpan(
    `${provider} ${operation}`,
    { kind: SpanKind.CLIENT, attributes: { 'payouts.provider': provider, 'payouts.operation': operation } },
    async (span) => {
      try {
        const value = await work();
        finish('ok');
        return value;
      } catch (error) {
        const result = resultOf(error);
        finish(result);
        // The class and the provider's code only: messages are the adapters' and stay out of traces.
        span.setAttribute('payouts.error_class', result);
        if (error instanceof ProviderError && error.code) span.setAttribute('payouts.provider_code', error.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: result });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
