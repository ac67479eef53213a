/**
 * When a batch's declined item may be paid again (`payouts batch retry-declined`): which report rows are
 * candidates, and when a provider's answer proves an attempt can no longer pay. Pure; the planning activity
 * reads them, the unit tests prove them.
 */
import type { PayoutOutcome } from './payout-outcome.js';
import type { ProviderStatus } from './provider-messages.js';

/** What the rules read of a report row (the batch's ReportRow carries this and more). */
export interface CandidateRow {
  seq: number;
  status: string;
  code?: string;
  attempt?: number;
}

/**
 * The items of a page worth a closer look: each item's latest row (highest attempt), when it is `declined`
 * and, with `codes`, its code is one of them. Succeeded, pending, needs_review, cancelled, duplicate and
 * rejected items are never candidates.
 */
export function retryCandidates<Row extends CandidateRow>(rows: readonly Row[], codes?: readonly string[]): Row[] {
  const latest = new Map<number, Row>();
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
