// Vectors published in ecommpay's official SDK test suites (ITECOMMPAY/paymentpage-sdk-*), reproduced
// bit-exact; see docs/PROVIDERS.md for where each comes from.
import { sign, stringToSign, verify } from '../../../../src/providers/ecommpay/signature.js';

describe('ecommpay signature: official SDK vectors', () => {
  test('Java SDK callbackDataWithArray (nested arrays, booleans, deep objects) verifies', () => {
    const callback = {
      errors: [
        { message: 'error1', code: 1, fail: true },
        { message: 'error2', code: 2, fail: false },
        { message: 'error3', code: 3, fail: { 'sub-fail': { test: 1 } } },
      ],
      sum_converted: { amount: 10000, currency: 'EUR' },
      signature: 'oXF9a0F80FBkT5plV1aVcQIVSWr3l07StkQ2izUKmy//H2S9gMX982Kgm4tXB4+Ze1S5E1jeKhwheIgYMZ4J+w==',
    };
    const { signature, ...unsigned } = callback;
    expect(stringToSign(unsigned)).toBe(
      'errors:0:code:1;errors:0:fail:1;errors:0:message:error1;errors:1:code:2;errors:1:fail:0;errors:1:message:error2;' +
        'errors:2:code:3;errors:2:fail:sub-fail:test:1;errors:2:message:error3;sum_converted:amount:10000;sum_converted:currency:EUR',
    );
    expect(sign(unsigned, 'qwerty')).toBe(signature);
    expect(verify(callback, 'qwerty')).toBe(true);
  });

  test('Python SDK payment_multilevel_data (null, mixed arrays)', () => {
    const params = {
      payment: { id: 'test-payment' },
      errors: [
        { code: '123', message: 'grand crash', description: ['description-str', { description1: 1 }] },
        { code: '456', message: 'minor crash', description: null },
      ],
    };
    expect(sign(params, 'qwerty')).toBe(
      'dxjnun8oySSl0CWlhhjy/k1V9CZcCtaHvu/Y5qJQbWHq8wd6TqTUt4bIfHrlWxT8ba9NOJfkgGHrGc5OgyQVGA==',
    );
  });

  test('PHP and JS SDK payment (frame_mode ignored, true as 1)', () => {
    const params = {
      customer: { project_id: 0, id: 'sutm_id' },
      card: { pan: '4242424242424242', year: 2020, month: 8, card_holder: 'John Smith', cvv: '123', save: true },
      frame_mode: 'popup',
    };
    expect(sign(params, 'secret')).toBe(
      'lY0LTSAzpR7zGce5qfYGacOuYlHGWqkMcQlqmjlsDDZI2gVcE1qVeWANnkIR7mdOqRXJnL1kO0lUmkQ0YYLWRg==',
    );
  });

  test('Go SDK payment (two levels, bool, frame_mode)', () => {
    const params = {
      project_id: 11,
      payment_currency: 'EUR',
      frame_mode: 'popup',
      some_bool_param: true,
      two_levels_param: { param1: 1, param2: 2 },
    };
    expect(sign(params, 'qwerty')).toBe(
      'ehwG+e+Sq6b0QEek2hmHGUFzViX9/Xfcgnh0Ysn1+AqCY8BsKhC/Vcyr4XH8CKXW3iS0vW9S2mTwOt/0Ozf5pg==',
    );
  });

  test('Go SDK string-to-sign vector', () => {
    const params = { a: { b: 1111111111111111, c: 2 }, d: false, f: ['g', { h: 7, i: { k: 8 } }], e: [4, 5], j: null };
    expect(stringToSign(params)).toBe('a:b:1111111111111111;a:c:2;d:0;e:0:4;e:1:5;f:0:g;f:1:h:7;f:1:i:k:8;j:');
  });

  test('JS SDK converter vector (numeric key, nested array of objects)', () => {
    const params = {
      0: null,
      a: { b: 1, c: 2 },
      d: false,
      f: ['g', { h: 7, i: { k: 8 } }],
      e: [4, 5],
      l: { m: [{ n: 9 }] },
    };
    expect(stringToSign(params)).toBe('0:;a:b:1;a:c:2;d:0;e:0:4;e:1:5;f:0:g;f:1:h:7;f:1:i:k:8;l:m:0:n:9');
  });
});

type SignedCallback = {
  project_id: number;
  payment: { id: string; status: string; sum: { amount: number; currency: string } };
  operation?: { code: string; message: string };
  extra?: string;
  signature?: unknown;
};

describe('ecommpay signature: our own cases', () => {
  const secret = 'project-secret-ключ';
  const request = {
    general: { project_id: 874, payment_id: 'payout-1' },
    card: { pan: '4242424242424242', year: 2030, month: 11, card_holder: 'IVAN PETROV' },
    customer: { id: 'c-1', ip_address: '127.0.0.1', first_name: 'Иван' },
    payment: { amount: 150000, currency: 'RUB' },
  };

  test('a signed request verifies with the signature inside general', () => {
    const signed = { ...request, general: { ...request.general, signature: sign(request, secret) } };
    expect(verify(signed, secret)).toBe(true);
  });

  test('a signed callback verifies with the signature at the top level', () => {
    const callback = { project_id: 874, payment: { id: 'payout-1', status: 'success' }, operation: { code: '0' } };
    expect(verify({ ...callback, signature: sign(callback, secret) }, secret)).toBe(true);
  });

  test('signature length and alphabet are standard base64 of HMAC-SHA512', () => {
    expect(sign(request, secret)).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  test('empty objects and arrays contribute nothing; nulls contribute an empty value', () => {
    expect(stringToSign({ a: {}, b: [], c: null, d: 'x' })).toBe('c:;d:x');
  });

  test('a colon inside a key is doubled', () => {
    expect(stringToSign({ 'a:b': 1 })).toBe('a::b:1');
  });

  test('number and string forms of the same value sign alike, as the provider sends ids either way', () => {
    expect(sign({ project_id: 123 }, secret)).toBe(sign({ project_id: '123' }, secret));
  });

  test.each([
    ['amount altered', (c: SignedCallback) => (c.payment.sum.amount = 100001)],
    ['status altered', (c: SignedCallback) => (c.payment.status = 'success')],
    ['field added', (c: SignedCallback) => (c.extra = 'x')],
    ['field removed', (c: SignedCallback) => delete c.operation],
    ['signature removed', (c: SignedCallback) => delete c.signature],
    ['signature truncated', (c: SignedCallback) => (c.signature = (c.signature as string).slice(0, 40))],
    ['signature not a string', (c: SignedCallback) => (c.signature = 12345)],
  ])('tampering is detected: %s', (_name, tamper) => {
    const body = {
      project_id: 874,
      payment: { id: 'payout-1', status: 'decline', sum: { amount: 100000, currency: 'RUB' } },
      operation: { code: '3104', message: 'Payment Constraint Invalid Payout Amount' },
    };
    const callback: SignedCallback = { ...structuredClone(body), signature: sign(body, secret) };
    expect(verify(callback, secret)).toBe(true);
    tamper(callback);
    expect(verify(callback, secret)).toBe(false);
  });

  test('a different secret key does not verify', () => {
    const callback = { project_id: 874, payment: { id: 'p' } };
    expect(verify({ ...callback, signature: sign(callback, secret) }, 'another-secret')).toBe(false);
  });
});
