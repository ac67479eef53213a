/**
 * What the provider's answer to a settle update does to a payout in review. Pure, unit-tested. Only an
 * outcome that was unknown (no definite answer by the deadline) is settled by the provider's definite answer,
 * and a success only for the amount and currency we sent; a review about a contradiction stays for a person
 * whatever the provider says now, since its answer disagrees with something we recorded. Nothing here ever
 * sends the payout again.
 */
import type { ProviderStatus } from '../../domain/provider-messages.js';
import type { PayoutView } from './definitions.js';
import { amountMismatch, type Sent } from './decisions.js';

export type SettlementDecision =
  | { kind: 'settled'; status: 'succeeded' }
  | { kind: 'settled'; status: 'declined'; code: string; message: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'contradiction'; reason: string };

/** `sent` checks a success's reported amount (payouts from before 'settle-asks-provider' had no check). */
export function decideSettlement(
  reviewKind: PayoutView['reviewKind'],
  status: ProviderStatus,
  sent?: Sent,
): SettlementDecision {
  if (status.state === 'pending') return { kind: 'unchanged', reason: 'the provider still reports it pending' };
  if (status.state === 'needs_clarification') {
    return { kind: 'unchanged', reason: `the provider waits for clarification (${status.fields.join(', ')})` };
  }
  if (status.state === 'unknown')
    return { kind: 'unchanged', reason: `the provider's answer is unknown: ${status.reason}` };
  const said = status.state === 'declined' ? `declined ${status.code} ${status.message}` : 'succeeded';
  if (reviewKind !== 'outcome_unknown') {
    return {
      kind: 'contradiction',
      reason: `the provider now reports ${said}, but this review is about a contradiction: a person decides`,
    };
  }
  const mismatch = sent && status.state === 'succeeded' ? amountMismatch(sent, status.amount) : undefined;
  if (mismatch) return { kind: 'contradiction', reason: `the provider now reports it succeeded, but ${mismatch}` };
  return status.state === 'succeeded'
    ? { kind: 'settled', status: 'succeeded' }
    : { kind: 'settled', status: 'declined', code: status.code, message: status.message };
}
