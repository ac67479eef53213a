/**
 * `npm run bench -- batch-vs-bare [--n 10000] [--concurrency 50] [--server dev|postgres]`: on one server,
 * sandbox with zero latency and callbacks on, the same N and concurrency:
 *  (a) bare Temporal: N minimal workflows started from a plain client loop (C at once), each one activity
 *      that submits to the sandbox and one wait for the callback signal through the relay;
 *  (b) ours: a BatchWorkflow paying N items, everything on.
 * Prints `bare_per_s=… ours_per_s=… ratio=…` (ours/bare) with the batch's time and largest run, and per
 * side the history a payout writes (`*_events_per_payout`, a sample's mean), the batch's own events per item
 * (`batch_events_per_item`: every BatchWorkflow run; `page_events_per_item`: its page workflows) and the
 * CPU per item of the server (the dev server, or the real server and PostgreSQL) and of the worker.
 */
import { Client } from '@temporalio/client';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { payoutWorkflowId } from '../src/workflows/definitions.js';
import { payBatch } from './lib/batch-run.js';
import { cpuDelta, cpuPerItem, formatCpu, meanEventsOf } from './lib/histories.js';
import type { BenchOptions } from './lib/options.js';
import { note, pool, printFigures } from './lib/report.js';
import { benchPayout, runPrefix } from './lib/requests.js';
import { bareWorker, type BenchStack, startBenchStack } from './lib/stack.js';

/** Bare workflows whose histories are measured (they are all alike). */
const eventsSample = 20;

async function payBare(stack: BenchStack, n: number, concurrency: number) {
  const taskQueue = 'bench-bare';
  const worker = await stack.startWorker('worker-bare', taskQueue, {
    ...bareWorker,
    env: { BENCH_CODEC: 'decode-only' },
  });
  // No codec on the client either: bare Temporal.
  const client = new Client({ connection: stack.client.connection, namespace: stack.namespace });
  const prefix = runPrefix('bare');
  let notSucceeded = 0;
  const cpuBefore = stack.cpuByProcess();
  const started = Date.now();
  try {
    await pool(n, concurrency, async (i) => {
      const request = payoutRequestSchema.parse(benchPayout(`${prefix}-${i}`));
      const handle = await client.workflow.start('BarePayoutWorkflow', {
        taskQueue,
        workflowId: payoutWorkflowId(request.payoutId),
        args: [request],
      });
      if ((await handle.result()) !== 'succeeded') notSucceeded++;
      if ((i + 1) % 1000 === 0) note(`bare: ${i + 1}/${n}`);
    });
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuDelta(cpuBefore, stack.cpuByProcess());
    const sample = Array.from({ length: Math.min(n, eventsSample) }, (_, i) =>
      payoutWorkflowId(`${prefix}-${Math.floor((i * n) / Math.min(n, eventsSample))}`),
    );
    return {
      seconds,
      notSucceeded,
      workerPeakRssMb: worker.peakRssMb(),
      cpu,
      eventsPerPayout: await meanEventsOf(client, sample),
    };
  } finally {
    await worker.stop();
  }
}

export async function run(options: BenchOptions): Promise<void> {
  const n = options.n ?? 10_000;
  const concurrency = options.concurrency ?? 50;
  const timeoutMs = (options.timeoutMin ?? 120) * 60_000;
  const stack = await startBenchStack({ name: 'batch-vs-bare', server: options.server, address: options.address });
  try {
    note(`bare: ${n} workflows, ${concurrency} at once`);
    const bare = await payBare(stack, n, concurrency);
    note(`bare: ${bare.seconds.toFixed(1)} s`);
    note(`ours: a batch of ${n}, concurrency ${concurrency}`);
    const ours = await payBatch(stack, { n, concurrency, taskQueue: 'bench-ours', timeoutMs });
    const barePerS = n / bare.seconds;
    const oursPerS = ours.finished ? n / ours.seconds : ours.done / ours.seconds;
    const bareCpu = cpuPerItem(bare.cpu, n);
    const oursCpu = cpuPerItem(ours.cpu, ours.finished ? n : Math.max(1, ours.done));
    const survey = ours.survey;
    printFigures({
      bench: 'batch-vs-bare',
      server: options.server,
      n,
      concurrency,
      bare_per_s: barePerS,
      ours_per_s: oursPerS,
      ratio: oursPerS / barePerS,
      bare_s: bare.seconds,
      ours_s: ours.seconds,
      ours_submit_s: ours.submitSeconds,
      ours_finished: ours.finished,
      ours_succeeded: ours.succeeded,
      bare_not_succeeded: bare.notSucceeded,
      batch_runs: ours.runs,
      largest_run_events: ours.survey?.largest?.events,
      largest_run_bytes: ours.survey?.largest?.bytes,
      largest_run_type: ours.survey?.largest?.type,
      largest_payout_events: ours.survey?.largestChild?.events,
      bare_events_per_payout: bare.eventsPerPayout,
      ours_events_per_payout: survey?.payoutEventsMean,
      batch_events_per_item: survey ? survey.batchEvents / n : undefined,
      page_events_per_item: survey ? survey.pageEvents / n : undefined,
      bare_server_cpu_ms_per_item: bareCpu.serverMs,
      ours_server_cpu_ms_per_item: oursCpu.serverMs,
      bare_worker_cpu_ms_per_item: bareCpu.workerMs,
      ours_worker_cpu_ms_per_item: oursCpu.workerMs,
      bare_worker_rss_mb: bare.workerPeakRssMb,
      ours_worker_rss_mb: ours.workerPeakRssMb,
      bare_cpu_s: formatCpu(bare.cpu),
      ours_cpu_s: formatCpu(ours.cpu),
    });
  } finally {
    await stack.stop();
  }
}
