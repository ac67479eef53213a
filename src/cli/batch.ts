/** `payouts batch ...`: submit a file, follow, pause, resume, cancel, fetch the report. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { cardFingerprintKeyOf } from '../config.js';
import type { ProviderName } from '../domain/payout-request.js';
import { batchWorkflowId, type BatchProgress } from '../client/definitions.js';
import { formatOfFile, parseBatchFile, repeatedPayoutIds } from '../client/batch-file.js';
import { registerBatchInspectCommands } from './batch-inspect.js';
import { instantOption, positiveInteger, providerOption } from './options.js';
import { registerRetryDeclinedCommand } from './batch-retry.js';
import { type CliContext, exitCodes, uiLink } from './context.js';
import { describeBatch, paidAmounts, progressEvent, progressLine, statusCounts } from './progress.js';
import type { Output } from './output.js';
import { BatchValidationError, describeItemProblem, type ItemProblem } from '../client/errors.js';
import { providerValidator } from '../client/provider-validation.js';
import { batchFileTag } from '../domain/request-identity.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

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
  const read = await readBatchFile(ctx, file);
  if (!read) return exitCodes.invalidInput;
  const parsed = parseBatchFile(read.content, read.format, {
    ...(options.provider ? { provider: options.provider } : {}),
    validate: providerValidator(),
  });
  if (parsed.problems.length > 0) {
    reportProblems(out, { file, rows: parsed.rows, problems: parsed.problems });
    return exitCodes.invalidInput;
  }
  const repeats = repeatedPayoutIds(parsed.items);
  if (out.format === 'text') {
    for (const repeat of repeats) {
      out.print(
        `note: line ${repeat.line} repeats payout_id ${repeat.payoutId} of line ${repeat.firstLine}; it will be reported as duplicate`,
      );
    }
  }
  const batchId = options.batchId ?? batchIdForFile(file, read.content, cardFingerprintKeyOf(ctx.cfg));
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
      submittedBy: client.identity,
    });
  } catch (error) {
    if (!(error instanceof BatchValidationError)) throw error;
    reportProblems(out, { file, rows: parsed.rows, problems: [...error.problems] });
    return exitCodes.invalidInput;
  }
  const link = uiLink(ctx.cfg, submission.workflowId);
  out.result({ type: 'submitted', ...submission, repeats, link }, () => [
    submission.created
      ? `batch ${batchId}: ${submission.itemCount} payouts submitted (${submission.pageCount} page(s))`
      : `batch ${batchId} was already submitted with this file; following it`,
    `  ${link}`,
    ...(submission.approval
      ? [
          `  needs approval: ${submission.approval.reason}; nothing is paid until someone other than`,
          `  ${submission.submittedBy} runs, as their own PAYOUTS_OPERATOR: payouts batch approve ${batchId}`,
        ]
      : []),
    ...(options.wait ? [] : [`  follow it: payouts batch status ${batchId}`]),
  ]);
  return options.wait ? watch(ctx, batchId) : exitCodes.ok;
}

/** Reads a .csv or .jsonl batch file; undefined (reported) for another kind. */
async function readBatchFile(ctx: CliContext, file: string) {
  const format = formatOfFile(file);
  if (!format) {
    reportProblems(ctx.out, { file, rows: 0, problems: [{ item: 0, path: '', reason: 'use a .csv or .jsonl file' }] });
    return undefined;
  }
  return { format, content: await readFile(file, 'utf8') };
}

/** A refused file: every problem with its line, as text on standard error or as one JSON document. */
function reportProblems(out: Output, refused: { file: string; rows: number; problems: ItemProblem[] }): void {
  if (out.format !== 'text') {
    out.result({ type: 'invalid', ...refused }, () => []);
    return;
  }
  out.error(`${refused.file}: ${refused.problems.length} problem(s) in ${refused.rows} row(s); nothing was submitted:`);
  for (const problem of refused.problems) out.error(`  ${describeItemProblem(problem)}`);
}

/**
 * Follows the batch until it completes: a progress line on a terminal, one `progress` event a poll under
 * `-o jsonl`, then the totals. Exit 1 unless every item succeeded.
 */
