/**
 * Activities that bind a card at a provider that pays to bound cards (the `cardBinding` capability of its
 * PayoutProvider; DestinationWorkflow), and the one a payout uses to join the binding of its card:
 * update-with-start on `destination-<externalID>`, so concurrent payouts to one card share one binding and a
 * later payout finds the finished one.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { maskPan } from '../domain/card.js';
import type { PanCard, ProviderName } from '../domain/payout-request.js';
import { providerCapabilities } from '../domain/provider-capabilities.js';
import type { BoundCard, CardBinding } from '../providers/contract.js';
import { SystemicProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { type BindingState, destinationWorkflowId, registerBindingWaiterUpdate } from '../workflows/definitions.js';
import { measuredProviderCall } from '../metrics/provider-calls.js';
import { classified } from './failures.js';

export interface CardBindingDeps {
  providers: ProviderRegistry;
  /** Starts or joins binding workflows; absent in processes that never pay through RBKmoney. */
  client?: Client;
  taskQueue: string;
}

export interface EnsureDestinationRequest {
  token: string;
  externalID: string;
  currency: string;
  maskedCard: string;
}

export interface CardBindingRequest {
  payoutWorkflowId: string;
  card: PanCard;
  currency: string;
  /** The payout's provider; requests recorded before it was sent bind at the one provider that binds cards. */
  provider?: ProviderName;
}

/**
 * The provider that binds cards when a call names none: DestinationWorkflow's calls carry no provider, and
 * exactly one provider declares the capability.
 */
function soleCardBindingProvider(): ProviderName {
  const names = (Object.keys(providerCapabilities) as ProviderName[]).filter(
    (name) => providerCapabilities[name].cardBinding,
  );
  if (names.length !== 1) throw new Error(`card binding needs a provider name: ${names.length} providers bind cards`);
  return names[0] as ProviderName;
}

function cardBindingAt(providers: ProviderRegistry, name: ProviderName): CardBinding {
  const binding = providers.get(name).cardBinding;
  if (!binding) throw new SystemicProviderError(name, `${name} does not bind cards`);
  return binding;
}

export function createCardBindingActivities({ providers, client, taskQueue }: CardBindingDeps) {
  const bindingProvider = soleCardBindingProvider();
  return {
    /** The card goes to the provider's card vault and nowhere else; only the token comes back. */
    async tokenizeCard(card: PanCard): Promise<{ token: string }> {
      return classified(async () => {
        const tokenized = await measuredProviderCall(bindingProvider, 'tokenize_card', () =>
          cardBindingAt(providers, bindingProvider).tokenizeCard(card),
        );
        return { token: tokenized.token };
      });
    },

    async ensureDestination(input: EnsureDestinationRequest): Promise<BoundCard> {
      return classified(() =>
        measuredProviderCall(bindingProvider, 'ensure_destination', () =>
          cardBindingAt(providers, bindingProvider).ensureDestination({
            token: input.token,
            externalID: input.externalID,
            currency: input.currency,
            // Built the same on every retry: a different name under one externalID is a conflict.
            name: `payouts ${input.maskedCard}`,
          }),
        ),
      );
    },

    async getDestination(id: string): Promise<BoundCard | undefined> {
      return classified(() =>
        measuredProviderCall(bindingProvider, 'get_destination', () =>
          cardBindingAt(providers, bindingProvider).getDestination(id),
        ),
      );
    },

    /** Starts the card's binding or joins the running one; the answer says whether it has already ended. */
    async requestCardBinding({
      payoutWorkflowId,
      card,
      currency,
      provider,
    }: CardBindingRequest): Promise<BindingState> {
      return classified(async () => {
        if (!client) throw new Error('no Temporal client was given to the card-binding activities');
        const name = provider ?? bindingProvider;
        const externalID = cardBindingAt(providers, name).destinationExternalId(card, currency);
        const startWorkflowOperation = new WithStartWorkflowOperation('DestinationWorkflow', {
          workflowId: destinationWorkflowId(externalID),
          taskQueue,
          args: [{ card, currency, externalID }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `binding ${maskPan(card.pan)} (${currency}) at ${name}`,
        });
        return client.workflow.executeUpdateWithStart(registerBindingWaiterUpdate, {
          args: [payoutWorkflowId],
          startWorkflowOperation,
        });
      });
    },
  };
}

export type CardBindingActivities = ReturnType<typeof createCardBindingActivities>;
