/**
 * What a PayoutWorkflow is started with besides its input, the same from the client and from a batch: the
 * search attributes (visible in lists before its first task runs) and the memo with the request's hash,
 * which lets a second submission of the same payoutId tell "same request" from "different request".
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { PayoutRequest } from '../domain/payout-request.js';
import {
  batchIdSearchAttribute,
  payoutAmountSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusSearchAttribute,
} from './definitions.js';

/** Memo key of the request hash; the memo never holds card data. */
export const requestHashMemoKey = 'requestHash';

export function payoutSearchAttributePairs(request: PayoutRequest): SearchAttributePair[] {
  return [
    { key: payoutStatusSearchAttribute, value: 'validating' },
    { key: payoutProviderSearchAttribute, value: request.provider },
    { key: payoutCurrencySearchAttribute, value: request.currency },
    { key: payoutAmountSearchAttribute, value: request.amount },
    ...(request.batchId ? [{ key: batchIdSearchAttribute, value: request.batchId }] : []),
  ];
}
