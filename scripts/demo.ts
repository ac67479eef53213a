/**
 * `npm run demo`: the first look at the main job. Starts the local stack unless it already runs, pays the
 * example batch through the sandbox with the live progress bar, and prints the totals, the report's path and
 * the batch in the Temporal UI. A stack it started keeps running for a look around; Ctrl-C stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { config } from '../src/config.js';
import { portInUse, waitFor } from '../src/devstack/ports.js';

const say = (line: string) => console.log(`[demo] ${line}`);
const example = 'examples/sandbox-batch.csv';

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const cfg = config();
  let stack: ChildProcess | undefined;
  const running = (await portInUse(cfg.TEMPORAL_GRPC_PORT)) && (await portInUse(cfg.WORKER_HEALTH_PORT));
  if (running) {
    say('the local stack is already running: using it');
  } else {
    say('starting the local stack (npm start); the first start may build the Temporal CLI');
    stack = spawn(path.resolve('node_modules/.bin/tsx'), ['scripts/start.ts'], { stdio: 'inherit' });
    // Ctrl-C reaches the stack too; the demo waits for it to stop everything before leaving.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => stack?.kill('SIGTERM'));
    const exited = new Promise<never>((_, reject) =>
      stack?.once('exit', (code) => reject(new Error(`npm start exited (code ${code}); see its output above`))),
    );
    await Promise.race([waitFor('worker', () => portInUse(cfg.WORKER_HEALTH_PORT), 15 * 60_000), exited]);
  }

  const batchId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  say(`paying ${example} as batch ${batchId}`);
  // The example holds declines and duplicates on purpose, so the CLI's exit code 1 is the expected ending.
  await run(process.execPath, ['bin/payouts.js', 'batch', 'submit', example, '--batch-id', batchId, '--wait']);
  say(`report again: npx payouts batch report ${batchId}`);

  if (stack) {
    say('the stack keeps running so you can look around the UI; Ctrl-C stops it');
    await new Promise((resolve) => stack?.once('exit', resolve));
  }
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
