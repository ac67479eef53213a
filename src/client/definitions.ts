/**
 * `payouts/definitions`: the workflows' contract for services that talk to Temporal directly: workflow type
 * names and signatures (for typed handles), ids, signals, queries, updates and search-attribute keys. The
 * library's one door to the workflow definitions modules.
 * @example
 * const handle = client.workflow.getHandle<PayoutWorkflow>(payoutWorkflowId('p-1'));
 * const outcome: PayoutOutcome = await handle.result();
 */
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { BatchPageInput, BatchResult, BatchWorkflowInput } from '../workflows/batch/definitions.js';
import { payoutWorkflowType, type PayoutWorkflowInput } from '../workflows/definitions.js';

/**
 * Workflow type names, as other-language clients start them (docs/CLIENTS.md). A payout started as the older
 * `PayoutWorkflow` still runs (each change by its marker), at a few more events per payout.
 */
export const workflowTypes = {
  payout: payoutWorkflowType,
  batch: 'BatchWorkflow',
  batchPage: 'BatchPageWorkflow',
} as const;

/** PayoutWorkflow's signature: `client.workflow.getHandle<PayoutWorkflow>(id).result()` is a PayoutOutcome. */
export type PayoutWorkflow = (input: PayoutWorkflowInput) => Promise<PayoutOutcome>;
/** BatchWorkflow's signature. */
export type BatchWorkflow = (input: BatchWorkflowInput) => Promise<BatchResult>;
/** BatchPageWorkflow's signature (the batch's claim check: a page of items). */
export type BatchPageWorkflow = (input: BatchPageInput) => Promise<number>;

export {
  awaitOutcomeUpdate,
  batchIdSearchAttribute,
  cancelPayoutUpdate,
  customSearchAttributes,
  payoutAmountSearchAttribute,
  payoutAttemptWorkflowId,
  payoutCurrencySearchAttribute,
  payoutDeclineCodeSearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusQuery,
  payoutStatusSearchAttribute,
  payoutWorkflowId,
  payoutWorkflowTypes,
  payoutWorkflowTypeTerm,
  providerEventSignal,
} from '../workflows/definitions.js';
export type { CancelRequest, PayoutView, PayoutWorkflowInput } from '../workflows/definitions.js';
export {
  approveBatchUpdate,
  batchProgressQuery,
  batchWorkflowId,
  cancelBatchUpdate,
  pauseBatchUpdate,
  rejectBatchUpdate,
  resumeBatchUpdate,
} from '../workflows/batch/definitions.js';
export type {
  BatchApprovalRequest,
  BatchControlRequest,
  BatchPageInput,
  BatchProgress,
  BatchResult,
  BatchRetryInfo,
  BatchWorkflowInput,
} from '../workflows/batch/definitions.js';
export { payoutSearchAttributePairs, requestIdentityMemoKey } from '../workflows/batch/child-options.js';
