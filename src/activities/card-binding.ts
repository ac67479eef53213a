/**
 * Activities that bind a card at RBKmoney (DestinationWorkflow), and the one a payout uses to join the
 * binding of its card: update-with-start on `destination-<externalID>`, so concurrent payouts to one card
 * share one binding and a later payout finds the finished one.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { maskPan } from '../domain/card.js';
import type { PanCard } from '../domain/payout-request.js';
import type { DestinationInfo } from '../providers/rbkmoney/index.js';
import { type ProviderRegistry, rbkmoneyProvider } from '../providers/registry.js';
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
}

export function createCardBindingActivities({ providers, client, taskQueue }: CardBindingDeps) {
  return {
    /** The card goes to payres and nowhere else; only the token comes back. */
    async tokenizeCard(card: PanCard): Promise<{ token: string }> {
      return classified(async () => {
        const tokenized = await measuredProviderCall('rbkmoney', 'tokenize_card', () =>
          rbkmoneyProvider(providers).tokenizeCard(card),
        );
        return { token: tokenized.token };
      });
    },

    async ensureDestination(input: EnsureDestinationRequest): Promise<DestinationInfo> {
      return classified(() =>
        measuredProviderCall('rbkmoney', 'ensure_destination', () =>
          rbkmoneyProvider(providers).ensureDestination({
            token: input.token,
            externalID: input.externalID,
            currency: input.currency,
            // Built the same on every retry: a different name under one externalID is a conflict.
            name: `payouts ${input.maskedCard}`,
          }),
        ),
      );
    },

    async getDestination(id: string): Promise<DestinationInfo | undefined> {
      return classified(() =>
        measuredProviderCall('rbkmoney', 'get_destination', () => rbkmoneyProvider(providers).getDestination(id)),
      );
    },

    /** Starts the card's binding or joins the running one; the answer says whether it has already ended. */
    async requestCardBinding({ payoutWorkflowId, card, currency }: CardBindingRequest): Promise<BindingState> {
      return classified(async () => {
        if (!client) throw new Error('no Temporal client was given to the card-binding activities');
        const externalID = rbkmoneyProvider(providers).destinationExternalId(card, currency);
        const startWorkflowOperation = new WithStartWorkflowOperation('DestinationWorkflow', {
          workflowId: destinationWorkflowId(externalID),
          taskQueue,
          args: [{ card, currency, externalID }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `binding ${maskPan(card.pan)} (${currency}) at rbkmoney`,
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
