/**
 * A batch starts its payouts through this activity, a window's worth at a time: one activity in the batch's
 * history instead of two events per child, and no parent bookkeeping on the server (docs/PERFORMANCE.md).
 * The payouts have no parent: each is told its batch's workflow id (`batchItem`) to send its outcome to.
 *
 * A retried activity meets the payouts its earlier attempt started. A payout whose id is taken is ours when
 * it belongs to this batch (its BatchId) and was started after this activity was first scheduled; any other
 * is an earlier payout with that id, which the batch reports and never pays again.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutSummary } from '../domain/payout-summary.js';
import { mapLimit } from '../domain/concurrency.js';
import { collectOutcomes, type OutcomeCollection } from './batch-outcome-collection.js';
import { payoutSearchAttributePairs } from '../workflows/batch/child-options.js';
import {
  batchIdSearchAttribute,
  type PayoutWorkflowInput,
  type payoutWorkflowTypes,
} from '../workflows/definitions.js';

export interface PayoutStartOrder {
  workflowId: string;
  taskQueue: string;
  input: PayoutWorkflowInput;
  /** The request's identity (child-options.ts requestMemo). */
  memo: Record<string, string>;
}

export interface PayoutStartsInput {
  workflowType: (typeof payoutWorkflowTypes)[number];
  orders: PayoutStartOrder[];
}

/** Per order, in order: started now, found started by this batch (an earlier attempt), or the id is taken. */
export type PayoutStartResult = 'started' | 'ours already' | 'id taken';

export interface WindowStepInput extends PayoutStartsInput {
  batchId: string;
  /** Every payout the batch has in flight, the ones started here included. */
  collect: OutcomeCollection;
}

export interface WindowStepResult {
  starts: PayoutStartResult[];
  /** Outcomes found in the payouts' memos (outcomeBy 'memo'), at least `collect.atLeast` unless time ran out. */
  outcomes: PayoutOutcome[];
}

/** Starts sent at once: a window is tens of payouts; the frontend takes these in milliseconds. */
const startsAtOnce = 25;

export function createBatchStartActivities() {
  return {
    async startBatchPayouts({ workflowType, orders }: PayoutStartsInput): Promise<PayoutStartResult[]> {
      // The worker's own client: the native connection, and the codec that encrypts the card in each input.
      const { client, info } = Context.current();
      const since = info.scheduledTimestampMs;
      return await mapLimit(orders, startsAtOnce, (order) => startPayout(client, workflowType, order, since));
    },

    /**
     * One step of a batch's window: start the next group, then wait for a group of outcomes among everything
     * in flight. A retried step starts nothing twice (see above) and reads the same memos again.
     */
    async startAndCollectPayouts({
      batchId,
      workflowType,
      orders,
      collect,
    }: WindowStepInput): Promise<WindowStepResult> {
      const { client, info } = Context.current();
      const since = info.scheduledTimestampMs;
      const starts = await mapLimit(orders, startsAtOnce, (order) => startPayout(client, workflowType, order, since));
      // Every id the batch has in flight, these included; a taken id's outcome is not ours, and the batch drops it.
      const outcomes = await collectOutcomes(client, batchId, collect);
      return { starts, outcomes };
    },
  };
}

async function startPayout(
  client: Client,
  workflowType: PayoutStartsInput['workflowType'],
  { workflowId, taskQueue, input, memo }: PayoutStartOrder,
  scheduledAtMs: number,
): Promise<PayoutStartResult> {
  const { request } = input;
  try {
    await client.workflow.start(workflowType, {
      workflowId,
      taskQueue,
      args: [input],
      // A payoutId already used, even by a closed payout, is never started again.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo,
      staticSummary: payoutSummary(request),
      typedSearchAttributes: payoutSearchAttributePairs(request),
    });
    return 'started';
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await client.workflow.getHandle(workflowId).describe();
    const sameBatch =
      request.batchId !== undefined && existing.typedSearchAttributes.get(batchIdSearchAttribute) === request.batchId;
    return sameBatch && existing.startTime.getTime() >= scheduledAtMs ? 'ours already' : 'id taken';
  }
}

export type BatchStartActivities = ReturnType<typeof createBatchStartActivities>;
