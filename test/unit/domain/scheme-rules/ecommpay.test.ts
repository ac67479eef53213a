import {
  payoutRequestSchema,
  type PayoutRequest,
  type PayoutRequestInput,
} from '../../../../src/domain/payout-request.js';
import { createTableBinLookup, defaultBinLookup } from '../../../../src/domain/scheme-rules/ecommpay-bin-table.js';
import { cardProfile, dateOfBirthProblem, validate } from '../../../../src/domain/scheme-rules/ecommpay.js';

// Public test cards: generic Visa and Mastercard, UnionPay, and the country test BINs of ecommpay-bin-table.ts.
const visa = '4242424242424242';
const visaCanada = '4000001240000000';
const visaBrazil = '4000000760000002';
const visaQatar = '4000006340000008';
const mastercard = '5555555555554444';
const unionpay = '6200000000000005';

const now = new Date('2025-06-15T12:00:00Z');

function payout(
  input: Omit<Partial<PayoutRequestInput>, 'card'> & { card: PayoutRequestInput['card'] },
): PayoutRequest {
  // Every payout carries the customer's id and IP address; the rules under test come on top.
  const customer = { id: 'customer_10', ip_address: '185.123.193.224', ...input.customer };
  return payoutRequestSchema.parse({
    payoutId: 'p-1',
    provider: 'ecommpay',
    amount: 10000,
    currency: 'EUR',
    ...input,
    customer,
  });
}

const problemsOf = (request: PayoutRequest) => validate(request, { now });
const pathsOf = (request: PayoutRequest) => problemsOf(request).map((problem) => problem.path);

const adult = { day_of_birth: '05-06-1981' };

describe('fields every payout needs', () => {
  test('customer.id and customer.ip_address are required, and the address must be an IP address', () => {
    const request = payout({ card: { pan: mastercard } });
    expect(problemsOf({ ...request, customer: {} })).toEqual([
      { path: 'customer.id', reason: 'required by every ecommpay payout' },
      { path: 'customer.ip_address', reason: 'required by every ecommpay payout' },
    ]);
    expect(pathsOf({ ...request, customer: { id: 'c', ip_address: 'localhost' } })).toEqual(['customer.ip_address']);
    expect(pathsOf({ ...request, customer: { id: 'c', ip_address: '2001:db8::1' } })).toEqual([]);
  });
});

describe('Visa: sender date of birth', () => {
  test('a real past date passes', () => {
    expect(problemsOf(payout({ card: { pan: visa }, sender: adult }))).toEqual([]);
  });

  test('missing is a problem', () => {
    expect(problemsOf(payout({ card: { pan: visa } }))).toEqual([
      { path: 'sender.day_of_birth', reason: 'required for Visa payouts (DD-MM-YYYY)' },
    ]);
  });

  test.each([
    ['31-02-1990', 'is not a calendar date'],
    ['29-02-1900', 'is not a calendar date'],
    ['00-01-1990', 'is not a calendar date'],
    ['15-13-1990', 'is not a calendar date'],
    ['15-06-2025', 'must be in the past'],
    ['01-01-2030', 'must be in the past'],
    ['01-01-1850', 'is implausibly early'],
  ])('%s: %s', (day_of_birth, reason) => {
    expect(problemsOf(payout({ card: { pan: visa }, sender: { day_of_birth } }))).toEqual([
      { path: 'sender.day_of_birth', reason },
    ]);
  });

  test('29 February of a leap year and yesterday are fine', () => {
    expect(dateOfBirthProblem('29-02-2000', now)).toBeUndefined();
    expect(dateOfBirthProblem('14-06-2025', now)).toBeUndefined();
    expect(dateOfBirthProblem('1981-06-05', now)).toBe('must be DD-MM-YYYY');
  });

  test('not required of a Mastercard payout', () => {
    expect(problemsOf(payout({ card: { pan: mastercard } }))).toEqual([]);
  });
});

describe('Visa issued in Canada: recipient location', () => {
  const location = { country: 'CA', city: 'Toronto', address: '100 King St W' };

  test('country, city and address present pass', () => {
    expect(problemsOf(payout({ card: { pan: visaCanada }, sender: adult, recipient: location }))).toEqual([]);
  });

  test('each missing part is named', () => {
    expect(pathsOf(payout({ card: { pan: visaCanada }, sender: adult }))).toEqual([
      'recipient.country',
      'recipient.city',
      'recipient.address',
    ]);
    expect(
      pathsOf(payout({ card: { pan: visaCanada }, sender: adult, recipient: { ...location, city: ' ' } })),
    ).toEqual(['recipient.city']);
  });

  test('the caller’s issuer country hint counts as much as the BIN table', () => {
    expect(pathsOf(payout({ card: { pan: visa, issuerCountry: 'CA' }, sender: adult }))).toContain('recipient.address');
    expect(pathsOf(payout({ card: { pan: visaCanada, issuerCountry: 'GB' }, sender: adult }))).toEqual([]);
  });
});

