import { maxPageBytes, planPages } from '../../../src/client/batch-pages.js';
import { payoutRequestSchema, type PayoutRequest } from '../../../src/domain/payout-request.js';

const cardKey = 'test-card-fingerprint-key-0123456789';
const request = (payoutId: string, metadata?: Record<string, string>): PayoutRequest =>
  payoutRequestSchema.parse({
    payoutId,
    provider: 'rbkmoney',
    amount: 100,
    currency: 'RUB',
    card: { token: 'dest' },
    ...(metadata ? { metadata } : {}),
  });

test('items are numbered, given their identity and cut into equal pages', () => {
  const plan = planPages(
    ['a', 'b', 'c', 'd', 'e'].map((id) => request(id)),
    cardKey,
    2,
  );
  expect(plan.pageSize).toBe(2);
  expect(plan.pages.map((page) => page.map((item) => item.seq))).toEqual([[0, 1], [2, 3], [4]]);
  expect(plan.pages[0]?.[0]?.requestIdentity).toMatch(/^hmac-sha256:v2:[0-9a-f]{64}$/);
});

test('a repeated payoutId points at its first item', () => {
  const plan = planPages([request('a'), request('b'), request('a')], cardKey);
  expect(plan.pages[0]?.map((item) => item.duplicateOf)).toEqual([undefined, undefined, 0]);
});

test('large items make smaller pages, so a page stays far below the payload limit', () => {
  const metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(500)]));
  const big = Array.from({ length: 120 }, (_, i) => request(`p${i}`, metadata));
  const plan = planPages(big, cardKey, 200);
  expect(plan.pages.length).toBeGreaterThan(1);
  const largestPage = Math.max(...plan.pages.map((page) => Buffer.byteLength(JSON.stringify(page))));
  expect(plan.pageSize).toBeLessThan(200);
  expect(largestPage).toBeLessThanOrEqual(maxPageBytes);
});
