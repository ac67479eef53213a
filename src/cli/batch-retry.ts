/** `payouts batch retry-declined <batchId> [--codes C1,C2] [--wait]`: a new attempt for each declined item. */
import type { Command } from 'commander';
import { batchWorkflowId, type BatchRetryInfo } from '../client/definitions.js';
import { normalizeCodes } from '../client/batch-retry.js';
import { type CliContext, exitCodes, uiLink } from './context.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;
/** batch.ts's progress display, passed in (that module registers this command). */
type Watch = (ctx: CliContext, batchId: string) => Promise<number>;

interface RetryOptions {
  codes?: string;
  wait?: boolean;
}

/** What the retry did, for the closing lines: retried, left declined, and why for the first few. */
export function describeRetry(retry: BatchRetryInfo): string[] {
  const lines = [
    `retry ${retry.round}${retry.codes ? ` (codes ${retry.codes.join(', ')})` : ''}: ${retry.retried} item(s) retried, ${retry.skipped} left declined`,
  ];
  for (const sample of retry.skippedSamples) lines.push(`  ${sample.payoutId}: ${sample.reason}`);
  if (retry.skipped > retry.skippedSamples.length) {
    lines.push(`  ... and ${retry.skipped - retry.skippedSamples.length} more`);
  }
  return lines;
}

async function retryDeclinedCommand(
  ctx: CliContext,
  watch: Watch,
  batchId: string,
  options: RetryOptions,
): Promise<number> {
  const client = await ctx.client();
  const codes = normalizeCodes(options.codes?.split(',') ?? []);
  const start = await client.retryDeclined(batchId, { codes });
  const link = uiLink(ctx.cfg, batchWorkflowId(batchId));
  const which = codes.length > 0 ? ` with code ${codes.join(', ')}` : '';
  ctx.out.result({ type: 'retry', ...start, batchId, link }, () =>
    start.started
      ? [
          `batch ${batchId}: retry ${start.round} started for its declined items${which} (${start.declined} declined)`,
          `  ${link}`,
          ...(options.wait ? [] : [`  follow it: payouts batch status ${batchId}`]),
        ]
      : [`batch ${batchId}: nothing to retry (${start.reason})`],
  );
  if (!start.started || !options.wait) return exitCodes.ok;
  const code = await watch(ctx, batchId);
  const { retry } = await client.getBatch(batchId);
  if (retry) ctx.out.result({ type: 'retried', ...retry }, () => describeRetry(retry));
  return code;
}

export function registerRetryDeclinedCommand(batch: Command, run: Run, watch: Watch): void {
  batch
    .command('retry-declined')
    .description(
      'a new attempt (its own idempotency key) for each item whose last attempt the provider confirms declined; ' +
        'never touches succeeded, pending, needs_review, rejected, cancelled or duplicate items',
    )
    .argument('<batchId>', 'a batch that has finished')
    .option('--codes <list>', 'only items declined with one of these provider codes, e.g. 10101,3104')
    .option('--wait', 'show progress until the retry finishes; exit 1 unless every item succeeded')
    .action((batchId: string, options: RetryOptions) =>
      run((ctx) => retryDeclinedCommand(ctx, watch, batchId, options)),
    );
}
