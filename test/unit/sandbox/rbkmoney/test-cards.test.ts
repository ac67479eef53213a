import { readFileSync } from 'node:fs';
import { luhnValid } from '../../../../src/domain/card.js';
import { sandboxCard } from '../../../../src/sandbox/rbkmoney/cards.js';
import { testAmounts, testCards, withdrawalOutcome } from '../../../../src/sandbox/rbkmoney/test-cards.js';

const cards = Object.values(testCards);

describe('RBKmoney test cards', () => {
  test.each(cards)('$pan is Luhn-valid and named for its scheme', (card) => {
    expect(luhnValid(card.pan)).toBe(true);
    const expected = { visa: 'visa', mastercard: 'mastercard', mir: 'nspkmir', unknown: 'dummy' }[card.scheme];
    expect(sandboxCard(card.pan).paymentSystem).toBe(expected);
  });

  test('card numbers and trigger amounts are unique', () => {
    expect(new Set(cards.map((card) => card.pan)).size).toBe(cards.length);
    expect(new Set(testAmounts.map((row) => row.amount)).size).toBe(testAmounts.length);
  });

  test('a listed card decides whatever the amount; other cards go by the amount, else succeed', () => {
    expect(withdrawalOutcome(testCards.visa.behaviour, 10402)).toEqual({ kind: 'success', speed: 'normal' });
    expect(withdrawalOutcome(testCards.noRoute.behaviour, 100)).toEqual({ kind: 'fail', failure: 'no_route_found' });
    expect(withdrawalOutcome({}, 10404)).toEqual({ kind: 'pending' });
    expect(withdrawalOutcome({}, 10405)).toEqual({ kind: 'success', speed: 'normal' });
  });

  test('docs/SANDBOX.md lists every test card and trigger amount in its RBKmoney section', () => {
    const doc = readFileSync('docs/SANDBOX.md', 'utf8');
    const section = doc.slice(doc.indexOf('## RBKmoney'));
    for (const card of cards) expect(section).toContain(`| \`${card.pan}\``);
    for (const row of testAmounts) expect(section).toContain(`| \`${row.amount}\``);
  });
});
