/**
 * Which of the payout's recorded changes a run takes. PayoutWorkflow asks `patched()` for each, so its
 * histories keep replaying on the branch they took; it is kept until its runs drain. PayoutWorkflowV2 was
 * written after all of them: it takes every change and records no marker (nor the TemporalChangeVersion
 * search attribute each marker adds), two to four events fewer per payout. PayoutWorkflowV3 takes them too,
 * and validates in its submission activity where nothing comes between the two (payout/workflow.ts).
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { firstPayoutWorkflowType } from '../definitions.js';

export type PayoutChange =
  | 'prepare-payout'
  | 'outcome-for-every-failure'
  | 'verify-duplicates'
  | 'settle-asks-provider'
  | 'check-event-key-first'
  | 'verify-provider-claims'
  | 'confirm-callback-declines'
  | 'clarification-waits-for-window'
  | 'needs-review-awaits-settlement'
  | 'searchable-reference'
  | 'merchant-notifications'
  | 'revisions-reach-batch'
  | 'classify-decline-codes';

/** Whether this run is of the first type, which still answers each change by its marker. */
export function isMarkerPayout(): boolean {
  return workflowInfo().workflowType === firstPayoutWorkflowType;
}

export function changeApplies(change: PayoutChange): boolean {
  return isMarkerPayout() ? patched(change) : true;
}
