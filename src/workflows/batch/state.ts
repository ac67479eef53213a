/**
 * One batch run's state in one typed object: what travels through continue-as-new (`state`, the rows not yet
 * handed to their pages) and what lives for this run only (the page read, poll timing, the change counter the
 * waits watch). The transitions here are pure: times come in as arguments, logging stays with the callers.
 */
import { idempotencyKeyFor } from '../../domain/idempotency-key.js';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import type { BatchReportFile } from '../../activities/batch.js';
import type { PayoutRevision } from '../definitions.js';
import type {
  BatchControlRequest,
  BatchItem,
  BatchOptions,
  BatchProgress,
  BatchRunState,
  BatchWorkflowInput,
  PauseState,
  ReportRow,
  RetryPlan,
} from './definitions.js';
import { withBatchDefaults } from './definitions.js';
import { approvalGate } from './gates.js';
import { applyOutcome, initialState, moveItem, progressView } from './progress.js';
import { rowFromOutcome } from './report.js';
import { retryInfo, retryInitialState } from './retry.js';

/** Children started by an earlier run signal that (closed) run: their outcomes are asked for, backing off. */
export const firstPollMs = 2_000;
export const maxPollMs = 5 * 60_000;

export interface BatchRun {
  readonly input: BatchWorkflowInput;
  readonly options: BatchOptions;
  /** Travels with continue-as-new. */
  readonly state: BatchRunState;
  /** Finished rows not yet handed to their pages; travel with continue-as-new. */
  rows: ReportRow[];
  /** Children started by an earlier run (or an attempt found already started): asked for by query. */
  readonly carried: Set<string>;
  pollDelayMs: number;
  nextPollAt: number;
  nextSweepAt: number;
  /** The page read last, and the retry plan made last: each read once per run. */
  page?: { index: number; items: BatchItem[] };
  retryPage?: { index: number; plan: RetryPlan };
  cancelSentToChildren: boolean;
  finishing: boolean;
  report?: BatchReportFile;
  /** Grows with every change a wait may be watching for. */
  changes: number;
  /** An approval decision is reading its caller's identity: a second one is refused until it is done. */
  deciding: boolean;
}

/** A run from its input: the state it was handed, or a first (or retry) run's initial state. */
export function createBatchRun(input: BatchWorkflowInput, nowMs: number): BatchRun {
  const startedAt = new Date(nowMs).toISOString();
  const state = input.state ?? (input.retry ? retryInitialState(input.retry, startedAt) : initialState(startedAt));
  const options = withBatchDefaults(input.options);
  return {
    input,
    options,
    state,
    rows: input.rows ?? [],
    carried: new Set(state.inFlight.map((item) => item.payoutId)),
    pollDelayMs: firstPollMs,
    nextPollAt: nowMs + firstPollMs,
    nextSweepAt: nowMs + options.inFlightCheckMs,
    cancelSentToChildren: false,
    finishing: false,
    changes: 0,
    deciding: false,
  };
}

export function progressOf(run: BatchRun): BatchProgress {
  const { input, state, finishing, report } = run;
  return {
    ...progressView({ ...input, ...approvalGate(input, state) }, state, { finishing, ...(report ? { report } : {}) }),
    ...retryInfo(input.retry, state),
  };
}

/** The key, and so the workflow (`payout-<key>`), of an item's attempt in flight. */
export function attemptKeyOf(run: BatchRun, payoutId: string): string {
  return idempotencyKeyFor(payoutId, run.state.inFlight.find((item) => item.payoutId === payoutId)?.attempt ?? 1);
}

/** Every child signals the batch's current run, whichever run started it. */
export function childrenReported(run: BatchRun): boolean {
  return run.state.inFlight.length === 0;
}

/** Counts a child's outcome once; returns the pause it tripped, if it tripped the circuit breaker. */
export function recordOutcome(run: BatchRun, outcome: PayoutOutcome, at: string): PauseState | undefined {
  const { state } = run;
  const entry = state.inFlight.find((item) => item.payoutId === outcome.payoutId);
  if (!entry) return undefined;
  // A retry run waits for the attempt it started; news of an earlier attempt is not that.
  if (entry.attempt !== undefined && outcome.attempt !== entry.attempt) return undefined;
  const effect = applyOutcome(state, outcome, run.options.stopAfterConsecutiveSystemicFailures, at);
  run.rows.push(rowFromOutcome(entry.seq, outcome));
  run.carried.delete(outcome.payoutId);
  run.changes++;
  return effect.tripped;
}

/**
 * A child's outcome changed after it was counted (settled from review, contradicted into review): the item
 * moves from the status it was counted under to the new one, and its report row is replaced. A child sends
 * its signals in order, so `previous` is what this batch counted (or the outcome a query found, which
 * followed the signal); a child still in flight counts the revision as its outcome.
 */
export function recordRevision(run: BatchRun, revision: PayoutRevision, at: string): PauseState | undefined {
  const { outcome } = revision;
  const entry = run.state.inFlight.find((item) => item.payoutId === outcome.payoutId);
  if (entry && (entry.attempt ?? 1) === outcome.attempt) return recordOutcome(run, outcome, at);
  // An earlier attempt than the one in flight: only its row changes; the item counts by its newest attempt.
  if (!entry) moveItem(run.state, revision.previous, outcome);
  run.rows.push(rowFromOutcome(revision.seq, outcome));
  run.changes++;
  return undefined;
}

export function pause(run: BatchRun, { reason }: BatchControlRequest, at: string): void {
  run.state.paused = { reason: reason ?? 'paused by an operator', by: 'operator', since: at };
  run.changes++;
}

/** A resume also resets the breaker's count and asks for the balances to be checked again. */
export function resume(run: BatchRun, { reason }: BatchControlRequest, at: string): void {
  delete run.state.paused;
  // No command: recording the reason replays on every history.
  run.state.resumed = { reason: reason ?? 'resumed by an operator', at };
  run.state.consecutiveSystemicFailures = 0;
  run.state.balanceChecked = false;
  run.changes++;
}

export function cancel(run: BatchRun, { reason }: BatchControlRequest, at: string): void {
  run.state.cancelled = { reason: reason ?? 'cancelled by an operator', at };
  run.changes++;
}

/** The refusal of a control update once the batch is cancelled or closing. */
export function refuseWhenClosed(run: BatchRun): void {
  const { batchId } = run.input;
  if (run.state.cancelled) throw new Error(`batch ${batchId} was cancelled: ${run.state.cancelled.reason}`);
  if (run.finishing) throw new Error(`batch ${batchId} has finished all its items`);
}

/** A system pause (an unreadable page, a retry plan that failed, a page out of order) with its reason. */
export function pauseBySystem(run: BatchRun, reason: string, at: string): void {
  run.state.paused = { reason, by: 'system', since: at };
}
