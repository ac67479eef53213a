/**
 * The `payouts` command (package.json "bin", via bin/payouts.js): batches and single payouts for operations.
 * Every line it prints is scrubbed of card numbers (output.ts); `-o json|jsonl` for scripts; the exit codes
 * are in context.ts (and `--help`).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { registerBatchCommands } from './batch.js';
import { cliContext, type CliContext, exitCodeHelp, exitCodeOf, exitCodes } from './context.js';
import { loadEnvFile } from './env-file.js';
import { consoleOutput, type Output, outputFormats, type OutputFormat } from './output.js';
import { registerOrphansCommand } from './orphans.js';
import { registerPayoutCommands } from './payout.js';
import { registerReconcileCommand } from './reconcile.js';
import { PayoutsClientError } from '../client/errors.js';

/** The version in package.json: two levels up from src/cli/ and from dist/cli/ alike. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

interface GlobalOptions {
  output: OutputFormat;
  operator?: string;
  envFile?: string;
}

function reportError(out: Output, error: unknown, exitCode: number): void {
  const message = error instanceof Error ? error.message : String(error);
  if (out.format !== 'text') {
    const type = error instanceof Error ? error.name : 'Error';
    out.result({ type: 'error', error: { type, message, exitCode } }, () => []);
  } else {
    out.error(error instanceof PayoutsClientError || exitCode !== exitCodes.failed ? message : `error: ${message}`);
  }
}

export function buildProgram(out: Output, env: Record<string, string | undefined> = process.env): Command {
  const run = async (work: (ctx: CliContext) => Promise<number>) => {
    let ctx: CliContext | undefined;
    try {
      ctx = cliContext(out);
      process.exitCode = await work(ctx);
    } catch (error) {
      process.exitCode = exitCodeOf(error);
      reportError(out, error, process.exitCode);
    } finally {
      await ctx?.close();
    }
  };

  const program = new Command('payouts')
    .description('Card payouts on Temporal: batches and single payouts')
    .version(packageVersion(), '-V, --version', 'the version of payouts')
    .addOption(
      new Option('-o, --output <format>', 'text for people, json or jsonl for scripts')
        .choices(outputFormats)
        .default('text'),
    )
    .option(
      '--operator <name>',
      'who acts: the Temporal identity <operator>@<host> (PAYOUTS_OPERATOR, else the OS user)',
    )
    .option('--env-file <path>', 'read settings from this file (else ./.env when present); set variables win')
    .addHelpText('after', `\n${exitCodeHelp}\n\nColours on a terminal only, never with NO_COLOR set.`)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => out.error(text.trimEnd()), writeOut: (text) => process.stdout.write(text) })
    .hook('preAction', (_program, action) => {
      const global = program.opts<GlobalOptions>();
      out.format = action.opts<{ json?: boolean }>().json ? 'json' : global.output;
      if (global.operator) env.PAYOUTS_OPERATOR = global.operator;
    });
  registerBatchCommands(program, run);
  registerPayoutCommands(program, run);
  registerReconcileCommand(program, run);
  registerOrphansCommand(program, run);

  program
    .command('rbkmoney')
    .description('RBKmoney account')
    .command('setup')
    .description('create the identity, wallet and webhooks once (safe to repeat) and print the settings')
    .action(() =>
      run(async () => {
        // Loaded only when asked for: the RBKmoney adapter is not needed by any other command.
        const { runRbkmoneySetup } = await import('./rbkmoney-setup.js');
        await runRbkmoneySetup({ print: (line) => out.print(line) });
        return exitCodes.ok;
      }),
    );
  return program;
}

/** Runs the command line; usage errors (an unknown option, a bad value) exit 2, help and version 0. */
export async function main(argv: readonly string[], out: Output = consoleOutput()): Promise<void> {
  try {
    loadEnvFile(argv.slice(2));
  } catch (error) {
    out.error(`cannot read the env file: ${(error as Error).message}`);
    process.exitCode = exitCodes.invalidInput;
    return;
  }
  const program = buildProgram(out);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.invalidInput;
  }
}

await main(process.argv);
