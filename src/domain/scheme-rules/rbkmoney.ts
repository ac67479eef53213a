/**
 * What RBKmoney would refuse in a payout, found before anything is sent: every problem at once, as paths into
 * the PayoutRequest. Sources: the Wallets and payres specs (docs/PROVIDERS.md, "RBKmoney").
 */
import { isPanCard, type PanCard, type PayoutRequest } from '../payout-request.js';
import type { ValidationProblem } from '../provider-messages.js';
import { bankCardProblems, bankCardSchema, buildStoreBankCard } from './rbkmoney-card.js';

/** A destination id is a path parameter of 1-40 characters (`destinationID` in the spec). */
export const maxDestinationIdLength = 40;

export interface RbkmoneyValidationContext {
  /** The wallet's currency, when known: a withdrawal in another currency is refused (422 "Invalid currency"). */
  walletCurrency?: string;
  now: Date;
}

/** payres field names as paths into our card. */
const cardPaths: Record<string, string> = {
  cardNumber: 'card.pan',
  expDate: 'card.expMonth',
  cardHolder: 'card.holder',
  cvv: 'card.cvv',
};

function panCardProblems(card: PanCard, now: Date): ValidationProblem[] {
  const problems = bankCardProblems(card, 'card');
  // The storeBankCard request schema is the rule book; its issues are named by field, never by value.
  const parsed = bankCardSchema.safeParse(buildStoreBankCard(card));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      problems.push({ path: cardPaths[field] ?? 'card', reason: `not accepted by RBKmoney payres (${field})` });
    }
  }
  if (card.expMonth !== undefined && card.expYear !== undefined) {
    // A card is valid through the last day of its expiry month; compare months in UTC.
    const expiry = card.expYear * 12 + (card.expMonth - 1);
    const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (expiry < current) problems.push({ path: 'card.expYear', reason: 'the card has expired' });
  }
  return problems;
}

export function validatePayout(request: PayoutRequest, context: RbkmoneyValidationContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (request.kind === 'p2p') {
    problems.push({
      path: 'kind',
      reason: 'RBKmoney Wallets pays out from the merchant wallet only; person-to-person transfers are not offered',
    });
  }
  if (!Number.isSafeInteger(request.amount) || request.amount < 1) {
    problems.push({ path: 'amount', reason: 'must be a positive integer in minor units' });
  }
  if (!/^[A-Z]{3}$/.test(request.currency)) {
    problems.push({ path: 'currency', reason: 'must be three capital letters (ISO 4217)' });
  } else if (context.walletCurrency && request.currency !== context.walletCurrency) {
    problems.push({
      path: 'currency',
      reason: `the wallet holds ${context.walletCurrency}; RBKmoney refuses a withdrawal in another currency`,
    });
  }
  if (isPanCard(request.card)) {
    problems.push(...panCardProblems(request.card, context.now));
  } else if (request.card.token.length > maxDestinationIdLength) {
    problems.push({
      path: 'card.token',
      reason:
        `an RBKmoney card token is the id of a bound destination (at most ${maxDestinationIdLength} characters); ` +
        'payres card tokens expire within about an hour and are not accepted here',
    });
  }
  return dedupe(problems);
}

function dedupe(problems: ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    if (seen.has(problem.path)) return false;
    seen.add(problem.path);
    return true;
  });
}
