/**
 * One request through every check a payout gets before it may start: the zod schema (types, Luhn, ISO 4217)
 * and then the provider's own rules. Problems are paths and reasons; never values (a value may be a card).
 */
import { payoutRequestSchemaFor, type PayoutRequest } from '../domain/payout-request.js';
import type { ValidationProblem } from '../domain/provider-messages.js';
import type { PayoutValidator } from './provider-validation.js';

export type Checked = { ok: true; request: PayoutRequest } | { ok: false; problems: ValidationProblem[] };

export function checkPayoutRequest(input: unknown, validate?: PayoutValidator): Checked {
  const card = (input as { card?: Record<string, unknown> } | null)?.card;
  if (card && 'pan' in card && 'token' in card) {
    return { ok: false, problems: [{ path: 'card', reason: 'give either a card number (pan) or a token, not both' }] };
  }
  const parsed = payoutRequestSchemaFor(input).safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), reason: issue.message })),
    };
  }
  const problems = validate ? validate(parsed.data) : [];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, request: parsed.data };
}
