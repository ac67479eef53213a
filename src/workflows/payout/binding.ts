/**
 * Card binding before submission, for providers that pay to a bound card (domain/provider-capabilities.ts):
 * the payout joins (or starts) its card's binding workflow and waits for the outcome.
 */
import { condition, isCancellation, workflowInfo } from '@temporalio/workflow';
import { isPanCard } from '../../domain/card.js';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import type { PanCard, PayoutRequest } from '../../domain/payout-request.js';
import { providerCapabilities } from '../../domain/provider-capabilities.js';
import type { BindingOutcome } from '../definitions.js';
import { cardBinding } from './activities.js';
import { applicationFailure, failureClassOf, isDefiniteFailure, providerCode } from './failures.js';
import { closeAfterLateWindow } from './outcome.js';
import { finish, setStatus, unclassifiedFailure } from './reporting.js';
import type { PayoutState } from './state.js';
import { changeApplies } from './changes.js';

/**
 * Where the steps before submission leave a payout: the bound card to pay to (none for a provider that pays
 * to the card itself, or when cancelled), or closed with its outcome.
 */
export type PreparedPayout = { destinationId?: string } | { closed: PayoutOutcome };

/** Whether this payout pays to a bound card: a card number, at a provider that pays to bound cards. */
export function needsCardBinding(request: PayoutRequest): request is PayoutRequest & { card: PanCard } {
  return providerCapabilities[request.provider].cardBinding && isPanCard(request.card);
}

async function joinBinding(state: PayoutState, card: PanCard): Promise<BindingOutcome | undefined> {
  const ask = () =>
    cardBinding.requestCardBinding({
      payoutWorkflowId: workflowInfo().workflowId,
      card,
      currency: state.request.currency,
      provider: state.request.provider,
    });
  let binding = await ask();
  while (binding.state === 'binding') {
    // No news for a long while: ask again; a binding that ended meanwhile answers at once.
    await condition(() => state.bindingOutcome !== undefined || state.cancelReason !== undefined, '15 minutes');
    if (state.cancelReason !== undefined) return undefined;
    binding = state.bindingOutcome ?? (await ask());
  }
  return binding;
}

/**
 * The payout closes (late-event window included) inside the try, as it always has: a cancellation of that
 * window reaches the caller's catch, which ends the payout `cancelled`.
 */
export async function bindCard(state: PayoutState, card: PanCard): Promise<PreparedPayout> {
  setStatus(state, 'binding_card', `binding ${state.view.maskedCard} at ${state.request.provider}`);
  try {
    const bound = await joinBinding(state, card);
    if (bound?.state === 'failed') {
      const declined = finish(state, 'declined', {
        code: 'card_binding_failed',
        message: bound.reason,
        failureClass: 'declined',
      });
      return { closed: await closeAfterLateWindow(state, declined) };
    }
    return bound?.destinationId ? { destinationId: bound.destinationId } : {};
  } catch (error) {
    const failure = applicationFailure(error);
    const failureClass = failureClassOf(failure);
    if (!failure || !isDefiniteFailure(failureClass)) {
      // A failure nobody classified (the binding timing out, say): the payout still ends, in review.
      if (isCancellation(error) || !changeApplies('outcome-for-every-failure')) throw error;
      return { closed: await closeAfterLateWindow(state, unclassifiedFailure(state, error, 'binding the card')) };
    }
    const declined = finish(state, 'declined', {
      code: providerCode(failure) ?? 'card_binding_failed',
      message: failure.message,
      failureClass,
    });
    return { closed: await closeAfterLateWindow(state, declined) };
  }
}
