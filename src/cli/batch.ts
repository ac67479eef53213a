/** `payouts batch ...`: submit a file, follow, pause, resume, cancel, fetch the report. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { cardFingerprintKeyOf } from '../config.js';
import type { ProviderName } from '../domain/payout-request.js';
import { batchWorkflowId, type BatchProgress } from '../workflows/batch/definitions.js';
import { formatOfFile, isProviderName, parseBatchFile, repeatedPayoutIds } from '../client/batch-file.js';
import { registerRetryDeclinedCommand } from './batch-retry.js';
import { type CliContext, exitCodes, operatorIdentity, uiLink } from './context.js';
import { describeBatch, paidAmounts, progressLine, statusCounts } from './progress.js';
import { BatchValidationError, describeItemProblem } from '../client/errors.js';
import { providerValidator } from '../client/provider-validation.js';
import { batchFileTag } from '../domain/request-identity.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
}

export function providerOption(value: string): ProviderName {
  if (!isProviderName(value)) throw new InvalidArgumentError('must be ecommpay or rbkmoney');
  return value;
}

export function instantOption(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('must be a date and time, e.g. 2030-01-31T09:00:00+03:00');
  return new Date(ms).toISOString();
}

/**
 * A batchId from the file: its name and the first hex digits of a keyed tag of its content (CARD_FINGERPRINT_KEY),
 * so a re-run finds the same batch and the id gives nothing to try card numbers against.
 */
export function batchIdForFile(fileName: string, content: string, cardKey: string): string {
  const stem =
    path
      .basename(fileName)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .slice(0, 48) || 'batch';
  return `${stem}-${batchFileTag(content, cardKey).slice(0, 10)}`;
}

interface SubmitOptions {
  batchId?: string;
  provider?: ProviderName;
  concurrency?: number;
  notBefore?: string;
  stopAfter?: number;
  wait?: boolean;
}

async function submit(ctx: CliContext, file: string, options: SubmitOptions): Promise<number> {
  const { out } = ctx;
  const format = formatOfFile(file);
  if (!format) {
    out.error(`${file}: use a .csv or .jsonl file`);
    return exitCodes.invalidInput;
  }
  const content = await readFile(file, 'utf8');
  const parsed = parseBatchFile(content, format, {
    ...(options.provider ? { provider: options.provider } : {}),
    validate: providerValidator(),
  });
  if (parsed.problems.length > 0) {
    out.error(`${file}: ${parsed.problems.length} problem(s) in ${parsed.rows} row(s); nothing was submitted:`);
    for (const problem of parsed.problems) out.error(`  ${describeItemProblem(problem)}`);
    return exitCodes.invalidInput;
  }
  for (const repeat of repeatedPayoutIds(parsed.items)) {
    out.print(
      `note: line ${repeat.line} repeats payout_id ${repeat.payoutId} of line ${repeat.firstLine}; it will be reported as duplicate`,
    );
  }
  const batchId = options.batchId ?? batchIdForFile(file, content, cardFingerprintKeyOf(ctx.cfg));
  const client = await ctx.client();
  let submission;
  try {
    submission = await client.submitBatch({
      batchId,
      items: parsed.items.map((item) => item.request),
      lines: parsed.items.map((item) => item.line),
      options: {
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.stopAfter ? { stopAfterConsecutiveSystemicFailures: options.stopAfter } : {}),
      },
      ...(options.notBefore ? { notBefore: options.notBefore } : {}),
      submittedBy: operatorIdentity(ctx.cfg),
    });
  } catch (error) {
    if (!(error instanceof BatchValidationError)) throw error;
    out.error(error.message);
    return exitCodes.invalidInput;
  }
  out.print(
    submission.created
      ? `batch ${batchId}: ${submission.itemCount} payouts submitted (${submission.pageCount} page(s))`
      : `batch ${batchId} was already submitted with this file; following it`,
  );
  out.print(`  ${uiLink(ctx.cfg, submission.workflowId)}`);
  if (submission.approval) {
    out.print(`  needs approval: ${submission.approval.reason}; nothing is paid until someone other than`);
    out.print(`  ${submission.submittedBy} runs, as their own PAYOUTS_OPERATOR: payouts batch approve ${batchId}`);
  }
  if (!options.wait) {
    out.print(`  follow it: payouts batch status ${batchId}`);
    return exitCodes.ok;
  }
  return watch(ctx, batchId);
}

