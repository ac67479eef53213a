import { formatMoney, isCurrencyCode, minorUnitDigits } from '../../../src/domain/currency.js';

test('knows ISO 4217 codes and their minor units', () => {
  expect(isCurrencyCode('RUB')).toBe(true);
  expect(isCurrencyCode('EUR')).toBe(true);
  expect(isCurrencyCode('RUR')).toBe(false);
  expect(isCurrencyCode('rub')).toBe(false);
  expect(minorUnitDigits('JPY')).toBe(0);
  expect(minorUnitDigits('KWD')).toBe(3);
  expect(() => minorUnitDigits('XXX')).toThrow('unknown ISO 4217 currency: XXX');
});

test('formats minor units for people', () => {
  expect(formatMoney(150000, 'RUB')).toBe('1 500.00 RUB');
  expect(formatMoney(5, 'USD')).toBe('0.05 USD');
  expect(formatMoney(1234567, 'JPY')).toBe('1 234 567 JPY');
  expect(formatMoney(1001, 'KWD')).toBe('1.001 KWD');
});
