/**
 * The chaos batch: N payouts across both providers, chosen by a seeded random sequence, each with the
 * outcome the sandbox's test cards and amounts (docs/SANDBOX.md) promise for it, so the check can tell a
 * decline that was asked for from one that was not.
 */
import type { PayoutRequestInput, ProviderName } from '../../src/domain/payout-request.js';
import { SeededRandom } from '../../src/sandbox/random.js';

export type ExpectedOutcome = 'succeeded' | 'declined';

export interface ChaosItem {
  request: PayoutRequestInput & { payoutId: string; provider: ProviderName; amount: number; currency: string };
  expected: ExpectedOutcome;
  /** What the item exercises, for the run's description (`success`, `clarification`, `decline`). */
  kind: 'success' | 'clarification' | 'decline';
}

// ecommpay test cards: a listed card decides the outcome whatever the amount.
const ecommpayCards = {
  success: ['4242424242424242', '5555555555554444'],
  clarification: ['4000000000031916'],
  decline: ['4000000000031049', '4000000000031056', '5100000000101012'],
};
// RBKmoney: unlisted cards go by the amount; these amounts fail the withdrawal.
const rbkmoneyDeclineAmounts = [10401, 10402, 10403];
/** Distinct RBKmoney cards: several payouts share each card's binding (DestinationWorkflow), concurrently. */
const rbkmoneyCardPoolSize = 40;
const ecommpayCurrencies = ['RUB', 'RUB', 'RUB', 'EUR', 'USD'];

/** A Luhn-valid Visa number in the test BIN 424242, unlisted by the sandbox (its amount decides). */
export function poolCard(index: number): string {
  const body = `424242${String(100_000_000 + index).slice(-9)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // Doubling starts at the rightmost digit of the body (the check digit goes after it).
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** An amount of 500.00 .. 3,000.00 that triggers no test outcome (those are all below 200.00). */
const ordinaryAmount = (random: SeededRandom) => 50_000 + random.below(250_001);

export function chaosItems(count: number, seed: number, runId: string): ChaosItem[] {
  const random = new SeededRandom(seed);
  const items: ChaosItem[] = [];
  for (let i = 0; i < count; i++) {
    const payoutId = `chaos-${runId}-${String(i).padStart(5, '0')}`;
    const roll = random.next();
    if (i % 2 === 0) {
      const kind = roll < 0.08 ? 'decline' : roll < 0.12 ? 'clarification' : 'success';
      const cards = ecommpayCards[kind];
      const pan = cards[random.below(cards.length)] as string;
      const currency = ecommpayCurrencies[random.below(ecommpayCurrencies.length)] as string;
      items.push({
        kind,
        expected: kind === 'decline' ? 'declined' : 'succeeded',
        request: {
          payoutId,
          provider: 'ecommpay',
          amount: ordinaryAmount(random),
          currency,
          card: { pan, expMonth: 12, expYear: 2030, holder: 'ANNA SMIRNOVA' },
          customer: { id: `cust-${i}`, ip_address: '198.51.100.7', first_name: 'Anna', last_name: 'Smirnova' },
          sender: { first_name: 'Acme', last_name: 'Marketplace', day_of_birth: '01-01-1980' },
          description: 'chaos payout',
        },
      });
    } else {
      const kind = roll < 0.08 ? 'decline' : 'success';
      const amount =
        kind === 'decline'
          ? (rbkmoneyDeclineAmounts[random.below(rbkmoneyDeclineAmounts.length)] as number)
          : ordinaryAmount(random);
      items.push({
        kind,
        expected: kind === 'decline' ? 'declined' : 'succeeded',
        request: {
          payoutId,
          provider: 'rbkmoney',
          amount,
          currency: 'RUB',
          card: {
            pan: poolCard(random.below(rbkmoneyCardPoolSize)),
            expMonth: 12,
            expYear: 2030,
            holder: 'IVAN PETROV',
          },
          description: 'chaos payout',
        },
      });
    }
  }
  return items;
}
