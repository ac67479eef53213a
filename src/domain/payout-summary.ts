/**
 * How a payout is shown to people (the Temporal UI's summary, reports): amount, masked card and provider;
 * never a name or a full card number. Workflows, the batch report and the client all show it the same way.
 */
import { isPanCard, maskPan } from './card.js';
import { formatMoney } from './currency.js';
import type { PayoutRequest } from './payout-request.js';

export function maskedCardOf(request: PayoutRequest): string {
  const card = request.card as PayoutRequest['card'] | undefined;
  if (!card) return 'no card';
  return isPanCard(card) ? maskPan(card.pan) : 'token';
}

export function payoutSummary(request: PayoutRequest): string {
  return `${formatMoney(request.amount, request.currency)} to ${maskedCardOf(request)} via ${request.provider}`;
}
