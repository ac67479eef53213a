/**
 * Everything one PayoutWorkflow knows, in one typed object, and the pure steps that change it. Temporal calls
 * (commands, search attributes, signals) stay in the modules that drive this state; here only data moves.
 */
import { idempotencyKeyFor } from '../../domain/idempotency-key.js';
import type { PayoutOutcome, TerminalStatus } from '../../domain/payout-outcome.js';
import type { PayoutRequest } from '../../domain/payout-request.js';
import { maskedCardOf } from '../../domain/payout-summary.js';
import type { ProviderEvent } from '../../domain/provider-messages.js';
import type { BindingOutcome } from '../definitions.js';
import { describe } from './decisions.js';
import type { PayoutTimings, PayoutView, PayoutWorkflowInput, RecordedEvent } from './definitions.js';

export const defaultPayoutTimings: PayoutTimings = {
  firstPollAfterMs: 30_000,
  maxPollIntervalMs: 30 * 60_000,
  outcomeDeadlineMs: 72 * 3_600_000,
  // RBKmoney retries a webhook for 24 hours; a day more covers a relay outage.
  lateEventWindowMs: 48 * 3_600_000,
  // Reconciliation asks hourly; a payout the provider cannot answer for in a month is a person's case.
  settlementWindowMs: 30 * 24 * 3_600_000,
  clarificationWindowMs: 30 * 60_000,
};

/** Copies of one event recorded as `duplicate` in the payout's view; later copies are counted only. */
export const maxRecordedDuplicates = 3;

export interface PayoutState {
  readonly input: PayoutWorkflowInput;
  readonly request: PayoutRequest;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly timings: PayoutTimings;
  /** What the status query answers. */
  readonly view: PayoutView;
  /** Callbacks signalled but not yet applied. */
  readonly inbox: ProviderEvent[];
  readonly seenEventIds: Set<string>;
  readonly duplicateCopies: Map<string, number>;
  readonly answeredClarifications: Set<string>;
  /** A clarification the payout could not answer: when the provider's window for it has passed. */
  clarificationClosesAt?: number;
  cancelReason?: string;
  submissionStarted: boolean;
  /** Settles once the parent batch has been told (outcome, then revisions, in order). */
  parentNotified?: Promise<void>;
  /** The status the parent batch was told last; a later change is sent as a revision. */
  reportedToBatch?: TerminalStatus;
  bindingOutcome?: BindingOutcome;
  /** Merchant notification ids already started, and their deliveries. */
  readonly notified: Set<string>;
  readonly notifications: Promise<void>[];
  /**
   * The worker says whether it delivers notifications when the payout is prepared; a payout cancelled before
   * that answer offers its notification anyway (the delivery is a no-op when they are off).
   */
  merchantNotifications: boolean;
}

export function initialPayoutState(input: PayoutWorkflowInput): PayoutState {
  const { request } = input;
  const attempt = input.attempt ?? 1;
  const idempotencyKey = idempotencyKeyFor(request.payoutId, attempt);
  return {
    input,
    request,
    attempt,
    idempotencyKey,
    timings: { ...defaultPayoutTimings, ...input.timings },
    view: {
      payoutId: request.payoutId,
      status: 'validating',
      provider: request.provider,
      amount: request.amount,
      currency: request.currency,
      maskedCard: maskedCardOf(request),
      attempt,
      idempotencyKey,
      ...(request.notBefore ? { notBefore: request.notBefore } : {}),
      events: [],
    },
    inbox: [],
    seenEventIds: new Set(),
    duplicateCopies: new Map(),
    answeredClarifications: new Set(),
    submissionStarted: false,
    notified: new Set(),
    notifications: [],
    merchantNotifications: true,
  };
}

export type OutcomeFields = Pick<PayoutOutcome, 'code' | 'message' | 'failureClass' | 'problems'>;

/** The terminal outcome of this attempt as it stands now. */
export function outcomeOf(
  state: PayoutState,
  status: TerminalStatus,
  fields: OutcomeFields,
  finishedAt: string,
): PayoutOutcome {
  const { request, view } = state;
  return {
    payoutId: request.payoutId,
    status,
    provider: request.provider,
    amount: request.amount,
    currency: request.currency,
    maskedCard: view.maskedCard,
    attempt: state.attempt,
    idempotencyKey: state.idempotencyKey,
    ...(view.reference ? { reference: view.reference } : {}),
    ...fields,
    finishedAt,
  };
}

export function recordEvent(state: PayoutState, event: Omit<RecordedEvent, 'receivedAt'>, receivedAt: string): void {
  state.view.events.push({ ...event, receivedAt });
}

/**
 * Marks a callback seen; false for a copy of one seen before, which is recorded as `duplicate` (a few copies
 * show a replay happened; more would only grow the query's answer).
 */
export function firstSightingOf(state: PayoutState, event: ProviderEvent, receivedAt: string): boolean {
  if (!state.seenEventIds.has(event.eventId)) {
    state.seenEventIds.add(event.eventId);
    return true;
  }
  const copies = (state.duplicateCopies.get(event.eventId) ?? 0) + 1;
  state.duplicateCopies.set(event.eventId, copies);
  if (copies <= maxRecordedDuplicates) {
    recordEvent(
      state,
      { eventId: event.eventId, source: 'callback', ...describe(event.status), effect: 'duplicate' },
      receivedAt,
    );
  }
  return false;
}

/** Remembers a clarification's fields; false when the same fields were asked (and answered) before. */
export function firstClarificationOf(state: PayoutState, fields: string[]): boolean {
  const key = [...fields].sort().join(',');
  if (state.answeredClarifications.has(key)) return false;
  state.answeredClarifications.add(key);
  return true;
}

/** The outcome a settlement gives an unknown one: the provider's definite answer, nothing else changed. */
export function settledOutcome(
  state: PayoutState,
  decision: { status: 'succeeded' } | { status: 'declined'; code: string; message: string },
  finishedAt: string,
): PayoutOutcome {
  const {
    code: _code,
    message: _message,
    failureClass: _class,
    ...unknownOutcome
  } = state.view.outcome as PayoutOutcome;
  return {
    ...unknownOutcome,
    status: decision.status,
    ...(state.view.reference ? { reference: state.view.reference } : {}),
    ...(decision.status === 'declined'
      ? { code: decision.code, message: decision.message, failureClass: 'declined' as const }
      : { message: `settled by reconciliation: ${state.request.provider} reports it succeeded` }),
    finishedAt,
  };
}
