/** `payouts payout ...`: one payout from a JSON file (or standard input), its status, its cancellation. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatMoney } from '../domain/currency.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { type PayoutView, payoutWorkflowId } from '../client/definitions.js';
import { choiceOption, filterValueOption, instantOption, positiveInteger, providerOption } from './options.js';
import type { Output } from './output.js';
import type { PayoutListEntry } from '../client/listing.js';
import { payoutStatusSchema, type PayoutStatus } from '../domain/payout-outcome.js';
import type { ProviderName } from '../domain/payout-request.js';
import { type CliContext, exitCodes, uiLink } from './context.js';
import { PayoutValidationError } from '../client/errors.js';

interface PayoutListOptions {
  status?: PayoutStatus;
  batch?: string;
  provider?: ProviderName;
  reference?: string;
  code?: string;
  since?: string;
  limit?: number;
}

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

async function readSource(source: string): Promise<string> {
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function describeOutcome(outcome: PayoutOutcome, out?: Pick<Output, 'paint'>): string {
  const detail = [outcome.code, outcome.message].filter(Boolean).join(' ');
  const status = out ? out.paint(outcome.status === 'succeeded' ? 'green' : 'red', outcome.status) : outcome.status;
  return (
    `${outcome.payoutId}: ${status} ${formatMoney(outcome.amount, outcome.currency)} to ${outcome.maskedCard}` +
    `${outcome.reference ? ` (ref ${outcome.reference})` : ''}${detail ? `: ${detail}` : ''}`
  );
}

export function describePayoutList(payouts: readonly PayoutListEntry[]): string[] {
  if (payouts.length === 0) return ['no payout matches'];
  return payouts.map((p) => {
    const money = p.amount !== undefined && p.currency ? formatMoney(p.amount, p.currency) : '';
    const batch = p.batchId ? ` batch ${p.batchId}` : '';
    const told = `${p.reference ? ` ref ${p.reference}` : ''}${p.code ? ` code ${p.code}` : ''}`;
    return `${p.workflowId.replace(/^payout-/, '')}  ${p.status ?? '?'}  ${money} via ${p.provider ?? '?'}${batch}${told}  started ${p.startTime}`;
  });
}

export function describePayout(view: PayoutView): string[] {
  return [
    `payout ${view.payoutId}: ${view.status}`,
    `  ${formatMoney(view.amount, view.currency)} to ${view.maskedCard} via ${view.provider}, attempt ${view.attempt}`,
    ...(view.reference ? [`  provider reference ${view.reference}`] : []),
    ...(view.notBefore ? [`  not before ${view.notBefore}`] : []),
    ...(view.outcome ? [`  outcome: ${describeOutcome(view.outcome)}`] : []),
    ...(view.reviewReason ? [`  review: ${view.reviewReason}`] : []),
    ...view.events.map((event) => `  ${event.receivedAt} ${event.source} ${event.state} (${event.effect})`),
  ];
}

function printPayout(ctx: CliContext, view: PayoutView): void {
  ctx.out.result(view, () => describePayout(view));
}

export function registerPayoutCommands(program: Command, run: Run): void {
  const payout = program.command('payout').description('single payouts');

  payout
    .command('submit')
    .description('validate and start one payout (the same payoutId again returns the existing one)')
    .argument('<file>', 'a JSON payout request, or - for standard input')
    .option('--wait', 'start and wait for the outcome in one call; exit 1 unless it succeeded')
    .option('--timeout <seconds>', 'how long --wait waits (default 120)', positiveInteger)
    .action((source: string, options: { wait?: boolean; timeout?: number }) =>
      run(async (ctx) => {
        let input: unknown;
        try {
          input = JSON.parse(await readSource(source));
        } catch {
          ctx.out.error(`${source}: not a JSON payout request`);
          return exitCodes.invalidInput;
        }
        const client = await ctx.client();
        const request = input as Parameters<typeof client.submitPayout>[0];
        try {
          if (options.wait) {
            // One round trip: the start and the wait for the outcome together (update-with-start).
            const outcome = await client.submitAndWait(request, (options.timeout ?? 120) * 1000);
            const link = uiLink(ctx.cfg, payoutWorkflowId(outcome.payoutId));
            ctx.out.result({ type: 'outcome', ...outcome, link }, () => [
              describeOutcome(outcome, ctx.out),
              `  ${link}`,
            ]);
            return outcome.status === 'succeeded' ? exitCodes.ok : exitCodes.notPaid;
          }
          const submission = await client.submitPayout(request);
          const link = uiLink(ctx.cfg, submission.workflowId);
          ctx.out.result({ type: 'submitted', ...submission, link }, () => [
            `payout ${submission.payoutId}: ${submission.created ? 'started' : 'already exists (same request)'}`,
            `  ${link}`,
          ]);
          return exitCodes.ok;
        } catch (error) {
          if (!(error instanceof PayoutValidationError)) throw error;
          if (ctx.out.format !== 'text') {
            ctx.out.result({ type: 'invalid', payoutId: error.payoutId, problems: error.problems }, () => []);
          } else {
            ctx.out.error(`payout ${error.payoutId ?? ''} refused; nothing was started:`);
            for (const problem of error.problems) ctx.out.error(`  ${problem.path || '(request)'}: ${problem.reason}`);
          }
          return exitCodes.invalidInput;
        }
      }),
    );

  payout
    .command('list')
    .description('payouts, newest first, from Temporal visibility (the search attributes)')
    .option(
      '--status <status>',
      `one of ${payoutStatusSchema.options.join(', ')}`,
      choiceOption(payoutStatusSchema.options),
    )
    .option('--batch <batchId>', "this batch's payouts", filterValueOption)
    .option('--provider <name>', 'ecommpay or rbkmoney', providerOption)
    .option('--reference <ref>', "the provider's reference of the payout", filterValueOption)
    .option('--code <code>', "declined with this provider's code", filterValueOption)
    .option('--since <time>', 'started at or after this time (ISO 8601)', instantOption)
    .option('--limit <n>', 'at most this many (default 50)', positiveInteger)
    .action((options: PayoutListOptions) =>
      run(async (ctx) => {
        const payouts = await (
          await ctx.client()
        ).listPayouts({
          ...(options.status ? { status: options.status } : {}),
          ...(options.batch ? { batchId: options.batch } : {}),
          ...(options.provider ? { provider: options.provider } : {}),
          ...(options.reference ? { reference: options.reference } : {}),
          ...(options.code ? { code: options.code } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
        });
        ctx.out.result(payouts, () => describePayoutList(payouts));
        return exitCodes.ok;
      }),
    );

  payout
    .command('status')
    .argument('<payoutId>')
    .option('--json', 'the same as -o json')
    .action((payoutId: string) =>
      run(async (ctx) => {
        printPayout(ctx, await (await ctx.client()).getPayout(payoutId));
        return exitCodes.ok;
      }),
    );

  payout
    .command('cancel')
    .description('cancel a payout not yet sent to its provider')
    .argument('<payoutId>')
    .option('--reason <text>')
    .option('--json', 'the same as -o json')
    .action((payoutId: string, options: { reason?: string }) =>
      run(async (ctx) => {
        printPayout(ctx, await (await ctx.client()).cancelPayout(payoutId, options.reason));
        return exitCodes.ok;
      }),
    );
}
