/**
 * The batch report: one row per item and attempt, built inside the workflows (pure, deterministic) and written as CSV by
 * the report activity and the client. Cards only ever appear masked.
 */
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import type { BatchItem, ReportRow } from './definitions.js';
import { maskedCardOf } from '../../domain/payout-summary.js';
import { reportCsvHeader, reportCsvLine } from '../../domain/report-csv.js';

export function rowFromOutcome(seq: number, outcome: PayoutOutcome): ReportRow {
  return {
    seq,
    payoutId: outcome.payoutId,
    status: outcome.status,
    ...(outcome.reference ? { reference: outcome.reference } : {}),
    ...(outcome.code ? { code: outcome.code } : {}),
    ...(outcome.message ? { message: outcome.message } : {}),
    maskedCard: outcome.maskedCard,
    amount: outcome.amount,
    currency: outcome.currency,
    attempt: outcome.attempt,
  };
}

/** Item order, then attempt order (a row never started, without an attempt, first). */
export function compareRows(a: ReportRow, b: ReportRow): number {
  return a.seq - b.seq || (a.attempt ?? 0) - (b.attempt ?? 0);
}

/** A page keeps one row per item and attempt: a retry adds a row, it never replaces the earlier one. */
export function rowKey(row: Pick<ReportRow, 'seq' | 'attempt'>): string {
  return `${row.seq}:${row.attempt ?? 0}`;
}

/** An item that never ran as a payout of its own: a duplicate, or cancelled before it started. */
export function rowForUnstarted(item: BatchItem, status: 'duplicate' | 'cancelled', message: string): ReportRow {
  return {
    seq: item.seq,
    payoutId: item.request.payoutId,
    status,
    code: status === 'duplicate' ? 'duplicate_payout_id' : 'batch_cancelled',
    message,
    maskedCard: maskedCardOf(item.request),
    amount: item.request.amount,
    currency: item.request.currency,
  };
}

/** The whole report, rows in item order (each item's attempts in turn). */
export function reportCsv(rows: readonly ReportRow[]): string {
  const sorted = [...rows].sort(compareRows);
  return reportCsvHeader() + sorted.map(reportCsvLine).join('');
}
