import { carriesSecurityCode, luhnValid, maskPan, scrubCardNumbers } from '../../../src/domain/card.js';

describe('Luhn', () => {
  test.each(['4242424242424242', '5555555555554444', '4111111111111111', '2200000000000004'])('%s is valid', (pan) =>
    expect(luhnValid(pan)).toBe(true),
  );
  test.each(['4242424242424241', '1234567812345678', '42424242424242a2', ''])('%s is not', (pan) =>
    expect(luhnValid(pan)).toBe(false),
  );
});

describe('maskPan', () => {
  test('keeps the first six and the last four digits', () => {
    expect(maskPan('4242424242424242')).toBe('424242******4242');
    expect(maskPan('5555 5555 5555 4444')).toBe('555555******4444');
    expect(maskPan('4242424242424242424')).toBe('424242*********2424');
  });
  test('masks short numbers entirely rather than revealing most of them', () => {
    expect(maskPan('12345678')).toBe('********');
  });
});

describe('scrubCardNumbers', () => {
  test('masks Luhn-valid card numbers inside text and leaves other numbers alone', () => {
    const text = 'payout 4242424242424242 failed, order 1234567812345678, amount 150000';
    expect(scrubCardNumbers(text)).toBe('payout 424242******4242 failed, order 1234567812345678, amount 150000');
  });
  test('masks numbers inside JSON strings', () => {
    expect(scrubCardNumbers('{"pan":"5555555555554444"}')).toBe('{"pan":"555555******4444"}');
  });
});

test('a security code under any of its names is seen in a card as a starter sent it', () => {
  expect(carriesSecurityCode({ pan: '4242424242424242' })).toBe(false);
  expect(carriesSecurityCode({ token: 't-1' })).toBe(false);
  for (const name of ['cvv', 'cvc', 'cvv2', 'cvc2', 'csc']) {
    expect(carriesSecurityCode({ pan: '4242424242424242', [name]: '123' })).toBe(true);
  }
});
