/**
 * What the ecommpay sandbox does with a payout, chosen by the card number, else by the amount. The table in
 * docs/SANDBOX.md lists the same rows; test/unit/sandbox/ecommpay/test-cards.test.ts keeps the two in step.
 * Card numbers appear here as data only; logs and the ledger see them masked.
 */
import { z } from 'zod';

/** Which details a clarification callback asks for, and how it names them. */
export const clarificationRequests = {
  /** JSON-Schema-like form, as in the third-party emulator's fixtures. */
  customer_name: {
    fields: ['customer.first_name', 'customer.last_name'],
    wire: {
      customer: {
        type: 'object',
        properties: { first_name: { type: 'string' }, last_name: { type: 'string' } },
        required: ['first_name', 'last_name'],
      },
    },
  },
  /** The legacy AVS form: object name -> list of field names. */
  avs: {
    fields: ['avs_data.avs_post_code', 'avs_data.avs_street_address'],
    wire: { avs_data: ['avs_post_code', 'avs_street_address'] },
  },
} as const;

/**
 * Codes the real service may put in a decline callback although the registry lists them for answers too:
 * our balance (3028, 504, 10504), the provider (314), access (303), "resend" (601), a token/customer mismatch
 * (3101) and a code no table holds (77777). Issue 19 (findings 4, 6, 9); docs/SANDBOX.md gives the sources.
 */
export const callbackOnlyCodes = ['3028', '504', '10504', '314', '303', '601', '3101', '77777'] as const;

/**
 * Codes the sandbox answers at once: the platform's own checks before anything reaches an issuer, from the
 * registry's range for validation and business rules (2xxx-3xxx; reference/ecommpay.md Part 2 §4): our
 * merchant balance (3028) and the card's country (3105). Which codes the real service answers synchronously
 * is unverified; docs/SANDBOX.md lists this choice, and the adapter takes any code either way.
 */
export const synchronousCodes = ['3028', '3105'] as const;

export const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('success'), speed: z.enum(['normal', 'slow']) }),
  z.object({ kind: z.literal('decline'), code: z.enum(['3104', '10101', ...callbackOnlyCodes]) }),
  z.object({ kind: z.literal('clarification'), ask: z.enum(['customer_name', 'avs']) }),
  /** Stays `processing` for ever. */
  z.object({ kind: z.literal('pending') }),
  /** Refused synchronously: nothing is accepted or recorded. */
  z.object({ kind: z.literal('refuse'), code: z.enum(synchronousCodes) }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

const success: Outcome = { kind: 'success', speed: 'normal' };

export interface TestCard {
  pan: string;
  scheme: 'visa' | 'mastercard';
  outcome: Outcome;
}

export const testCards = {
  // The schemes' public test cards: success for any valid request.
  visa: { pan: '4242424242424242', scheme: 'visa', outcome: success },
  mastercard: { pan: '5555555555554444', scheme: 'mastercard', outcome: success },
  // Declines: the decline code sits in the digits before the check digit. 3104 comes by callback, as in the
  // payout doc's decline example; 3105, a platform rule, is refused at once.
  decline3104: { pan: '4000000000031049', scheme: 'visa', outcome: { kind: 'decline', code: '3104' } },
  decline3105: { pan: '4000000000031056', scheme: 'visa', outcome: { kind: 'refuse', code: '3105' } },
  decline10101: { pan: '5100000000101012', scheme: 'mastercard', outcome: { kind: 'decline', code: '10101' } },
  // Clarification (3191), then success once answered.
  clarifyName: { pan: '4000000000031916', scheme: 'visa', outcome: { kind: 'clarification', ask: 'customer_name' } },
  clarifyAvs: { pan: '5100000000031912', scheme: 'mastercard', outcome: { kind: 'clarification', ask: 'avs' } },
  slow: { pan: '4000000000000770', scheme: 'visa', outcome: { kind: 'success', speed: 'slow' } },
  // Awaiting processing (19999) for ever.
  pending: { pan: '4000000000199994', scheme: 'visa', outcome: { kind: 'pending' } },
} as const satisfies Record<string, TestCard>;

/** For cards outside the table and for token payouts: the amount in minor units is the code it triggers. */
export const testAmounts: ReadonlyArray<{ amount: number; outcome: Outcome }> = [
  { amount: 3104, outcome: { kind: 'decline', code: '3104' } },
  { amount: 3105, outcome: { kind: 'refuse', code: '3105' } },
  { amount: 10101, outcome: { kind: 'decline', code: '10101' } },
  { amount: 3191, outcome: { kind: 'clarification', ask: 'customer_name' } },
  { amount: 19999, outcome: { kind: 'pending' } },
  { amount: 3028, outcome: { kind: 'refuse', code: '3028' } },
  // Declined later, by status and callback, with a code that is not the card's fault (or that nobody knows).
  { amount: 13028, outcome: { kind: 'decline', code: '3028' } },
  { amount: 504, outcome: { kind: 'decline', code: '504' } },
  { amount: 10504, outcome: { kind: 'decline', code: '10504' } },
  { amount: 314, outcome: { kind: 'decline', code: '314' } },
  { amount: 303, outcome: { kind: 'decline', code: '303' } },
  { amount: 601, outcome: { kind: 'decline', code: '601' } },
  { amount: 3101, outcome: { kind: 'decline', code: '3101' } },
  { amount: 17777, outcome: { kind: 'decline', code: '77777' } },
];

const byPan = new Map<string, Outcome>(Object.values(testCards).map((card) => [card.pan, card.outcome]));
const byAmount = new Map(testAmounts.map((row) => [row.amount, row.outcome]));

/** The outcome for a payout: a listed card decides; else a listed amount; else success. */
export function outcomeFor(pan: string | undefined, amount: number): Outcome {
  return (pan === undefined ? undefined : byPan.get(pan)) ?? byAmount.get(amount) ?? success;
}
