import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createBatchStartActivities,
  type PayoutStartOrder,
  type PayoutStartsInput,
  type WindowStepInput,
  type WindowStepResult,
} from '../../../src/activities/batch-starts.js';
import type { PayoutOutcome } from '../../../src/domain/payout-outcome.js';
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

/** What visibility lists, by workflow id: the payout's BatchId and memo, from the given listing on. */
type Listed = Record<string, { batchId: string; memo: Record<string, unknown>; fromListing?: number }>;

function fakeClient(existing: Existing, listed: Listed = {}) {
  const starts: Array<{ type: string; options: Record<string, unknown> }> = [];
  const queries: string[] = [];
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
      async *list({ query }: { query: string }) {
        queries.push(query);
        for (const [workflowId, execution] of Object.entries(listed)) {
          if (!query.includes(`'${workflowId}'`) || (execution.fromListing ?? 1) > queries.length) continue;
          const typedSearchAttributes = new TypedSearchAttributes([
            { key: batchIdSearchAttribute, value: execution.batchId },
          ]);
          yield { workflowId, memo: execution.memo, typedSearchAttributes };
        }
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
  return { client: client as unknown as Client, starts, queries };
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

function outcome(payoutId: string): PayoutOutcome {
  return {
    payoutId,
    status: 'succeeded',
    provider: 'ecommpay',
    amount: 100,
    currency: 'RUB',
    maskedCard: '424242******4242',
    attempt: 1,
    idempotencyKey: payoutId,
    finishedAt: '2026-12-06T10:00:01Z',
  };
}

function step(listed: Listed, input: Omit<WindowStepInput, 'workflowType' | 'batchId'>) {
  const { client, starts, queries } = fakeClient({}, listed);
  const activities = createBatchStartActivities();
  const environment = new MockActivityEnvironment({ scheduledTimestampMs: scheduledAtMs }, { client });
  const given: WindowStepInput = { workflowType: 'PayoutWorkflowV2', batchId: 'b-1', ...input };
  const result: Promise<WindowStepResult> = environment.run(
    (i: WindowStepInput) => activities.startAndCollectPayouts(i),
    given,
  );
  return { result, starts, queries };
}

const collect = { atLeast: 2, settleMs: 50, maxWaitMs: 5_000 };

test("a window step starts its group, then returns a group of outcomes read from this batch's payouts' memos", async () => {
  const { result, starts, queries } = step(
    {
      'payout-a': { batchId: 'b-1', memo: { payoutOutcome: outcome('a') } },
      'payout-b': { batchId: 'b-1', memo: { payoutOutcome: outcome('b') }, fromListing: 2 },
      // Another batch's payout under an id this one asks for, and a memo that is not an outcome.
      'payout-c': { batchId: 'b-2', memo: { payoutOutcome: outcome('c') } },
      'payout-d': { batchId: 'b-1', memo: { payoutOutcome: { status: 'paid' } } },
    },
    { orders: [order('b')], collect: { ...collect, workflowIds: ['payout-a', 'payout-b', 'payout-c', 'payout-d'] } },
  );
  const { starts: started, outcomes } = await result;
  expect(started).toEqual(['started']);
  expect(starts.map(({ options }) => options.workflowId)).toEqual(['payout-b']);
  expect(outcomes.map((found) => found.payoutId).sort()).toEqual(['a', 'b']);
  // Asked again for those still without an outcome only, and only for final statuses of this batch.
  expect(queries).toHaveLength(2);
  expect(queries[0]).toContain("BatchId = 'b-1' AND PayoutStatus IN ('succeeded', 'declined', 'rejected'");
  expect(queries[1]).not.toContain("'payout-a'");
});

test('with fewer outcomes than a group, a step returns shortly after the first one, or empty when time is up', async () => {
  const some = step(
    { 'payout-a': { batchId: 'b-1', memo: { payoutOutcome: outcome('a') } } },
    { orders: [], collect: { ...collect, atLeast: 5, workflowIds: ['payout-a', 'payout-b'] } },
  );
  expect((await some.result).outcomes.map((found) => found.payoutId)).toEqual(['a']);
  const started = Date.now();
  const none = step({}, { orders: [], collect: { ...collect, maxWaitMs: 300, workflowIds: ['payout-a'] } });
  expect((await none.result).outcomes).toEqual([]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});
