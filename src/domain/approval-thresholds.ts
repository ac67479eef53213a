/**
 * Four-eyes approval by amount: a batch whose total in a currency (all providers together) is above that
 * currency's threshold needs a second person. The client tells the submitter at once; the worker's
 * batchApprovalPolicy activity decides with its own thresholds.
 */
import { formatMoney } from './currency.js';

/** Why a batch needs four-eyes approval (a currency's total, all providers together, above its threshold). */
export function approvalReason(
  totals: Readonly<Record<string, Readonly<Record<string, number>> | undefined>>,
  thresholds: Readonly<Record<string, number>>,
): string | undefined {
  const perCurrency = new Map<string, number>();
  for (const amounts of Object.values(totals)) {
    for (const [currency, amount] of Object.entries(amounts ?? {})) {
      perCurrency.set(currency, (perCurrency.get(currency) ?? 0) + amount);
    }
  }
  const above = [...perCurrency]
    .filter(([currency, total]) => thresholds[currency] !== undefined && total > (thresholds[currency] ?? 0))
    .map(
      ([currency, total]) =>
        `${currency} total ${formatMoney(total, currency)} is above the ${formatMoney(thresholds[currency] ?? 0, currency)} threshold`,
    );
  return above.length > 0 ? above.join('; ') : undefined;
}
