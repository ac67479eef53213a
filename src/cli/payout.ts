/** `payouts payout ...`: one payout from a JSON file (or standard input), its status, its cancellation. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatMoney } from '../domain/currency.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { PayoutView } from '../workflows/definitions.js';
import { payoutWorkflowId } from '../workflows/definitions.js';
import { positiveInteger } from './batch.js';
import { type CliContext, exitCodes, uiLink } from './context.js';
import { PayoutValidationError } from '../client/errors.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

async function readSource(source: string): Promise<string> {
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function describeOutcome(outcome: PayoutOutcome): string {
  const detail = [outcome.code, outcome.message].filter(Boolean).join(' ');
  return (
    `${outcome.payoutId}: ${outcome.status} ${formatMoney(outcome.amount, outcome.currency)} to ${outcome.maskedCard}` +
    `${outcome.reference ? ` (ref ${outcome.reference})` : ''}${detail ? `: ${detail}` : ''}`
  );
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

function printPayout(ctx: CliContext, view: PayoutView, json: boolean | undefined): void {
  if (json) ctx.out.print(JSON.stringify(view, null, 2));
  else for (const line of describePayout(view)) ctx.out.print(line);
}

export function registerPayoutCommands(program: Command, run: Run): void {
  const payout = program.command('payout').description('single payouts');

  payout
    .command('submit')
    .description('validate and start one payout (the same payoutId again returns the existing one)')
    .argument('<file>', 'a JSON payout request, or - for standard input')
    .option('--wait', 'wait for the outcome; exit 1 unless it succeeded')
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
        let submission;
        try {
          submission = await client.submitPayout(input as Parameters<typeof client.submitPayout>[0]);
        } catch (error) {
          if (!(error instanceof PayoutValidationError)) throw error;
          ctx.out.error(`payout ${error.payoutId ?? ''} refused; nothing was started:`);
          for (const problem of error.problems) ctx.out.error(`  ${problem.path || '(request)'}: ${problem.reason}`);
          return exitCodes.invalidInput;
        }
        ctx.out.print(
          `payout ${submission.payoutId}: ${submission.created ? 'started' : 'already exists (same request)'}`,
        );
        ctx.out.print(`  ${uiLink(ctx.cfg, payoutWorkflowId(submission.payoutId))}`);
        if (!options.wait) return exitCodes.ok;
        const outcome = await client.waitForOutcome(submission.payoutId, (options.timeout ?? 120) * 1000);
        ctx.out.print(describeOutcome(outcome));
        return outcome.status === 'succeeded' ? exitCodes.ok : exitCodes.failed;
      }),
    );

  payout
    .command('status')
    .argument('<payoutId>')
    .option('--json', 'the status view as JSON')
    .action((payoutId: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        printPayout(ctx, await (await ctx.client()).getPayout(payoutId), options.json);
        return exitCodes.ok;
      }),
    );

  payout
    .command('cancel')
    .description('cancel a payout not yet sent to its provider')
    .argument('<payoutId>')
    .option('--reason <text>')
    .option('--json', 'the status view as JSON')
    .action((payoutId: string, options: { reason?: string; json?: boolean }) =>
      run(async (ctx) => {
        printPayout(ctx, await (await ctx.client()).cancelPayout(payoutId, options.reason), options.json);
        return exitCodes.ok;
      }),
    );
}
