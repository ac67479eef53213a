/**
 * The arithmetic of a batch: counting outcomes, the circuit breaker and the progress view. Pure functions over
 * BatchRunState, so the rules are unit-tested without Temporal and the workflow stays short.
 */
import { formatMoney } from '../../domain/currency.js';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import {
  batchItemStatuses,
  type BatchItemStatus,
  type BatchProgress,
  type BatchRunState,
  type BatchTotals,
  type BatchWorkflowInput,
  eventHeadroom,
  type PauseState,
} from './definitions.js';
import { awaitingApproval } from './gates.js';

export function emptyCounts(): Record<BatchItemStatus, number> {
  return Object.fromEntries(batchItemStatuses.map((status) => [status, 0])) as Record<BatchItemStatus, number>;
}

export function initialState(startedAt: string): BatchRunState {
  return {
    run: 1,
    startedAt,
    cursor: 0,
    inFlight: [],
    counts: emptyCounts(),
    succeededAmounts: {},
    consecutiveSystemicFailures: 0,
    notBeforePassed: false,
  };
}

export function finishedCount(state: BatchRunState): number {
  return batchItemStatuses.reduce((sum, status) => sum + state.counts[status], 0);
}

/** A finished item that never ran as a payout (duplicate, or cancelled before it started). */
export function countUnstarted(state: BatchRunState, status: 'duplicate' | 'cancelled', howMany = 1): void {
  state.counts[status] += howMany;
}

export interface OutcomeEffect {
  /** False when the outcome was not for a payout in flight (a repeat, or not ours): nothing changed. */
  counted: boolean;
  /** Set when this outcome tripped the circuit breaker. */
  tripped?: PauseState;
}

/**
 * Counts one child's outcome once, whichever way it arrives (its signal, or a status query after a
 * continue-as-new), and trips the breaker after `threshold` systemic failures in a row.
 */
export function applyOutcome(
  state: BatchRunState,
  outcome: PayoutOutcome,
  threshold: number,
  now: string,
): OutcomeEffect {
  const index = state.inFlight.findIndex((item) => item.payoutId === outcome.payoutId);
  if (index === -1) return { counted: false };
  state.inFlight.splice(index, 1);
  state.counts[outcome.status] += 1;
  if (outcome.status === 'succeeded') {
    state.succeededAmounts[outcome.currency] = (state.succeededAmounts[outcome.currency] ?? 0) + outcome.amount;
  }
  if (outcome.failureClass !== 'systemic') {
    state.consecutiveSystemicFailures = 0;
    return { counted: true };
  }
  state.consecutiveSystemicFailures += 1;
  if (state.consecutiveSystemicFailures < threshold || state.paused || state.cancelled) return { counted: true };
  const last = [outcome.code, outcome.message].filter(Boolean).join(' ');
  const tripped: PauseState = {
    reason: `circuit breaker: ${state.consecutiveSystemicFailures} systemic failures in a row (last: ${last || 'no detail'})`,
    by: 'circuit_breaker',
    since: now,
  };
  state.paused = tripped;
  return { counted: true, tripped };
}

/**
 * Moves one item from the status it was counted under to its revised outcome (a settlement, a contradiction):
 * it stays one finished item, and the amount paid follows only its success.
 */
export function moveItem(totals: BatchTotals, previous: BatchItemStatus, outcome: PayoutOutcome): void {
  if (previous === outcome.status) return;
  totals.counts[previous] -= 1;
  totals.counts[outcome.status] += 1;
  const change =
    (outcome.status === 'succeeded' ? outcome.amount : 0) - (previous === 'succeeded' ? outcome.amount : 0);
  const paid = (totals.succeededAmounts[outcome.currency] ?? 0) + change;
  if (paid === 0) delete totals.succeededAmounts[outcome.currency];
  else totals.succeededAmounts[outcome.currency] = paid;
}

/** Whether a change to totals changes anything. */
export function hasRevisions(change: BatchTotals): boolean {
  return (
    batchItemStatuses.some((status) => change.counts[status] !== 0) || Object.keys(change.succeededAmounts).length > 0
  );
}

