/**
 * How a payout tells the world where it stands: its status (query, search attribute, UI details), its
 * outcome, the parent batch (outcome, then revisions, in order) and the merchant (each new terminal status once).
 */
import {
  ActivityFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FailureClass, PayoutOutcome, PayoutStatus, TerminalStatus } from '../../domain/payout-outcome.js';
import { payoutOutcomeMemoKey } from '../../domain/memo-keys.js';
import { isTerminal } from '../../domain/payout-statuses.js';
import { payoutSummary } from '../../domain/payout-summary.js';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { countPayoutOutcome } from '../../metrics/workflow-metrics.js';
import { payoutNotification } from '../../notifications/events.js';
import {
  payoutDeclineCodeSearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutStatusSearchAttribute,
} from '../definitions.js';
import { deliverInBackground } from '../notification/workflow.js';
import { payoutFinishedSignal, payoutRevisedSignal, type RecordedEvent } from './definitions.js';
import { batchOutcomes } from './activities.js';
import { applicationFailure } from './failures.js';
import { type OutcomeFields, outcomeOf, type PayoutState, recordEvent } from './state.js';
import { changeApplies, isMarkerPayout } from './changes.js';

export function setStatus(
  state: PayoutState,
  status: PayoutStatus,
  details: string,
  alsoSearchable: SearchAttributeUpdatePair[] = [],
): void {
  state.view.status = status;
  // PayoutWorkflowV2 and V3 write their status to visibility at the start and at each final status only: every
  // upsert is a history event and a visibility write, and the steps between are in the UI's details and the query.
  if (isMarkerPayout() || status === 'validating' || isTerminal(status)) {
    upsertSearchAttributes([{ key: payoutStatusSearchAttribute, value: status }, ...alsoSearchable]);
  }
  setCurrentDetails(`**${status}**: ${details}`);
}

/**
 * What ops are told about a finished payout, searchable: the provider's reference and a decline's code (never
 * card data). Set with the final status, in its upsert; histories from before wrote the status alone.
 */
export function searchableOutcome(outcome: PayoutOutcome): SearchAttributeUpdatePair[] {
  const pairs: SearchAttributeUpdatePair[] = [];
  if (outcome.reference) pairs.push({ key: payoutProviderReferenceSearchAttribute, value: outcome.reference });
  if (outcome.status === 'declined' && outcome.code)
    pairs.push({ key: payoutDeclineCodeSearchAttribute, value: outcome.code });
  return pairs.length > 0 && changeApplies('searchable-reference') ? pairs : [];
}

export function record(state: PayoutState, event: Omit<RecordedEvent, 'receivedAt'>): void {
  recordEvent(state, event, new Date().toISOString());
}

/** Tells the merchant's backend about each new terminal status, once; runs beside the workflow, never before it. */
export function notifyMerchant(state: PayoutState, outcome: PayoutOutcome, settledBy?: string): void {
  if (!state.merchantNotifications || !changeApplies('merchant-notifications')) return;
  const notification = payoutNotification(outcome, {
    occurredAt: new Date().toISOString(),
    ...(state.request.batchId ? { batchId: state.request.batchId } : {}),
    ...(settledBy ? { settledBy } : {}),
  });
  if (state.notified.has(notification.id)) return;
  state.notified.add(notification.id);
  state.notifications.push(deliverInBackground(notification));
}

export function finish(state: PayoutState, status: TerminalStatus, fields: OutcomeFields = {}): PayoutOutcome {
  const outcome = outcomeOf(state, status, fields, new Date().toISOString());
  state.view.outcome = outcome;
  countPayoutOutcome(outcome);
  setStatus(state, status, fields.message ?? fields.code ?? payoutSummary(state.request), searchableOutcome(outcome));
  // A batch learns each outcome from its payouts, so it never waits for their late-event window.
  const batchWorkflowId = batchWorkflowIdOf(state);
  if (batchWorkflowId) {
    if (state.input.batchItem?.outcomeBy === 'memo') {
      // The batch collects it from here with a group of others: no message, no event in the batch per payout.
      // Set once: a later change reaches the batch as a revision (reviseBatch), which moves the item from this
      // status; a memo rewritten too could be collected as the new status and then moved a second time.
      upsertMemo({ [payoutOutcomeMemoKey]: outcome });
    } else {
      // No run id: after continue-as-new the batch's current run must get it. Not cancellable: a payout
      // cancelled from the UI still tells its batch.
      state.parentNotified = CancellationScope.nonCancellable(() => tellBatch(state, batchWorkflowId, outcome))
        // The batch may have been closed by an operator; the payout's own outcome stands regardless.
        .catch((error: unknown) => log.warn('could not notify the parent batch', { error: String(error) }));
    }
    state.reportedToBatch = status;
  }
  notifyMerchant(state, outcome);
  return outcome;
}

