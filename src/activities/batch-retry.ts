/**
 * Planning a retry of a batch's declined items, one page at a time (docs/ARCHITECTURE.md, "Retrying declined
 * items"). For each item whose latest report row is `declined` (with one of the codes asked for), it finds the
 * item's last attempt, asks that attempt's workflow for its outcome and the provider for the attempt's key,
 * and reads the request back from the attempt's own input: pages forget their items once started, and the
 * request a payout was started with is the one to send again.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { mapLimit } from '../domain/concurrency.js';
import { pageRows } from '../shared/batch-report-reader.js';
import { requestIdentity } from '../domain/request-identity.js';
import { workflowInput } from '../shared/workflow-input.js';
import type { ProviderStatus } from '../domain/provider-messages.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ReportRow, RetryPlan } from '../workflows/batch/definitions.js';
import { definitelyDeclined, matchesCodes, retryCandidates } from '../domain/retry-rules.js';
import {
  payoutAttemptWorkflowId,
  payoutStatusQuery,
  type PayoutView,
  type PayoutWorkflowInput,
} from '../workflows/definitions.js';

export interface BatchRetryActivityDeps {
  providers: ProviderRegistry;
  /** CARD_FINGERPRINT_KEY: keys the retried items' request identities. */
  cardFingerprintKey: string;
  /** The worker's own client (the activity context's) by default. */
  client?: Client;
}

/** Items looked at once: each costs a few Temporal calls and one provider status request. */
const itemsAtOnce = 10;
/** Attempts of one payout followed at most (a retry per round; nobody retries a payout this often). */
const maxAttempts = 50;

type Decision = { retry: RetryPlan['items'][number] } | { skip: RetryPlan['skipped'][number] } | undefined;

export function createBatchRetryActivities(deps: BatchRetryActivityDeps) {
  const temporal = () => deps.client ?? Context.current().client;

  /** The highest attempt of a payout that exists, starting from one known to exist. */
  async function lastAttempt(payoutId: string, known: number): Promise<number> {
    let attempt = known;
    while (attempt < maxAttempts) {
      try {
        await temporal()
          .workflow.getHandle(payoutAttemptWorkflowId(payoutId, attempt + 1))
          .describe();
        attempt += 1;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return attempt;
        throw error;
      }
    }
    return attempt;
  }

  async function providerStatus(view: PayoutView): Promise<ProviderStatus> {
    const outcome = view.outcome;
    try {
      return await deps.providers.get(view.provider).getStatus({
        payoutId: view.payoutId,
        idempotencyKey: view.idempotencyKey,
        ...((outcome?.reference ?? view.reference) ? { reference: outcome?.reference ?? view.reference } : {}),
      });
    } catch (error) {
      return {
        state: 'unknown',
        reason: `status lookup failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async function decide(row: ReportRow, codes: readonly string[]): Promise<Decision> {
    const { seq, payoutId } = row;
    const skip = (reason: string): Decision => ({ skip: { seq, payoutId, reason } });
    const attempt = await lastAttempt(payoutId, row.attempt ?? 1);
    const workflowId = payoutAttemptWorkflowId(payoutId, attempt);
    let view: PayoutView;
    try {
      view = await temporal().workflow.getHandle(workflowId).query(payoutStatusQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return skip(`${workflowId} no longer exists (retention)`);
      throw error;
    }
    // A later attempt may have ended otherwise, or with another code, than the row says.
    if (view.outcome?.status === 'declined' && !matchesCodes(view.outcome.code, codes)) return undefined;
    const verdict = definitelyDeclined(view.outcome, await providerStatus(view));
    if (!verdict.ok) return skip(verdict.reason);
    const { request } = await workflowInput<PayoutWorkflowInput>(temporal(), workflowId);
    return {
      retry: { seq, request, requestIdentity: requestIdentity(request, deps.cardFingerprintKey), attempt: attempt + 1 },
    };
  }

  return {
    /** The retries of one page of a batch, and the declined items left as they are (with the reason). */
    async planBatchRetry(input: { batchId: string; page: number; codes: string[] }): Promise<RetryPlan> {
      const rows = await pageRows(temporal(), input.batchId, input.page);
      const decisions = await mapLimit(retryCandidates(rows, input.codes), itemsAtOnce, (row) =>
        decide(row, input.codes),
      );
      const plan: RetryPlan = { items: [], skipped: [] };
      for (const decision of decisions) {
        if (decision && 'retry' in decision) plan.items.push(decision.retry);
        else if (decision) plan.skipped.push(decision.skip);
      }
      plan.items.sort((a, b) => a.seq - b.seq);
      return plan;
    },
  };
}

export type BatchRetryActivities = ReturnType<typeof createBatchRetryActivities>;
