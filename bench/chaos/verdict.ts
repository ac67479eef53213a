/**
 * The chaos test's judgement: what Temporal says of each payout against what the sandbox ledger says was
 * paid. Pure, so its rules are unit-tested apart from the run.
 */
import { payoutIdOfKey, type PayoutOutcome, type TerminalStatus } from '../../src/domain/payout-outcome.js';
import type { LedgerEntry } from '../../src/sandbox/ledger.js';
import type { ChaosItem } from './items.js';

/** A payout's end as read from Temporal: its outcome, or why there is none. */
export type Finding = { outcome: PayoutOutcome } | { problem: string };

export interface ChaosVerdict {
  counts: Record<TerminalStatus, number>;
  /** payoutIds paid more than once in the ledger. */
  doublePaid: string[];
  /** payoutIds without a terminal outcome in Temporal (never started, still running, failed, terminated). */
  lost: string[];
  /** Each disagreement, one line each: Temporal against the ledger, amounts, currencies, expected outcomes. */
  mismatches: string[];
  ok: boolean;
}

const paidStatuses: ReadonlySet<string> = new Set(['succeeded', 'needs_review']);

/** What the batch itself counted (its result): it must agree with its payouts one by one. */
export interface BatchTotals {
  counts: Readonly<Record<string, number>>;
  succeededAmounts: Readonly<Record<string, number>>;
}

export function judge(
  items: readonly ChaosItem[],
  findings: ReadonlyMap<string, Finding>,
  ledger: readonly LedgerEntry[],
  batch?: BatchTotals,
): ChaosVerdict {
  const counts: Record<TerminalStatus, number> = {
    succeeded: 0,
    declined: 0,
    rejected: 0,
    cancelled: 0,
    needs_review: 0,
  };
  const mismatches: string[] = [];
  const lost: string[] = [];
  const byId = new Map(items.map((item) => [item.request.payoutId, item]));

  const paid = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    const payoutId = payoutIdOfKey(entry.key);
    if (!byId.has(payoutId)) {
      mismatches.push(`ledger ${entry.provider} ${entry.key}: no such payout in the batch (${entry.status})`);
      continue;
    }
    if (entry.status === 'succeeded') paid.set(payoutId, [...(paid.get(payoutId) ?? []), entry]);
  }
  const doublePaid = [...paid].filter(([, entries]) => entries.length > 1).map(([payoutId]) => payoutId);

  for (const item of items) {
    const { request } = item;
    const id = request.payoutId;
    const finding = findings.get(id) ?? { problem: 'not looked up' };
    const payments = paid.get(id) ?? [];
    for (const payment of payments) {
      if (payment.provider !== request.provider) mismatches.push(`${id}: paid by ${payment.provider}`);
      if (payment.amount !== request.amount || payment.currency !== request.currency) {
        mismatches.push(
          `${id}: ledger paid ${payment.amount} ${payment.currency}, asked ${request.amount} ${request.currency}`,
        );
      }
    }
    if ('problem' in finding) {
      lost.push(id);
      if (payments.length > 0)
        mismatches.push(`${id}: paid in the ledger, no outcome in Temporal (${finding.problem})`);
      continue;
    }
    const { outcome } = finding;
    counts[outcome.status]++;
    if (outcome.amount !== request.amount || outcome.currency !== request.currency) {
      mismatches.push(
        `${id}: outcome says ${outcome.amount} ${outcome.currency}, asked ${request.amount} ${request.currency}`,
      );
    }
    if (outcome.status === 'succeeded' && payments.length === 0) {
      mismatches.push(`${id}: succeeded in Temporal, not paid in the ledger`);
    }
    if (payments.length > 0 && !paidStatuses.has(outcome.status)) {
      mismatches.push(`${id}: paid in the ledger, ${outcome.status} in Temporal`);
    }
    const reference = payments[0]?.reference;
    if (outcome.status === 'succeeded' && outcome.reference && reference && outcome.reference !== reference) {
      mismatches.push(`${id}: reference ${outcome.reference} in Temporal, ${reference} in the ledger`);
    }
    // A test card that promises one outcome and got the other: a fault was taken for an answer.
    if ((outcome.status === 'succeeded' || outcome.status === 'declined') && outcome.status !== item.expected) {
      mismatches.push(`${id}: ${outcome.status}, the test data promises ${item.expected}`);
    }
    if (outcome.status === 'rejected' || outcome.status === 'cancelled') {
      mismatches.push(`${id}: ${outcome.status} (${outcome.message ?? outcome.code ?? 'no reason'})`);
    }
  }
  if (batch) mismatches.push(...batchTotalsMismatches(batch, counts, findings));
  return {
    counts,
    doublePaid,
    lost,
    mismatches,
    ok: doublePaid.length === 0 && lost.length === 0 && mismatches.length === 0,
  };
}

/** An outcome counted twice, or missed, shows as a batch total that its payouts do not add up to. */
function batchTotalsMismatches(
  batch: BatchTotals,
  counts: Readonly<Record<TerminalStatus, number>>,
  findings: ReadonlyMap<string, Finding>,
): string[] {
  const lines: string[] = [];
  for (const status of new Set([...Object.keys(counts), ...Object.keys(batch.counts)])) {
    const payouts = (counts as Record<string, number>)[status] ?? 0;
    const counted = batch.counts[status] ?? 0;
    if (counted !== payouts) lines.push(`batch counted ${counted} ${status}, its payouts say ${payouts}`);
  }
  const paid: Record<string, number> = {};
  for (const finding of findings.values()) {
    if ('outcome' in finding && finding.outcome.status === 'succeeded') {
      paid[finding.outcome.currency] = (paid[finding.outcome.currency] ?? 0) + finding.outcome.amount;
    }
  }
  for (const currency of new Set([...Object.keys(paid), ...Object.keys(batch.succeededAmounts)])) {
    const counted = batch.succeededAmounts[currency] ?? 0;
    if (counted !== (paid[currency] ?? 0)) {
      lines.push(`batch counted ${counted} ${currency} paid, its payouts say ${paid[currency] ?? 0}`);
    }
  }
  return lines;
}
