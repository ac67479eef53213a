/** The payout every benchmark pays: an ecommpay payout to the sandbox's always-succeeding test card. */
import type { PayoutRequestInput } from '../../src/domain/payout-request.js';

export function benchPayout(payoutId: string): PayoutRequestInput {
  return {
    payoutId,
    provider: 'ecommpay',
    amount: 150_000,
    currency: 'RUB',
    card: { pan: '4242424242424242', expMonth: 12, expYear: 2030 },
    customer: { id: 'c-1', ip_address: '127.0.0.1' },
    sender: { day_of_birth: '01-01-1980' },
  };
}

/** A short unique prefix per run, so runs on a long-lived server (PostgreSQL) never collide. */
export function runPrefix(kind: string): string {
  return `${kind}-${Date.now().toString(36)}`;
}
