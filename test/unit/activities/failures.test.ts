import { ApplicationFailure } from '@temporalio/common';
import { failureTypes, toApplicationFailure } from '../../../src/activities/failures.js';
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  SystemicProviderError,
  TransientProviderError,
} from '../../../src/providers/errors.js';

test.each([
  [new TransientProviderError('ecommpay', 'HTTP 503'), failureTypes.transient, false],
  [new PayoutDeclinedError('ecommpay', 'Card country is forbidden', '3105'), failureTypes.declined, true],
  [new InvalidPayoutRequestError('ecommpay', 'Required field not provided', '2004'), failureTypes.invalidRequest, true],
  [new SystemicProviderError('rbkmoney', 'unauthorized'), failureTypes.systemic, true],
  [
    new IdempotencyConflictError('rbkmoney', 'externalID reused with other params'),
    failureTypes.idempotencyConflict,
    true,
  ],
])('%s becomes %s (nonRetryable=%s)', (error, type, nonRetryable) => {
  const failure = toApplicationFailure(error);
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(nonRetryable);
  expect(failure.details?.[0]).toMatchObject({ provider: error.provider, errorClass: error.errorClass });
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