describe('Visa Money Transfer to Brazil and Qatar: sender phone', () => {
  test.each([visaBrazil, visaQatar])('p2p to %s without sender.phone fails, with it passes', (pan) => {
    expect(problemsOf(payout({ card: { pan }, kind: 'p2p', sender: adult }))).toEqual([
      { path: 'sender.phone', reason: expect.stringContaining('Visa Money Transfer') as string },
    ]);
    expect(problemsOf(payout({ card: { pan }, kind: 'p2p', sender: { ...adult, phone: '5511999999999' } }))).toEqual(
      [],
    );
  });

  test('a merchant payout to Brazil needs no sender phone', () => {
    expect(problemsOf(payout({ card: { pan: visaBrazil }, sender: adult }))).toEqual([]);
  });
});

describe('Mastercard: customer address length', () => {
  test('50 characters pass, 51 fail', () => {
    expect(problemsOf(payout({ card: { pan: mastercard }, customer: { address: 'a'.repeat(50) } }))).toEqual([]);
    expect(problemsOf(payout({ card: { pan: mastercard }, customer: { address: 'a'.repeat(51) } }))).toEqual([
      { path: 'customer.address', reason: 'must be at most 50 characters for Mastercard' },
    ]);
  });

  test('counts characters, not bytes', () => {
    expect(problemsOf(payout({ card: { pan: mastercard }, customer: { address: 'ж'.repeat(50) } }))).toEqual([]);
  });

  test('a long address on a Visa card is not this rule’s business', () => {
    expect(problemsOf(payout({ card: { pan: visa }, sender: adult, customer: { address: 'a'.repeat(80) } }))).toEqual(
      [],
    );
  });
});

describe('Mastercard MoneySend from a person', () => {
  const sender = {
    pan: visa,
    first_name: 'Jack',
    last_name: 'Jackson',
    address: '1 Main St',
    city: 'London',
    zip: 'N1 9GU',
    country: 'GB',
  };
  const recipient = { first_name: 'John', last_name: 'Smith' };

  test('complete sender and recipient pass', () => {
    expect(problemsOf(payout({ card: { pan: mastercard }, kind: 'p2p', sender, recipient }))).toEqual([]);
  });

  test('a wallet id stands in for the sender’s card', () => {
    const { pan: _pan, ...withoutPan } = sender;
    const request = payout({
      card: { pan: mastercard },
      kind: 'p2p',
      sender: { ...withoutPan, wallet_id: 'w-1' },
      recipient,
    });
    expect(problemsOf(request)).toEqual([]);
  });

  test('every missing field is named at once', () => {
    expect(pathsOf(payout({ card: { pan: mastercard }, kind: 'p2p' }))).toEqual([
      'recipient.first_name',
      'recipient.last_name',
      'sender.pan',
      'sender.first_name',
      'sender.last_name',
      'sender.address',
      'sender.city',
      'sender.zip',
      'sender.country',
    ]);
  });

  test.each(['US', 'CA'])('a sender in %s needs a state', (country) => {
    const request = payout({ card: { pan: mastercard }, kind: 'p2p', sender: { ...sender, country }, recipient });
    expect(pathsOf(request)).toEqual(['sender.state']);
    const withState = payout({
      card: { pan: mastercard },
      kind: 'p2p',
      sender: { ...sender, country, state: 'NY' },
      recipient,
    });
    expect(problemsOf(withState)).toEqual([]);
  });

  test('a merchant payout to a Mastercard needs no sender', () => {
    expect(problemsOf(payout({ card: { pan: mastercard } }))).toEqual([]);
  });
});

