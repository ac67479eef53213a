/**
 * BatchPageWorkflow (id `batch-<batchId>-page-<n>`): one page of a batch, held by Temporal. It is the claim
 * check: the client starts it with up to a few hundred validated items, the batch reads them through an
 * activity (a query), and it gathers the page's report rows as the batch finishes items (one per item and
 * attempt: a retry of a declined item adds its row next to the earlier one). Once its items are all started
 * it continues as new without them, so the run holding card numbers closes and ages out with the namespace
 * retention; the rows stay readable until the report's retention ends.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  type BatchClosed,
  batchClosedSignal,
  type BatchPageInput,
  pageItemsDoneSignal,
  pageItemsQuery,
  pageRowsQuery,
  pageRevisionsQuery,
  pageRowsSignal,
  type BatchTotals,
  type ReportRow,
} from './definitions.js';
import { emptyCounts, hasRevisions, moveItem } from './progress.js';
import { compareRows, rowForUnstarted, rowFromOutcome, rowKey } from './report.js';
import { payoutRevisedSignal } from '../definitions.js';

/** A page whose batch never closes it (terminated by hand) still ends. */
const defaultMaxLifetimeMs = 90 * 24 * 3_600_000;

export async function BatchPageWorkflow(input: BatchPageInput): Promise<number> {
  const createdAt = input.createdAt ?? new Date().toISOString();
  const maxLifetimeMs = input.maxLifetimeMs ?? defaultMaxLifetimeMs;
  const endOfLife = Date.parse(createdAt) + maxLifetimeMs;
  const rows = new Map<string, ReportRow>((input.rows ?? []).map((row) => [rowKey(row), row]));
  const items = input.items;
  let itemsDone = false;
  let closed: BatchClosed | undefined = input.closed;
  let revisions: BatchTotals = input.revisions ?? { counts: emptyCounts(), succeededAmounts: {} };

  setHandler(pageItemsQuery, () => {
    if (!items) throw new Error(`page ${input.page} of batch ${input.batchId} no longer holds its items`);
    return items;
  });
  setHandler(pageRowsQuery, () => [...rows.values()].sort(compareRows));
  setHandler(pageRowsSignal, (incoming) => {
    for (const row of incoming) rows.set(rowKey(row), row);
  });
  setHandler(pageRevisionsQuery, () => revisions);
  /**
   * An item's outcome changed after its batch closed: its row is replaced, and the item moves from the status
   * its row (what the batch counted) had, unless a later attempt of the item has replaced it.
   */
  setHandler(payoutRevisedSignal, ({ seq, outcome }) => {
    const row = rowFromOutcome(seq, outcome);
    const counted = rows.get(rowKey(row));
    const replaced = [...rows.values()].some((kept) => kept.seq === seq && (kept.attempt ?? 0) > (row.attempt ?? 0));
    rows.set(rowKey(row), row);
    if (counted && !replaced) moveItem(revisions, counted.status, outcome);
  });
  setHandler(pageItemsDoneSignal, () => {
    itemsDone = true;
  });
  setHandler(batchClosedSignal, (closing) => {
    if (items && closing.cancelReason !== undefined) {
      const message = `batch cancelled before this payout started: ${closing.cancelReason}`;
      const reported = new Set([...rows.values()].map((row) => row.seq));
      for (const item of items) {
        if (!reported.has(item.seq)) rows.set(rowKey({ seq: item.seq }), rowForUnstarted(item, 'cancelled', message));
      }
    }
    closed = closing;
    // A batch closing again (a retry) started from the totals with these revisions added, and counted them.
    revisions = { counts: emptyCounts(), succeededAmounts: {} };
  });

  if (items) {
    await condition(() => itemsDone || closed !== undefined, Math.max(0, endOfLife - Date.now()));
    await condition(allHandlersFinished);
    return await continueAsNew<typeof BatchPageWorkflow>({
      batchId: input.batchId,
      page: input.page,
      rows: [...rows.values()],
      ...(closed ? { closed } : {}),
      ...(hasRevisions(revisions) ? { revisions } : {}),
      maxLifetimeMs,
      createdAt,
    });
  }

  // Rows only: kept until the report's retention ends; a later close may move that date.
  for (;;) {
    const until = closed ? Date.parse(closed.keepUntil) : endOfLife;
    const waitMs = until - Date.now();
    if (waitMs <= 0) break;
    const seen = closed;
    await condition(() => closed !== seen, waitMs);
  }
  await condition(allHandlersFinished);
  return rows.size;
}
