/**
 * Names shared by workflows, the worker, the client, the relay and the tests: search attribute keys and
 * task queues. Signals, queries and updates join this module as the workflows that own them are added.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FailureClass } from '../domain/payout-outcome.js';
import type { BindingEvent } from '../domain/provider-messages.js';

/** PayoutWorkflow's signals, queries, updates and shapes live beside it; every importer finds them here too. */
export * from './payout/definitions.js';

/**
 * The payout's workflow types: clients and batches start the first; the others are the types before it, kept
 * while their runs drain (payout/changes.ts). Lists and reviews look at all of them.
 */
export const payoutWorkflowType = 'PayoutWorkflowV3';
export const secondPayoutWorkflowType = 'PayoutWorkflowV2';
export const firstPayoutWorkflowType = 'PayoutWorkflow';
export const payoutWorkflowTypes = [payoutWorkflowType, secondPayoutWorkflowType, firstPayoutWorkflowType] as const;
/** A visibility query term matching every payout, whatever its type. */
export const payoutWorkflowTypeTerm = `WorkflowType IN (${payoutWorkflowTypes.map((type) => `'${type}'`).join(', ')})`;

/**
 * Frames the `__stack_trace` query (the UI's "Stack Trace" tab) shows per pending promise of a workflow: the
 * innermost ones, where it waits and the steps that called it (src/workflows/shared-context.ts says why not
 * V8's ten). Where a payout stands is in its `status` query and the UI's details besides.
 */
export const workflowStackTraceFrames = 4;

export const payoutStatusSearchAttribute = defineSearchAttributeKey('PayoutStatus', SearchAttributeType.KEYWORD);
export const payoutProviderSearchAttribute = defineSearchAttributeKey('PayoutProvider', SearchAttributeType.KEYWORD);
export const batchIdSearchAttribute = defineSearchAttributeKey('BatchId', SearchAttributeType.KEYWORD);
export const payoutCurrencySearchAttribute = defineSearchAttributeKey('PayoutCurrency', SearchAttributeType.KEYWORD);
export const payoutAmountSearchAttribute = defineSearchAttributeKey('PayoutAmount', SearchAttributeType.INT);
/** What ops are told: the provider's reference of a payout, and the provider's code of a decline. */
export const payoutProviderReferenceSearchAttribute = defineSearchAttributeKey(
  'PayoutProviderReference',
  SearchAttributeType.KEYWORD,
);
export const payoutDeclineCodeSearchAttribute = defineSearchAttributeKey(
  'PayoutDeclineCode',
  SearchAttributeType.KEYWORD,
);
/**
 * A batch payout's block: `<batchId>:<k>` for items 100k to 100k+99. A batch lists its outcomes block by block
 * (activities/batch-outcome-collection.ts): an equality on it reads a hundred rows, where BatchId reads the batch's.
 */
export const payoutBatchBlockSearchAttribute = defineSearchAttributeKey(
  'PayoutBatchBlock',
  SearchAttributeType.KEYWORD,
);

/** Every custom search attribute the namespace must have; the dev server and the compose setup register these. */
export const customSearchAttributes = [
  payoutStatusSearchAttribute,
  payoutProviderSearchAttribute,
  batchIdSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutAmountSearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutDeclineCodeSearchAttribute,
  payoutBatchBlockSearchAttribute,
] as const;

/**
 * Why a provider activity failed. activities/failures.ts sets it, in one place, in the failure's details
 * (ProviderFailureDetails), and workflows read it from there. `unclassified`: a code the provider's table does not
 * hold, never a final decline (the payout goes to review).
 */
export type ProviderFailureClass = FailureClass | 'transient' | 'unclassified';

/** Details carried by every provider failure, readable by workflows. */
export interface ProviderFailureDetails {
  provider: string;
  code?: string;
  errorClass: string;
  failureClass: ProviderFailureClass;
}

/** The ApplicationFailure type of each class: what retry policies match on (and what older histories carry). */
export const failureTypes = {
  transient: 'ProviderTransient',
  declined: 'PayoutDeclined',
  invalid_request: 'InvalidPayoutRequest',
  systemic: 'ProviderSystemic',
  idempotency_conflict: 'IdempotencyConflict',
  unclassified: 'ProviderUnclassified',
} as const satisfies Record<ProviderFailureClass, string>;

/** Only a transient failure is worth retrying: the one declaration of non-retryability. */
export const isRetryableFailureClass = (failureClass: ProviderFailureClass): boolean => failureClass === 'transient';

/** The types retry policies never retry (every class but transient). */
export const nonRetryableFailureTypes: string[] = (Object.keys(failureTypes) as ProviderFailureClass[])
  .filter((failureClass) => !isRetryableFailureClass(failureClass))
  .map((failureClass) => failureTypes[failureClass]);

// ---- DestinationWorkflow (RBKmoney card binding) ----

/** One binding per card, identity and currency: the id carries the destination externalID (a keyed hash). */
export const destinationWorkflowId = (externalID: string) => `destination-${externalID}`;

export type BindingOutcome = { state: 'bound'; destinationId: string } | { state: 'failed'; reason: string };
export type BindingState = BindingOutcome | { state: 'binding' };

/** A verified destination webhook, sent by the relay. */
export const bindingEventSignal = defineSignal<[BindingEvent]>('bindingEvent');
/** A payout asks to be told when the card is bound; answers at once when the binding has already ended. */
export const registerBindingWaiterUpdate = defineUpdate<BindingState, [payoutWorkflowId: string]>('registerWaiter');
/** Sent to every waiting payout when the binding ends. */
export const cardBindingFinishedSignal = defineSignal<[BindingOutcome]>('cardBindingFinished');
export const destinationStatusQuery = defineQuery<DestinationView>('status');

export interface DestinationView {
  state: 'tokenizing' | 'creating' | 'awaiting_authorization' | 'bound' | 'failed';
  maskedCard: string;
  currency: string;
  destinationId?: string;
  reason?: string;
  startedAt: string;
  createdAt?: string;
  finishedAt?: string;
  /** Payout workflows waiting for this binding. */
  waiters: string[];
  events: Array<{ eventId: string; state: BindingEvent['state']; receivedAt: string; source: 'webhook' | 'poll' }>;
}
