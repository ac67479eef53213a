// The `payouts` command as an operator runs it: bin/payouts.js in a child process, pointed at the shared dev
// server and a test file's task queue, its logs silenced.
import path from 'node:path';
import { runCommand } from '../../src/devstack/commands.js';
import { testServer } from './helpers.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  taskQueue: string;
  /** More environment, e.g. DATA_DIR or the approval thresholds. */
  env?: Record<string, string>;
  stdin?: string;
}

export async function runPayoutsCli(args: string[], options: CliOptions): Promise<CliRun> {
  const { address, namespace } = testServer();
  const run = await runCommand(process.execPath, [path.resolve('bin/payouts.js'), ...args], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      PAYOUTS_TASK_QUEUE: options.taskQueue,
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    timeoutMs: 90_000,
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}
