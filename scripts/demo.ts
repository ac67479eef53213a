/**
 * `npm run demo`: the first look at the main job. Starts the local stack unless it already runs (the one of
 * `npm start`, its processes' logs under DATA_DIR), pays the example batch through the sandbox with the live
 * progress bar, and prints the totals, the report's path and the batch in the Temporal UI. A stack it started
 * keeps running for a look around; Ctrl-C stops it.
 */
import { config } from '../src/config.js';
import { runCommand } from '../src/devstack/commands.js';
import { localStackSummary, startLocalStack } from '../src/devstack/local-stack.js';
import { portInUse } from '../src/devstack/ports.js';
import { type Stack, stopOnSignals } from '../src/devstack/stack.js';

const say = (line: string) => console.log(`[demo] ${line}`);
const example = 'examples/sandbox-batch.csv';

async function main(): Promise<void> {
  const cfg = config();
  let stack: Stack | undefined;
  const running = (await portInUse(cfg.TEMPORAL_GRPC_PORT)) && (await portInUse(cfg.WORKER_HEALTH_PORT));
  if (running) {
    say('the local stack is already running: using it');
  } else {
    say('starting the local stack (as npm start does); the first start may build the Temporal CLI');
    stack = await startLocalStack(cfg, {
      // The progress bar keeps the console; the processes write to their log files.
      console: 'none',
      say,
      onUnexpectedExit: (supervised, how) => say(`${supervised.name} exited (${how}); see ${supervised.logFile}`),
    });
    stopOnSignals(stack, 0, say);
    console.log(localStackSummary(stack, cfg));
  }

  const batchId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  say(`paying ${example} as batch ${batchId}`);
  // The example holds declines and duplicates on purpose, so the CLI's exit code 1 is the expected ending.
  await runCommand(process.execPath, ['bin/payouts.js', 'batch', 'submit', example, '--batch-id', batchId, '--wait'], {
    inheritOutput: true,
  });
  say(`report again: npx payouts batch report ${batchId}`);
  if (stack) say('the stack keeps running so you can look around the UI; Ctrl-C stops it');
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
