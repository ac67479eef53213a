import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { toApplicationFailure } from '../../../src/activities/failures.js';
import { PayoutDeclinedError, SystemicProviderError } from '../../../src/providers/errors.js';
import {
  applicationFailure,
  failureClassOf,
  isDefiniteFailure,
  providerCode,
} from '../../../src/workflows/payout/failures.js';

const fromActivity = (cause: ApplicationFailure) =>
  new ActivityFailure('activity failed', 'submitPayout', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, cause);

test('the class a provider failure carries in its details reaches the workflow as data', () => {
  const failure = applicationFailure(
    fromActivity(toApplicationFailure(new PayoutDeclinedError('ecommpay', 'Card country is forbidden', '3105'))),
  );
  expect(failureClassOf(failure)).toBe('declined');
  expect(providerCode(failure!)).toBe('3105');
});

test('the details decide, not the type name', () => {
  const failure = ApplicationFailure.create({
    message: 'wallet is empty',
    type: 'SomethingElse',
    nonRetryable: true,
    details: [{ provider: 'rbkmoney', errorClass: 'systemic', failureClass: 'systemic' }],
  });
  expect(failureClassOf(failure)).toBe('systemic');
});

// Histories recorded before the class travelled in the details hold failures with a type name and no class.
test.each([
  ['PayoutDeclined', 'declined'],
  ['InvalidPayoutRequest', 'invalid_request'],
  ['ProviderSystemic', 'systemic'],
  ['IdempotencyConflict', 'idempotency_conflict'],
  ['ProviderUnclassified', 'unclassified'],
  ['ProviderTransient', 'transient'],
])('a recorded failure of type %s without a class in its details reads as %s', (type, failureClass) => {
  const failure = ApplicationFailure.create({
    message: 'recorded',
    type,
    nonRetryable: true,
    details: [{ provider: 'ecommpay', code: '3105', errorClass: 'declined' }],
  });
  expect(failureClassOf(failure)).toBe(failureClass);
});

test('a failure that is no provider failure has no class, and ends no payout by itself', () => {
  const bug = toApplicationFailure(new Error('cannot parse the answer'));
  expect(failureClassOf(bug)).toBeUndefined();
  expect(failureClassOf(undefined)).toBeUndefined();
  expect(isDefiniteFailure(failureClassOf(bug))).toBe(false);
  expect(isDefiniteFailure('transient')).toBe(false);
  expect(isDefiniteFailure('unclassified')).toBe(false);
  expect(isDefiniteFailure(failureClassOf(toApplicationFailure(new SystemicProviderError('rbkmoney', 'no'))))).toBe(
    true,
  );
});
