// The rules both provider adapters share, written once: a refused status request, and Retry-After.
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  statusWhenRefused,
  SystemicProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../../../src/providers/errors.js';
import { parseRetryAfter } from '../../../src/providers/http.js';

describe('a refused status request means unknown', () => {
  test.each([
    new InvalidPayoutRequestError('rbkmoney', 'RBKmoney getWithdrawal: 400 SchemaViolated', 'SchemaViolated'),
    new PayoutDeclinedError('ecommpay', 'ecommpay 3002: refused', '3002'),
    new IdempotencyConflictError('rbkmoney', 'taken', 'conflict'),
    new UnclassifiedProviderError('ecommpay', 'ecommpay 77777: new code', '77777'),
  ])('%s says nothing about the payout', (error) => {
    expect(statusWhenRefused(error)).toEqual({ state: 'unknown', reason: `status request refused: ${error.message}` });
  });

  test.each([
    new TransientProviderError('ecommpay', 'ecommpay unreachable'),
    new SystemicProviderError('rbkmoney', 'RBKmoney getWithdrawal: 401 unauthorized', 'unauthorized'),
    new Error('a bug'),
  ])('%s is thrown: retried, or stopped and alerted', (error) => {
    expect(() => statusWhenRefused(error)).toThrow(error);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-06-15T12:00:00Z');
  test.each<[string | string[] | undefined, number | undefined]>([
    ['7', 7000],
    [' 12 ', 12000],
    [['3', '9'], 3000],
    ['Sun, 15 Jun 2025 12:00:30 GMT', 30000],
    ['Sun, 15 Jun 2025 11:00:00 GMT', 0],
    ['999999', 999999000],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %p', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
