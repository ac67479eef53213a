import { approvalReason, batchTotals } from '../../../src/client/batch-submission.js';
import { approvalLines } from '../../../src/cli/batch.js';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import type { BatchItem, BatchProgress } from '../../../src/workflows/batch/definitions.js';

function item(seq: number, provider: 'rbkmoney' | 'ecommpay', amount: number, currency = 'RUB', duplicateOf?: number) {
  const request = payoutRequestSchema.parse({ payoutId: `p-${seq}`, provider, amount, currency, card: { token: 't' } });
  return { seq, request, requestHash: 'h', ...(duplicateOf === undefined ? {} : { duplicateOf }) } as BatchItem;
}

test('totals are per provider and currency, repeats inside the batch left out', () => {
  const items = [
    item(0, 'rbkmoney', 100),
    item(1, 'rbkmoney', 100, 'RUB', 0),
    item(2, 'rbkmoney', 50, 'EUR'),
    item(3, 'ecommpay', 7),
  ];
  expect(batchTotals(items)).toEqual({ rbkmoney: { RUB: 100, EUR: 50 }, ecommpay: { RUB: 7 } });
});

test('approval is needed when a currency total, all providers together, is above its threshold', () => {
  const totals = { rbkmoney: { RUB: 60_000_000 }, ecommpay: { RUB: 50_000_000, USD: 999 } };
  expect(approvalReason(totals, { RUB: 100_000_000 })).toBe(
    'RUB total 1 100 000.00 RUB is above the 1 000 000.00 RUB threshold',
  );
  // At the threshold is not above it; currencies without one never need approval.
  expect(approvalReason(totals, { RUB: 110_000_000 })).toBeUndefined();
  expect(approvalReason(totals, {})).toBeUndefined();
});

test('BATCH_APPROVAL_THRESHOLDS parses to minor units per currency and refuses anything else', () => {
  expect(parseConfig({ BATCH_APPROVAL_THRESHOLDS: 'RUB=100000000, EUR=1000000' }).BATCH_APPROVAL_THRESHOLDS).toEqual({
    RUB: 100_000_000,
    EUR: 1_000_000,
  });
  expect(parseConfig({}).BATCH_APPROVAL_THRESHOLDS).toEqual({});
  for (const bad of ['rub=1', 'RUB=1.5', 'RUB=-3', 'RUB=1,RUB=2', 'RUB']) {
    expect(() => parseConfig({ BATCH_APPROVAL_THRESHOLDS: bad })).toThrow(ConfigError);
  }
});

test('batch status shows who submitted, why approval is needed, and the decision or how to give it', () => {
  const view = {
    batchId: 'b-1',
    submittedBy: 'alice',
    approval: { reason: 'RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold', deadline: 'D' },
  } as BatchProgress;
  expect(approvalLines(view)).toEqual([
    '  submitted by alice; needs approval: RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold',
    '  waiting for approval until D: payouts batch approve b-1',
  ]);
  const rejected = {
    ...view,
    approval: { ...view.approval, decision: { decision: 'rejected', by: 'bob', at: 'T', reason: 'wrong file' } },
  } as BatchProgress;
  expect(approvalLines(rejected)[1]).toBe('  rejected by bob at T: wrong file');
  expect(approvalLines({ batchId: 'b-2' } as BatchProgress)).toEqual([]);
});
