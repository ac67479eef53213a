/**
 * `npm run bench -- naive-fanout [--n N] [--timeout-min M] [--server dev|postgres]`: the approach a newcomer
 * copies from the samples (one parent starts all N children with executeChild and awaits them) against our
 * BatchWorkflow, at N = 10,000 and 100,000 (or the one --n). For each: time, largest history (events, bytes),
 * the worker's peak RSS, and whether it finished. A naive parent that stops making progress for 3 minutes
 * (the server refusing its workflow tasks) or is still running after 15 minutes (or --timeout-min) is stopped
 * and reported unfinished; ours is stopped after --timeout-min (30, or 90 for more than 20,000 items).
 * Prints one line per N. Goal: ours finishes 100,000 with every run < 10,000 events and worker RSS < 512 MB.
 */
import { decodeFailure } from '@temporalio/common/lib/internal-non-workflow/index.js';
import proto from '@temporalio/proto';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { payBatch } from './lib/batch-run.js';
import { cpuDelta, formatCpu, historyOf } from './lib/histories.js';
import type { BenchOptions } from './lib/options.js';
import { note, printFigures, sleep } from './lib/report.js';
import { benchPayout, runPrefix } from './lib/requests.js';
import { baselineWorker, type BenchStack, startBenchStack } from './lib/stack.js';

/** Both sides close their children 1 s after the outcome, so the naive parent's awaits can resolve. */
const childTimings = { lateEventWindowMs: 1_000 };
const stallMs = 3 * 60_000;
const naiveTimeoutMs = 15 * 60_000;

interface NaiveRun {
  finished: boolean;
  seconds: number;
  events: number;
  bytes: number;
  pendingChildren: number;
  childrenCompleted?: number;
  failure?: string;
  workerPeakRssMb?: number;
  cpu: string;
}

/** A failure's message; the codec encrypts messages (into encodedAttributes), so it is decoded first. */
async function failureMessage(stack: BenchStack, failure: proto.temporal.api.failure.v1.IFailure | null | undefined) {
  if (!failure) return '';
  const decoded = await decodeFailure(stack.dataConverter.payloadCodecs ?? [], failure);
  const data = decoded.encodedAttributes?.data;
  if (!data) return decoded.message ?? '';
  const attributes = JSON.parse(Buffer.from(data).toString('utf8')) as { message?: string };
  return attributes.message ?? decoded.message ?? '';
}

/** The cause of the parent's latest failed workflow task, read from the end of its history. */
async function lastTaskFailure(stack: BenchStack, workflowId: string): Promise<string | undefined> {
  const response = await stack.client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: stack.namespace,
    execution: { workflowId },
    maximumPageSize: 100,
  });
  for (const event of response.history?.events ?? []) {
    const failed = event.workflowTaskFailedEventAttributes;
    if (!failed) continue;
    const cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause[failed.cause ?? 0] ?? String(failed.cause);
    return `${cause}: ${await failureMessage(stack, failed.failure)}`.slice(0, 200).replace(/\s+/g, '_');
  }
  return undefined;
}

