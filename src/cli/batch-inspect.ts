/** `payouts batch validate` (a dry run, no server) and `payouts batch list` (visibility). */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatMoney } from '../domain/currency.js';
import type { ProviderName } from '../domain/payout-request.js';
import { dryRunBatch, type BatchDryRun } from '../client/batch-dry-run.js';
import { formatOfFile } from '../client/batch-file.js';
import { describeItemProblem } from '../client/errors.js';
import { executionStatuses, type BatchListEntry, type ExecutionStatusName } from '../client/listing.js';
import { providerValidator } from '../client/provider-validation.js';
import { type CliContext, exitCodes } from './context.js';
import { choiceOption, filterValueOption, instantOption, positiveInteger, providerOption } from './options.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

export function describeDryRun(file: string, run: BatchDryRun): string[] {
  const totals = Object.entries(run.totals).flatMap(([provider, amounts]) =>
    Object.entries(amounts ?? {}).map(([currency, amount]) => `  ${provider}: ${formatMoney(amount, currency)}`),
  );
  return [
    `${file}: ${run.rows} row(s), ${run.problems.length} problem(s); ${run.payouts} payout(s) would be paid`,
    ...totals,
    run.approval ? `  needs approval: ${run.approval.reason}` : '  needs no approval',
    ...run.repeats.map((r) => `  line ${r.line} repeats payout_id ${r.payoutId} of line ${r.firstLine} (duplicate)`),
    ...run.problems.map((problem) => `  ${describeItemProblem(problem)}`),
  ];
}

function describeBatches(batches: BatchListEntry[]): string[] {
  if (batches.length === 0) return ['no batch matches'];
  return batches.map(
    (b) => `${b.batchId}  ${b.status}  started ${b.startTime}${b.closeTime ? `  closed ${b.closeTime}` : ''}`,
  );
}

export function registerBatchInspectCommands(batch: Command, run: Run): void {
  batch
    .command('validate')
    .description(
      'check a file without submitting (no server needed): totals, approval, every problem; exit 2 on problems',
    )
    .argument('<file>', 'a .csv or .jsonl batch file')
    .option('--provider <name>', 'provider for rows without a provider column', providerOption)
    .action((file: string, options: { provider?: ProviderName }) =>
      run(async (ctx) => {
        const format = formatOfFile(file);
        if (!format) {
          ctx.out.error(`${file}: use a .csv or .jsonl file`);
          return exitCodes.invalidInput;
        }
        const result = dryRunBatch(await readFile(file, 'utf8'), format, {
          ...(options.provider ? { provider: options.provider } : {}),
          validate: providerValidator(),
          approvalThresholds: ctx.cfg.BATCH_APPROVAL_THRESHOLDS,
        });
        ctx.out.result({ file, ...result }, () => describeDryRun(file, result));
        return result.problems.length > 0 ? exitCodes.invalidInput : exitCodes.ok;
      }),
    );

  batch
    .command('list')
    .description('batches, newest first, from Temporal visibility')
    .option('--status <status>', `execution status: ${executionStatuses.join(', ')}`, choiceOption(executionStatuses))
    .option('--batch <batchId>', 'this batch only (its runs: retries are new runs)', filterValueOption)
    .option('--since <time>', 'started at or after this time (ISO 8601)', instantOption)
    .option('--limit <n>', 'at most this many (default 50)', positiveInteger)
    .action((options: { status?: ExecutionStatusName; batch?: string; since?: string; limit?: number }) =>
      run(async (ctx) => {
        const batches = await (
          await ctx.client()
        ).listBatches({
          ...(options.status ? { status: options.status } : {}),
          ...(options.batch ? { batchId: options.batch } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
        });
        ctx.out.result(batches, () => describeBatches(batches));
        return exitCodes.ok;
      }),
    );
}
