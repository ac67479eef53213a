// The sandbox's own ecommpay signature against vectors published in the official SDKs' test suites
// (reference/ecommpay.md §2): it must be right on its own, not merely agree with the adapter.
import {
  carriedSignature,
  gateSignature,
  signatureMatches,
  signedText,
} from '../../../../src/sandbox/ecommpay/signature.js';

interface Vector {
  source: string;
  secret: string;
  params: Record<string, unknown>;
  signature: string;
}

const vectors: Vector[] = [
  {
    source: 'Java TestFixtures callbackDataWithArray: arrays of objects, booleans, a deep object',
    secret: 'qwerty',
    params: {
      sum_converted: { currency: 'EUR', amount: 10000 },
      errors: [
        { fail: true, code: 1, message: 'error1' },
        { fail: false, code: 2, message: 'error2' },
        { fail: { 'sub-fail': { test: 1 } }, code: 3, message: 'error3' },
      ],
    },
    signature: 'oXF9a0F80FBkT5plV1aVcQIVSWr3l07StkQ2izUKmy//H2S9gMX982Kgm4tXB4+Ze1S5E1jeKhwheIgYMZ4J+w==',
  },
  {
    source: 'Python payment_multilevel_data: null, an array mixing strings and objects',
    secret: 'qwerty',
    params: {
      errors: [
        { message: 'grand crash', code: '123', description: ['description-str', { description1: 1 }] },
        { message: 'minor crash', code: '456', description: null },
      ],
      payment: { id: 'test-payment' },
    },
    signature: 'dxjnun8oySSl0CWlhhjy/k1V9CZcCtaHvu/Y5qJQbWHq8wd6TqTUt4bIfHrlWxT8ba9NOJfkgGHrGc5OgyQVGA==',
  },
  {
    source: 'PHP and JS signed data: frame_mode left out, true as 1',
    secret: 'secret',
    params: {
      frame_mode: 'popup',
      card: { save: true, cvv: '123', card_holder: 'John Smith', month: 8, year: 2020, pan: '4242424242424242' },
      customer: { id: 'sutm_id', project_id: 0 },
    },
    signature: 'lY0LTSAzpR7zGce5qfYGacOuYlHGWqkMcQlqmjlsDDZI2gVcE1qVeWANnkIR7mdOqRXJnL1kO0lUmkQ0YYLWRg==',
  },
  {
    source: 'Go signature-handler_test: two levels, a boolean, frame_mode',
    secret: 'qwerty',
    params: {
      two_levels_param: { param2: 2, param1: 1 },
      some_bool_param: true,
      frame_mode: 'popup',
      payment_currency: 'EUR',
      project_id: 11,
    },
    signature: 'ehwG+e+Sq6b0QEek2hmHGUFzViX9/Xfcgnh0Ysn1+AqCY8BsKhC/Vcyr4XH8CKXW3iS0vW9S2mTwOt/0Ozf5pg==',
  },
];

describe.each(vectors)('$source', ({ secret, params, signature }) => {
  test('signs to the SDKs’ value', () => {
    expect(gateSignature(params, secret)).toBe(signature);
  });

  test('accepts it at the top level and in general, and refuses a changed body or key', () => {
    expect(signatureMatches({ ...params, signature }, secret)).toBe(true);
    expect(signatureMatches({ ...params, general: { signature } }, secret)).toBe(true);
    expect(signatureMatches({ ...params, extra: 1, signature }, secret)).toBe(false);
    expect(signatureMatches({ ...params, signature }, `${secret}x`)).toBe(false);
  });
});

test('the text signed: items by path, whatever the key order (Go converter vector)', () => {
  const params = { j: null, e: [4, 5], f: ['g', { i: { k: 8 }, h: 7 }], d: false, a: { c: 2, b: 1111111111111111 } };
  expect(signedText(params)).toBe('a:b:1111111111111111;a:c:2;d:0;e:0:4;e:1:5;f:0:g;f:1:h:7;f:1:i:k:8;j:');
});

test('empty objects and arrays add nothing; a colon in a key is doubled', () => {
  expect(signedText({ a: {}, b: [], c: { d: [] }, 'e:f': 1 })).toBe('e::f:1');
});

test('no signature anywhere is no match', () => {
  expect(carriedSignature({ general: { project_id: 1 } })).toBeUndefined();
  expect(signatureMatches({ general: { project_id: 1 } }, 'qwerty')).toBe(false);
});
