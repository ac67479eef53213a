import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { csvCell } from '../../../src/domain/report-csv.js';
import { reportCsv, rowForUnstarted, rowFromOutcome, rowKey } from '../../../src/workflows/batch/report.js';

const request = payoutRequestSchema.parse({
  payoutId: 'p-2',
  provider: 'ecommpay',
  amount: 500,
  currency: 'EUR',
  card: { pan: '5555555555554444' },
});

test('one line per item, in item order, with the columns ops expect', () => {
  const declined = rowFromOutcome(1, {
    payoutId: 'p-1',
    status: 'declined',
    provider: 'ecommpay',
    amount: 150_000,
    currency: 'RUB',
    maskedCard: '424242******4242',
    attempt: 1,
    idempotencyKey: 'p-1',
    reference: 'ref-1',
    code: '3104',
    message: 'Invalid amount, "too big"',
    finishedAt: '2026-01-01T00:00:00Z',
  });
  const duplicate = rowForUnstarted({ seq: 0, request, requestHash: 'h' }, 'duplicate', 'repeats item 1');
  expect(reportCsv([declined, duplicate])).toBe(
    [
      'payout_id,status,provider_reference,code,message,masked_card,amount,currency,attempt',
      'p-2,duplicate,,duplicate_payout_id,repeats item 1,555555******4444,500,EUR,',
      'p-1,declined,ref-1,3104,"Invalid amount, ""too big""",424242******4242,150000,RUB,1',
      '',
    ].join('\n'),
  );
});

test("a retried item's attempts follow each other under the item, oldest first", () => {
  const outcome = {
    payoutId: 'p-1',
    provider: 'ecommpay' as const,
    amount: 100,
    currency: 'RUB',
    maskedCard: '424242******4242',
    finishedAt: '2026-01-01T00:00:00Z',
  };
  const first = rowFromOutcome(0, { ...outcome, status: 'declined', code: '10101', attempt: 1, idempotencyKey: 'p-1' });
  const second = rowFromOutcome(0, { ...outcome, status: 'succeeded', attempt: 2, idempotencyKey: 'p-1.a2' });
  const other = rowForUnstarted({ seq: 1, request, requestHash: 'h' }, 'duplicate', 'repeat');
  const lines = reportCsv([other, second, first]).trimEnd().split('\n').slice(1);
  expect(lines.map((line) => line.split(','))).toEqual([
    ['p-1', 'declined', '', '10101', '', '424242******4242', '100', 'RUB', '1'],
    ['p-1', 'succeeded', '', '', '', '424242******4242', '100', 'RUB', '2'],
    ['p-2', 'duplicate', '', 'duplicate_payout_id', 'repeat', '555555******4444', '500', 'EUR', ''],
  ]);
  expect(rowKey(first)).not.toBe(rowKey(second));
});

test('a card number in a message leaves the report masked', () => {
  const row = {
    ...rowForUnstarted({ seq: 0, request, requestHash: 'h' }, 'cancelled', 'card 4242424242424242 refused'),
  };
  expect(reportCsv([row])).toContain('card 424242******4242 refused');
});

test('cells a spreadsheet would run as formulas are defused', () => {
  expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  expect(csvCell('+1')).toBe("'+1");
  expect(csvCell('@x')).toBe("'@x");
  expect(csvCell('-12')).toBe('-12');
  expect(csvCell(undefined)).toBe('');
});
