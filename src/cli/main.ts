/**
 * The `payouts` command (package.json "bin", via bin/payouts.js): batches and single payouts for operations.
 * Every line it prints is scrubbed of card numbers (output.ts). Exit codes: 0 all good; 1 a payout did
 * not succeed or a command failed; 2 the input was refused and nothing was submitted.
 */
import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { registerBatchCommands } from './batch.js';
import { cliContext, type CliContext, exitCodes } from './context.js';
import { consoleOutput, type Output } from './output.js';
import { registerPayoutCommands } from './payout.js';
import { registerReconcileCommand } from './reconcile.js';
import { PayoutsClientError } from '../client/errors.js';

export function buildProgram(out: Output): Command {
  const run = async (work: (ctx: CliContext) => Promise<number>) => {
    let ctx: CliContext | undefined;
    try {
      ctx = cliContext(out);
      process.exitCode = await work(ctx);
    } catch (error) {
      process.exitCode = exitCodes.failed;
      if (error instanceof PayoutsClientError || error instanceof ConfigError) out.error(error.message);
      else out.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await ctx?.close();
    }
  };

  const program = new Command('payouts')
    .description('Card payouts on Temporal: batches and single payouts')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => out.error(text.trimEnd()) });
  registerBatchCommands(program, run);
  registerPayoutCommands(program, run);
  registerReconcileCommand(program, run);

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

await buildProgram(consoleOutput()).parseAsync(process.argv);
