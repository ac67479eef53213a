/**
 * ReconciliationWorkflow's contract: its input and result, what it reports per payout, and the id of the
 * Schedule that runs it per provider. The client and the activities import this, never the workflow itself.
 */
import type { PayoutStatus } from '../../domain/payout-outcome.js';
import type { ProviderName } from '../../domain/payout-request.js';
import type { RecordedEvent } from '../definitions.js';

export interface PayoutReconciliation {
  payoutId: string;
  workflowId: string;
  provider: ProviderName;
  /** skipped: no longer in review (settled meanwhile, or by this run before a retry). */
  result: 'settled' | 'unchanged' | 'contradiction' | 'skipped';
  /** The payout's status after this run. */
  status: PayoutStatus;
  /** What the provider said (its state, code and message). */
  evidence?: Pick<RecordedEvent, 'state' | 'code' | 'message'>;
  reason?: string;
}

export interface ReconciliationInput {
  /** All providers when unset. */
  provider?: ProviderName;
  /** ISO date-time: only payouts started at or after it. */
  since?: string;
  /** Only the payouts of this batch. */
  batchId?: string;
  /** At most this many payouts per run (the rest wait for the next run). */
  limit?: number;
}

export interface ReconciliationResult {
  provider?: ProviderName;
  since?: string;
  checked: number;
  /** More payouts were in review than `limit`. */
  truncated: boolean;
  counts: Record<PayoutReconciliation['result'] | 'failed', number>;
  payouts: Array<PayoutReconciliation | { payoutId: string; workflowId: string; result: 'failed'; reason: string }>;
}

export const reconciliationScheduleId = (provider: ProviderName) => `reconciliation-${provider}`;

/** The workflow's signature, for typed starts by name (`ReconciliationWorkflow`). */
export type ReconciliationWorkflowType = (input?: ReconciliationInput) => Promise<ReconciliationResult>;
