/**
 * Ours: a BatchWorkflow paying N items with everything on (client validation, page workflows, search
 * attributes, codec, the sliding window, continue-as-new, the report), timed from submitBatch to the result.
 */
import { PayoutsClient } from '../../src/client/payouts-client.js';
import type { BatchProgress } from '../../src/workflows/batch/definitions.js';
import type { PayoutTimings } from '../../src/workflows/payout/workflow.js';
import { cpuDelta, type CpuSeconds, type HistorySurvey, surveyBatch } from './histories.js';
import { note, sleep } from './report.js';
import { benchPayout, runPrefix } from './requests.js';
import type { BenchStack } from './stack.js';

export interface BatchRun {
  batchId: string;
  finished: boolean;
  /** Items with a final status when the run ended (all of them when finished). */
  done: number;
  succeeded: number;
  submitSeconds: number;
  seconds: number;
  runs: number;
  survey?: HistorySurvey;
  workerPeakRssMb?: number;
  /** CPU seconds per process while the batch ran (submission to result). */
  cpu: CpuSeconds;
}

export async function payBatch(
  stack: BenchStack,
  options: {
    n: number;
    concurrency: number;
    taskQueue: string;
    timeoutMs: number;
    childTimings?: Partial<PayoutTimings>;
  },
): Promise<BatchRun> {
  const worker = await stack.startWorker(`worker-${options.taskQueue}`, options.taskQueue);
  const payouts = new PayoutsClient({ client: stack.client, taskQueue: options.taskQueue });
  const batchId = runPrefix('batch');
  const items = Array.from({ length: options.n }, (_, i) => benchPayout(`${batchId}-${i}`));
  const cpuBefore = stack.cpuByProcess();
  const started = Date.now();
  let last: BatchProgress | undefined;
  try {
    await payouts.submitBatch({
      batchId,
      items,
      options: { concurrency: options.concurrency },
      ...(options.childTimings ? { childTimings: options.childTimings } : {}),
    });
    const submitSeconds = (Date.now() - started) / 1000;
    note(`ours: batch ${batchId} of ${options.n} submitted in ${submitSeconds.toFixed(1)} s`);
    const deadline = started + options.timeoutMs;
    const result = payouts.waitForBatch(batchId);
    let finished = false;
    void result.then(
      () => (finished = true),
      () => undefined,
    );
    let nextNote = Date.now() + 30_000;
    while (!finished && Date.now() < deadline) {
      await Promise.race([result.catch(() => undefined), sleep(2_000)]);
      if (!finished && Date.now() >= nextNote) {
        nextNote = Date.now() + 30_000;
        last = await payouts.getBatch(batchId).catch(() => last);
        if (last)
          note(
            `ours: ${last.finished}/${last.total} finished, run ${last.run}, rss ${worker.peakRssMb()?.toFixed(0)} MB`,
          );
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const workerPeakRssMb = worker.peakRssMb();
    const cpu = cpuDelta(cpuBefore, stack.cpuByProcess());
    if (finished) {
      const outcome = await result;
      note(`ours: finished in ${seconds.toFixed(1)} s; surveying histories`);
      await sleep(2_000); // visibility catches up
      const survey = await surveyBatch(stack.client, batchId);
      const done = Object.values(outcome.counts).reduce((sum, count) => sum + count, 0);
      return {
        batchId,
        finished,
        done,
        succeeded: outcome.counts.succeeded ?? 0,
        submitSeconds,
        seconds,
        runs: outcome.runs,
        survey,
        cpu,
        ...(workerPeakRssMb !== undefined ? { workerPeakRssMb } : {}),
      };
    }
    last = await payouts.getBatch(batchId).catch(() => last);
    note(`ours: not finished within ${Math.round(options.timeoutMs / 60_000)} min`);
    const survey = await surveyBatch(stack.client, batchId).catch(() => undefined);
    await stack.client.workflow
      .getHandle(`batch-${batchId}`)
      .terminate('benchmark time is up')
      .catch(() => undefined);
    return {
      batchId,
      finished,
      done: last?.finished ?? 0,
      succeeded: last?.counts.succeeded ?? 0,
      submitSeconds,
      seconds,
      runs: last?.run ?? 0,
      ...(survey ? { survey } : {}),
      cpu,
      ...(workerPeakRssMb !== undefined ? { workerPeakRssMb } : {}),
    };
  } finally {
    await worker.stop();
  }
}
