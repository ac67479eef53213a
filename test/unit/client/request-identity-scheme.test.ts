import {
  batchIdentity,
  canonicalJson,
  compareIdentity,
  requestIdentity,
} from '../../../src/domain/request-identity.js';
import { cardFingerprint } from '../../../src/domain/card-fingerprint.js';
import { payoutRequestSchema, type PayoutRequest } from '../../../src/domain/payout-request.js';

const key = 'test-card-fingerprint-key-0123456789';
const request: PayoutRequest = payoutRequestSchema.parse({
  payoutId: 'p-1',
  provider: 'ecommpay',
  amount: 100,
  currency: 'RUB',
  card: { pan: '4242424242424242', expMonth: 12 },
  customer: { id: 'c', ip_address: '127.0.0.1' },
});

test('key order and undefined members do not change the identity', () => {
  const reordered = { customer: { ip_address: '127.0.0.1', id: 'c' }, ...request, description: undefined };
  expect(canonicalJson(reordered)).toBe(canonicalJson(request));
  expect(requestIdentity(reordered as PayoutRequest, key)).toBe(requestIdentity(request, key));
});

test('any change to what is paid, or to whom, changes the identity; the expiry and holder do not', () => {
  const base = requestIdentity(request, key);
  expect(requestIdentity({ ...request, amount: 101 }, key)).not.toBe(base);
  expect(requestIdentity({ ...request, card: { pan: '5555555555554444' } }, key)).not.toBe(base);
  expect(requestIdentity({ ...request, batchId: 'b-1' }, key)).not.toBe(base);
  expect(requestIdentity({ ...request, card: { pan: '4242424242424242', expMonth: 1, holder: 'A B' } }, key)).toBe(
    base,
  );
});

test('the identity is a versioned HMAC: another key gives another value, and it is not the card fingerprint', () => {
  const identity = requestIdentity(request, key);
  expect(identity).toMatch(/^hmac-sha256:v2:[0-9a-f]{64}$/);
  expect(requestIdentity(request, `${key}-other`)).not.toBe(identity);
  expect(identity).not.toContain(cardFingerprint('4242424242424242', key));
  expect(identity).not.toContain('4242424242424242');
});

test('a batch identity depends on the items, their order, the settings and the key', () => {
  expect(batchIdentity(['a', 'b'], {}, key)).toBe(batchIdentity(['a', 'b'], {}, key));
  expect(batchIdentity(['a', 'b'], {}, key)).not.toBe(batchIdentity(['b', 'a'], {}, key));
  expect(batchIdentity(['a'], { notBefore: 'x' }, key)).not.toBe(batchIdentity(['a'], {}, key));
  expect(batchIdentity(['a'], {}, `${key}-other`)).not.toBe(batchIdentity(['a'], {}, key));
});

test('a memo written before identities were keyed is told apart, never compared', () => {
  const identity = requestIdentity(request, key);
  expect(compareIdentity({ requestIdentity: identity }, 'requestIdentity', identity)).toBe('same');
  expect(compareIdentity({ requestIdentity: 'hmac-sha256:v2:0' }, 'requestIdentity', identity)).toBe('different');
  expect(compareIdentity({ requestHash: 'sha256:00' }, 'requestIdentity', identity)).toBe('legacy');
  expect(compareIdentity({ batchHash: 'sha256:00' }, 'batchIdentity', identity)).toBe('legacy');
  expect(compareIdentity({}, 'requestIdentity', identity)).toBe('none');
});
