/**
 * BatchWorkflow (id `batch-<batchId>`): pays a batch of any size as a sliding window of child
 * PayoutWorkflows. Items come a page at a time from the batch's page workflows (never all in this history);
 * each child signals `payoutFinished` once with its outcome, so the batch never waits for a child to close
 * (children stay open for late provider events). Continue-as-new keeps every run under `maxEventsPerRun`:
 * the cursor and the few ids in flight travel, nothing else, so no item is lost or started twice.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { BatchActivities, BatchReportFile } from '../activities/batch.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutSearchAttributePairs, requestHashMemoKey } from './batch-child-options.js';
import {
  type BatchControlRequest,
  type BatchItem,
  batchOptionsSchema,
  batchPageWorkflowId,
  batchProgressQuery,
  type BatchResult,
  type BatchRunState,
  type BatchWorkflowInput,
  cancelBatchUpdate,
  pageItemsDoneSignal,
  pageRowsSignal,
  pauseBatchUpdate,
  type ReportRow,
  resumeBatchUpdate,
} from './batch-definitions.js';
import {
  applyOutcome,
  countUnstarted,
  initialState,
  pageOf,
  progressDetails,
  progressView,
  shouldContinueAsNew,
} from './batch-progress.js';
import { rowFromOutcome, rowForUnstarted } from './batch-report.js';
import { batchIdSearchAttribute, payoutFinishedSignal, payoutWorkflowId } from './definitions.js';
import { PayoutWorkflow, payoutSummary } from './payout.js';

export { BatchPageWorkflow } from './batch-page.js';

/** A page is a few hundred items; a failed read pauses the batch after these attempts, with the reason. */
const pageReads = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/** Status queries and cancel requests to children: a failed call is simply made again later. */
const childCalls = proxyActivities<BatchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** The report must be written whatever it takes; it heartbeats per page group. */
const reporting = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Children started by an earlier run signal that (closed) run: their outcomes are asked for, backing off. */
const firstPollMs = 2_000;
const maxPollMs = 5 * 60_000;

