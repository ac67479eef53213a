/**
 * BatchWorkflow (id `batch-<batchId>`): pays a batch of any size as a sliding window of PayoutWorkflows. Each
 * step of the window is one activity: it starts the next group and returns a group of outcomes, which the
 * payouts leave in their memos, so the batch never waits for a payout to close (payouts stay open for late
 * provider events). Items come a page at a time from the batch's page workflows (never all in this history).
 * Continue-as-new keeps every run under `maxEventsPerRun`: the cursor and any ids still in flight travel,
 * nothing else, so no item is lost or started twice.
 * A later execution with `retry` set gives the batch's declined items new attempts (retry.ts).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { batchFinishedNotification } from '../../notifications/events.js';
import { batchIdSearchAttribute } from '../definitions.js';
import { handOverNotification } from '../notification/workflow.js';
import { reporting } from './activities.js';
import {
  askWorkerApprovalPolicy,
  balanceCheckDue,
  checkBalances,
  waitConditionFor,
  type WaitCondition,
  waitForApproval,
  waitForNotBefore,
} from './checks.js';
import type { BatchResult, BatchWorkflowInput } from './definitions.js';
import { registerBatchHandlers } from './handlers.js';
import { countUnstarted, progressDetails, shouldContinueAsNew } from './progress.js';
import { retryInfo } from './retry.js';
import { type BatchRun, childrenReported, createBatchRun, progressOf } from './state.js';
import {
  askChildren,
  cancelChildren,
  collectInFlight,
  collectsOutcomes,
  flushRows,
  nextAskAt,
  roomToStart,
  startAvailable,
} from './window.js';

/**
 * How long a run waits for its children's signals before it continues as new. A signal that reaches the
 * server while the continue-as-new is being sent makes the server refuse it; the worker then drops the run
 * from its cache and replays all of its thousands of events to try again, which the next signal refuses
 * just the same. Children still out after this wait travel to the next run, which their signals reach.
 */
const quietBeforeContinueAsNewMs = 10_000;

export async function BatchWorkflow(input: BatchWorkflowInput): Promise<BatchResult> {
  const run = createBatchRun(input, Date.now());
  const afterHandlers = waitConditionFor(patched('wake-after-handlers'));
  registerBatchHandlers(run);
  upsertSearchAttributes([{ key: batchIdSearchAttribute, value: input.batchId }]);
  try {
    await runWindow(run, afterHandlers);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // A cancel from the UI or `temporal workflow cancel` means what the cancel update means.
    run.state.cancelled ??= { reason: 'the batch workflow was cancelled', at: new Date().toISOString() };
    await CancellationScope.nonCancellable(() => runWindow(run, afterHandlers));
  }
  return await CancellationScope.nonCancellable(() => closeBatch(run));
}

/** Starts items while the window has room, until every started item has its outcome. */
async function runWindow(run: BatchRun, afterHandlers: WaitCondition): Promise<void> {
  const { state, input, options } = run;
  const { itemCount } = input.source;
  await waitForNotBefore(run, afterHandlers);
  await askWorkerApprovalPolicy(run);
  await waitForApproval(run, afterHandlers);
  for (;;) {
    setCurrentDetails(progressDetails(progressOf(run)));
    if (run.rows.length >= options.rowFlushSize) await flushRows(run);
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      shouldContinueAsNew(info.historyLength, options.maxEventsPerRun, options.concurrency)
    ) {
      // Payouts whose outcomes are collected send nothing to wait for: the next run collects them.
      if (!collectsOutcomes() && patched('quiet-continue-as-new') && !childrenReported(run)) {
        await condition(() => childrenReported(run), quietBeforeContinueAsNewMs);
      }
      await condition(allHandlersFinished);
      const next = { ...input, state: { ...state, run: state.run + 1 }, rows: run.rows };
      return await continueAsNew<typeof BatchWorkflow>(next);
    }
    if (state.cancelled && !run.cancelSentToChildren) await cancelChildren(run);
    if (state.inFlight.length > 0 && Date.now() >= nextAskAt(run)) await askChildren(run);
    if (!state.cancelled && !state.paused && state.cursor < itemCount && roomToStart(run)) {
      if (balanceCheckDue(run)) await checkBalances(run);
      else await startAvailable(run);
      continue;
    }
    if (state.inFlight.length === 0 && (state.cursor >= itemCount || state.cancelled)) return;
    if (state.inFlight.length > 0 && collectsOutcomes()) {
      await collectInFlight(run);
      continue;
    }
    const seen = run.changes;
    const askIn = state.inFlight.length > 0 ? Math.max(1, nextAskAt(run) - Date.now()) : undefined;
    await condition(
      afterHandlers(() => run.changes !== seen),
      askIn,
    );
  }
}

/** Writes the report, tells the merchant, and hands the last rows to their pages. */
async function closeBatch(run: BatchRun): Promise<BatchResult> {
  const { state, input, options } = run;
  const { batchId, source } = input;
  run.finishing = true;
  setCurrentDetails(progressDetails(progressOf(run)));
  await flushRows(run);
  const unstarted = source.itemCount - state.cursor;
  // A retry run's items it did not reach keep their earlier outcome.
  if (state.cancelled && unstarted > 0 && !input.retry) countUnstarted(state, 'cancelled', unstarted);
  const keepUntil = new Date(Date.now() + options.reportRetentionDays * 24 * 3_600_000).toISOString();
  const report = await reporting.finishBatchReport({
    batchId,
    pageCount: source.pageCount,
    closed: { keepUntil, ...(state.cancelled ? { cancelReason: state.cancelled.reason } : {}) },
  });
  run.report = report;
  setCurrentDetails(progressDetails(progressOf(run)));
  if (patched('merchant-notifications')) {
    const finished = { batchId, total: source.itemCount, ...state, retryRound: input.retry?.round };
    await handOverNotification(batchFinishedNotification(finished, new Date().toISOString()));
  }
  await condition(allHandlersFinished);
  // Revisions that came while the batch closed: their rows go to their pages (the report file is a snapshot).
  while (run.rows.length > 0) await flushRows(run);
  return {
    batchId,
    total: source.itemCount,
    counts: { ...state.counts },
    succeededAmounts: { ...state.succeededAmounts },
    ...(state.cancelled ? { cancelled: state.cancelled } : {}),
    ...(state.approval ? { approval: state.approval } : {}),
    runs: state.run,
    report,
    ...retryInfo(input.retry, state),
  };
}