async function payNaive(stack: BenchStack, n: number, timeoutMs: number): Promise<NaiveRun> {
  const taskQueue = 'bench-naive';
  const worker = await stack.startWorker('worker-naive', taskQueue, baselineWorker);
  const prefix = runPrefix('naive');
  const workflowId = `naive-${prefix}`;
  const request = payoutRequestSchema.parse(benchPayout(`${prefix}-template`));
  const cpuBefore = stack.cpuByProcess();
  const started = Date.now();
  try {
    const handle = await stack.client.workflow.start('NaiveFanoutWorkflow', {
      taskQueue,
      workflowId,
      args: [{ prefix, count: n, request, timings: childTimings }],
    });
    let lastLength = 0;
    let lastChange = Date.now();
    let failure: string | undefined;
    let status = 'RUNNING';
    let pendingChildren = 0;
    let nextNote = Date.now() + 30_000;
    for (;;) {
      await sleep(5_000);
      const description = await handle.describe();
      status = description.status.name;
      pendingChildren = description.raw.pendingChildren?.length ?? 0;
      if (description.historyLength !== lastLength) {
        lastLength = description.historyLength;
        lastChange = Date.now();
      }
      if (Date.now() >= nextNote) {
        nextNote = Date.now() + 30_000;
        note(
          `naive: ${status}, ${lastLength} events, ${pendingChildren} children pending, rss ${worker.peakRssMb()?.toFixed(0)} MB`,
        );
      }
      if (status !== 'RUNNING') break;
      if (Date.now() - lastChange > stallMs) {
        failure = `stalled:${(await lastTaskFailure(stack, workflowId).catch(() => undefined)) ?? 'no_progress'}`;
        break;
      }
      if (Date.now() - started > timeoutMs) {
        failure = 'out_of_time';
        break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const workerPeakRssMb = worker.peakRssMb();
    const cpu = formatCpu(cpuDelta(cpuBefore, stack.cpuByProcess()));
    const history = await historyOf(stack.client, workflowId);
    const finished = status === 'COMPLETED';
    if (!finished && status === 'RUNNING') {
      await handle.terminate('benchmark: stopped').catch(() => undefined);
    } else if (!finished) {
      failure ??= status;
    }
    const childrenCompleted = await stack.client.workflow
      .count(`WorkflowId STARTS_WITH "payout-${prefix}-" AND ExecutionStatus = "Completed"`)
      .then((result) => result.count)
      .catch(() => undefined);
    return {
      finished,
      seconds,
      events: history.events,
      bytes: history.bytes,
      pendingChildren,
      cpu,
      ...(childrenCompleted !== undefined ? { childrenCompleted } : {}),
      ...(failure ? { failure } : {}),
      ...(workerPeakRssMb !== undefined ? { workerPeakRssMb } : {}),
    };
  } finally {
    await worker.stop();
  }
}

export async function run(options: BenchOptions): Promise<void> {
  const sizes = options.n ? [options.n] : [10_000, 100_000];
  const concurrency = options.concurrency ?? 50;
  for (const n of sizes) {
    const timeoutMs = (options.timeoutMin ?? (n > 20_000 ? 90 : 30)) * 60_000;
    const stack = await startBenchStack({
      name: `naive-fanout-${n}`,
      server: options.server,
      address: options.address,
    });
    try {
      note(`naive: one parent, ${n} children at once`);
      // The naive parent gets at most a quarter of an hour: enough to see whether it gets anywhere.
      const naive = await payNaive(stack, n, Math.min(timeoutMs, naiveTimeoutMs));
      note(`naive: finished=${naive.finished} in ${naive.seconds.toFixed(1)} s (${naive.failure ?? 'ok'})`);
      note(`ours: a batch of ${n}, concurrency ${concurrency}`);
      const ours = await payBatch(stack, {
        n,
        concurrency,
        taskQueue: 'bench-ours',
        timeoutMs,
        childTimings,
      });
      const largest = ours.survey?.largest;
      printFigures({
        bench: 'naive-fanout',
        server: options.server,
        n,
        naive_finished: naive.finished,
        naive_s: naive.seconds,
        naive_events: naive.events,
        naive_bytes: naive.bytes,
        naive_children_completed: naive.childrenCompleted,
        naive_pending_children: naive.pendingChildren,
        naive_worker_rss_mb: naive.workerPeakRssMb,
        naive_failure: naive.failure,
        ours_finished: ours.finished,
        ours_s: ours.seconds,
        ours_done: ours.done,
        ours_runs: ours.runs,
        ours_largest_events: largest?.events,
        ours_largest_bytes: largest?.bytes,
        ours_largest_type: largest?.type,
        ours_worker_rss_mb: ours.workerPeakRssMb,
        naive_cpu_s: naive.cpu,
        ours_cpu_s: formatCpu(ours.cpu),
        goal_met: ours.finished && (largest?.events ?? Infinity) < 10_000 && (ours.workerPeakRssMb ?? Infinity) < 512,
      });
    } finally {
      await stack.stop();
    }
  }
}
