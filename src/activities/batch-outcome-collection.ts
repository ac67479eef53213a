/**
 * How a batch collects the outcomes of the payouts it has in flight: each payout started with outcomeBy 'memo'
 * leaves its outcome in its memo with its final status, and one visibility listing reads the memos of many
 * payouts at once. The batch hears a group of outcomes per activity instead of one signal (one event) per payout.
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { payoutOutcomeMemoKey } from '../domain/memo-keys.js';
import { type PayoutOutcome, payoutOutcomeSchema } from '../domain/payout-outcome.js';
import { terminalStatuses } from '../domain/payout-statuses.js';
import { quoteQueryValue } from '../domain/visibility-query.js';
import { batchIdSearchAttribute, payoutStatusSearchAttribute } from '../workflows/definitions.js';

export interface OutcomeCollection {
  /** The payouts' workflow ids (each attempt's own). */
  workflowIds: string[];
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
  { workflowIds, atLeast, settleMs, maxWaitMs }: OutcomeCollection,
): Promise<PayoutOutcome[]> {
  const found = new Map<string, PayoutOutcome>();
  const startedAt = Date.now();
  let firstFoundAt: number | undefined;
  let pauseMs = shortestPauseMs;
  for (;;) {
    const foundBefore = found.size;
    const pending = workflowIds.filter((id) => !found.has(id));
    for (let from = 0; from < pending.length; from += idsPerListing) {
      for (const [id, outcome] of await listOutcomes(client, batchId, pending.slice(from, from + idsPerListing))) {
        found.set(id, outcome);
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

async function listOutcomes(
  client: Client,
  batchId: string,
  workflowIds: string[],
): Promise<Map<string, PayoutOutcome>> {
  const outcomes = new Map<string, PayoutOutcome>();
  // Only payouts with their final status: the others' memos are not decrypted for nothing.
  const query = [
    `${batchIdSearchAttribute.name} = ${quoteQueryValue(batchId)}`,
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
