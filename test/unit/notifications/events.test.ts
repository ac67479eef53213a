import type { PayoutOutcome } from '../../../src/domain/payout-outcome.js';
import {
  batchFinishedNotification,
  merchantNotificationSchema,
  payoutNotification,
} from '../../../src/notifications/index.js';

const outcome: PayoutOutcome = {
  payoutId: 'p-1',
  status: 'declined',
  provider: 'ecommpay',
  amount: 150_000,
  currency: 'RUB',
  maskedCard: '400000******1056',
  attempt: 1,
  idempotencyKey: 'p-1',
  reference: 'r-9',
  code: '3105',
  message: 'Card country is forbidden for 4000000000031056',
  failureClass: 'declined',
  finishedAt: '2026-11-26T12:00:00.000Z',
};

test('a payout event id is stable per payout, status and attempt; a later status is a new event', () => {
  const first = payoutNotification(outcome, { occurredAt: '2026-11-26T12:00:00.000Z' });
  const again = payoutNotification(outcome, { occurredAt: '2026-11-26T13:00:00.000Z' });
  expect(first.id).toBe('payout:p-1:declined:1');
  expect(again.id).toBe(first.id);
  expect(payoutNotification({ ...outcome, status: 'needs_review' }, { occurredAt: 'x' }).id).toBe(
    'payout:p-1:needs_review:1',
  );
  expect(payoutNotification({ ...outcome, attempt: 2 }, { occurredAt: 'x' }).id).toBe('payout:p-1:declined:2');
});

test('a payout notification carries the masked card only, never a card number, and matches its schema', () => {
  const notification = payoutNotification(outcome, { occurredAt: 'x', batchId: 'b-1', settledBy: 'reconciliation-1' });
  const text = JSON.stringify(notification);
  expect(text).not.toMatch(/\d{13,19}/);
  expect(notification.payout).toMatchObject({ maskedCard: '400000******1056', batchId: 'b-1', code: '3105' });
  expect(notification.payout.message).toBe('Card country is forbidden for 400000******1056');
  expect(notification.payout).not.toHaveProperty('idempotencyKey');
  expect(merchantNotificationSchema.parse(JSON.parse(text))).toEqual(notification);
});

test('a batch finishing is one event; each retry of its declined items finishing is another', () => {
  const result = { batchId: 'b-1', total: 3, counts: { succeeded: 2, declined: 1 }, succeededAmounts: { RUB: 300 } };
  const finished = batchFinishedNotification(result, 'x');
  expect(finished.id).toBe('batch:b-1:finished');
  expect(batchFinishedNotification({ ...result, retryRound: 1 }, 'x').id).toBe('batch:b-1:finished:retry1');
  expect(merchantNotificationSchema.parse(finished)).toEqual(finished);
});
