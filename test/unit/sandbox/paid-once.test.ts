// The "paid once" helper every integration test uses must see a double payment made under a second attempt's key.
import { idempotencyKeyFor } from '../../../src/domain/idempotency-key.js';
import { Ledger } from '../../../src/sandbox/ledger.js';
import { expectNothingSent, expectPaidOnce, ledgerEntriesOf, timesPaid } from '../../support/paid-once.js';

const payoutId = 'p-double';

function pay(ledger: Ledger, key: string, status: 'succeeded' | 'declined' = 'succeeded'): void {
  ledger.accept({ provider: 'ecommpay', key, reference: `ref-${key}`, amount: 100, currency: 'RUB', card: '4242' });
  ledger.settle(
    'ecommpay',
    key,
    status === 'succeeded' ? { status } : { status, code: '3104', message: 'declined by the sandbox' },
  );
}

test('one payoutId paid under two keys (<id> and <id>.a2) fails the helper', () => {
  const ledger = new Ledger();
  pay(ledger, idempotencyKeyFor(payoutId, 1));
  pay(ledger, idempotencyKeyFor(payoutId, 2));
  expect(ledger.list().map((entry) => entry.key)).toEqual([payoutId, `${payoutId}.a2`]);
  expect(() => expectPaidOnce(ledger.list(), payoutId)).toThrow(
    `${payoutId}: expected one succeeded payment across attempts, ledger has [ecommpay ${payoutId} succeeded; ecommpay ${payoutId}.a2 succeeded]`,
  );
  expect(timesPaid(ledger.list(), payoutId)).toBe(2);
  expect(() => expectNothingSent(ledger.list(), payoutId)).toThrow(`${payoutId}.a2`);
});

test('a second attempt still pending next to a paid first one fails the helper: it may yet pay', () => {
  const ledger = new Ledger();
  pay(ledger, payoutId);
  ledger.accept({
    provider: 'ecommpay',
    key: `${payoutId}.a2`,
    reference: 'r2',
    amount: 100,
    currency: 'RUB',
    card: '4242',
  });
  expect(() => expectPaidOnce(ledger.list(), payoutId)).toThrow('expected one succeeded payment');
});

test('a declined first attempt and a paid second one pass: paid once', () => {
  const ledger = new Ledger();
  pay(ledger, payoutId, 'declined');
  pay(ledger, `${payoutId}.a2`);
  pay(ledger, 'p-other');
  expect(expectPaidOnce(ledger.list(), payoutId).key).toBe(`${payoutId}.a2`);
  expect(ledgerEntriesOf(ledger.list(), payoutId)).toHaveLength(2);
  expect(timesPaid(ledger.list(), payoutId)).toBe(1);
});

test('a payout never paid, or only declined, fails; one never sent passes expectNothingSent', () => {
  const ledger = new Ledger();
  expect(() => expectPaidOnce(ledger.list(), payoutId)).toThrow('ledger has []');
  expectNothingSent(ledger.list(), payoutId);
  pay(ledger, payoutId, 'declined');
  expect(() => expectPaidOnce(ledger.list(), payoutId)).toThrow(`ecommpay ${payoutId} declined`);
});