/** The batch this payout belongs to: named in its input when the batch started it by activity, else its parent. */
function batchWorkflowIdOf(state: PayoutState): string | undefined {
  return state.input.batchItem?.batchWorkflowId ?? workflowInfo().parent?.workflowId;
}

/** How the batch asked to hear the outcome (payout/definitions.ts, `outcomeBy`). */
async function tellBatch(state: PayoutState, batchWorkflowId: string, outcome: PayoutOutcome): Promise<void> {
  if (state.input.batchItem?.outcomeBy === 'local-activity') {
    await batchOutcomes.tellBatchOutcome({ batchWorkflowId, outcome });
  } else {
    await getExternalWorkflowHandle(batchWorkflowId).signal(payoutFinishedSignal, outcome);
  }
}

/**
 * Tells the batch that a finished outcome changed (settled, or contradicted into review), after its earlier
 * signals: the batch moves the item between its counts and replaces the report row. A batch that has closed
 * refuses the signal; the item's page then keeps the row and the change to the batch's totals.
 */
export function reviseBatch(state: PayoutState, outcome: PayoutOutcome): void {
  const batchWorkflowId = batchWorkflowIdOf(state);
  const { batchItem } = state.input;
  const reported = state.reportedToBatch;
  if (!batchWorkflowId || !batchItem || reported === undefined || reported === outcome.status) return;
  if (!changeApplies('revisions-reach-batch')) return;
  const revision = { seq: batchItem.seq, previous: reported, outcome };
  state.reportedToBatch = outcome.status;
  const earlier = state.parentNotified ?? Promise.resolve();
  state.parentNotified = earlier.then(() =>
    CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(batchWorkflowId)
        .signal(payoutRevisedSignal, revision)
        .catch(() => getExternalWorkflowHandle(batchItem.pageWorkflowId).signal(payoutRevisedSignal, revision))
        .catch((error: unknown) => log.warn('could not revise the batch', { error: String(error) })),
    ),
  );
}

/** An error no rule classifies ends the payout in review, naming the step and the error, before anything was sent. */
export function unclassifiedFailure(state: PayoutState, error: unknown, step: string): PayoutOutcome {
  const failure = applicationFailure(error);
  const cause = error instanceof ActivityFailure && error.cause ? error.cause.message : undefined;
  const detail = failure?.message ?? cause ?? (error instanceof Error ? error.message : String(error));
  return finish(state, 'needs_review', { message: `${step} failed and nothing was sent: ${detail}` });
}

/**
 * A decline's class from the provider's code table: 3028 or account_limit_exceeded is our balance (systemic,
 * counted by a batch's breaker), not the card. Histories from before the table reached callbacks said declined.
 */
export function declineClass(failureClass: FailureClass | undefined): FailureClass {
  return failureClass && failureClass !== 'declined' && changeApplies('classify-decline-codes')
    ? failureClass
    : 'declined';
}

/** Sends a finished payout to review: its outcome stays readable, the reason says what contradicts it. */
export function review(state: PayoutState, reason: string): void {
  const { view } = state;
  view.reviewReason = reason;
  view.reviewKind = 'contradiction';
  if (view.outcome) {
    if (view.outcome.status !== 'needs_review') countPayoutOutcome({ ...view.outcome, status: 'needs_review' });
    view.outcome = { ...view.outcome, status: 'needs_review', message: reason };
    setStatus(state, 'needs_review', reason);
    notifyMerchant(state, view.outcome);
    reviseBatch(state, view.outcome);
  } else {
    finish(state, 'needs_review', { message: reason });
  }
}
