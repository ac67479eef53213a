/**
 * `npm run bench -- latency [--n 1000] [--concurrency 50] [--server dev|postgres]`: how long a payout takes
 * from its start to `succeeded` through the sandbox (zero processing time), on the callback path (N payouts,
 * C at once) and on the polling path (every callback dropped; all N at once, since the first poll comes
 * 30 s after submission). Prints p50/p99 of each path in milliseconds.
 */
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { workflowTypes } from '../src/client/definitions.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../src/workflows/definitions.js';
import type { BenchOptions } from './lib/options.js';
import { note, percentile, pool, printFigures } from './lib/report.js';
import { benchPayout, runPrefix } from './lib/requests.js';
import { type BenchStack, startBenchStack } from './lib/stack.js';

async function latencies(stack: BenchStack, taskQueue: string, n: number, concurrency: number) {
  const prefix = runPrefix('latency');
  let notSucceeded = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = Date.now();
  const results = await pool(n, concurrency, async (i) => {
    const request = payoutRequestSchema.parse(benchPayout(`${prefix}-${i}`));
    const t0 = performance.now();
    try {
      const handle = await stack.client.workflow.start(workflowTypes.payout, {
        taskQueue,
        workflowId: payoutWorkflowId(request.payoutId),
        args: [{ request }],
      });
      const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
      if (outcome.status !== 'succeeded') notSucceeded++;
      return performance.now() - t0;
    } catch (error) {
      // Counted, not fatal: one RPC giving up under load must not lose the other figures.
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
      return undefined;
    }
  });
  if (firstError) note(`${errors} payouts failed to report; first: ${firstError}`);
  const times = results.filter((ms): ms is number => ms !== undefined);
  const sorted = times.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    wallSeconds: (Date.now() - started) / 1000,
    notSucceeded,
    errors,
  };
}

export async function run(options: BenchOptions): Promise<void> {
  const n = options.n ?? 1_000;
  const concurrency = options.concurrency ?? 50;
  const stack = await startBenchStack({ name: 'latency', server: options.server, address: options.address });
  try {
    const taskQueue = 'bench-latency';
    const worker = await stack.startWorker('worker', taskQueue);
    note(`callback path: ${n} payouts, ${concurrency} at once`);
    const callback = await latencies(stack, taskQueue, n, concurrency);
    await stack.setSandboxFaults({ callbackDropRate: 1 });
    note(`polling path: ${n} payouts, all at once (first poll 30 s after submission)`);
    const polling = await latencies(stack, taskQueue, n, n);
    printFigures({
      bench: 'latency',
      server: options.server,
      n,
      concurrency,
      callback_p50_ms: callback.p50,
      callback_p99_ms: callback.p99,
      callback_max_ms: callback.max,
      callback_wall_s: callback.wallSeconds,
      polling_p50_ms: polling.p50,
      polling_p99_ms: polling.p99,
      polling_max_ms: polling.max,
      polling_wall_s: polling.wallSeconds,
      not_succeeded: callback.notSucceeded + polling.notSucceeded,
      errors: callback.errors + polling.errors,
      worker_rss_mb: worker.peakRssMb(),
    });
  } finally {
    await stack.stop();
  }
}