export async function watch(ctx: CliContext, batchId: string, pollMs = 1_000): Promise<number> {
  const { out } = ctx;
  const client = await ctx.client();
  let view: BatchProgress = await client.getBatch(batchId);
  const sample = { startFinished: view.finished, startedAtMs: Date.now(), nowMs: Date.now() };
  const progress = () => {
    out.event({ type: 'progress', ...progressEvent(view) });
    out.status(progressLine(view, { ...sample, nowMs: Date.now() }));
  };
  while (view.state !== 'completed') {
    progress();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    view = await client.getBatch(batchId);
  }
  out.event({ type: 'progress', ...progressEvent(view) });
  out.status(progressLine(view, { ...sample, nowMs: Date.now() }), true);
  out.endStatus();
  const result = await client.waitForBatch(batchId);
  const allPaid = result.counts.succeeded === result.total;
  out.result({ type: 'finished', ...result, link: uiLink(ctx.cfg, batchWorkflowId(batchId)) }, () => [
    `batch ${batchId} ${out.paint(allPaid ? 'green' : 'yellow', 'finished')}: ${statusCounts(view)}`,
    `  paid ${paidAmounts(result)}`,
    ...(result.cancelled ? [`  cancelled: ${result.cancelled.reason}`] : []),
    `  report: ${result.report.path} (${result.report.rows} rows); or: payouts batch report ${batchId}`,
    `  ${uiLink(ctx.cfg, batchWorkflowId(batchId))}`,
  ]);
  return allPaid ? exitCodes.ok : exitCodes.notPaid;
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

function printView(ctx: CliContext, view: BatchProgress): void {
  ctx.out.result(view, () => [...describeBatch(view), ...approvalLines(view)]);
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
    .option(
      '--wait',
      'show progress until the batch finishes (-o jsonl: one progress event a line); exit 1 unless every item succeeded',
    )
    .action((file: string, options: SubmitOptions) => run((ctx) => submit(ctx, file, options)));

  batch
    .command('status')
    .argument('<batchId>')
    .option('--json', 'the same as -o json')
    .option('--wait', 'follow it until it finishes')
    .action((batchId: string, options: { wait?: boolean }) =>
      run(async (ctx) => {
        if (options.wait) return watch(ctx, batchId);
        printView(ctx, await (await ctx.client()).getBatch(batchId));
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
      .option('--json', 'the same as -o json')
      .action((batchId: string, options: { reason?: string }) =>
        run(async (ctx) => {
          const client = await ctx.client();
          const view =
            name === 'pause'
              ? await client.pauseBatch(batchId, options.reason)
              : name === 'resume'
                ? await client.resumeBatch(batchId, options.reason)
                : await client.cancelBatch(batchId, options.reason);
          printView(ctx, view);
          return exitCodes.ok;
        }),
      );
  }

  batch
    .command('approve')
    .description('let a batch that waits for approval pay (someone other than its submitter)')
    .argument('<batchId>')
    .option('--json', 'the same as -o json')
    .action((batchId: string) =>
      run(async (ctx) => {
        // The approver is this CLI's Temporal identity (PAYOUTS_OPERATOR, else the OS user), as history records it.
        printView(ctx, await (await ctx.client()).approveBatch(batchId));
        return exitCodes.ok;
      }),
    );

  batch
    .command('reject')
    .description('end a batch that waits for approval unpaid, with the reason')
    .argument('<batchId>')
    .requiredOption('--reason <text>', 'shown in the status, the result and the report')
    .option('--json', 'the same as -o json')
    .action((batchId: string, options: { reason: string }) =>
      run(async (ctx) => {
        printView(ctx, await (await ctx.client()).rejectBatch(batchId, undefined, options.reason));
        return exitCodes.ok;
      }),
    );

  registerRetryDeclinedCommand(batch, run, (ctx, batchId) => watch(ctx, batchId));
  registerBatchInspectCommands(batch, run);

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
          ctx.out.result({ file: options.out, rows: report.rows }, () => [`${options.out}: ${report.rows} rows`]);
        } else {
          process.stdout.write(report.csv);
        }
        return exitCodes.ok;
      }),
    );
}
