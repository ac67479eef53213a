// The chaos test's judgement (bench/chaos/verdict.ts): each rule must catch what it names.
import { chaosItems, poolCard } from '../../../bench/chaos/items.js';
import { type Finding, judge } from '../../../bench/chaos/verdict.js';
import { luhnValid } from '../../../src/domain/card.js';
import type { PayoutOutcome, TerminalStatus } from '../../../src/domain/payout-outcome.js';
import type { LedgerEntry } from '../../../src/sandbox/ledger.js';

const items = chaosItems(40, 7, 'unit');
const success = items.find((item) => item.expected === 'succeeded')!;
const declined = items.find((item) => item.expected === 'declined')!;

function outcome(item: (typeof items)[number], status: TerminalStatus, extra: Partial<PayoutOutcome> = {}): Finding {
  const { request } = item;
  return {
    outcome: {
      payoutId: request.payoutId,
      status,
      provider: request.provider,
      amount: request.amount,
      currency: request.currency,
      maskedCard: '424242******4242',
      attempt: 1,
      idempotencyKey: request.payoutId,
      reference: `ref-${request.payoutId}`,
      finishedAt: '2026-01-01T00:00:00.000Z',
      ...extra,
    },
  };
}

function entry(
  item: (typeof items)[number],
  status: LedgerEntry['status'],
  extra: Partial<LedgerEntry> = {},
): LedgerEntry {
  const { request } = item;
  return {
    provider: request.provider,
    key: request.payoutId,
    reference: `ref-${request.payoutId}`,
    amount: request.amount,
    currency: request.currency,
    card: '424242******4242',
    status,
    repeats: 0,
    acceptedAt: '2026-01-01T00:00:00.000Z',
    details: {},
    ...extra,
  };
}

/** Every item ends as promised and the ledger agrees. */
function consistent() {
  const findings = new Map<string, Finding>(items.map((item) => [item.request.payoutId, outcome(item, item.expected)]));
  const ledger = items.map((item) => entry(item, item.expected));
  return { findings, ledger };
}

test('the batch mixes both providers, successes and declines, with valid distinct pool cards', () => {
  expect(new Set(items.map((item) => item.request.provider))).toEqual(new Set(['ecommpay', 'rbkmoney']));
  expect(items.some((item) => item.expected === 'declined')).toBe(true);
  expect(new Set(items.map((item) => item.request.payoutId)).size).toBe(items.length);
  expect(luhnValid(poolCard(0))).toBe(true);
  expect(luhnValid(poolCard(39))).toBe(true);
  expect(poolCard(1)).not.toBe(poolCard(2));
  // The same seed gives the same batch.
  expect(chaosItems(40, 7, 'unit')).toEqual(items);
});

test('a consistent run passes and counts each status', () => {
  const { findings, ledger } = consistent();
  const verdict = judge(items, findings, ledger);
  expect(verdict).toMatchObject({ ok: true, doublePaid: [], lost: [], mismatches: [] });
  expect(verdict.counts.succeeded + verdict.counts.declined).toBe(items.length);
});

test('two paid attempts of one payoutId are a double payment', () => {
  const { findings, ledger } = consistent();
  ledger.push(entry(success, 'succeeded', { key: `${success.request.payoutId}.a2` }));
  const verdict = judge(items, findings, ledger);
  expect(verdict.doublePaid).toEqual([success.request.payoutId]);
  expect(verdict.ok).toBe(false);
});

test('a payout without a terminal outcome is lost', () => {
  const { findings, ledger } = consistent();
  findings.set(success.request.payoutId, { problem: 'still running (submitted)' });
  const verdict = judge(items, findings, ledger);
  expect(verdict.lost).toEqual([success.request.payoutId]);
  expect(verdict.mismatches).toEqual([expect.stringContaining('paid in the ledger, no outcome in Temporal')]);
});

test('succeeded in Temporal but unpaid, and paid but declined in Temporal, are mismatches', () => {
  const { findings, ledger } = consistent();
  const unpaid = judge(
    items,
    findings,
    ledger.filter((e) => e.key !== success.request.payoutId),
  );
  expect(unpaid.mismatches).toEqual([`${success.request.payoutId}: succeeded in Temporal, not paid in the ledger`]);

  findings.set(declined.request.payoutId, outcome(declined, 'declined'));
  const paidLedger = ledger.map((e) =>
    e.key === declined.request.payoutId ? { ...e, status: 'succeeded' as const } : e,
  );
  const paid = judge(items, findings, paidLedger);
  expect(paid.mismatches).toContain(`${declined.request.payoutId}: paid in the ledger, declined in Temporal`);
});

test('needs_review may stand for a paid entry', () => {
  const { findings, ledger } = consistent();
  findings.set(success.request.payoutId, outcome(success, 'needs_review'));
  const verdict = judge(items, findings, ledger);
  expect(verdict).toMatchObject({ ok: true });
  expect(verdict.counts.needs_review).toBe(1);
});

test('amounts, currencies, references, unknown keys and broken promises are mismatches', () => {
  const { findings, ledger } = consistent();
  const { payoutId, amount } = success.request;
  const changed = ledger.map((e) => (e.key === payoutId ? { ...e, amount: amount + 1, reference: 'other' } : e));
  changed.push(entry(success, 'succeeded', { key: 'stranger' }));
  findings.set(declined.request.payoutId, outcome(declined, 'succeeded'));
  const verdict = judge(items, findings, changed);
  expect(verdict.mismatches).toEqual(
    expect.arrayContaining([
      expect.stringContaining(`${payoutId}: ledger paid ${amount + 1}`),
      `${payoutId}: reference ref-${payoutId} in Temporal, other in the ledger`,
      expect.stringContaining(`ledger ${success.request.provider} stranger: no such payout`),
      `${declined.request.payoutId}: succeeded, the test data promises declined`,
    ]),
  );
});

test("the batch's own totals must add up to its payouts': an outcome counted twice or missed is a mismatch", () => {
  const { findings, ledger } = consistent();
  const counts = { succeeded: 0, declined: 0, rejected: 0, cancelled: 0, needs_review: 0, duplicate: 0 };
  const succeededAmounts: Record<string, number> = {};
  for (const item of items) {
    counts[item.expected]++;
    if (item.expected === 'succeeded') {
      const { currency, amount } = item.request;
      succeededAmounts[currency] = (succeededAmounts[currency] ?? 0) + amount;
    }
  }
  expect(judge(items, findings, ledger, { counts, succeededAmounts }).mismatches).toEqual([]);

  const currency = success.request.currency;
  const twice = {
    counts: { ...counts, succeeded: counts.succeeded + 1 },
    succeededAmounts: { ...succeededAmounts, [currency]: (succeededAmounts[currency] ?? 0) + success.request.amount },
  };
  const verdict = judge(items, findings, ledger, twice);
  expect(verdict.ok).toBe(false);
  expect(verdict.mismatches).toEqual([
    `batch counted ${counts.succeeded + 1} succeeded, its payouts say ${counts.succeeded}`,
    `batch counted ${twice.succeededAmounts[currency]} ${currency} paid, its payouts say ${succeededAmounts[currency]}`,
  ]);
  const missed = judge(items, findings, ledger, {
    counts: { ...counts, declined: counts.declined - 1 },
    succeededAmounts,
  });
  expect(missed.mismatches).toEqual([
    `batch counted ${counts.declined - 1} declined, its payouts say ${counts.declined}`,
  ]);
});
