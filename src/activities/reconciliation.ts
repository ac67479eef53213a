/**
 * Reconciliation's activities: find the payouts in review (visibility) and ask each to settle (the `settle`
 * update): the payout looks its status up at its provider itself, so this run hands it no answer to trust.
 * Status lookups only: nothing is ever submitted again.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { payoutIdOfKey } from '../domain/payout-outcome.js';
import { payoutIdSchema, providerNameSchema, type ProviderName } from '../domain/payout-request.js';
import { payoutStatusQuery, payoutWorkflowTypeTerm, settlePayoutUpdate } from '../workflows/definitions.js';
import type { PayoutReconciliation } from '../workflows/reconciliation/definitions.js';

export type { PayoutReconciliation } from '../workflows/reconciliation/definitions.js';

export interface ReviewQuery {
  provider?: ProviderName;
  /** ISO date-time: only payouts started at or after it. */
  since?: string;
  /** Only the payouts of this batch. */
  batchId?: string;
}

/**
 * Payouts that can still be settled: open PayoutWorkflows whose PayoutStatus is `needs_review`. A payout
 * that reached an outcome, or whose workflow closed, is out of reach of the `settle` update.
 */
export function reviewVisibilityQuery({ provider, since, batchId }: ReviewQuery): string {
  return [
    payoutWorkflowTypeTerm,
    `ExecutionStatus = 'Running'`,
    `PayoutStatus = 'needs_review'`,
    // Each value is checked against its schema first: nothing from free text reaches the query.
    ...(provider ? [`PayoutProvider = '${providerNameSchema.parse(provider)}'`] : []),
    ...(since ? [`StartTime >= '${new Date(since).toISOString()}'`] : []),
    ...(batchId ? [`BatchId = '${payoutIdSchema.parse(batchId)}'`] : []),
  ].join(' AND ');
}

export interface PayoutInReview {
  workflowId: string;
  payoutId: string;
}

export interface ReconciliationActivityDeps {
  /** The worker's own client (the activity context's) by default. */
  client?: Client;
}

export function createReconciliationActivities(deps: ReconciliationActivityDeps) {
  const temporal = () => deps.client ?? Context.current().client;
  return {
    async findPayoutsInReview(input: ReviewQuery & { limit: number }): Promise<{
      payouts: PayoutInReview[];
      truncated: boolean;
    }> {
      let query: string;
      try {
        query = reviewVisibilityQuery(input);
      } catch (error) {
        // A bad filter stays bad: fail the run at once instead of retrying.
        throw ApplicationFailure.nonRetryable(`invalid reconciliation filter: ${String(error)}`, 'InvalidFilter');
      }
      const payouts: PayoutInReview[] = [];
      for await (const execution of temporal().workflow.list({ query })) {
        if (payouts.length === input.limit) return { payouts, truncated: true };
        payouts.push({
          workflowId: execution.workflowId,
          payoutId: payoutIdOfKey(execution.workflowId.replace(/^payout-/, '')),
        });
      }
      return { payouts, truncated: false };
    },

    async reconcilePayout({ workflowId, by }: { workflowId: string; by: string }): Promise<PayoutReconciliation> {
      const handle = temporal().workflow.getHandle(workflowId);
      const view = await handle.query(payoutStatusQuery);
      const about = { payoutId: view.payoutId, workflowId, provider: view.provider };
      if (view.status !== 'needs_review') {
        // A retry after this run's own update went through is still reported as the settlement it was.
        const ours = view.settlement?.by === by;
        return {
          ...about,
          result: ours ? 'settled' : 'skipped',
          status: view.status,
          ...(ours ? {} : { reason: 'no longer in review' }),
        };
      }
      try {
        const answer = await handle.executeUpdate(settlePayoutUpdate, {
          args: [{ checkedAt: new Date().toISOString(), by }],
        });
        return {
          ...about,
          result: answer.result,
          status: answer.status,
          ...(answer.evidence ? { evidence: answer.evidence } : {}),
          ...(answer.reason ? { reason: answer.reason } : {}),
        };
      } catch (error) {
        // The validator refuses a payout that left review between the query and the update.
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        return {
          ...about,
          result: 'skipped',
          status: view.status,
          reason: error.cause?.message ?? error.message,
        };
      }
    },
  };
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;
