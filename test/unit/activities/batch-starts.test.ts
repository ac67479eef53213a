import { jest } from '@jest/globals';
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
import { batchIdSearchAttribute, payoutBatchBlockSearchAttribute } from '../../../src/workflows/definitions.js';

const scheduledAtMs = Date.parse('2026-12-06T10:00:00Z');

function order(payoutId: string, seq = 0): PayoutStartOrder {
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
    input: { request, batchItem: { seq, pageWorkflowId: 'batch-b-1-page-0', batchWorkflowId: 'batch-b-1' } },
    memo: { requestIdentity: 'identity' },
  };
}

/** Workflows that exist already, by id: their BatchId (and block) and start time. */
type Existing = Record<string, { batchId?: string; block?: string; startTime: Date } | 'unavailable'>;

/** What visibility lists, by workflow id: the payout's BatchId, block and memo, from the given listing on. */
type Listed = Record<string, { batchId: string; block?: string; memo: Record<string, unknown>; fromListing?: number }>;

interface FakeServer {
  /** The namespace has no PayoutBatchBlock: a start that sets it is refused, as the server refuses it. */
  withoutBlockAttribute?: boolean;
}

function fakeClient(existing: Existing, listed: Listed = {}, server: FakeServer = {}) {
  const starts: Array<{ type: string; options: Record<string, unknown> }> = [];
  const queries: string[] = [];
  /** Starts the server refused for naming PayoutBatchBlock, by workflow id. */
  const refused: string[] = [];
  const client = {
    // The activity environment runs each activity inside the client's abort scope.
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      async start(type: string, options: { workflowId: string }) {
        const found = existing[options.workflowId];
        if (found === 'unavailable') throw new Error('14 UNAVAILABLE: the frontend is down');
        if (found) throw new WorkflowExecutionAlreadyStartedError('already started', options.workflowId, type);
        const attributes = (options as { typedSearchAttributes?: Array<{ key: { name: string } }> })
          .typedSearchAttributes;
        if (server.withoutBlockAttribute && attributes?.some((pair) => pair.key.name === 'PayoutBatchBlock')) {
          // The dev server's wording (Temporal CLI 1.5.1), seen by test/integration/batch/namespace-without-block.
          const refusal = new Error(
            '3 INVALID_ARGUMENT: Namespace default has no mapping defined for search attribute PayoutBatchBlock',
          );
          refused.push(options.workflowId);
          throw Object.assign(new Error('Failed to start Workflow'), { cause: refusal });
        }
        starts.push({ type, options });
      },
      async *list({ query }: { query: string }) {
        queries.push(query);
        for (const [workflowId, execution] of Object.entries(listed)) {
          if (!query.includes(`'${workflowId}'`) || (execution.fromListing ?? 1) > queries.length) continue;
          // By block, visibility lists only the payouts that carry that block.
          const byBlock = /PayoutBatchBlock = '([^']+)'/.exec(query)?.[1];
          if (byBlock !== undefined && byBlock !== execution.block) continue;
          const typedSearchAttributes = new TypedSearchAttributes([
            { key: batchIdSearchAttribute, value: execution.batchId },
            ...(execution.block ? [{ key: payoutBatchBlockSearchAttribute, value: execution.block }] : []),
          ]);
          yield { workflowId, memo: execution.memo, typedSearchAttributes };
        }
      },
      getHandle(workflowId: string) {
        return {
          async describe() {
            const found = existing[workflowId];
            if (!found || found === 'unavailable') throw new Error(`no ${workflowId}`);
            const pairs = [
              ...(found.batchId ? [{ key: batchIdSearchAttribute, value: found.batchId }] : []),
              ...(found.block ? [{ key: payoutBatchBlockSearchAttribute, value: found.block }] : []),
            ];
            return { startTime: found.startTime, typedSearchAttributes: new TypedSearchAttributes(pairs) };
          },
        };
      },
    },
  };
  return { client: client as unknown as Client, starts, queries, refused };
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

