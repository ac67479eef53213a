/**
 * A payout's attempts: attempt 1 is `payout-<payoutId>`, a retry of a declined payout is
 * `payout-<payoutId>.a<n>` (started only by a batch's retry-declined). The client follows the latest.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutAttemptWorkflowId, payoutStatusQuery, type PayoutView } from '../workflows/definitions.js';

/** Attempts followed at most; nobody retries a payout this often. */
const maxAttempts = 50;

/** One earlier attempt as getPayout lists it. */
export interface AttemptSummary {
  attempt: number;
  workflowId: string;
  idempotencyKey: string;
  status: PayoutView['status'];
  reference?: string;
  code?: string;
  message?: string;
  finishedAt?: string;
}

/** The latest attempt's view, with the earlier attempts (oldest first); none for a payout never retried. */
export type PayoutAttemptsView = PayoutView & { earlierAttempts: AttemptSummary[] };

/** The highest attempt that exists (1 when the payout was never retried; attempt 1 itself is not checked). */
export async function latestAttempt(client: Client, payoutId: string): Promise<number> {
  let attempt = 1;
  while (attempt < maxAttempts) {
    try {
      await client.workflow.getHandle(payoutAttemptWorkflowId(payoutId, attempt + 1)).describe();
      attempt += 1;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return attempt;
      throw error;
    }
  }
  return attempt;
}

export function summarize(view: PayoutView): AttemptSummary {
  const outcome: PayoutOutcome | undefined = view.outcome;
  return {
    attempt: view.attempt,
    workflowId: payoutAttemptWorkflowId(view.payoutId, view.attempt),
    idempotencyKey: view.idempotencyKey,
    status: view.status,
    ...(view.reference ? { reference: view.reference } : {}),
    ...(outcome?.code ? { code: outcome.code } : {}),
    ...(outcome?.message ? { message: outcome.message } : {}),
    ...(outcome?.finishedAt ? { finishedAt: outcome.finishedAt } : {}),
  };
}

/** Earlier attempts whose workflows are still there (a closed one ages out with the namespace's retention). */
export async function earlierAttempts(client: Client, payoutId: string, latest: number): Promise<AttemptSummary[]> {
  const summaries: AttemptSummary[] = [];
  for (let attempt = 1; attempt < latest; attempt++) {
    try {
      const view = await client.workflow.getHandle(payoutAttemptWorkflowId(payoutId, attempt)).query(payoutStatusQuery);
      summaries.push(summarize(view));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return summaries;
}
