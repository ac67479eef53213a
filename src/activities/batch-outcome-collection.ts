/**
 * How a batch collects the outcomes of the payouts it has in flight: each payout started with outcomeBy 'memo'
 * leaves its outcome in its memo with its final status, and one visibility listing reads the memos of many
 * payouts at once. The batch hears a group of outcomes per activity instead of one signal (one event) per payout.
 *
 * A listing names the payouts' block (PayoutBatchBlock, a hundred items) rather than their batch: visibility
 * reads its rows through the index of the attribute the query names by equality, and on the dev server's SQLite,
 * where a listing by BatchId read every row of the batch (docs/PERFORMANCE.md), a block's are a hundred. Payouts
 * started without a block are listed by BatchId, as before.
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { payoutOutcomeMemoKey } from '../domain/memo-keys.js';
import { type PayoutOutcome, payoutOutcomeSchema } from '../domain/payout-outcome.js';
import { terminalStatuses } from '../domain/payout-statuses.js';
import { quoteQueryValue } from '../domain/visibility-query.js';
import {
  batchIdSearchAttribute,
  payoutBatchBlockSearchAttribute,
  payoutStatusSearchAttribute,
} from '../workflows/definitions.js';

export interface OutcomeCollection {
  /** The payouts' workflow ids (each attempt's own). */
  workflowIds: string[];
  /** The block each payout carries, by workflow id; a payout absent here has none (started before blocks). */
  blocks?: Record<string, string>;
  /** Return once this many outcomes are in (the batch's next group of starts). */
  atLeast: number;
  /** With fewer than `atLeast`, return this long after the first outcome came in, or after `maxWaitMs`. */
  settleMs: number;
  maxWaitMs: number;
}

/** Ids per listing: a visibility query names each one. */
const idsPerListing = 100;
/** Between listings: quick while outcomes keep coming (each slot waits for it), slower while none do. */
const shortestPauseMs = 100;
const longestPauseMs = 2_000;

/** Outcomes of the given payouts of this batch that have one; the rest are left for a later collection. */
export async function collectOutcomes(
  client: Client,
  batchId: string,
  { workflowIds, blocks = {}, atLeast, settleMs, maxWaitMs }: OutcomeCollection,
): Promise<PayoutOutcome[]> {
  const found = new Map<string, PayoutOutcome>();
  const startedAt = Date.now();
  let firstFoundAt: number | undefined;
  let pauseMs = shortestPauseMs;
  for (;;) {
    const foundBefore = found.size;
    const pending = workflowIds.filter((id) => !found.has(id));
    for (const [block, ids] of byBlock(pending, blocks)) {
      for (let from = 0; from < ids.length; from += idsPerListing) {
        const listing = { batchId, block, workflowIds: ids.slice(from, from + idsPerListing) };
        for (const [id, outcome] of await listOutcomes(client, listing)) found.set(id, outcome);
      }
    }
    heartbeat({ collected: found.size });
    const now = Date.now();
    if (found.size > 0) firstFoundAt ??= now;
    if (found.size === workflowIds.length || found.size >= atLeast) break;
    if (firstFoundAt !== undefined && now - firstFoundAt >= settleMs) break;
    if (now - startedAt >= maxWaitMs) break;
    // Cancelled with the batch's step: the memos stay, and the next collection reads them.
    pauseMs = found.size > foundBefore ? shortestPauseMs : Math.min(pauseMs * 2, longestPauseMs);
    await Context.current().sleep(pauseMs);
  }
  return [...found.values()];
}

/** The ids grouped by their block, in first-seen order; those without one under `undefined`. */
function byBlock(workflowIds: string[], blocks: Record<string, string>): Map<string | undefined, string[]> {
  const groups = new Map<string | undefined, string[]>();
  for (const id of workflowIds) {
    const block = blocks[id];
    const group = groups.get(block);
    if (group) group.push(id);
    else groups.set(block, [id]);
  }
  return groups;
}

interface Listing {
  batchId: string;
  /** The block every id carries, or undefined for ids started without one. */
  block: string | undefined;
  workflowIds: string[];
}

async function listOutcomes(
  client: Client,
  { batchId, block, workflowIds }: Listing,
): Promise<Map<string, PayoutOutcome>> {
  const outcomes = new Map<string, PayoutOutcome>();
  // Only payouts with their final status: the others' memos are not decrypted for nothing.
  const query = [
    block === undefined
      ? `${batchIdSearchAttribute.name} = ${quoteQueryValue(batchId)}`
      : `${payoutBatchBlockSearchAttribute.name} = ${quoteQueryValue(block)}`,
    `${payoutStatusSearchAttribute.name} IN (${terminalStatuses.map(quoteQueryValue).join(', ')})`,
    `WorkflowId IN (${workflowIds.map(quoteQueryValue).join(', ')})`,
  ].join(' AND ');
  for await (const execution of client.workflow.list({ query })) {
    // Only this batch's payouts: an id another batch or client holds is never counted here.
    if (execution.typedSearchAttributes.get(batchIdSearchAttribute) !== batchId) continue;
    const parsed = payoutOutcomeSchema.safeParse(execution.memo?.[payoutOutcomeMemoKey]);
    if (parsed.success) outcomes.set(execution.workflowId, parsed.data);
  }
  return outcomes;
}
