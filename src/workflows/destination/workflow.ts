/**
 * DestinationWorkflow (id `destination-<externalID>`): binds one card at RBKmoney once per identity and
 * currency. Tokenize in payres, create the destination under an externalID derived from a keyed hash of the
 * card, then wait for Authorized: by webhook, or by polling on a durable timer, up to a deadline. Payouts to
 * the card register as waiters and are told the outcome by signal.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import { maskPan } from '../../domain/card.js';
import type { PanCard } from '../../domain/payout-request.js';
import type { BindingEvent } from '../../domain/provider-messages.js';
import {
  bindingEventSignal,
  type BindingOutcome,
  cardBindingFinishedSignal,
  destinationStatusQuery,
  type DestinationView,
  registerBindingWaiterUpdate,
} from '../definitions.js';
import { formatDuration, nextPollDelay } from '../payout/decisions.js';
import { cardBinding } from './activities.js';

export interface BindingTimings {
  firstPollAfterMs: number;
  maxPollIntervalMs: number;
  /** Not Authorized by then: the binding fails, and every payout waiting on it is declined with the reason. */
  authorizationDeadlineMs: number;
}

export const defaultBindingTimings: BindingTimings = {
  firstPollAfterMs: 5_000,
  maxPollIntervalMs: 5 * 60_000,
  authorizationDeadlineMs: 6 * 3_600_000,
};

export interface DestinationWorkflowInput {
  card: PanCard;
  currency: string;
  externalID: string;
  timings?: Partial<BindingTimings>;
}

function failureMessage(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? cause.message : undefined;
}

export async function DestinationWorkflow(input: DestinationWorkflowInput): Promise<BindingOutcome> {
  const timings: BindingTimings = { ...defaultBindingTimings, ...input.timings };
  const maskedCard = maskPan(input.card.pan);
  const view: DestinationView = {
    state: 'tokenizing',
    maskedCard,
    currency: input.currency,
    startedAt: new Date().toISOString(),
    waiters: [],
    events: [],
  };
  const inbox: BindingEvent[] = [];
  let outcome: BindingOutcome | undefined;

  setHandler(destinationStatusQuery, () => view);
  setHandler(bindingEventSignal, (event) => {
    inbox.push(event);
  });
  setHandler(registerBindingWaiterUpdate, (payoutWorkflowId) => {
    if (outcome) return outcome;
    if (!view.waiters.includes(payoutWorkflowId)) view.waiters.push(payoutWorkflowId);
    return { state: 'binding' };
  });

  const setState = (state: DestinationView['state'], details: string) => {
    view.state = state;
    setCurrentDetails(`**${state}**: ${maskedCard} ${input.currency}; ${details}`);
  };

  /** Webhook news about our destination: authorized ends the wait, unauthorized is a refusal. */
  const drain = (destinationId: string): BindingOutcome | undefined => {
    for (const event of inbox.splice(0)) {
      if (event.reference !== destinationId && event.idempotencyKey !== input.externalID) continue;
      view.events.push({
        eventId: event.eventId,
        state: event.state,
        receivedAt: new Date().toISOString(),
        source: 'webhook',
      });
      if (event.state === 'authorized') return { state: 'bound', destinationId };
      if (event.state === 'unauthorized') {
        return {
          state: 'failed',
          reason: `RBKmoney refused to authorize destination ${destinationId} for ${maskedCard}`,
        };
      }
    }
    return undefined;
  };

  const awaitAuthorization = async (destinationId: string): Promise<BindingOutcome> => {
    const deadline = Date.now() + timings.authorizationDeadlineMs;
    let interval: number | undefined;
    for (;;) {
      const fromWebhook = drain(destinationId);
      if (fromWebhook) return fromWebhook;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const within = formatDuration(timings.authorizationDeadlineMs);
        return {
          state: 'failed',
          reason: `destination ${destinationId} for ${maskedCard} not Authorized within ${within}`,
        };
      }
      interval = nextPollDelay(interval, timings.firstPollAfterMs, timings.maxPollIntervalMs);
      if (await condition(() => inbox.length > 0, Math.min(interval, remaining))) continue;
      try {
        const destination = await cardBinding.getDestination(destinationId);
        view.events.push({
          eventId: `poll:${view.events.length}`,
          state: destination?.usable ? 'authorized' : 'unauthorized',
          receivedAt: new Date().toISOString(),
          source: 'poll',
        });
        if (destination?.usable) return { state: 'bound', destinationId };
      } catch (error) {
        log.warn('destination lookup failed; will poll again', { error: String(error) });
      }
    }
  };

  try {
    const { token } = await cardBinding.tokenizeCard(input.card);
    setState('creating', 'card tokenized');
    const destination = await cardBinding.ensureDestination({
      token,
      externalID: input.externalID,
      currency: input.currency,
      maskedCard,
    });
    view.destinationId = destination.id;
    view.createdAt = new Date().toISOString();
    setState('awaiting_authorization', `destination ${destination.id} is ${destination.status}`);
    outcome = destination.usable
      ? { state: 'bound', destinationId: destination.id }
      : await awaitAuthorization(destination.id);
  } catch (error) {
    const message = failureMessage(error);
    if (message === undefined) throw error;
    outcome = { state: 'failed', reason: message };
  }

  view.finishedAt = new Date().toISOString();
  if (outcome.state === 'bound') setState('bound', `destination ${outcome.destinationId}`);
  else {
    view.reason = outcome.reason;
    setState('failed', outcome.reason);
  }
  const finished = outcome;
  await Promise.all(
    view.waiters.map((workflowId) =>
      getExternalWorkflowHandle(workflowId)
        .signal(cardBindingFinishedSignal, finished)
        // A payout that has ended meanwhile (cancelled) no longer needs the news.
        .catch((error: unknown) => log.info('waiter gone', { workflowId, error: String(error) })),
    ),
  );
  await condition(allHandlersFinished);
  return outcome;
}