function step(
  listed: Listed,
  input: Omit<WindowStepInput, 'workflowType' | 'batchId'>,
  existing: Existing = {},
  server: FakeServer = {},
) {
  const { client, starts, queries } = fakeClient(existing, listed, server);
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
      // Started by this step, in its block: listed by the block, from the second pass on.
      'payout-b': { batchId: 'b-1', block: 'b-1:0', memo: { payoutOutcome: outcome('b') }, fromListing: 3 },
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
  // Per pass, one listing without a block and one of the block; asked again only for those still without an
  // outcome, and only for final statuses of this batch.
  expect(queries).toHaveLength(4);
  expect(queries[0]).toContain("BatchId = 'b-1' AND PayoutStatus IN ('succeeded', 'declined', 'rejected'");
  expect(queries[2]).not.toContain("'payout-a'");
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

test('a payout started by a step carries its block of a hundred items, and the step tells the batch which', async () => {
  const earlier = new Date(scheduledAtMs + 5);
  const { result, starts } = step(
    {},
    { orders: [order('p-1', 7), order('p-2', 250), order('ours', 99)], collect: { ...collect, workflowIds: [] } },
    { 'payout-ours': { batchId: 'b-1', block: 'b-1:0', startTime: earlier } },
  );
  const { starts: started, blocks } = await result;
  expect(started).toEqual(['started', 'started', 'ours already']);
  expect(blocks).toEqual(['b-1:0', 'b-1:2', 'b-1:0']);
  const attributes = starts.map(
    ({ options }) => options.typedSearchAttributes as Array<{ key: { name: string }; value: unknown }>,
  );
  expect(attributes.map((pairs) => pairs.find((pair) => pair.key.name === 'PayoutBatchBlock')?.value)).toEqual([
    'b-1:0',
    'b-1:2',
  ]);
});

test('payouts with a block are listed by it and never by BatchId, which reads every row of the batch', async () => {
  const { result, queries } = step(
    {
      'payout-a': { batchId: 'b-1', block: 'b-1:0', memo: { payoutOutcome: outcome('a') } },
      'payout-b': { batchId: 'b-1', block: 'b-1:3', memo: { payoutOutcome: outcome('b') } },
    },
    {
      orders: [],
      collect: {
        ...collect,
        workflowIds: ['payout-a', 'payout-b'],
        blocks: { 'payout-a': 'b-1:0', 'payout-b': 'b-1:3' },
      },
    },
  );
  expect((await result).outcomes.map((found) => found.payoutId).sort()).toEqual(['a', 'b']);
  expect(queries).toHaveLength(2);
  expect(queries.some((query) => query.includes('BatchId'))).toBe(false);
  expect(queries[0]).toContain("PayoutBatchBlock = 'b-1:0' AND PayoutStatus IN ('succeeded'");
  expect(queries[0]).toContain("WorkflowId IN ('payout-a')");
  expect(queries[1]).toContain("PayoutBatchBlock = 'b-1:3'");
});

test('payouts started without a block (before it, or by a namespace without the attribute) are listed by BatchId', async () => {
  const { result, queries } = step(
    {
      'payout-old': { batchId: 'b-1', memo: { payoutOutcome: outcome('old') } },
      'payout-new': { batchId: 'b-1', block: 'b-1:0', memo: { payoutOutcome: outcome('new') } },
    },
    {
      orders: [],
      collect: { ...collect, workflowIds: ['payout-old', 'payout-new'], blocks: { 'payout-new': 'b-1:0' } },
    },
  );
  expect((await result).outcomes.map((found) => found.payoutId).sort()).toEqual(['new', 'old']);
  expect(queries.find((query) => query.includes("'payout-old'"))).toContain("BatchId = 'b-1'");
  expect(queries.find((query) => query.includes("'payout-new'"))).toContain("PayoutBatchBlock = 'b-1:0'");
});

test('a namespace without PayoutBatchBlock still gets its payouts, started without a block', async () => {
  const { result, starts } = step(
    {},
    { orders: [order('p-1', 3)], collect: { ...collect, workflowIds: [] } },
    {},
    { withoutBlockAttribute: true },
  );
  const { starts: started, blocks } = await result;
  expect(started).toEqual(['started']);
  expect(blocks).toEqual([null]);
  expect(starts).toHaveLength(1);
});

test('a step lists the payouts it has just started by their block too, before the batch has heard of it', async () => {
  const { result, queries } = step(
    { 'payout-p-1': { batchId: 'b-1', block: 'b-1:2', memo: { payoutOutcome: outcome('p-1') } } },
    { orders: [order('p-1', 200)], collect: { ...collect, atLeast: 1, workflowIds: ['payout-p-1'], blocks: {} } },
  );
  expect((await result).outcomes.map((found) => found.payoutId)).toEqual(['p-1']);
  expect(queries).toEqual([expect.stringContaining("PayoutBatchBlock = 'b-1:2'")]);
});

test('once the namespace refuses PayoutBatchBlock, the worker leaves it out for ten minutes, then offers it again', async () => {
  const { client, starts, refused } = fakeClient({}, {}, { withoutBlockAttribute: true });
  const activities = createBatchStartActivities();
  const environment = new MockActivityEnvironment({ scheduledTimestampMs: scheduledAtMs }, { client });
  const startGroup = (orders: PayoutStartOrder[]) =>
    environment.run((given: PayoutStartsInput) => activities.startBatchPayouts(given), {
      workflowType: 'PayoutWorkflowV2',
      orders,
    } satisfies PayoutStartsInput);
  const now = jest.spyOn(Date, 'now');
  try {
    now.mockReturnValue(scheduledAtMs);
    await startGroup([order('p-1', 0)]);
    now.mockReturnValue(scheduledAtMs + 9 * 60_000);
    await expect(startGroup([order('p-2', 1), order('p-3', 150)])).resolves.toEqual(['started', 'started']);
    expect(refused).toEqual(['payout-p-1']);
    now.mockReturnValue(scheduledAtMs + 11 * 60_000);
    await startGroup([order('p-4', 2)]);
    expect(refused).toEqual(['payout-p-1', 'payout-p-4']);
    expect(starts.map(({ options }) => options.workflowId)).toEqual([
      'payout-p-1',
      'payout-p-2',
      'payout-p-3',
      'payout-p-4',
    ]);
  } finally {
    now.mockRestore();
  }
});
