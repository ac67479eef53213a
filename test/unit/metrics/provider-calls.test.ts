// Measuring a provider call never changes what the call returns or throws, inside an activity or not.
import { measuredProviderCall, resultOf } from '../../../src/metrics/provider-calls.js';
import { PayoutDeclinedError, SystemicProviderError, TransientProviderError } from '../../../src/providers/errors.js';

test('the value and the error pass through unchanged (no activity here: the meter is a no-op)', async () => {
  await expect(measuredProviderCall('ecommpay', 'submit', async () => 42)).resolves.toBe(42);
  const declined = new PayoutDeclinedError('ecommpay', 'declined by issuer', '3104');
  await expect(measuredProviderCall('ecommpay', 'submit', () => Promise.reject(declined))).rejects.toBe(declined);
});

test('errors are labelled by their class; anything that is not a provider error is unexpected', () => {
  expect(resultOf(new TransientProviderError('rbkmoney', 'timeout'))).toBe('transient');
  expect(resultOf(new SystemicProviderError('rbkmoney', 'auth refused'))).toBe('systemic');
  expect(resultOf(new PayoutDeclinedError('ecommpay', 'no'))).toBe('declined');
  expect(resultOf(new TypeError('bug'))).toBe('unexpected');
});
