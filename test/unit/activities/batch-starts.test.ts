import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createBatchStartActivities,
  type PayoutStartOrder,
  type PayoutStartsInput,
} from '../../../src/activities/batch-starts.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { batchIdSearchAttribute } from '../../../src/workflows/definitions.js';

const scheduledAtMs = Date.parse('2026-12-06T10:00:00Z');

function order(payoutId: string): PayoutStartOrder {
  const request = payoutRequestSchema.parse({
    payoutId,
    provider: 'ecommpay',
    amount: 100,
    currency: 'RUB',
    card: { pan: '4242424242424242' },
    batchId: 'b-1',
  });
  return {
    workflowId: `payout-${payoutId}`,
    taskQueue: 'payouts',
    input: { request, batchItem: { seq: 0, pageWorkflowId: 'batch-b-1-page-0', batchWorkflowId: 'batch-b-1' } },
    memo: { requestIdentity: 'identity' },
  };
}

/** Workflows that exist already, by id: their BatchId and start time. */
type Existing = Record<string, { batchId?: string; startTime: Date } | 'unavailable'>;

function fakeClient(existing: Existing) {
  const starts: Array<{ type: string; options: Record<string, unknown> }> = [];
  const client = {
    // The activity environment runs each activity inside the client's abort scope.
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      async start(type: string, options: { workflowId: string }) {
        const found = existing[options.workflowId];
        if (found === 'unavailable') throw new Error('14 UNAVAILABLE: the frontend is down');
        if (found) throw new WorkflowExecutionAlreadyStartedError('already started', options.workflowId, type);
        starts.push({ type, options });
      },
      getHandle(workflowId: string) {
        return {
          async describe() {
            const found = existing[workflowId];
            if (!found || found === 'unavailable') throw new Error(`no ${workflowId}`);
            const pairs = found.batchId ? [{ key: batchIdSearchAttribute, value: found.batchId }] : [];
            return { startTime: found.startTime, typedSearchAttributes: new TypedSearchAttributes(pairs) };
          },
        };
      },
    },
  };
  return { client: client as unknown as Client, starts };
}

function startAll(existing: Existing, orders: PayoutStartOrder[]) {
  const { client, starts } = fakeClient(existing);
  const activities = createBatchStartActivities();
  const environment = new MockActivityEnvironment({ scheduledTimestampMs: scheduledAtMs }, { client });
  const input: PayoutStartsInput = { workflowType: 'PayoutWorkflowV2', orders };
  const results = environment.run((given: PayoutStartsInput) => activities.startBatchPayouts(given), input);
  return { results, starts };
}

test('each payout starts once, never reusing an id, with its memo, masked summary and search attributes', async () => {
  const { results, starts } = startAll({}, [order('p-1'), order('p-2')]);
  await expect(results).resolves.toEqual(['started', 'started']);
  expect(starts.map(({ type, options }) => [type, options.workflowId])).toEqual([
    ['PayoutWorkflowV2', 'payout-p-1'],
    ['PayoutWorkflowV2', 'payout-p-2'],
  ]);
  const options = starts[0]?.options ?? {};
  expect(options).toMatchObject({ workflowIdReusePolicy: 'REJECT_DUPLICATE', memo: { requestIdentity: 'identity' } });
  expect(String(options.staticSummary)).not.toContain('4242424242424242');
  const attributes = options.typedSearchAttributes as Array<{ key: { name: string }; value: unknown }>;
  expect(attributes.find((pair) => pair.key.name === 'BatchId')?.value).toBe('b-1');
});

test('a retried start finds its own payouts (this batch, started since it was scheduled); other holders are taken', async () => {
  const after = new Date(scheduledAtMs + 5);
  const before = new Date(scheduledAtMs - 60_000);
  const { results, starts } = startAll(
    {
      'payout-ours': { batchId: 'b-1', startTime: after },
      'payout-earlier': { batchId: 'b-1', startTime: before },
      'payout-other-batch': { batchId: 'b-2', startTime: after },
      'payout-single': { startTime: after },
    },
    [order('ours'), order('earlier'), order('other-batch'), order('single'), order('new')],
  );
  await expect(results).resolves.toEqual(['ours already', 'id taken', 'id taken', 'id taken', 'started']);
  expect(starts.map(({ options }) => options.workflowId)).toEqual(['payout-new']);
});

test('a start the server did not take fails the activity, to be tried again', async () => {
  const { results } = startAll({ 'payout-p-1': 'unavailable' }, [order('p-1')]);
  await expect(results).rejects.toThrow('UNAVAILABLE');
});
