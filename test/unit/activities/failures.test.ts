import { ApplicationFailure } from '@temporalio/common';
import { failureTypes, nonRetryableFailureTypes, toApplicationFailure } from '../../../src/activities/failures.js';
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  SystemicProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../../../src/providers/errors.js';

test.each([
  [new TransientProviderError('ecommpay', 'HTTP 503'), 'transient', false],
  [new PayoutDeclinedError('ecommpay', 'Card country is forbidden', '3105'), 'declined', true],
  [new InvalidPayoutRequestError('ecommpay', 'Required field not provided', '2004'), 'invalid_request', true],
  [new SystemicProviderError('rbkmoney', 'unauthorized'), 'systemic', true],
  [new IdempotencyConflictError('rbkmoney', 'externalID reused with other params'), 'idempotency_conflict', true],
  [new UnclassifiedProviderError('ecommpay', 'code 9999 is not in the table', '9999'), 'unclassified', true],
] as const)('%s carries its class %s in the details (nonRetryable=%s)', (error, failureClass, nonRetryable) => {
  const failure = toApplicationFailure(error);
  expect(failure.details?.[0]).toMatchObject({ provider: error.provider, errorClass: error.errorClass, failureClass });
  expect(failure.type).toBe(failureTypes[failureClass]);
  expect(failure.nonRetryable).toBe(nonRetryable);
  // Retry policies and the failure itself agree: both come from one declaration.
  expect(nonRetryableFailureTypes.includes(failure.type!)).toBe(nonRetryable);
});

test('a rate limit carries the provider-suggested delay to the retry', () => {
  const failure = toApplicationFailure(new TransientProviderError('ecommpay', 'HTTP 429', '429', 5000));
  expect(failure.nextRetryDelay).toBe(5000);
});

test('unexpected errors are retried and their message is scrubbed of card numbers', () => {
  const failure = toApplicationFailure(new Error('cannot parse answer for 4242424242424242'));
  expect(failure.nonRetryable).toBe(false);
  expect(failure.message).toBe('cannot parse answer for 424242******4242');
});

test('an ApplicationFailure passes through unchanged', () => {
  const original = ApplicationFailure.nonRetryable('already classified', 'Custom');
  expect(toApplicationFailure(original)).toBe(original);
});
