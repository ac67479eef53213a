// The `payouts` command as an operator runs it: bin/payouts.js in a child process, pointed at the shared dev
// server and a test file's task queue, its logs silenced.
import { execFile } from 'node:child_process';
import path from 'node:path';
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

export function runPayoutsCli(args: string[], options: CliOptions): Promise<CliRun> {
  const { address, namespace } = testServer();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.resolve('bin/payouts.js'), ...args],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_NAMESPACE: namespace,
          PAYOUTS_TASK_QUEUE: options.taskQueue,
          LOG_LEVEL: 'silent',
          ...options.env,
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}
