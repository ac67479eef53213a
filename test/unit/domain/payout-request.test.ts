import { payoutRequestSchema } from '../../../src/domain/payout-request.js';

const valid = {
  payoutId: 'order-42_a',
  provider: 'ecommpay',
  amount: 150000,
  currency: 'RUB',
  card: { pan: '4242424242424242', expMonth: 11, expYear: 2030, holder: 'IVAN PETROV' },
};

function problems(input: unknown): string[] {
  const result = payoutRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('a minimal card payout is valid and defaults to a merchant payout', () => {
  const parsed = payoutRequestSchema.parse(valid);
  expect(parsed.kind).toBe('merchant');
});

test('a token payout is valid', () => {
  expect(problems({ ...valid, card: { token: 'tok_123' } })).toEqual([]);
});

test.each([
  ['payoutId with a space', { payoutId: 'order 42' }, 'payoutId'],
  ['payoutId of 65 characters', { payoutId: 'a'.repeat(65) }, 'payoutId'],
  ['fractional amount', { amount: 1500.5 }, 'amount'],
  ['zero amount', { amount: 0 }, 'amount'],
  ['unknown currency', { currency: 'RUR' }, 'currency'],
  ['unknown provider', { provider: 'paypal' }, 'provider'],
  ['card failing Luhn', { card: { pan: '4242424242424241' } }, 'card'],
  ['sender birth date in another format', { sender: { day_of_birth: '1981-06-05' } }, 'sender.day_of_birth'],
])('rejects %s', (_name, patch, path) => {
  const found = problems({ ...valid, ...patch });
  expect(found.some((p) => p.startsWith(path))).toBe(true);
});