/** Shows the progress line until the batch completes; non-zero unless every item succeeded. */
export async function watch(ctx: CliContext, batchId: string, pollMs = 1_000): Promise<number> {
  const client = await ctx.client();
  let view: BatchProgress = await client.getBatch(batchId);
  const sample = { startFinished: view.finished, startedAtMs: Date.now(), nowMs: Date.now() };
  while (view.state !== 'completed') {
    ctx.out.status(progressLine(view, { ...sample, nowMs: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    view = await client.getBatch(batchId);
  }
  ctx.out.status(progressLine(view, { ...sample, nowMs: Date.now() }), true);
  ctx.out.endStatus();
  const result = await client.waitForBatch(batchId);
  ctx.out.print(`batch ${batchId} finished: ${statusCounts(view)}`);
  ctx.out.print(`  paid ${paidAmounts(result)}`);
  if (result.cancelled) ctx.out.print(`  cancelled: ${result.cancelled.reason}`);
  ctx.out.print(`  report: ${result.report.path} (${result.report.rows} rows); or: payouts batch report ${batchId}`);
  ctx.out.print(`  ${uiLink(ctx.cfg, batchWorkflowId(batchId))}`);
  return result.counts.succeeded === result.total ? exitCodes.ok : exitCodes.failed;
}

/** The four-eyes lines of `batch status`: who submitted, why approval is needed, how it was settled. */
export function approvalLines(view: BatchProgress): string[] {
  const { approval } = view;
  if (!approval) return view.submittedBy ? [`  submitted by ${view.submittedBy}`] : [];
  const decision = approval.decision;
  return [
    `  submitted by ${view.submittedBy ?? 'unknown'}; needs approval: ${approval.reason}`,
    decision
      ? `  ${decision.decision} by ${decision.by} at ${decision.at}${decision.reason ? `: ${decision.reason}` : ''}`
      : `  waiting for approval${approval.deadline ? ` until ${approval.deadline}` : ''}: payouts batch approve ${view.batchId}`,
  ];
}

function printView(ctx: CliContext, view: BatchProgress, json: boolean | undefined): void {
  if (json) ctx.out.print(JSON.stringify(view, null, 2));
  else for (const line of [...describeBatch(view), ...approvalLines(view)]) ctx.out.print(line);
}

export function registerBatchCommands(program: Command, run: Run): void {
  const batch = program.command('batch').description('mass payouts from a CSV or JSONL file');

  batch
    .command('submit')
    .description('validate a whole file, then submit it as one batch (nothing is submitted if a row is bad)')
    .argument('<file>', 'a .csv (header row, dotted columns) or .jsonl (one payout request per line) file')
    .option('--batch-id <id>', 'batch id (default: file name + content hash, so re-running finds the same batch)')
    .option('--provider <name>', 'provider for rows without a provider column', providerOption)
    .option('--concurrency <n>', 'payouts in flight at once (default 50)', positiveInteger)
    .option('--not-before <time>', 'start no payout before this time (ISO 8601)', instantOption)
    .option('--stop-after <n>', 'pause after this many systemic failures in a row (default 10)', positiveInteger)
    .option('--wait', 'show progress until the batch finishes; exit 1 unless every item succeeded')
    .action((file: string, options: SubmitOptions) => run((ctx) => submit(ctx, file, options)));

  batch
    .command('status')
    .argument('<batchId>')
    .option('--json', 'the progress view as JSON')
    .option('--wait', 'follow it until it finishes')
    .action((batchId: string, options: { json?: boolean; wait?: boolean }) =>
      run(async (ctx) => {
        if (options.wait) return watch(ctx, batchId);
        printView(ctx, await (await ctx.client()).getBatch(batchId), options.json);
        return exitCodes.ok;
      }),
    );

  for (const [name, description] of [
    ['pause', 'start no new payouts; those in flight finish'],
    ['resume', 'start payouts again (also after the circuit breaker)'],
    ['cancel', 'start nothing more, cancel payouts not yet sent, then write the report'],
  ] as const) {
    batch
      .command(name)
      .description(description)
      .argument('<batchId>')
      .option('--reason <text>', 'shown in the status and the UI')
      .option('--json', 'the progress view as JSON')
      .action((batchId: string, options: { reason?: string; json?: boolean }) =>
        run(async (ctx) => {
          const client = await ctx.client();
          const view =
            name === 'pause'
              ? await client.pauseBatch(batchId, options.reason)
              : name === 'resume'
                ? await client.resumeBatch(batchId)
                : await client.cancelBatch(batchId, options.reason);
          printView(ctx, view, options.json);
          return exitCodes.ok;
        }),
      );
  }

  batch
    .command('approve')
    .description('let a batch that waits for approval pay (someone other than its submitter)')
    .argument('<batchId>')
    .option('--json', 'the progress view as JSON')
    .action((batchId: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        // The approver is this CLI's Temporal identity (PAYOUTS_OPERATOR, else the OS user), as history records it.
        printView(ctx, await (await ctx.client()).approveBatch(batchId), options.json);
        return exitCodes.ok;
      }),
    );

  batch
    .command('reject')
    .description('end a batch that waits for approval unpaid, with the reason')
    .argument('<batchId>')
    .requiredOption('--reason <text>', 'shown in the status, the result and the report')
    .option('--json', 'the progress view as JSON')
    .action((batchId: string, options: { reason: string; json?: boolean }) =>
      run(async (ctx) => {
        printView(ctx, await (await ctx.client()).rejectBatch(batchId, undefined, options.reason), options.json);
        return exitCodes.ok;
      }),
    );

  registerRetryDeclinedCommand(batch, run, (ctx, batchId) => watch(ctx, batchId));

  batch
    .command('report')
    .description('the report CSV (one row per item and attempt, cards masked)')
    .argument('<batchId>')
    .option('--out <file>', 'write it here instead of to standard output')
    .option('--partial', 'the rows so far, while the batch still runs')
    .action((batchId: string, options: { out?: string; partial?: boolean }) =>
      run(async (ctx) => {
        const report = await (await ctx.client()).batchReport(batchId, { partial: Boolean(options.partial) });
        if (options.out) {
          await writeFile(options.out, report.csv);
          ctx.out.print(`${options.out}: ${report.rows} rows`);
        } else {
          process.stdout.write(report.csv);
        }
        return exitCodes.ok;
      }),
    );
}
