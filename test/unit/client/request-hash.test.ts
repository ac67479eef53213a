import { batchHash, canonicalJson, requestHash } from '../../../src/client/request-hash.js';
import { payoutRequestSchema, type PayoutRequest } from '../../../src/domain/payout-request.js';

const request: PayoutRequest = payoutRequestSchema.parse({
  payoutId: 'p-1',
  provider: 'ecommpay',
  amount: 100,
  currency: 'RUB',
  card: { pan: '4242424242424242', expMonth: 12 },
  customer: { id: 'c', ip_address: '127.0.0.1' },
});

test('key order and undefined members do not change the hash', () => {
  const reordered = { customer: { ip_address: '127.0.0.1', id: 'c' }, ...request, description: undefined };
  expect(canonicalJson(reordered)).toBe(canonicalJson(request));
  expect(requestHash(reordered as PayoutRequest)).toBe(requestHash(request));
});

test('any change to what is paid, or to whom, changes the hash', () => {
  const base = requestHash(request);
  expect(requestHash({ ...request, amount: 101 })).not.toBe(base);
  expect(requestHash({ ...request, card: { pan: '5555555555554444' } })).not.toBe(base);
  expect(requestHash({ ...request, batchId: 'b-1' })).not.toBe(base);
});

test('the hash is a versioned sha256 that does not contain the card number', () => {
  const hash = requestHash(request);
  expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(hash).not.toContain('4242424242424242');
});

test('a batch hash depends on the items and their order', () => {
  expect(batchHash(['a', 'b'], {})).toBe(batchHash(['a', 'b'], {}));
  expect(batchHash(['a', 'b'], {})).not.toBe(batchHash(['b', 'a'], {}));
  expect(batchHash(['a'], { notBefore: 'x' })).not.toBe(batchHash(['a'], {}));
});
