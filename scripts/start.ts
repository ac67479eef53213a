/**
 * `npm start`: the local stack in one command (src/devstack/local-stack.ts). Temporal dev server (SQLite file
 * under DATA_DIR, UI, our search attributes), the provider sandbox, the codec server, the webhook relay and
 * the worker. On a terminal each event is one line behind its process's colour-tagged name; piped, JSON
 * lines. A process that dies stops the stack; Ctrl-C stops everything this started.
 */
import { config } from '../src/config.js';
import { consoleModeFor } from '../src/devstack/console-output.js';
import { localStackSummary, startLocalStack } from '../src/devstack/local-stack.js';
import { type Stack, stopOnSignals } from '../src/devstack/stack.js';

const say = (line: string) => console.error(`[start] ${line}`);

async function main(): Promise<void> {
  const cfg = config();
  let stack: Stack | undefined = undefined;
  stack = await startLocalStack(cfg, {
    console: consoleModeFor(process.stdout),
    say,
    onUnexpectedExit: (supervised, how) => {
      say(`${supervised.name} exited (${how}); see ${supervised.logFile}; stopping the stack`);
      // While starting, startStack notices the death itself and stops what it started.
      if (stack) void stack.stop().finally(() => process.exit(1));
    },
  });
  stopOnSignals(stack, 0, say);
  console.error(localStackSummary(stack, cfg));
}

main().catch((error: unknown) => {
  // startStack has stopped whatever it had started.
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
