/** `payouts reconcile`: one reconciliation run now, and what it settled. */
import { type Command, InvalidArgumentError } from 'commander';
import { payoutIdSchema, providerNameSchema, type ProviderName } from '../domain/payout-request.js';
import type { ReconciliationResult } from '../workflows/reconciliation/definitions.js';
import { type CliContext, exitCodes } from './context.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

function provider(value: string): ProviderName {
  const parsed = providerNameSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`one of ${providerNameSchema.options.join(', ')}`);
  return parsed.data;
}

function date(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError('a date such as 2026-11-01 or 2026-11-01T12:00:00Z');
  return new Date(time).toISOString();
}

function batchId(value: string): string {
  if (!payoutIdSchema.safeParse(value).success) throw new InvalidArgumentError('not a batch id');
  return value;
}

export function describeReconciliation(result: ReconciliationResult): string[] {
  const { counts } = result;
  const lines = [
    `reconciled ${result.checked} payout(s) in review${result.provider ? ` at ${result.provider}` : ''}: ` +
      `settled ${counts.settled}, still unknown ${counts.unchanged}, contradicting ${counts.contradiction}, ` +
      `skipped ${counts.skipped}, lookup failed ${counts.failed}` +
      (result.truncated ? ' (more are waiting: run again)' : ''),
  ];
  for (const payout of result.payouts) {
    const said =
      'evidence' in payout && payout.evidence
        ? ` (provider: ${[payout.evidence.state, payout.evidence.code, payout.evidence.message].filter(Boolean).join(' ')})`
        : '';
    const status = 'status' in payout ? payout.status : 'needs_review';
    const reason = payout.reason ? `: ${payout.reason}` : '';
    lines.push(
      `  ${payout.payoutId}: ${payout.result} -> ${status}${said}${payout.result === 'settled' ? '' : reason}`,
    );
  }
  return lines;
}

export function registerReconcileCommand(program: Command, run: Run): void {
  program
    .command('reconcile')
    .description('look up every open payout in needs_review at its provider now; settle those with a definite answer')
    .option('--provider <name>', 'only this provider', provider)
    .option('--since <date>', 'only payouts started at or after this date', date)
    .option('--batch <batchId>', 'only the payouts of this batch', batchId)
    .option('--json', 'the same as -o json')
    .action((options: { provider?: ProviderName; since?: string; batch?: string }) =>
      run(async (ctx) => {
        const client = await ctx.client();
        const result = await client.reconcile({
          ...(options.provider ? { provider: options.provider } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(options.batch ? { batchId: options.batch } : {}),
        });
        ctx.out.result(result, () => describeReconciliation(result));
        return result.counts.failed > 0 ? exitCodes.failed : exitCodes.ok;
      }),
    );
}