/** Where a batch stands; `completed` only once its report is written. */
export function batchStateOf(
  state: BatchRunState,
  finishing: boolean,
  awaitingApproval = false,
): BatchProgress['state'] {
  if (finishing) return 'finishing';
  if (state.approval && state.approval.decision !== 'approved') return 'rejected';
  if (state.cancelled) return 'cancelling';
  if (state.paused) return 'paused';
  if (!state.notBeforePassed) return 'scheduled';
  if (awaitingApproval) return 'awaiting_approval';
  return 'running';
}

export function progressView(
  input: Pick<BatchWorkflowInput, 'batchId' | 'source' | 'notBefore' | 'approval' | 'submittedBy'>,
  state: BatchRunState,
  extra: { finishing: boolean; report?: BatchProgress['report'] },
): BatchProgress {
  const total = input.source.itemCount;
  const finished = finishedCount(state);
  return {
    batchId: input.batchId,
    state: extra.report ? 'completed' : batchStateOf(state, extra.finishing, awaitingApproval(input, state)),
    total,
    started: state.cursor,
    finished,
    inFlight: state.inFlight.length,
    remaining: total - finished,
    counts: { ...state.counts },
    succeededAmounts: { ...state.succeededAmounts },
    ...(state.paused ? { paused: state.paused } : {}),
    ...(state.resumed ? { resumed: state.resumed } : {}),
    ...(state.cancelled ? { cancelled: state.cancelled } : {}),
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
    ...(input.submittedBy !== undefined ? { submittedBy: input.submittedBy } : {}),
    ...(input.approval
      ? {
          approval: {
            reason: input.approval.reason,
            ...(state.approvalDeadline ? { deadline: state.approvalDeadline } : {}),
            ...(state.approval ? { decision: { ...state.approval } } : {}),
          },
        }
      : {}),
    consecutiveSystemicFailures: state.consecutiveSystemicFailures,
    run: state.run,
    pageCount: input.source.pageCount,
    startedAt: state.startedAt,
    ...(extra.report ? { report: extra.report } : {}),
  };
}

function awaitingApprovalNote(view: BatchProgress): string {
  const approval = view.approval;
  const by = view.submittedBy === undefined ? '' : `; submitted by ${view.submittedBy}, approved by someone else`;
  return `${approval?.reason ?? ''}${by}${approval?.deadline ? `; ends unpaid at ${approval.deadline}` : ''}`;
}

export function shouldContinueAsNew(historyLength: number, maxEventsPerRun: number, concurrency: number): boolean {
  return historyLength + eventHeadroom(concurrency) >= maxEventsPerRun;
}

/** The page an item is on, and its position there. */
export function pageOf(seq: number, pageSize: number): { page: number; offset: number } {
  return { page: Math.floor(seq / pageSize), offset: seq % pageSize };
}

/** The UI's current-details line: where the batch stands, in words. */
export function progressDetails(view: BatchProgress): string {
  const counts = batchItemStatuses
    .filter((status) => view.counts[status] > 0)
    .map((status) => `${status} ${view.counts[status]}`)
    .join(', ');
  const paid = Object.entries(view.succeededAmounts)
    .map(([currency, amount]) => formatMoney(amount, currency))
    .join(' + ');
  const why =
    view.state === 'rejected' && view.cancelled
      ? ` (${view.cancelled.reason})`
      : view.cancelled
        ? ` (cancelled: ${view.cancelled.reason})`
        : view.paused
          ? ` (${view.paused.reason})`
          : view.state === 'scheduled' && view.notBefore
            ? ` (until ${view.notBefore})`
            : view.state === 'awaiting_approval' && view.approval
              ? ` (${awaitingApprovalNote(view)})`
              : '';
  return [
    `**${view.state}**${why}`,
    `${view.finished}/${view.total} finished, ${view.inFlight} in flight, run ${view.run}`,
    ...(counts ? [counts] : []),
    ...(paid ? [`paid ${paid}`] : []),
  ].join('\n\n');
}
