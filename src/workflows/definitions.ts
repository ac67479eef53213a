/**
 * Names shared by workflows, the worker, the client, the relay and the tests: search attribute keys and
 * task queues. Signals, queries and updates join this module as the workflows that own them are added.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const payoutStatusSearchAttribute = defineSearchAttributeKey('PayoutStatus', SearchAttributeType.KEYWORD);
export const payoutProviderSearchAttribute = defineSearchAttributeKey('PayoutProvider', SearchAttributeType.KEYWORD);
export const batchIdSearchAttribute = defineSearchAttributeKey('BatchId', SearchAttributeType.KEYWORD);
export const payoutCurrencySearchAttribute = defineSearchAttributeKey('PayoutCurrency', SearchAttributeType.KEYWORD);
export const payoutAmountSearchAttribute = defineSearchAttributeKey('PayoutAmount', SearchAttributeType.INT);

/** Every custom search attribute the namespace must have; the dev server and the compose setup register these. */
export const customSearchAttributes = [
  payoutStatusSearchAttribute,
  payoutProviderSearchAttribute,
  batchIdSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutAmountSearchAttribute,
] as const;
