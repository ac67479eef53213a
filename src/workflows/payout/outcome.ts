/**
 * How a submitted payout learns its outcome: provider statuses from callbacks and polls are applied through
 * the pure rules of decisions.ts; polls back off on a durable timer up to the deadline; after the outcome the
 * payout keeps listening for late callbacks, and an unknown outcome waits for reconciliation to settle it.
 */
import { allHandlersFinished, CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import type { ProviderEvent, ProviderStatus } from '../../domain/provider-messages.js';
import { lookups } from './activities.js';
import {
  adoptReference,
  decideClosed,
  decideOpen,
  type Decision,
  describe,
  formatDuration,
  nextPollDelay,
  withoutReport,
} from './decisions.js';
import type { RecordedEvent } from './definitions.js';
import { applicationFailure, failureClassOf } from './failures.js';
import { declineClass, finish, record, review, setStatus } from './reporting.js';
import { firstClarificationOf, firstSightingOf, type PayoutState } from './state.js';
import { changeApplies } from './changes.js';

/** The provider's status of this payout, by its key (and reference when known). */
export function lookUpStatus(state: PayoutState): Promise<ProviderStatus> {
  const { request, idempotencyKey, view } = state;
  return lookups.getPayoutStatus({
    provider: request.provider,
    payoutId: request.payoutId,
    idempotencyKey,
    ...(view.reference ? { reference: view.reference } : {}),
  });
}

/** Applies one provider status (from a callback, a poll or the submission answer). */
export function apply(
  state: PayoutState,
  status: ProviderStatus,
  source: RecordedEvent['source'],
  eventId: string,
  event?: ProviderEvent,
): Decision {
  const { request, view, idempotencyKey } = state;
  const otherKey = event !== undefined && event.idempotencyKey !== idempotencyKey;
  // Another attempt's reference is not ours: the key is checked first. Histories from before copied it.
  const adopted = adoptReference(view.reference, status.reference, !otherKey);
  if (adopted !== view.reference) view.reference = adopted;
  // The marker was asked for every other key's event (not only when a copy would happen), so histories record it.
  else if (otherKey && !changeApplies('check-event-key-first') && status.reference && !view.reference) {
    view.reference = status.reference;
  }
  if (event && otherKey) {
    // An earlier attempt was declined before this one began; news that it paid after all needs a person.
    const contradicts = status.state === 'succeeded';
    record(state, { eventId, source, ...describe(status), effect: contradicts ? 'contradiction' : 'recorded' });
    if (contradicts) {
      review(state, `attempt with key ${event.idempotencyKey} reported succeeded after it had been declined`);
    }
    return { kind: 'ignore' };
  }
  const sent = { amount: request.amount, currency: request.currency, maskedCard: view.maskedCard };
  let decision = view.outcome ? decideClosed(status, view.outcome.status) : decideOpen(status, sent, event?.amount);
  // A status for another amount or card sends the payout to review whatever its state; histories from
  // before this check decided on the state alone.
  if (decision.kind === 'review' && !view.outcome) {
    const unchecked = decideOpen(withoutReport(status), sent, event?.amount);
    if (unchecked.kind !== 'review' && !changeApplies('verify-provider-claims')) decision = unchecked;
  }
  // Some providers' callbacks carry only part of a decline's reason (RBKmoney's webhook has no failure
  // details): the status lookup has it all. Histories from before this rule finish at once.
  if (decision.kind === 'finish' && decision.status === 'declined' && source === 'callback') {
    if (changeApplies('confirm-callback-declines'))
      decision = {
        kind: 'confirm',
        code: decision.code ?? '',
        message: decision.message ?? '',
        ...(decision.failureClass ? { failureClass: decision.failureClass } : {}),
      };
  }
  record(state, { eventId, source, ...describe(status), effect: effectOf(decision) });
  if (decision.kind === 'finish') {
    finish(
      state,
      decision.status,
      decision.status === 'declined'
        ? { code: decision.code, message: decision.message, failureClass: declineClass(decision.failureClass) }
        : {},
    );
  } else if (decision.kind === 'review') {
    review(state, decision.reason);
  }
  return decision;
}

function effectOf(decision: Decision): RecordedEvent['effect'] {
  if (decision.kind === 'review') return 'contradiction';
  return decision.kind === 'ignore' || decision.kind === 'wait' || decision.kind === 'confirm' ? 'recorded' : 'applied';
}

/** Applies the callbacks signalled since the last call; copies of earlier ones are only recorded. */
export function drainInbox(state: PayoutState): Decision[] {
  const decisions: Decision[] = [];
  for (const event of state.inbox.splice(0)) {
    if (firstSightingOf(state, event, new Date().toISOString())) {
      decisions.push(apply(state, event.status, 'callback', event.eventId, event));
    }
  }
  return decisions;
}

export async function poll(state: PayoutState): Promise<Decision | undefined> {
  try {
    const status = await lookUpStatus(state);
    return apply(state, status, 'poll', `poll:${state.view.events.length}`);
  } catch (error) {
    log.warn('status lookup failed; will poll again', { payoutId: state.request.payoutId, error: String(error) });
    return undefined;
  }
}

async function clarify(state: PayoutState, fields: string[]): Promise<void> {
  if (!firstClarificationOf(state, fields)) return;
  const { request, idempotencyKey } = state;
  setStatus(state, 'awaiting_clarification', `provider asked for ${fields.join(', ')}`);
  try {
    await lookups.answerClarification({ request, idempotencyKey, fields });
    setStatus(state, 'submitted', `clarification answered (${fields.join(', ')})`);
  } catch (error) {
    const failure = applicationFailure(error);
    if (failure && failureClassOf(failure) === 'declined') {
      if (changeApplies('clarification-waits-for-window')) {
        // Declining now would let a merchant pay again while the provider may still complete this one: the
        // request stays open until the provider's window has passed, then the provider's status decides.
        state.clarificationClosesAt = Date.now() + state.timings.clarificationWindowMs;
        setStatus(state, 'awaiting_clarification', `${failure.message}; waiting for ${request.provider} to close it`);
      } else {
        finish(state, 'declined', {
          code: 'clarification_unavailable',
          message: failure.message,
          failureClass: 'declined',
        });
      }
    } else {
      // The provider declines by itself when its window closes; until then the payout keeps waiting.
      log.warn('clarification answer failed', { payoutId: request.payoutId, error: String(error) });
    }
  }
}

/** Waits for callbacks and polls on a backing-off durable timer until an outcome, or the deadline. */
export async function learnOutcome(state: PayoutState, submittedAt: number): Promise<void> {
  const { view, timings } = state;
  const deadline = submittedAt + timings.outcomeDeadlineMs;
  let interval: number | undefined;
  let nextPollAt = submittedAt + timings.firstPollAfterMs;
  while (!view.outcome) {
    for (const decision of drainInbox(state)) {
      if (decision.kind === 'clarify') await clarify(state, decision.fields);
      if (decision.kind === 'confirm' && !view.outcome) {
        await poll(state);
        // The lookup may say more (a fuller code) or nothing new; the signed callback's decline stands.
        if (!view.outcome)
          finish(state, 'declined', {
            code: decision.code,
            message: decision.message,
            failureClass: declineClass(decision.failureClass),
          });
      }
    }
    if (view.outcome) return;
    const now = Date.now();
    if (now >= deadline) {
      view.reviewKind = 'outcome_unknown';
      finish(state, 'needs_review', {
        message: `no outcome from ${state.request.provider} within ${formatDuration(timings.outcomeDeadlineMs)} of submission`,
      });
      return;
    }
    if (state.clarificationClosesAt !== undefined && now >= state.clarificationClosesAt) {
      // The provider's clarification window has passed: its status now says how the payment ended.
      state.clarificationClosesAt = undefined;
      const decision = await poll(state);
      if (decision?.kind === 'clarify') await clarify(state, decision.fields);
      continue;
    }
    if (now >= nextPollAt) {
      const decision = await poll(state);
      if (decision?.kind === 'clarify') await clarify(state, decision.fields);
      interval = nextPollDelay(interval, timings.firstPollAfterMs, timings.maxPollIntervalMs);
      nextPollAt = Date.now() + interval;
      continue;
    }
    const wakeAt = Math.min(nextPollAt, deadline, state.clarificationClosesAt ?? deadline);
    await condition(() => state.inbox.length > 0, wakeAt - now);
  }
}

/** Keeps listening for late callbacks, then returns the (possibly reviewed) outcome. */
export async function closeAfterLateWindow(state: PayoutState, outcome: PayoutOutcome): Promise<PayoutOutcome> {
  const closeAt = Date.now() + state.timings.lateEventWindowMs;
  try {
    for (;;) {
      drainInbox(state);
      const remaining = closeAt - Date.now();
      if (remaining <= 0 || !(await condition(() => state.inbox.length > 0, remaining))) break;
    }
  } catch (error) {
    // Cancelling a finished payout only stops the listening; its outcome stands.
    if (!isCancellation(error)) throw error;
  }
  drainInbox(state);
  await awaitSettlement(state);
  await state.parentNotified;
  await Promise.all(state.notifications);
  await condition(allHandlersFinished);
  return state.view.outcome ?? outcome;
}

/**
 * An unknown outcome stays open (late callbacks still recorded) until reconciliation settles it, a month
 * passes, or an operator cancels the workflow; then it closes in review.
 */
async function awaitSettlement(state: PayoutState): Promise<void> {
  const { view } = state;
  if (view.status !== 'needs_review' || view.reviewKind !== 'outcome_unknown') return;
  if (!changeApplies('needs-review-awaits-settlement')) return;
  const closeAt = Date.now() + state.timings.settlementWindowMs;
  // The payout runs in a non-cancellable scope from submission on; a cancel request still ends this wait.
  let cancelRequested = false;
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
  });
  while (view.status === 'needs_review' && !cancelRequested && Date.now() < closeAt) {
    await condition(
      () => state.inbox.length > 0 || view.status !== 'needs_review' || cancelRequested,
      closeAt - Date.now(),
    );
    drainInbox(state);
  }
}
