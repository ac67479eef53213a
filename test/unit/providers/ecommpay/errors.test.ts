import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  type ProviderError,
  SystemicProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../../../../src/providers/errors.js';
import {
  classifyAnswer,
  retryAfterMs,
  transientFromNetworkError,
  type ProviderAnswer,
} from '../../../../src/providers/ecommpay/errors.js';

const errorBody = (code: string | number, message?: string) => ({ status: 'error', code, message });

function errorOf(answer: ProviderAnswer): ProviderError {
  const classified = classifyAnswer(answer);
  if (classified.kind !== 'error') throw new Error(`expected an error, got ${classified.kind}`);
  return classified.error;
}

describe('codes that are not errors', () => {
  test.each([
    [400, errorBody('3041', 'Payment ID already exists'), 'duplicate'],
    [200, errorBody(3041), 'duplicate'],
    [200, { payment: { status: 'error' }, errors: [{ code: '3061', message: 'Transaction not found' }] }, 'not_found'],
    [404, errorBody('3061'), 'not_found'],
    [200, errorBody('3191', 'Need clarification'), 'registered'],
    [200, errorBody(19999), 'registered'],
  ])('HTTP %i %j -> %s', (statusCode, body, kind) => {
    expect(classifyAnswer({ statusCode, body })).toMatchObject({ kind });
  });
});

describe('the unified code table', () => {
  test.each<[string, new (...args: never[]) => ProviderError]>([
    ['3261', SystemicProviderError],
    ['3262', SystemicProviderError],
    ['2442', SystemicProviderError],
    ['3028', SystemicProviderError],
    ['504', SystemicProviderError],
    ['314', SystemicProviderError],
    ['2003', InvalidPayoutRequestError],
    ['2004', InvalidPayoutRequestError],
    ['3162', InvalidPayoutRequestError],
    ['3104', PayoutDeclinedError],
    ['3105', PayoutDeclinedError],
    ['3356', PayoutDeclinedError],
    ['10101', PayoutDeclinedError],
    ['10812', PayoutDeclinedError],
    ['100', PayoutDeclinedError],
  ])('%s -> %p', (code, errorClass) => {
    const error = errorOf({ statusCode: 400, body: errorBody(code) });
    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(code);
    expect(error.provider).toBe('ecommpay');
  });

  test('a code missing from the registry that names a field is an invalid request, not a decline', () => {
    const result = classifyAnswer({
      statusCode: 400,
      body: {
        status: 'error',
        errors: [{ code: 2609, message: 'Invalid day of birth', field: 'sender.day_of_birth' }],
      },
    });
    expect(result.kind === 'error' && result.error).toBeInstanceOf(InvalidPayoutRequestError);
  });

  test('the provider’s message is kept, with the field it names', () => {
    const body = {
      status: 'error',
      errors: [{ code: 2004, message: 'Required field not provided', field: 'customer.id' }],
    };
    const error = errorOf({ statusCode: 400, body });
    expect(error).toBeInstanceOf(InvalidPayoutRequestError);
    expect(error.message).toBe('ecommpay 2004: Required field not provided (field customer.id)');
  });

  test('the registry’s wording fills in when the answer has none', () => {
    expect(errorOf({ statusCode: 400, body: errorBody('3104') }).message).toBe(
      'ecommpay 3104: Payment Constraint Invalid Payout Amount',
    );
  });

  test('a code the table lacks keeps the raw code, is never transient and never a decline', () => {
    const error = errorOf({ statusCode: 400, body: errorBody('7777', 'Something new') });
    expect(error).toBeInstanceOf(UnclassifiedProviderError);
    expect(error.code).toBe('7777');
    expect(error.message).toBe('ecommpay 7777: Something new');
  });

  test('a known code wins over a 5xx status', () => {
    expect(errorOf({ statusCode: 500, body: errorBody('3104') })).toBeInstanceOf(PayoutDeclinedError);
    expect(errorOf({ statusCode: 503, body: errorBody('314') })).toBeInstanceOf(SystemicProviderError);
  });

  test('card numbers in provider messages are masked', () => {
    const error = errorOf({ statusCode: 400, body: errorBody('3356', 'card 4242424242424242 is not allowed') });
    expect(error.message).toBe('ecommpay 3356: card 424242******4242 is not allowed');
    expect(error.message).not.toContain('4242424242424242');
  });
});

describe('HTTP without a usable code', () => {
  test.each<[number, unknown, new (...args: never[]) => ProviderError]>([
    [500, undefined, TransientProviderError],
    [502, '<html>bad gateway</html>', TransientProviderError],
    [503, { status: 'error' }, TransientProviderError],
    [504, undefined, TransientProviderError],
    [408, undefined, TransientProviderError],
    [500, errorBody('8888'), TransientProviderError],
    [401, undefined, SystemicProviderError],
    [403, { status: 'error', message: 'Access denied' }, SystemicProviderError],
    [404, undefined, SystemicProviderError],
    [400, { status: 'error', message: 'bad request' }, InvalidPayoutRequestError],
    [302, undefined, SystemicProviderError],
    [200, { status: 'error', message: 'Undefined error' }, PayoutDeclinedError],
    [200, { status: 'something else' }, TransientProviderError],
    [200, undefined, TransientProviderError],
  ])('HTTP %i %j -> %p', (statusCode, body, errorClass) => {
    expect(errorOf({ statusCode, body })).toBeInstanceOf(errorClass);
  });

  test('429 is transient with the server’s Retry-After', () => {
    const error = errorOf({ statusCode: 429, headers: { 'retry-after': '7' }, body: undefined });
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).retryAfterMs).toBe(7000);
  });

  test('429 without Retry-After leaves the delay to the retry policy', () => {
    const error = errorOf({ statusCode: 429, body: errorBody('9999') }) as TransientProviderError;
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.retryAfterMs).toBeUndefined();
  });
});

// Reading the header is the shared rule (test/unit/providers/shared-rules.test.ts); ecommpay caps the wait.
describe('retryAfterMs', () => {
  test.each<[string | undefined, number | undefined]>([
    ['12', 12000],
    ['3600', 3600000],
    ['999999', 3600000],
    ['soon', undefined],
  ])('%j -> %p', (header, expected) => {
    expect(retryAfterMs(header)).toBe(expected);
  });
});

test('network errors are transient, keep their code and lose any card number', () => {
  const cause = Object.assign(new Error('connect ECONNREFUSED for 4242424242424242'), { code: 'ECONNREFUSED' });
  const error = transientFromNetworkError(cause);
  expect(error).toBeInstanceOf(TransientProviderError);
  expect(error.code).toBe('ECONNREFUSED');
  expect(error.message).toBe('ecommpay unreachable: connect ECONNREFUSED for 424242******4242');
});

describe('codes the table lacked (issue 19, finding 6)', () => {
  test.each<[string, new (...args: never[]) => ProviderError]>([
    ['303', SystemicProviderError],
    ['601', TransientProviderError],
    ['602', TransientProviderError],
    ['3101', InvalidPayoutRequestError],
    ['3022', InvalidPayoutRequestError],
    ['10504', SystemicProviderError],
  ])('%s -> %p', (code, errorClass) => {
    expect(errorOf({ statusCode: 400, body: errorBody(code) })).toBeInstanceOf(errorClass);
  });

  test('a code nobody knows is never a final decline by itself', () => {
    const error = errorOf({ statusCode: 400, body: errorBody('77777', 'Something new') });
    expect(error).not.toBeInstanceOf(PayoutDeclinedError);
    expect(error).toBeInstanceOf(UnclassifiedProviderError);
    expect(error.code).toBe('77777');
  });
});
