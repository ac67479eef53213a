/**
 * What the RBKmoney sandbox does with a card and a withdrawal, chosen by the card number, else by the amount.
 * docs/SANDBOX.md ("RBKmoney") lists the same rows; test/unit/sandbox/rbkmoney/test-cards.test.ts keeps the
 * two in step. Card numbers appear here as data only: the sandbox keeps a card as its behaviour and its
 * masked number, from tokenization on.
 */

/** How a withdrawal ends; `failure` is the provider's failure chain as `code:sub:sub` (wire.ts failureCode). */
export type WithdrawalOutcome =
  | { kind: 'success'; speed: 'normal' | 'slow' }
  | { kind: 'fail'; failure: string }
  /** Stays Pending for ever. */
  | { kind: 'pending' };

export interface CardBehaviour {
  /** payres refuses the card (422 with this message); nothing is stored. */
  refuse?: 'Unsupported card';
  /** The destination never becomes Authorized (a DestinationUnauthorized event says so after the delay). */
  neverAuthorized?: boolean;
  /** Decides every withdrawal to this card; otherwise the amount does (testAmounts). */
  outcome?: WithdrawalOutcome;
}

export interface TestCard {
  pan: string;
  scheme: 'visa' | 'mastercard' | 'mir' | 'unknown';
  behaviour: CardBehaviour;
}

const success: WithdrawalOutcome = { kind: 'success', speed: 'normal' };

export const testCards = {
  visa: { pan: '4242424242424242', scheme: 'visa', behaviour: { outcome: success } },
  mastercard: { pan: '5555555555554444', scheme: 'mastercard', behaviour: { outcome: success } },
  mir: { pan: '2200000000000004', scheme: 'mir', behaviour: { outcome: success } },
  neverAuthorized: { pan: '4000000000000408', scheme: 'visa', behaviour: { neverAuthorized: true } },
  rejectedByIssuer: {
    pan: '4000000000000515',
    scheme: 'visa',
    behaviour: { outcome: { kind: 'fail', failure: 'authorization_failed:rejected_by_issuer' } },
  },
  noRoute: {
    pan: '4000000000000622',
    scheme: 'visa',
    behaviour: { outcome: { kind: 'fail', failure: 'no_route_found' } },
  },
  failedWithoutDetails: {
    pan: '4000000000000739',
    scheme: 'visa',
    behaviour: { outcome: { kind: 'fail', failure: 'failed' } },
  },
  slow: { pan: '4000000000000846', scheme: 'visa', behaviour: { outcome: { kind: 'success', speed: 'slow' } } },
  pending: { pan: '4000000000000952', scheme: 'visa', behaviour: { outcome: { kind: 'pending' } } },
  unsupported: { pan: '9999990000000006', scheme: 'unknown', behaviour: { refuse: 'Unsupported card' } },
} as const satisfies Record<string, TestCard>;

/** For cards outside the table: these amounts (minor units) decide the outcome; any other amount succeeds. */
export const testAmounts: ReadonlyArray<{ amount: number; outcome: WithdrawalOutcome }> = [
  { amount: 10401, outcome: { kind: 'fail', failure: 'authorization_failed:rejected_by_issuer' } },
  { amount: 10402, outcome: { kind: 'fail', failure: 'no_route_found' } },
  { amount: 10403, outcome: { kind: 'fail', failure: 'failed' } },
  { amount: 10404, outcome: { kind: 'pending' } },
];

/** The failure of a withdrawal larger than the wallet's available balance (fistful's code for it). */
export const insufficientFundsFailure = 'account_limit_exceeded:amount';

const byPan = new Map<string, CardBehaviour>(Object.values(testCards).map((card) => [card.pan, card.behaviour]));
const byAmount = new Map(testAmounts.map((row) => [row.amount, row.outcome]));

export function cardBehaviour(pan: string): CardBehaviour {
  return byPan.get(pan) ?? {};
}

/** The card decides when it is in the table; else the amount; else success. */
export function withdrawalOutcome(card: CardBehaviour, amount: number): WithdrawalOutcome {
  return card.outcome ?? byAmount.get(amount) ?? success;
}
