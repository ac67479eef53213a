import { formatOfFile, parseBatchFile, repeatedPayoutIds } from '../../../src/client/batch-file.js';
import { providerValidator } from '../../../src/client/provider-validation.js';

const visa = '4242424242424242';
const header =
  'payout_id,provider,amount,currency,pan,exp_month,exp_year,card_holder,customer.id,customer.ip_address,' +
  'sender.day_of_birth,metadata.order';
const row = (id: string, pan = visa, amount = '150000') =>
  `${id},ecommpay,${amount},RUB,${pan},12,2030,IVAN PETROV,c-1,127.0.0.1,01-01-1980,o-${id}`;
const validate = providerValidator({ now: () => new Date('2026-01-01T00:00:00Z') });

test('CSV rows become payout requests: short names, dotted columns, integers, metadata', () => {
  const parsed = parseBatchFile(`${header}\n${row('p-1')}\n`, 'csv', { validate });
  expect(parsed.problems).toEqual([]);
  expect(parsed.items).toHaveLength(1);
  expect(parsed.items[0]).toMatchObject({
    item: 1,
    line: 2,
    request: {
      payoutId: 'p-1',
      provider: 'ecommpay',
      amount: 150_000,
      card: { pan: visa, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
      customer: { id: 'c-1', ip_address: '127.0.0.1' },
      sender: { day_of_birth: '01-01-1980' },
      metadata: { order: 'o-p-1' },
      kind: 'merchant',
    },
  });
});

test('empty cells are "not given", so ecommpay and RBKmoney rows share one file', () => {
  const rbk = 'r-1,rbkmoney,250000,RUB,4242424242424242,12,2030,IVAN PETROV,,,,';
  const parsed = parseBatchFile(`${header}\n${row('e-1')}\n${rbk}\n`, 'csv', { validate });
  expect(parsed.problems).toEqual([]);
  const rbkmoney = parsed.items[1]?.request;
  expect(rbkmoney && ('customer' in rbkmoney || 'sender' in rbkmoney)).toBe(false);
  expect(parsed.items.map((item) => item.request.provider)).toEqual(['ecommpay', 'rbkmoney']);
});

test('every bad row is listed with its line and reason, and no card number is echoed', () => {
  const badLuhn = '4242424242424241';
  const text = [
    header,
    row('ok-1'),
    row('luhn', badLuhn),
    '"multi',
    'line",ecommpay,1,RUB,4242424242424242,12,2030,X,c-1,127.0.0.1,01-01-1980,o',
    row('amount', visa, '12.50'),
    row('short').split(',').slice(0, 5).join(','),
    row('dob').replace('01-01-1980', ''),
  ].join('\n');
  const parsed = parseBatchFile(text, 'csv', { validate });
  const lines = parsed.problems.map((problem) => [problem.line, problem.path, problem.reason]);
  expect(lines).toEqual([
    [3, 'card.pan', 'fails the Luhn check'],
    [4, 'payoutId', expect.stringContaining('must be 1-64 characters')],
    [6, 'amount', 'must be a whole number'],
    [7, '', 'has 5 cells, the header has 12'],
    [8, 'sender.day_of_birth', expect.stringContaining('required for Visa')],
  ]);
  expect(parsed.items.map((item) => item.request.payoutId)).toEqual(['ok-1']);
  expect(JSON.stringify(parsed.problems)).not.toContain(badLuhn);
});

test('the header is checked against the request schema before any row', () => {
  const parsed = parseBatchFile('payout_id,amount,currency,pan,customer.frist_name,amount\nx,1,RUB,1,a,1\n', 'csv');
  expect(parsed.problems.map((problem) => problem.reason)).toEqual([
    'unknown column "customer.frist_name" (not a field of a payout request)',
    'column "amount" appears twice',
    'missing column provider (or pass --provider)',
  ]);
  expect(parsed.problems.every((problem) => problem.line === 1)).toBe(true);
  expect(parsed.items).toEqual([]);
});

test('the provider may come from the command line, and a batch file must carry no CVV', () => {
  const text = 'payout_id,amount,currency,pan,card.cvv\np-1,100,RUB,4242424242424242,123\n';
  const parsed = parseBatchFile(text, 'csv', { provider: 'rbkmoney' });
  expect(parsed.problems).toEqual([expect.objectContaining({ line: 2, path: 'card.cvv', payoutId: 'p-1' })]);
});

test('JSONL: one request per line, blank lines skipped, bad lines named', () => {
  const request = {
    payoutId: 'j-1',
    amount: 100,
    currency: 'RUB',
    card: { token: 'dest-1' },
  };
  const text = [
    JSON.stringify(request),
    '',
    '{not json',
    '[1,2]',
    JSON.stringify({ ...request, payoutId: 'j 2' }),
  ].join('\n');
  const parsed = parseBatchFile(text, 'jsonl', { provider: 'rbkmoney' });
  expect(parsed.items).toHaveLength(1);
  expect(parsed.items[0]).toMatchObject({ line: 1, request: { provider: 'rbkmoney' } });
  expect(parsed.problems.map((problem) => [problem.line, problem.item, problem.path, problem.reason])).toEqual([
    [3, 2, '', 'not valid JSON'],
    [4, 3, '', 'must be a JSON object (one payout request)'],
    [5, 4, 'payoutId', expect.stringContaining('must be 1-64')],
  ]);
});

test('repeated payoutIds are found with the line of their first use', () => {
  const parsed = parseBatchFile(`${header}\n${row('a')}\n${row('b')}\n${row('a')}\n`, 'csv', { validate });
  expect(repeatedPayoutIds(parsed.items)).toEqual([{ line: 4, payoutId: 'a', firstLine: 2 }]);
});

test('the format follows the file name', () => {
  expect(formatOfFile('x.CSV')).toBe('csv');
  expect(formatOfFile('x.jsonl')).toBe('jsonl');
  expect(formatOfFile('x.ndjson')).toBe('jsonl');
  expect(formatOfFile('x.json')).toBeUndefined();
});
