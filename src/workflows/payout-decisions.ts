/**
 * The pure part of a payout's life: what a provider status (from a callback or a poll) does to a payout.
 * No Temporal API here, so the rules are unit-tested directly and the workflow stays small.
 */
import type { PayoutStatus, TerminalStatus } from '../domain/payout-outcome.js';
import type { ProviderStatus } from '../providers/contract.js';
import type { RecordedEvent } from './definitions.js';

/** What the workflow should do with one provider status. */
export type Decision =
  | { kind: 'finish'; status: Extract<TerminalStatus, 'succeeded' | 'declined'>; code?: string; message?: string }
  | { kind: 'clarify'; fields: string[] }
  /** A decline heard by callback: ask the provider's status for the full reason before finishing. */
  | { kind: 'confirm'; code: string; message: string }
  | { kind: 'wait' }
  /** Already terminal and the provider now says something else: money may have moved, a person must look. */
  | { kind: 'review'; reason: string }
  | { kind: 'ignore' };

export interface Sent {
  amount: number;
  currency: string;
}

/** Compares what the provider reports having paid with what we sent; a mismatch is never "success". */
export function amountMismatch(sent: Sent, reported?: { value: number; currency: string }): string | undefined {
  if (!reported) return undefined;
  if (reported.value === sent.amount && reported.currency === sent.currency) return undefined;
  return `provider reports ${reported.value} ${reported.currency}, we sent ${sent.amount} ${sent.currency}`;
}

/** While the payout still waits for its outcome. */
export function decideOpen(
  status: ProviderStatus,
  sent: Sent,
  reported?: { value: number; currency: string },
): Decision {
  switch (status.state) {
    case 'succeeded': {
      const mismatch = amountMismatch(sent, reported);
      return mismatch ? { kind: 'review', reason: mismatch } : { kind: 'finish', status: 'succeeded' };
    }
    case 'declined':
      return { kind: 'finish', status: 'declined', code: status.code, message: status.message };
    case 'needs_clarification':
      return { kind: 'clarify', fields: status.fields };
    case 'pending':
    case 'unknown':
      return { kind: 'wait' };
  }
}

/**
 * After the terminal state: the same news again is a duplicate; an intermediate status is stale (it was
 * overtaken); anything that contradicts the outcome (a reversal, the opposite result, an unconfirmable
 * status) sends the payout to review.
 */
export function decideClosed(status: ProviderStatus, finalStatus: PayoutStatus): Decision {
  if (status.state === 'pending' || status.state === 'needs_clarification') return { kind: 'ignore' };
  if (status.state === finalStatus) return { kind: 'ignore' };
  if (finalStatus === 'needs_review') return { kind: 'ignore' };
  const said = status.state === 'unknown' ? `unknown (${status.reason})` : status.state;
  const extra = status.state === 'declined' ? ` ${status.code} ${status.message}` : '';
  return { kind: 'review', reason: `after the payout ended as ${finalStatus}, the provider reported ${said}${extra}` };
}

export function describe(status: ProviderStatus): Pick<RecordedEvent, 'state' | 'code' | 'message'> {
  switch (status.state) {
    case 'declined':
      return { state: status.state, code: status.code, message: status.message };
    case 'unknown':
      return { state: status.state, message: status.reason };
    case 'needs_clarification':
      return { state: status.state, message: `fields: ${status.fields.join(', ')}` };
    case 'pending':
      return { state: status.state, ...(status.detail ? { message: status.detail } : {}) };
    case 'succeeded':
      return { state: status.state };
  }
}

/** The polling plan: first after `firstMs`, doubling, never more than `maxMs` apart. */
export function nextPollDelay(previousMs: number | undefined, firstMs: number, maxMs: number): number {
  return previousMs === undefined ? firstMs : Math.min(previousMs * 2, maxMs);
}

/** A duration for people: `72 h`, `30 min`, `5 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
