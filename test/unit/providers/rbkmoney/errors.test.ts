// Every answer the RBKmoney wallet and payres APIs document (and the 422 messages their server sends),
// with the shared error it must become.
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  SystemicProviderError,
  TransientProviderError,
} from '../../../../src/providers/errors.js';
import { parseRetryAfter } from '../../../../src/providers/http.js';
import {
  classifyHttpAnswer,
  classifyRequestFailure,
  withdrawalFailureError,
} from '../../../../src/providers/rbkmoney/errors.js';
import { withdrawalSchema } from '../../../../src/providers/rbkmoney/wire/withdrawals.js';

type ErrorClass = abstract new (...args: never[]) => Error;

const table: Array<[label: string, status: number, body: unknown, expected: ErrorClass, code: string]> = [
  ['401 empty body', 401, undefined, SystemicProviderError, 'unauthorized'],
  ['403', 403, undefined, SystemicProviderError, 'forbidden'],
  [
    '400 X-Request-ID too long',
    400,
    { errorType: 'WrongLength', name: 'X-Request-ID', description: 'Request parameter: X-Request-ID' },
    InvalidPayoutRequestError,
    'WrongLength',
  ],
  [
    '400 bad payres token on createDestination',
    400,
    {
      errorType: 'InvalidResourceToken',
      name: 'BankCardDestinationResource',
      description: 'Specified resource token is invalid',
    },
    InvalidPayoutRequestError,
    'InvalidResourceToken',
  ],
  ['400 without a body', 400, undefined, InvalidPayoutRequestError, 'bad_request'],
  ['404 outside a read', 404, undefined, SystemicProviderError, 'not_found'],
  ['409 left to the caller', 409, { id: '10' }, IdempotencyConflictError, 'conflict'],
  ['422 No such wallet', 422, { message: 'No such wallet' }, SystemicProviderError, 'No such wallet'],
  ['422 Wallet inaccessible', 422, { message: 'Wallet inaccessible' }, SystemicProviderError, 'Wallet inaccessible'],
  ['422 Invalid currency', 422, { message: 'Invalid currency' }, SystemicProviderError, 'Invalid currency'],
  ['422 Forbidden currency', 422, { message: 'Forbidden currency' }, SystemicProviderError, 'Forbidden currency'],
  ['422 No such identity', 422, { message: 'No such identity' }, SystemicProviderError, 'No such identity'],
  [
    '422 Identity inaccessible',
    422,
    { message: 'Identity inaccessible' },
    SystemicProviderError,
    'Identity inaccessible',
  ],
  [
    '422 Currency not supported',
    422,
    { message: 'Currency not supported' },
    SystemicProviderError,
    'Currency not supported',
  ],
  [
    '422 Destination unauthorized',
    422,
    { message: 'Destination unauthorized' },
    PayoutDeclinedError,
    'Destination unauthorized',
  ],
  ['422 No such destination', 422, { message: 'No such destination' }, PayoutDeclinedError, 'No such destination'],
  ['422 Unknown card issuer', 422, { message: 'Unknown card issuer' }, PayoutDeclinedError, 'Unknown card issuer'],
  [
    '422 resource no longer allowed',
    422,
    { message: 'Destination uses resource no longer allowed' },
    PayoutDeclinedError,
    'Destination uses resource no longer allowed',
  ],
  [
    '422 wallet and destination mismatch',
    422,
    { message: 'This wallet and destination cannot be used together' },
    PayoutDeclinedError,
    'This wallet and destination cannot be used together',
  ],
  [
    '422 Invalid cash amount',
    422,
    { message: 'Invalid cash amount' },
    InvalidPayoutRequestError,
    'Invalid cash amount',
  ],
  [
    '422 payres Card data is invalid',
    422,
    { message: 'Card data is invalid' },
    InvalidPayoutRequestError,
    'Card data is invalid',
  ],
  ['422 payres Unsupported card', 422, { message: 'Unsupported card' }, PayoutDeclinedError, 'Unsupported card'],
  [
    '422 a message never seen',
    422,
    { message: 'Something new happened' },
    PayoutDeclinedError,
    'Something new happened',
  ],
  ['422 without a message', 422, {}, PayoutDeclinedError, 'invalid_operation'],
  ['429', 429, undefined, TransientProviderError, 'rate_limited'],
  ['500', 500, undefined, TransientProviderError, 'http_500'],
  ['502', 502, undefined, TransientProviderError, 'http_502'],
  ['503 not executed', 503, undefined, TransientProviderError, 'unavailable'],
  ['504 outcome unknown', 504, undefined, TransientProviderError, 'gateway_timeout'],
  ['418 unexpected', 418, undefined, SystemicProviderError, 'http_418'],
];

describe('classifyHttpAnswer', () => {
  test.each(table)('%s', (_label, status, body, expected, code) => {
    const error = classifyHttpAnswer({ operation: 'createWithdrawal', status, body });
    expect(error).toBeInstanceOf(expected);
    expect(error.code).toBe(code);
    expect(error.provider).toBe('rbkmoney');
    expect(error.message).toMatch(/^RBKmoney createWithdrawal: /);
  });

  test('the unknown 422 message is kept for the person who looks', () => {
    const error = classifyHttpAnswer({ operation: 'op', status: 422, body: { message: 'Something new happened' } });
    expect(error.message).toBe('RBKmoney op: 422 Something new happened');
  });

  test('429 carries Retry-After', () => {
    const error = classifyHttpAnswer({ operation: 'op', status: 429, body: undefined, retryAfter: '7' });
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).retryAfterMs).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  test('card numbers in provider text never reach the message', () => {
    const error = classifyHttpAnswer({
      operation: 'storeBankCard',
      status: 400,
      body: { errorType: 'NoMatch', name: 'BankCard', description: 'cardNumber 4242424242424242 does not match' },
    });
    expect(error.message).not.toContain('4242424242424242');
  });
});

describe('requests without an answer', () => {
  test.each(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED'])('%s is transient', (code) => {
    const error = classifyRequestFailure('getWithdrawal', Object.assign(new Error('boom'), { code }));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.code).toBe(code);
  });

  test('anything else thrown is transient too', () => {
    expect(classifyRequestFailure('getWithdrawal', 'weird').code).toBe('network_error');
  });
});

describe('withdrawal failures', () => {
  const failed = (failure: unknown) =>
    withdrawalSchema.parse({
      id: 'w1',
      wallet: '18',
      destination: '22',
      body: { amount: 100, currency: 'RUB' },
      status: 'Failed',
      failure,
    });

  test('our wallet limit or balance is systemic', () => {
    const error = withdrawalFailureError(failed({ code: 'account_limit_exceeded', subError: { code: 'amount' } }));
    expect(error).toBeInstanceOf(SystemicProviderError);
    expect(error.code).toBe('account_limit_exceeded:amount');
  });

  test.each(['no_route_found', 'authorization_failed', 'unknown', 'failed'])('%s is a decline', (code) => {
    const error = withdrawalFailureError(failed({ code }));
    expect(error).toBeInstanceOf(PayoutDeclinedError);
    expect(error.code).toBe(code);
  });
});