describe('names in basic Latin, except UnionPay', () => {
  test('Latin names with spaces, hyphens, apostrophes and dots pass', () => {
    const customer = { first_name: 'Mary-Jane', middle_name: 'St. John', last_name: "O'Brien" };
    expect(problemsOf(payout({ card: { pan: mastercard }, customer }))).toEqual([]);
  });

  test('Cyrillic, accents and digits fail, field by field', () => {
    const request = payout({
      card: { pan: mastercard },
      customer: { first_name: 'Иван', last_name: 'Petrov' },
      recipient: { first_name: 'José', last_name: 'R2D2' },
    });
    expect(pathsOf(request)).toEqual(['customer.first_name', 'recipient.first_name', 'recipient.last_name']);
  });

  test('UnionPay cards take names in Chinese characters', () => {
    expect(problemsOf(payout({ card: { pan: unionpay }, customer: { first_name: '伟', last_name: '王' } }))).toEqual(
      [],
    );
  });

  test('a token card of unknown scheme is not judged', () => {
    expect(problemsOf(payout({ card: { token: 'tok_1' }, customer: { first_name: 'Иван' } }))).toEqual([]);
  });

  test('a token card with a scheme hint is', () => {
    const request = payout({ card: { token: 'tok_1', scheme: 'visa' }, customer: { first_name: 'Иван' } });
    expect(pathsOf(request)).toEqual(['sender.day_of_birth', 'customer.first_name']);
  });
});

describe('Luhn on every card number', () => {
  test('a card PAN that fails Luhn is named', () => {
    const request = payout({ card: { pan: mastercard } });
    const broken = { ...request, card: { pan: '5555555555554445' } };
    expect(problemsOf(broken)).toEqual([{ path: 'card.pan', reason: 'fails the Luhn check' }]);
  });

  test('so is the sender’s card', () => {
    expect(pathsOf(payout({ card: { pan: mastercard }, sender: { pan: '4242424242424241' } }))).toEqual(['sender.pan']);
    expect(pathsOf(payout({ card: { pan: mastercard }, sender: { pan: '4242' } }))).toEqual(['sender.pan']);
    expect(problemsOf(payout({ card: { pan: mastercard }, sender: { pan: visa } }))).toEqual([]);
  });
});

test('all problems are reported together', () => {
  const request = payout({
    card: { pan: visaCanada },
    customer: { first_name: 'Иван' },
    sender: { pan: '4242424242424241' },
  });
  expect(pathsOf(request).sort()).toEqual(
    [
      'sender.pan',
      'sender.day_of_birth',
      'recipient.country',
      'recipient.city',
      'recipient.address',
      'customer.first_name',
    ].sort(),
  );
});

describe('BIN table', () => {
  test.each([
    [visa, 'visa', undefined],
    [visaCanada, 'visa', 'CA'],
    [visaBrazil, 'visa', 'BR'],
    [visaQatar, 'visa', 'QA'],
    [mastercard, 'mastercard', undefined],
    ['2221000000000009', 'mastercard', undefined],
    ['2200000000000004', 'mir', undefined],
    [unionpay, 'unionpay', undefined],
    ['378282246310005', 'amex', undefined],
    ['3566002020360505', 'jcb', undefined],
    ['6759000000000000', 'maestro', undefined],
    ['6011111111111117', 'other', undefined],
    ['9999999999999995', undefined, undefined],
  ])('%s -> %s %s', (pan, scheme, country) => {
    expect(defaultBinLookup.lookup(pan)).toEqual({ scheme, country });
  });

  test('hints win over the table; token cards know only hints', () => {
    expect(cardProfile({ pan: visaCanada, scheme: 'mastercard' })).toEqual({ scheme: 'mastercard', country: 'CA' });
    expect(cardProfile({ token: 't' })).toEqual({ scheme: undefined, country: undefined });
    expect(cardProfile({ token: 't', scheme: 'visa', issuerCountry: 'BR' })).toEqual({ scheme: 'visa', country: 'BR' });
  });

  test('a replacement lookup is used by validate', () => {
    const lookup = createTableBinLookup([{ from: '555555', to: '555555', scheme: 'visa', country: 'QA' }]);
    const request = payout({ card: { pan: mastercard }, kind: 'p2p', sender: adult });
    expect(validate(request, { now, binLookup: lookup }).map((p) => p.path)).toEqual(['sender.phone']);
  });

  test('malformed ranges are refused', () => {
    expect(() => createTableBinLookup([{ from: '51', to: '5' }])).toThrow(RangeError);
    expect(() => createTableBinLookup([{ from: '55', to: '51' }])).toThrow(RangeError);
  });
});

describe('P2P by token (issue 19, finding 7)', () => {
  test('is refused: the payout doc lists P2P by card number only', () => {
    const request = payout({ kind: 'p2p', card: { token: 'tok-1' }, sender: adult });
    expect(problemsOf(request)).toContainEqual(expect.objectContaining({ path: 'card.token' }));
    expect(pathsOf(payout({ kind: 'p2p', card: { pan: mastercard } }))).not.toContain('card.token');
  });
});
