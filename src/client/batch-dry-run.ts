/**
 * A batch file checked without a server (`payouts batch validate`): every problem with its line, the totals
 * per provider and currency that would be paid, and whether four-eyes approval would be needed, decided by
 * the same rule as the worker (domain/approval-thresholds.ts) over the same totals (repeats left out).
 */
import { approvalReason } from '../domain/approval-thresholds.js';
import type { ProviderName } from '../domain/payout-request.js';
import { type BatchFileFormat, parseBatchFile, repeatedPayoutIds } from './batch-file.js';
import type { ItemProblem } from './errors.js';
import type { PayoutValidator } from './provider-validation.js';

export interface BatchDryRun {
  rows: number;
  /** Items that would be paid (valid, repeats of a payoutId left out). */
  payouts: number;
  /** Minor units per provider and currency. */
  totals: Partial<Record<ProviderName, Record<string, number>>>;
  /** Why approval would be needed, when it would. */
  approval?: { reason: string };
  /** Lines that repeat an earlier payoutId: reported `duplicate`, never paid. */
  repeats: Array<{ line: number; payoutId: string; firstLine: number }>;
  problems: ItemProblem[];
}

export function dryRunBatch(
  text: string,
  format: BatchFileFormat,
  options: {
    provider?: ProviderName;
    validate?: PayoutValidator;
    approvalThresholds?: Readonly<Record<string, number>>;
  },
): BatchDryRun {
  const parsed = parseBatchFile(text, format, {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.validate ? { validate: options.validate } : {}),
  });
  const repeats = repeatedPayoutIds(parsed.items);
  const repeatedLines = new Set(repeats.map((repeat) => repeat.line));
  const totals: BatchDryRun['totals'] = {};
  let payouts = 0;
  for (const { line, request } of parsed.items) {
    if (repeatedLines.has(line)) continue;
    payouts++;
    const perCurrency = (totals[request.provider] ??= {});
    perCurrency[request.currency] = (perCurrency[request.currency] ?? 0) + request.amount;
  }
  const reason = approvalReason(totals, options.approvalThresholds ?? {});
  return {
    rows: parsed.rows,
    payouts,
    totals,
    ...(reason ? { approval: { reason } } : {}),
    repeats,
    problems: parsed.problems,
  };
}
