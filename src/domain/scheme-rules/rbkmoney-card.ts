/**
 * RBKmoney's card tokenization request (payres storeBankCard) as a rule book: its zod schema, the request we
 * build from a card, and what the schema would refuse. The adapter sends it; the pre-flight rules
 * (rbkmoney.ts), which the client runs too, read it. Source: the payres spec (docs/PROVIDERS.md, "RBKmoney").
 */
import { z } from 'zod';
import type { PanCard } from '../payout-request.js';
import type { ValidationProblem } from '../provider-messages.js';

/** The spec's `^[[:alpha:][:space:][:punct:]]+$`, read with Unicode classes (unverified for non-Latin names). */
const cardHolderPattern = /^[\p{L}\p{Zs}\p{P}\p{S}]+$/u;

export const bankCardSchema = z.object({
  type: z.literal('BankCard'),
  cardNumber: z.string().regex(/^\d{12,19}$/),
  expDate: z
    .string()
    .regex(/^\d{2}\/(\d{2}|\d{4})$/)
    .optional(),
  cardHolder: z.string().min(1).max(100).regex(cardHolderPattern).optional(),
  cvv: z
    .string()
    .regex(/^\d{3,4}$/)
    .optional(),
});
export type BankCard = z.infer<typeof bankCardSchema>;

/** MM/YY, the form of the provider's examples (the server also takes MM/YYYY). */
export function formatExpDate(month: number, year: number): string {
  return `${String(month).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`;
}

/** What storeBankCard would refuse in this card, found before the card leaves our process. */
export function bankCardProblems(card: PanCard, path = 'card'): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if ((card.expMonth === undefined) !== (card.expYear === undefined)) {
    problems.push({ path: `${path}.expMonth`, reason: 'expMonth and expYear go together' });
  }
  if (card.holder !== undefined && !cardHolderPattern.test(card.holder)) {
    problems.push({ path: `${path}.holder`, reason: 'RBKmoney takes only letters, spaces and punctuation' });
  }
  return problems;
}

/** The only request that carries the card number; it goes to payres and nowhere else. */
export function buildStoreBankCard(card: PanCard): BankCard {
  const request: BankCard = { type: 'BankCard', cardNumber: card.pan };
  if (card.expMonth !== undefined && card.expYear !== undefined) {
    request.expDate = formatExpDate(card.expMonth, card.expYear);
  }
  if (card.holder !== undefined) request.cardHolder = card.holder;
  return request;
}
