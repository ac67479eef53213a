/**
 * ReconciliationWorkflow: settles payouts whose outcome was unknown. It lists the open payouts in
 * `needs_review` (visibility), asks each one's provider for its status, and hands the answer to the payout
 * (`settle` update): a definite answer settles an unknown outcome, anything else leaves it in review with
 * the evidence recorded. It only ever looks statuses up; it never sends a payout again. Run by a Temporal
 * Schedule per provider (src/client/reconciliation.ts) and on demand by `payouts reconcile`.
 */
import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReconciliationActivities } from '../../activities/reconciliation.js';
import type { ReconciliationInput, ReconciliationResult } from './definitions.js';

const listing = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/** A provider that is down now is asked again by the next run: a few tries, then the payout is reported failed. */
const lookups = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 4 },
});

/** Lookups in flight at once: gentle on the provider, quick enough for thousands an hour. */
const parallelLookups = 10;

export async function ReconciliationWorkflow(input: ReconciliationInput = {}): Promise<ReconciliationResult> {
  const by = workflowInfo().workflowId;
  const { payouts, truncated } = await listing.findPayoutsInReview({
    ...(input.provider ? { provider: input.provider } : {}),
    ...(input.since ? { since: input.since } : {}),
    ...(input.batchId ? { batchId: input.batchId } : {}),
    limit: input.limit ?? 1_000,
  });
  const results: ReconciliationResult['payouts'] = [];
  for (let start = 0; start < payouts.length; start += parallelLookups) {
    const chunk = payouts.slice(start, start + parallelLookups);
    results.push(
      ...(await Promise.all(
        chunk.map(({ workflowId, payoutId }) =>
          lookups.reconcilePayout({ workflowId, by }).catch((error: unknown) => ({
            payoutId,
            workflowId,
            result: 'failed' as const,
            reason: error instanceof ActivityFailure && error.cause ? error.cause.message : String(error),
          })),
        ),
      )),
    );
  }
  const counts: ReconciliationResult['counts'] = { settled: 0, unchanged: 0, contradiction: 0, skipped: 0, failed: 0 };
  for (const payout of results) counts[payout.result]++;
  return {
    ...(input.provider ? { provider: input.provider } : {}),
    ...(input.since ? { since: input.since } : {}),
    checked: results.length,
    truncated,
    counts,
    payouts: results,
  };
}
