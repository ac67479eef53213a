/**
 * The pure part of a payout's life: what a provider status (from a callback or a poll) does to a payout.
 * No Temporal API here, so the rules are unit-tested directly and the workflow stays small.
 */
import type { PayoutStatus, TerminalStatus } from '../../domain/payout-outcome.js';
import type { DeclineClass, ProviderStatus, ReportedPayout } from '../../domain/provider-messages.js';

type DeclineFailureClass = Exclude<DeclineClass, 'unclassified'>;
import type { RecordedEvent } from './definitions.js';

/** What the workflow should do with one provider status. */
export type Decision =
  | {
      kind: 'finish';
      status: Extract<TerminalStatus, 'succeeded' | 'declined'>;
      code?: string;
      message?: string;
      /** A decline's class by the provider's code table (a batch's breaker counts `systemic`). */
      failureClass?: DeclineFailureClass;
    }
  | { kind: 'clarify'; fields: string[] }
  /** A decline heard by callback: ask the provider's status for the full reason before finishing. */
  | { kind: 'confirm'; code: string; message: string; failureClass?: DeclineFailureClass }
  | { kind: 'wait' }
  /** Already terminal and the provider now says something else: money may have moved, a person must look. */
  | { kind: 'review'; reason: string }
  | { kind: 'ignore' };

export interface Sent {
  amount: number;
  currency: string;
  /** Our card, masked (`424242******4242`), or `token` when we paid by a provider's token. */
  maskedCard?: string;
}

type Reported = ReportedPayout;

/** Compares what the provider reports having paid with what we sent; a mismatch is never "success". */
export function amountMismatch(sent: Sent, reported?: { value: number; currency: string }): string | undefined {
  if (!reported) return undefined;
  if (reported.value === sent.amount && reported.currency === sent.currency) return undefined;
  return `provider reports ${reported.value} ${reported.currency}, we sent ${sent.amount} ${sent.currency}`;
}

/** First six and last four digits of a masked card: the part every provider's mask shows. */
function cardEnds(masked: string): string | undefined {
  const match = /^(\d{6})[\d*]*?(\d{4})$/.exec(masked.replace(/[\s-]/g, ''));
  return match ? `${match[1]}…${match[2]}` : undefined;
}

function cardDiffers(ours: string | undefined, theirs: string | undefined): boolean {
  if (ours === undefined || theirs === undefined) return false;
  const [a, b] = [cardEnds(ours), cardEnds(theirs)];
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * What the provider holds under our key against what we sent: amount, currency and card. A record that
 * differs is someone else's payment (another system on the project, an aged-out payout), never ours.
 */
export function claimMismatch(sent: Sent, reported: Reported): string | undefined {
  const amountDiffers =
    reported.amount !== undefined &&
    (reported.amount.value !== sent.amount || reported.amount.currency !== sent.currency);
  const card = cardDiffers(sent.maskedCard, reported.maskedCard);
  if (!amountDiffers && !card) return undefined;
  const theirs = `${reported.amount ? `${reported.amount.value} ${reported.amount.currency}` : 'an amount'}${
    reported.maskedCard ? ` to ${reported.maskedCard}` : ''
  }`;
  const ours = `${sent.amount} ${sent.currency}${sent.maskedCard && sent.maskedCard !== 'token' ? ` to ${sent.maskedCard}` : ''}`;
  return `the provider holds ${theirs} under our key; we sent ${ours}`;
}

/**
 * While the payout still waits for its outcome. `reported` is the callback's amount (older callers); a
 * status's own amount and card are checked whatever its state.
 */
export function decideOpen(
  status: ProviderStatus,
  sent: Sent,
  reported?: { value: number; currency: string },
): Decision {
  const mismatch = claimMismatch(sent, {
    ...(status.amount ? { amount: status.amount } : {}),
    ...(status.maskedCard ? { maskedCard: status.maskedCard } : {}),
  });
  if (mismatch) return { kind: 'review', reason: mismatch };
  switch (status.state) {
    case 'succeeded': {
      const differs = amountMismatch(sent, reported);
      return differs ? { kind: 'review', reason: differs } : { kind: 'finish', status: 'succeeded' };
    }
    case 'declined': {
      if (status.failureClass === 'unclassified') {
        return {
          kind: 'review',
          reason: `declined with code ${status.code} (${status.message}), which the provider's code table does not hold: a person decides`,
        };
      }
      const failureClass = status.failureClass ?? 'declined';
      return {
        kind: 'finish',
        status: 'declined',
        code: status.code,
        message: status.message,
        ...(failureClass === 'declined' ? {} : { failureClass }),
      };
    }
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

/**
 * The provider reference a payout keeps: the first one reported about its own key. An event about another
 * attempt's key names that attempt's object, never ours.
 */
export function adoptReference(
  current: string | undefined,
  reported: string | undefined,
  aboutOurKey: boolean,
): string | undefined {
  return current ?? (aboutOurKey ? reported : undefined);
}

/** The status without what the provider reports holding (the decision as made before claims were checked). */
export function withoutReport(status: ProviderStatus): ProviderStatus {
  const { amount: _amount, maskedCard: _card, ...rest } = status;
  if (rest.state !== 'declined') return rest;
  const { failureClass: _class, ...declined } = rest;
  return declined;
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
