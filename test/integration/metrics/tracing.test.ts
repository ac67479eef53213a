// Tracing through the SDK's OpenTelemetry plugin: one payout started by a traced client makes one trace,
// client -> workflow -> activity -> the provider call, with the spans in that parent order.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../../src/activities/index.js';
import { createEcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import { providerRegistry } from '../../../src/providers/registry.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { startTracing, type Tracing } from '../../../src/tracing/index.js';
import { createPayoutsWorker } from '../../../src/worker/worker.js';
import { payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import { ecommpayItem } from '../batch/batch-stack.js';
import { testServer } from '../helpers.js';
import { sandboxProjectId, sandboxSecret, startPayoutStack, testTimings, type PayoutStack } from '../payout/stack.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';

const spans = new InMemorySpanExporter();
let tracing: Tracing;
let stack: PayoutStack;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  tracing = startTracing({}, 'payouts-test', { spanExporter: spans }) as Tracing;
  stack = await startPayoutStack('tracing');
  // The stack's own worker is untraced: this file's worker takes its task queue, with the plugin.
  await stack.stopWorker();
  const providers = providerRegistry({
    ecommpay: () =>
      createEcommpayProvider({
        baseUrl: stack.sandbox.url,
        projectId: sandboxProjectId,
        secretKey: sandboxSecret,
        callbackUrl: `${stack.relay.url}/webhooks/ecommpay`,
      }),
  });
  worker = await createPayoutsWorker({
    connection: stack.conns.nativeConnection,
    namespace: testServer().namespace,
    taskQueue: stack.taskQueue,
    activities: createActivities({ providers, taskQueue: stack.taskQueue }),
    plugins: [tracing.plugin],
  });
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await stack.close();
  await tracing.shutdown();
});

const named = (all: ReadableSpan[], name: string) => {
  const found = all.filter((span) => span.name === name);
  expect([name, found.length]).toEqual([name, 1]);
  return found[0] as ReadableSpan;
};

test('a traced payout is one trace: client start, workflow, activity, provider call', async () => {
  const client = new Client({
    connection: stack.conns.client.connection,
    namespace: testServer().namespace,
    plugins: [tracing.plugin],
  });
  const request = payoutRequestSchema.parse(ecommpayItem(testCards.visa.pan));
  const handle = await client.workflow.start(PayoutWorkflowV3, {
    taskQueue: stack.taskQueue,
    workflowId: payoutWorkflowId(request.payoutId),
    args: [{ request, timings: testTimings }],
  });
  expect((await handle.result()).status).toBe('succeeded');
  await tracing.plugin.otelOptions.spanProcessor.forceFlush();

  const all = spans.getFinishedSpans();
  const start = named(all, 'StartWorkflow:PayoutWorkflowV3');
  const run = named(all, 'RunWorkflow:PayoutWorkflowV3');
  const activity = named(all, 'RunActivity:prepareAndSubmitPayout');
  const call = named(all, 'ecommpay submit');
  const trace = start.spanContext().traceId;
  expect([run, activity, call].map((span) => span.spanContext().traceId)).toEqual([trace, trace, trace]);
  expect(call.parentSpanId).toBe(activity.spanContext().spanId);
  expect(call.attributes).toMatchObject({ 'payouts.provider': 'ecommpay', 'payouts.operation': 'submit' });
  // No card number reaches a span: attributes hold ids, names and classes only.
  expect(JSON.stringify(all.map((span) => span.attributes))).not.toContain(testCards.visa.pan);
});
