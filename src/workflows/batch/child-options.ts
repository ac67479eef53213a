/**
 * What a PayoutWorkflow is started with besides its input, the same from the client and from a batch: the
 * search attributes (visible in lists before its first task runs) and the memo with the request's identity
 * (client/request-identity.ts), which lets a second submission of the same payoutId tell "same request" from
 * "different request".
 */
import type { SearchAttributePair } from '@temporalio/common';
import { legacyRequestHashMemoKey, requestIdentityMemoKey } from '../../domain/memo-keys.js';
import type { PayoutRequest } from '../../domain/payout-request.js';
import {
  batchIdSearchAttribute,
  payoutAmountSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusSearchAttribute,
} from '../definitions.js';

export { legacyRequestHashMemoKey, requestIdentityMemoKey } from '../../domain/memo-keys.js';

/** The memo a child payout is started with: the identity under its key, a legacy item's hash under the old one. */
export function requestMemo(item: { requestIdentity?: string; requestHash?: string }): Record<string, string> {
  if (item.requestIdentity !== undefined) return { [requestIdentityMemoKey]: item.requestIdentity };
  return item.requestHash !== undefined ? { [legacyRequestHashMemoKey]: item.requestHash } : {};
}

export function payoutSearchAttributePairs(request: PayoutRequest): SearchAttributePair[] {
  return [
    { key: payoutStatusSearchAttribute, value: 'validating' },
    { key: payoutProviderSearchAttribute, value: request.provider },
    { key: payoutCurrencySearchAttribute, value: request.currency },
    { key: payoutAmountSearchAttribute, value: request.amount },
    ...(request.batchId ? [{ key: batchIdSearchAttribute, value: request.batchId }] : []),
  ];
}
