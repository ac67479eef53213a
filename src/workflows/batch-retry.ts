/**
 * Retrying a batch's declined items (`payouts batch retry-declined`), as pure rules: which report rows are
 * candidates, when a provider's answer proves an attempt can no longer pay, and how a retry run counts. The
 * workflow (batch.ts) and the planning activity (activities/batch-retry.ts) share them; unit-tested.
 */
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { ProviderStatus } from '../providers/contract.js';
import type {
  BatchItem,
  BatchProgress,
  BatchRetryInput,
  BatchRunState,
  ReportRow,
  RetryTally,
} from './batch-definitions.js';
import { emptyCounts, initialState } from './batch-progress.js';

/** Reasons kept in the progress view; the rest are only counted (the state stays a few KB). */
export const maxSkippedSamples = 20;

/** What the planning activity finds on one page: the retries to start, and the declined items left as they are. */
export interface RetryPlan {
  /** Sorted by seq; each with the request read back from its last attempt and the attempt to start. */
  items: Array<BatchItem & { attempt: number }>;
  skipped: Array<{ seq: number; payoutId: string; reason: string }>;
}

/**
 * The items of a page worth a closer look: each item's latest row (highest attempt), when it is `declined`
 * and, with `codes`, its code is one of them. Succeeded, pending, needs_review, cancelled, duplicate and
 * rejected items are never candidates.
 */
export function retryCandidates(rows: readonly ReportRow[], codes?: readonly string[]): ReportRow[] {
  const latest = new Map<number, ReportRow>();
  for (const row of rows) {
    const kept = latest.get(row.seq);
    if (!kept || (row.attempt ?? 0) > (kept.attempt ?? 0)) latest.set(row.seq, row);
  }
  return [...latest.values()]
    .filter((row) => row.status === 'declined' && matchesCodes(row.code, codes))
    .sort((a, b) => a.seq - b.seq);
}

export function matchesCodes(code: string | undefined, codes?: readonly string[]): boolean {
  return !codes || codes.length === 0 || (code !== undefined && codes.includes(code));
}

/** Both adapters answer a key they have never seen as `unknown` with a reason starting "not found". */
export function isNotFound(status: ProviderStatus): boolean {
  return status.state === 'unknown' && /^not found\b/i.test(status.reason);
}

/**
 * Whether a new attempt may follow this one: its workflow ended `declined`, and the provider either reports
 * the attempt's key declined (final: a settled payout never changes) or, for an attempt the provider never
 * acknowledged (no reference: refused at submission, or never sent), knows nothing of the key. Anything else
 * (pending, awaiting clarification, succeeded, unknown) means the attempt may still pay: no retry.
 */
export function definitelyDeclined(
  outcome: PayoutOutcome | undefined,
  provider: ProviderStatus,
): { ok: true } | { ok: false; reason: string } {
  if (!outcome) return { ok: false, reason: 'its last attempt has no outcome yet' };
  if (outcome.status !== 'declined') return { ok: false, reason: `its last attempt is now ${outcome.status}` };
  const where = `${outcome.provider} (key ${outcome.idempotencyKey})`;
  if (provider.state === 'declined') return { ok: true };
  if (isNotFound(provider)) {
    return outcome.reference === undefined
      ? { ok: true }
      : { ok: false, reason: `${where} no longer knows attempt ${outcome.attempt} it had accepted` };
  }
  if (provider.state === 'succeeded') {
    return { ok: false, reason: `${where} reports attempt ${outcome.attempt} succeeded: needs review` };
  }
  if (provider.state === 'unknown') return { ok: false, reason: `${where}: ${provider.reason}` };
  const state = provider.state === 'needs_clarification' ? 'awaiting clarification' : provider.state;
  return { ok: false, reason: `${where} still shows attempt ${outcome.attempt} ${state}` };
}

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