export async function BatchWorkflow(input: BatchWorkflowInput): Promise<BatchResult> {
  const options = batchOptionsSchema.parse(input.options ?? {});
  const { batchId, source } = input;
  const state: BatchRunState = input.state ?? initialState(new Date().toISOString());
  const rows: ReportRow[] = input.rows ?? [];
  const carried = new Set(state.inFlight.map((item) => item.payoutId));
  let pollDelayMs = firstPollMs;
  let nextPollAt = Date.now() + pollDelayMs;
  let nextSweepAt = Date.now() + options.inFlightCheckMs;
  let page: { index: number; items: BatchItem[] } | undefined;
  let cancelSentToChildren = false;
  let finishing = false;
  let report: BatchReportFile | undefined;
  let changes = 0;
  const now = () => new Date().toISOString();
  const view = () => progressView(input, state, { finishing, ...(report ? { report } : {}) });

  const finishChild = (outcome: PayoutOutcome) => {
    const entry = state.inFlight.find((item) => item.payoutId === outcome.payoutId);
    if (!entry) return;
    const effect = applyOutcome(state, outcome, options.stopAfterConsecutiveSystemicFailures, now());
    rows.push(rowFromOutcome(entry.seq, outcome));
    carried.delete(outcome.payoutId);
    if (effect.tripped) log.warn('batch paused by its circuit breaker', { batchId, reason: effect.tripped.reason });
    changes++;
  };

  const refuseWhenClosed = () => {
    if (state.cancelled) throw new Error(`batch ${batchId} was cancelled: ${state.cancelled.reason}`);
    if (finishing) throw new Error(`batch ${batchId} has finished all its items`);
  };

  setHandler(batchProgressQuery, view);
  setHandler(payoutFinishedSignal, finishChild);
  setHandler(
    pauseBatchUpdate,
    ({ reason }: BatchControlRequest) => {
      state.paused = { reason: reason ?? 'paused by an operator', by: 'operator', since: now() };
      changes++;
      return view();
    },
    { validator: (_request: BatchControlRequest) => refuseWhenClosed() },
  );
  setHandler(
    resumeBatchUpdate,
    (_request: BatchControlRequest) => {
      delete state.paused;
      state.consecutiveSystemicFailures = 0;
      changes++;
      return view();
    },
    { validator: (_request: BatchControlRequest) => refuseWhenClosed() },
  );
  setHandler(
    cancelBatchUpdate,
    ({ reason }: BatchControlRequest) => {
      state.cancelled = { reason: reason ?? 'cancelled by an operator', at: now() };
      changes++;
      return view();
    },
    { validator: (_request: BatchControlRequest) => refuseWhenClosed() },
  );

  upsertSearchAttributes([{ key: batchIdSearchAttribute, value: batchId }]);

  try {
    await runWindow();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // A cancel from the UI or `temporal workflow cancel` means what the cancel update means.
    state.cancelled ??= { reason: 'the batch workflow was cancelled', at: now() };
    await CancellationScope.nonCancellable(runWindow);
  }
  return await CancellationScope.nonCancellable(closeBatch);

  /** Starts items while the window has room, until every started item has its outcome. */
  async function runWindow(): Promise<void> {
    await waitForNotBefore();
    for (;;) {
      setCurrentDetails(progressDetails(view()));
      if (rows.length >= options.rowFlushSize) await flushRows();
      const info = workflowInfo();
      if (
        info.continueAsNewSuggested ||
        shouldContinueAsNew(info.historyLength, options.maxEventsPerRun, options.concurrency)
      ) {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof BatchWorkflow>({ ...input, state: { ...state, run: state.run + 1 }, rows });
      }
      if (state.cancelled && !cancelSentToChildren) await cancelChildren();
      if (state.inFlight.length > 0 && Date.now() >= Math.min(nextSweepAt, carried.size > 0 ? nextPollAt : Infinity)) {
        await askChildren();
      }
      const roomToStart =
        !state.cancelled &&
        !state.paused &&
        state.cursor < source.itemCount &&
        state.inFlight.length < options.concurrency;
      if (roomToStart) {
        await startAvailable();
        continue;
      }
      if (state.inFlight.length === 0 && (state.cursor >= source.itemCount || state.cancelled)) return;
      const seen = changes;
      const askAt = Math.min(nextSweepAt, carried.size > 0 ? nextPollAt : Infinity);
      await condition(() => changes !== seen, state.inFlight.length > 0 ? Math.max(1, askAt - Date.now()) : undefined);
    }
  }

  async function waitForNotBefore(): Promise<void> {
    if (state.notBeforePassed) return;
    const waitMs = input.notBefore ? Date.parse(input.notBefore) - Date.now() : 0;
    if (waitMs > 0) {
      setCurrentDetails(progressDetails(view()));
      await condition(() => state.cancelled !== undefined, waitMs);
    }
    state.notBeforePassed = true;
  }

  /**
   * Fills the window from the current page in one workflow task: the starts go out together, so an item
   * costs a few events instead of a task round trip each. The cursor moves once they have all resolved.
   */
  async function startAvailable(): Promise<void> {
    const { page: index, offset } = pageOf(state.cursor, source.pageSize);
    const items = await pageItems(index);
    if (!items) return;
    if (items[offset]?.seq !== state.cursor) {
      state.paused = { reason: `page ${index} does not hold item ${state.cursor}`, by: 'system', since: now() };
      return;
    }
    let room = options.concurrency - state.inFlight.length;
    const chosen: BatchItem[] = [];
    for (const item of items.slice(offset)) {
      if (room === 0) break;
      chosen.push(item);
      if (item.duplicateOf === undefined) room--;
    }
    await Promise.all(chosen.map(startOrReport));
    state.cursor += chosen.length;
  }

  async function startOrReport(item: BatchItem): Promise<void> {
    const { request } = item;
    if (item.duplicateOf !== undefined) {
      reportDuplicate(item, `repeats item ${item.duplicateOf + 1} of this batch; not paid again`);
      return;
    }
    // In flight before the start resolves: a fast child's signal may be delivered in the same activation.
    state.inFlight.push({ payoutId: request.payoutId, seq: item.seq });
    try {
      // Never cancelled with the batch: a payout stops only through its own cancel update.
      await CancellationScope.nonCancellable(() =>
        startChild(PayoutWorkflow, {
          workflowId: payoutWorkflowId(request.payoutId),
          taskQueue: options.providerTaskQueues?.[request.provider] ?? workflowInfo().taskQueue,
          args: [{ request, ...(input.childTimings ? { timings: input.childTimings } : {}) }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
          // A payoutId already used, even by a closed payout, is never started again.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          memo: { [requestHashMemoKey]: item.requestHash },
          staticSummary: payoutSummary(request),
          typedSearchAttributes: payoutSearchAttributePairs(request),
        }),
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      state.inFlight = state.inFlight.filter((entry) => entry.seq !== item.seq);
      const workflowId = payoutWorkflowId(request.payoutId);
      reportDuplicate(item, `payoutId already used by an earlier payout (${workflowId}); not paid again`);
    }
  }

  function reportDuplicate(item: BatchItem, message: string): void {
    rows.push(rowForUnstarted(item, 'duplicate', message));
    countUnstarted(state, 'duplicate');
  }

  /** A page's items, read once per run; undefined (and the batch paused, with the reason) when unreadable. */
  async function pageItems(index: number): Promise<BatchItem[] | undefined> {
    if (page?.index === index) return page.items;
    try {
      page = { index, items: await pageReads.readBatchPage({ batchId, page: index }) };
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = `page ${index} could not be read: ${failureMessage(error)}`;
      state.paused = { reason, by: 'system', since: now() };
      return undefined;
    }
    if (index > 0) {
      // Every item before this page was started: the previous page may forget them (and their card numbers).
      await getExternalWorkflowHandle(batchPageWorkflowId(batchId, index - 1))
        .signal(pageItemsDoneSignal)
        .catch((error: unknown) =>
          log.warn('could not release a page', { batchId, page: index - 1, error: String(error) }),
        );
    }
    return page.items;
  }

  /** Hands finished rows to their pages, where the report is read from. */
  async function flushRows(): Promise<void> {
    const byPage = new Map<number, ReportRow[]>();
    for (const row of rows.splice(0)) {
      const index = pageOf(row.seq, source.pageSize).page;
      byPage.set(index, [...(byPage.get(index) ?? []), row]);
    }
    await Promise.all(
      [...byPage].map(([index, pageRows]) =>
        getExternalWorkflowHandle(batchPageWorkflowId(batchId, index))
          .signal(pageRowsSignal, pageRows)
          .catch((error: unknown) =>
            log.error('report rows lost: page unreachable', { batchId, page: index, error: String(error) }),
          ),
      ),
    );
  }

  /** Asks children for their outcome by query: those of earlier runs (backing off), and now and then all. */
  async function askChildren(): Promise<void> {
    const sweep = Date.now() >= nextSweepAt;
    const payoutIds = sweep ? state.inFlight.map((item) => item.payoutId) : [...carried];
    try {
      const outcomes = await childCalls.collectPayoutOutcomes({ payoutIds });
      for (const outcome of outcomes) finishChild(outcome);
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not ask payouts in flight for their outcome', { batchId, error: String(error) });
    }
    if (sweep) nextSweepAt = Date.now() + options.inFlightCheckMs;
    if (carried.size > 0 && Date.now() >= nextPollAt) {
      pollDelayMs = Math.min(pollDelayMs * 2, maxPollMs);
      nextPollAt = Date.now() + pollDelayMs;
    }
  }

  async function cancelChildren(): Promise<void> {
    cancelSentToChildren = true;
    if (state.inFlight.length === 0) return;
    try {
      await childCalls.cancelPayouts({
        payoutIds: state.inFlight.map((item) => item.payoutId),
        reason: `batch cancelled: ${state.cancelled?.reason ?? ''}`,
      });
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not cancel every payout in flight', { batchId, error: String(error) });
    }
  }

  async function closeBatch(): Promise<BatchResult> {
    finishing = true;
    setCurrentDetails(progressDetails(view()));
    await flushRows();
    const unstarted = source.itemCount - state.cursor;
    if (state.cancelled && unstarted > 0) countUnstarted(state, 'cancelled', unstarted);
    const keepUntil = new Date(Date.now() + options.reportRetentionDays * 24 * 3_600_000).toISOString();
    report = await reporting.finishBatchReport({
      batchId,
      pageCount: source.pageCount,
      closed: { keepUntil, ...(state.cancelled ? { cancelReason: state.cancelled.reason } : {}) },
    });
    setCurrentDetails(progressDetails(view()));
    await condition(allHandlersFinished);
    return {
      batchId,
      total: source.itemCount,
      counts: { ...state.counts },
      succeededAmounts: { ...state.succeededAmounts },
      ...(state.cancelled ? { cancelled: state.cancelled } : {}),
      runs: state.run,
      report,
    };
  }
}
