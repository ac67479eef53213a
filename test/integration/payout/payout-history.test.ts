// What a payout writes (issue 21): the current type records no patch markers (nor the TemporalChangeVersion
// search attribute each one adds), no local activity's marker where it validates in its submission, and writes
// its status to visibility at the start and at the outcome only.
import { PayoutsClient } from '../../../src/client/payouts-client.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import {
  payoutStatusSearchAttribute,
  payoutWorkflowId,
  payoutWorkflowType,
  workflowStackTraceFrames,
} from '../../../src/workflows/definitions.js';
import { replayStarted } from '../replay-helpers.js';
import { awaitOutcomeUpdate, ecommpayPayout, startPayoutStack, type PayoutStack } from './stack.js';

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('payout-history');
});
afterAll(async () => stack.close());

interface HistoryEvent {
  markerRecordedEventAttributes?: { markerName?: string | null } | null;
  activityTaskScheduledEventAttributes?: object | null;
  upsertWorkflowSearchAttributesEventAttributes?: {
    searchAttributes?: { indexedFields?: Record<string, unknown> | null } | null;
  } | null;
}

/** The markers (patches', local activities') and the keys of each search-attribute upsert in a workflow's history. */
async function writesOf(workflowId: string) {
  const history = await stack.conns.client.workflow.getHandle(workflowId).fetchHistory();
  const events = (history.events ?? []) as HistoryEvent[];
  const markers = events.flatMap((event) => event.markerRecordedEventAttributes?.markerName ?? []);
  return {
    patchMarkers: markers.filter((name) => name === 'core_patch').length,
    localActivityMarkers: markers.filter((name) => name === 'core_local_activity').length,
    activities: events.filter((event) => event.activityTaskScheduledEventAttributes).length,
    upserts: events.flatMap((event) => {
      const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      return fields ? [Object.keys(fields).sort()] : [];
    }),
  };
}

test('a paid payout records no markers, validates in its one activity, and writes its status twice', async () => {
  const handle = await stack.start(ecommpayPayout(testCards.visa.pan));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
  await handle.result();

  const description = await handle.describe();
  expect(description.type).toBe(payoutWorkflowType);
  expect(description.typedSearchAttributes.get(payoutStatusSearchAttribute)).toBe('succeeded');
  // Started with its search attributes; one upsert: the final status with the provider's reference. Validated
  // and submitted by one activity: no local activity before it.
  expect(await writesOf(handle.workflowId)).toEqual({
    patchMarkers: 0,
    localActivityMarkers: 0,
    activities: 1,
    upserts: [['PayoutProviderReference', 'PayoutStatus']],
  });
});

test('a declined payout likewise: one upsert, the final status with the decline code', async () => {
  const handle = await stack.start(ecommpayPayout(testCards.decline3104.pan));
  expect(await handle.executeUpdate(awaitOutcomeUpdate)).toMatchObject({ status: 'declined', code: '3104' });
  await handle.result();
  const { patchMarkers, upserts } = await writesOf(handle.workflowId);
  expect(patchMarkers).toBe(0);
  expect(upserts).toHaveLength(1);
  expect(upserts[0]).toEqual(expect.arrayContaining(['PayoutDeclineCode', 'PayoutStatus']));
});

test('the client starts the current type', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  const request = ecommpayPayout(testCards.visa.pan);
  expect((await payouts.submitAndWait(request)).status).toBe('succeeded');
  const handle = stack.conns.client.workflow.getHandle(payoutWorkflowId(request.payoutId));
  expect((await handle.describe()).type).toBe('PayoutWorkflowV3');
  expect((await writesOf(handle.workflowId)).patchMarkers).toBe(0);
  // Its 48-hour window for late callbacks is not this test's to wait for.
  await handle.terminate('test done');
});

test('a waiting payout answers the stack-trace query with the innermost frames of each promise only', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  const request = ecommpayPayout(testCards.visa.pan);
  expect((await payouts.submitAndWait(request)).status).toBe('succeeded');
  // Now in its window for late callbacks: a condition with a timer, awaited by the steps above it.
  const handle = stack.conns.client.workflow.getHandle(payoutWorkflowId(request.payoutId));
  const stackTrace: string = await handle.query('__stack_trace');
  const traces = stackTrace.split(/\n\n/).filter((trace) => trace.includes(' at '));
  expect(traces.length).toBeGreaterThan(0);
  const deepest = Math.max(...traces.map((trace) => trace.split('\n').filter((line) => /^\s+at /.test(line)).length));
  expect(deepest).toBeGreaterThan(0);
  expect(deepest).toBeLessThanOrEqual(workflowStackTraceFrames);
  expect(stackTrace).toMatch(/closeAfterLateWindow|condition/);
  await handle.terminate('test done');
});

test('every history this file produced replays on the current workflow code', async () => {
  expect(stack.started).toHaveLength(2);
  expect(await replayStarted('payout-v3', stack.started)).toEqual([]);
});
