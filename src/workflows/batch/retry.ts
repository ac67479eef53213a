/**
 * Retrying a batch's declined items (`payouts batch retry-declined`), as pure rules: which report rows are
 * candidates, when a provider's answer proves an attempt can no longer pay, and how a retry run counts. The
 * workflow (window.ts) and the planning activity (activities/batch-retry.ts) share them; unit-tested. Which
 * attempts may be retried at all is decided by domain/retry-rules.ts.
 */
import type { BatchProgress, BatchRetryInput, BatchRunState, RetryPlan, RetryTally } from './definitions.js';
import { emptyCounts, initialState } from './progress.js';

export type { RetryPlan } from './definitions.js';

/** Reasons kept in the progress view; the rest are only counted (the state stays a few KB). */
export const maxSkippedSamples = 20;

/** A retry execution starts from the batch's totals; the run number goes on from the batch's last run. */
export function retryInitialState(retry: BatchRetryInput, startedAt: string): BatchRunState {
  return {
    ...initialState(startedAt),
    run: retry.runs + 1,
    counts: { ...emptyCounts(), ...retry.counts },
    succeededAmounts: { ...retry.succeededAmounts },
    notBeforePassed: true,
    retry: { retried: 0, skipped: 0, skippedSamples: [] },
  };
}

function tally(state: BatchRunState): RetryTally {
  state.retry ??= { retried: 0, skipped: 0, skippedSamples: [] };
  return state.retry;
}

/** A retried item leaves `declined` while its new attempt runs; its outcome is counted like any other. */
export function countRetryStarted(state: BatchRunState): void {
  state.counts.declined = Math.max(0, state.counts.declined - 1);
  tally(state).retried += 1;
}

/** Counts the skipped items the cursor passed (from <= seq < to), once each whatever the runs. */
export function countRetriesSkipped(state: BatchRunState, plan: RetryPlan, from: number, to: number): void {
  const retry = tally(state);
  for (const skipped of plan.skipped) {
    if (skipped.seq < from || skipped.seq >= to) continue;
    retry.skipped += 1;
    if (retry.skippedSamples.length < maxSkippedSamples) {
      retry.skippedSamples.push({ payoutId: skipped.payoutId, reason: skipped.reason });
    }
  }
}

/**
 * The retries of a page still to start (seq >= cursor), as many as the window has room for, and where the
 * cursor goes: past the page when all of them are chosen, else just after the last one chosen.
 */
export function chooseRetries(
  plan: RetryPlan,
  cursor: number,
  room: number,
  pageEnd: number,
): { chosen: RetryPlan['items']; cursor: number } {
  const waiting = plan.items.filter((item) => item.seq >= cursor && item.seq < pageEnd);
  const chosen = waiting.slice(0, Math.max(0, room));
  const last = chosen[chosen.length - 1];
  if (chosen.length === waiting.length) return { chosen, cursor: pageEnd };
  return { chosen, cursor: last ? last.seq + 1 : cursor };
}

/** The progress view (and result) of a retry execution carries its round and tally. */
export function retryInfo(retry: BatchRetryInput | undefined, state: BatchRunState): Pick<BatchProgress, 'retry'> {
  if (!retry) return {};
  // Read only: a query handler calls this.
  const { retried, skipped, skippedSamples } = state.retry ?? { retried: 0, skipped: 0, skippedSamples: [] };
  return {
    retry: {
      round: retry.round,
      ...(retry.codes && retry.codes.length > 0 ? { codes: [...retry.codes] } : {}),
      retried,
      skipped,
      skippedSamples: skippedSamples.map((sample) => ({ ...sample })),
    },
  };
}
