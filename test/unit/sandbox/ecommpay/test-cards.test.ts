import { readFileSync } from 'node:fs';
import { luhnValid } from '../../../../src/domain/card.js';
import { defaultBinLookup } from '../../../../src/domain/scheme-rules/ecommpay-bin-table.js';
import { outcomeFor, testAmounts, testCards } from '../../../../src/sandbox/ecommpay/test-cards.js';

const cards = Object.values(testCards);

describe('ecommpay test cards', () => {
  test.each(cards)('$pan is a valid card of its scheme with no issuing-country rule attached', (card) => {
    expect(luhnValid(card.pan)).toBe(true);
    expect(defaultBinLookup.lookup(card.pan)).toEqual({ scheme: card.scheme });
  });

  test('card numbers and trigger amounts are unique', () => {
    expect(new Set(cards.map((card) => card.pan)).size).toBe(cards.length);
    expect(new Set(testAmounts.map((row) => row.amount)).size).toBe(testAmounts.length);
  });

  test('a listed card decides whatever the amount; the public cards always succeed', () => {
    expect(outcomeFor(testCards.visa.pan, 3104)).toEqual({ kind: 'success', speed: 'normal' });
    expect(outcomeFor(testCards.mastercard.pan, 3028)).toEqual({ kind: 'success', speed: 'normal' });
    expect(outcomeFor(testCards.decline3104.pan, 100)).toEqual({ kind: 'decline', code: '3104' });
  });

  test('a platform rule in the registry (card country, 3105) refuses at once; the issuer (10101) declines later', () => {
    expect(outcomeFor(testCards.decline3105.pan, 100)).toEqual({ kind: 'refuse', code: '3105' });
    expect(outcomeFor('4111111111111111', 3105)).toEqual({ kind: 'refuse', code: '3105' });
    expect(outcomeFor(testCards.decline10101.pan, 100)).toEqual({ kind: 'decline', code: '10101' });
  });

  test('other cards and tokens go by the amount, else succeed', () => {
    expect(outcomeFor('4111111111111111', 10101)).toEqual({ kind: 'decline', code: '10101' });
    expect(outcomeFor(undefined, 3191)).toEqual({ kind: 'clarification', ask: 'customer_name' });
    expect(outcomeFor(undefined, 3028)).toEqual({ kind: 'refuse', code: '3028' });
    expect(outcomeFor(undefined, 3103)).toEqual({ kind: 'success', speed: 'normal' });
  });

  test('every trigger amount is below 200.00, where the chaos run’s ordinary amounts never go', () => {
    for (const row of testAmounts) expect(row.amount).toBeLessThan(20_000);
  });

  test('docs/SANDBOX.md lists every test card and trigger amount', () => {
    const doc = readFileSync('docs/SANDBOX.md', 'utf8');
    for (const card of cards) expect(doc).toContain(`| \`${card.pan}\``);
    for (const row of testAmounts) expect(doc).toContain(`| \`${row.amount}\``);
  });
});
