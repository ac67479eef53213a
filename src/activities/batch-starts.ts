/**
 * A batch starts its payouts through this activity, a window's worth at a time: one activity in the batch's
 * history instead of two events per child, and no parent bookkeeping on the server (docs/PERFORMANCE.md).
 * The payouts have no parent: each is told its batch's workflow id (`batchItem`) to send its outcome to.
 *
 * A retried activity meets the payouts its earlier attempt started. A payout whose id is taken is ours when
 * it belongs to this batch (its BatchId) and was started after this activity was first scheduled; any other
 * is an earlier payout with that id, which the batch reports and never pays again.
 *
 * Each payout a step starts carries its block (PayoutBatchBlock, a hundred items of the batch), and the step
 * tells the batch which: the batch's outcome listings name the block, not the batch (batch-outcome-collection.ts).
 */
import { Context, log } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutSummary } from '../domain/payout-summary.js';
import { mapLimit } from '../domain/concurrency.js';
import { collectOutcomes, type OutcomeCollection } from './batch-outcome-collection.js';
import { payoutSearchAttributePairs } from '../workflows/batch/child-options.js';
import {
  batchIdSearchAttribute,
  payoutBatchBlockSearchAttribute,
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
  /** Per order, in order: the block its payout carries (for an 'id taken', none). Absent from older steps. */
  blocks?: Array<string | null>;
  /** Outcomes found in the payouts' memos (outcomeBy 'memo'), at least `collect.atLeast` unless time ran out. */
  outcomes: PayoutOutcome[];
}

/** Starts sent at once: a window is tens of payouts; the frontend takes these in milliseconds. */
const startsAtOnce = 25;

/** Items per block: a listing by block reads this many rows at most (times a retry run's attempts). */
const itemsPerBlock = 100;

/** The block of a batch's item: `<batchId>:<k>` for items 100k to 100k+99 (seq from 0). */
export function batchBlockOf(batchId: string, seq: number): string {
  return `${batchId}:${Math.floor(seq / itemsPerBlock)}`;
}

interface StartedPayout {
  result: PayoutStartResult;
  block: string | null;
}

/** After the namespace refused PayoutBatchBlock, starts leave it out this long before offering it again. */
const blockRefusalMemoryMs = 10 * 60_000;

/**
 * Whether this worker's namespace takes PayoutBatchBlock, learnt from the server's refusal: refused starts (the
 * starts sent together with the first, at most `startsAtOnce`) and one warning per ten minutes instead of one
 * per payout, and a namespace registered later is noticed.
 */
class BlockAttributeSupport {
  private refusedAtMs: number | undefined;

  /** The block to start a payout with: none while a refusal is recent. */
  offer(block: string | null): string | null {
    return this.refusedRecently() ? null : block;
  }

  noteRefusal(workflowId: string): void {
    if (!this.refusedRecently()) {
      log.warn('the namespace has no PayoutBatchBlock search attribute; register it (docs/DEPLOYMENT.md)', {
        workflowId,
      });
    }
    this.refusedAtMs = Date.now();
  }

  private refusedRecently(): boolean {
    return this.refusedAtMs !== undefined && Date.now() - this.refusedAtMs < blockRefusalMemoryMs;
  }
}

/** What every start of one activity shares. */
interface StartContext {
  client: Client;
  workflowType: PayoutStartsInput['workflowType'];
  /** When the activity was first scheduled: a payout of this batch started since then is an earlier attempt's. */
  scheduledAtMs: number;
  blockAttribute: BlockAttributeSupport;
}

export function createBatchStartActivities() {
  const blockAttribute = new BlockAttributeSupport();
  const startContext = (workflowType: PayoutStartsInput['workflowType']): StartContext => {
    // The worker's own client: the native connection, and the codec that encrypts the card in each input.
    const { client, info } = Context.current();
    return { client, workflowType, scheduledAtMs: info.scheduledTimestampMs, blockAttribute };
  };
  return {
    async startBatchPayouts({ workflowType, orders }: PayoutStartsInput): Promise<PayoutStartResult[]> {
      const context = startContext(workflowType);
      const started = await mapLimit(orders, startsAtOnce, (order) => startPayout(context, order));
      return started.map(({ result }) => result);
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
      const context = startContext(workflowType);
      const started = await mapLimit(orders, startsAtOnce, (order) => startPayout(context, order));
      // Every id the batch has in flight, these included; a taken id's outcome is not ours, and the batch drops it.
      const blocks = { ...collect.blocks };
      orders.forEach(({ workflowId }, index) => {
        const block = started[index]?.block;
        if (block) blocks[workflowId] = block;
      });
      const outcomes = await collectOutcomes(context.client, batchId, { ...collect, blocks });
      return {
        starts: started.map(({ result }) => result),
        blocks: started.map(({ block }) => block),
        outcomes,
      };
    },
  };
}

async function startPayout(context: StartContext, order: PayoutStartOrder): Promise<StartedPayout> {
  const { workflowId, input } = order;
  const { request, batchItem } = input;
  const block = request.batchId !== undefined && batchItem ? batchBlockOf(request.batchId, batchItem.seq) : null;
  try {
    return { result: 'started', block: await startInBlock(context, order, context.blockAttribute.offer(block)) };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await context.client.workflow.getHandle(workflowId).describe();
    const attributes = existing.typedSearchAttributes;
    const sameBatch = request.batchId !== undefined && attributes.get(batchIdSearchAttribute) === request.batchId;
    return sameBatch && existing.startTime.getTime() >= context.scheduledAtMs
      ? { result: 'ours already', block: attributes.get(payoutBatchBlockSearchAttribute) ?? null }
      : { result: 'id taken', block: null };
  }
}

/** Starts the payout in its block; returns the block it carries, null when the namespace lacks the attribute. */
async function startInBlock(
  context: StartContext,
  order: PayoutStartOrder,
  block: string | null,
): Promise<string | null> {
  try {
    await start(context, order, block);
    return block;
  } catch (error) {
    if (block === null || !refusesBlockAttribute(error)) throw error;
    // A namespace upgraded without registering the attribute: the payout is listed by BatchId instead.
    context.blockAttribute.noteRefusal(order.workflowId);
    await start(context, order, null);
    return null;
  }
}

async function start(
  { client, workflowType }: StartContext,
  { workflowId, taskQueue, input, memo }: PayoutStartOrder,
  block: string | null,
): Promise<void> {
  const { request } = input;
  await client.workflow.start(workflowType, {
    workflowId,
    taskQueue,
    args: [input],
    // A payoutId already used, even by a closed payout, is never started again.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo,
    staticSummary: payoutSummary(request),
    typedSearchAttributes: [
      ...payoutSearchAttributePairs(request),
      ...(block === null ? [] : [{ key: payoutBatchBlockSearchAttribute, value: block }]),
    ],
  });
}

/** The server's refusal of an unregistered search attribute ("… has no mapping defined for search attribute PayoutBatchBlock"). */
function refusesBlockAttribute(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.message.includes(payoutBatchBlockSearchAttribute.name)) return true;
  }
  return false;
}

export type BatchStartActivities = ReturnType<typeof createBatchStartActivities>;
