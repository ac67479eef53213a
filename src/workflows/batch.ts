/**
 * BatchWorkflow (id `batch-<batchId>`): pays a batch of any size as a sliding window of child
 * PayoutWorkflows. Items come a page at a time from the batch's page workflows (never all in this history);
 * each child signals `payoutFinished` once with its outcome, so the batch never waits for a child to close
 * (children stay open for late provider events). Continue-as-new keeps every run under `maxEventsPerRun`:
 * the run first lets its children report, then the cursor and any ids still in flight travel, nothing else,
 * so no item is lost or started twice.
 * A later execution with `retry` set gives the batch's declined items new attempts (batch-retry.ts).
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
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
import type { BatchRetryActivities } from '../activities/batch-retry.js';
import { idempotencyKeyFor } from '../domain/idempotency-key.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutSearchAttributePairs, requestMemo } from './batch-child-options.js';
import {
  approveBatchUpdate,
  type BatchApprovalRequest,
  type BatchControlRequest,
  type BatchItem,
  batchPageWorkflowId,
  batchProgressQuery,
  type BatchResult,
  type BatchRunState,
  type BatchWorkflowInput,
  cancelBatchUpdate,
  pageItemsDoneSignal,
  pageRowsSignal,
  pauseBatchUpdate,
  rejectBatchUpdate,
  type ReportRow,
  resumeBatchUpdate,
  withBatchDefaults,
} from './batch-definitions.js';
import {
  addStarted,
  approvalDeadlineReason,
  approvalGate,
  approvalRefusal,
  approve,
  hasAmounts,
  refuseApproval,
  remainingAmounts,
  shortfallReason,
} from './batch-gates.js';
import {
  applyOutcome,
  countUnstarted,
  initialState,
  moveItem,
  pageOf,
  progressDetails,
  progressView,
  shouldContinueAsNew,
} from './batch-progress.js';
import { rowFromOutcome, rowForUnstarted } from './batch-report.js';
import {
  chooseRetries,
  countRetriesSkipped,
  countRetryStarted,
  retryInfo,
  retryInitialState,
  type RetryPlan,
} from './batch-retry.js';
import {
  batchIdSearchAttribute,
  payoutAttemptWorkflowId,
  payoutFinishedSignal,
  payoutRevisedSignal,
  type PayoutRevision,
  payoutWorkflowId,
} from './definitions.js';
import { payoutSummary } from '../domain/payout-summary.js';
import { PayoutWorkflow } from './payout.js';
import { batchFinishedNotification } from '../notifications/events.js';
import { handOverNotification } from './notification.js';

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

/** A balance the provider cannot tell in about a minute is not checked: the circuit breaker is the backstop. */
const balanceChecks = proxyActivities<BatchActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 4 },
});

/** The report must be written whatever it takes; it heartbeats per page group. */
const reporting = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/** A retry run plans a page at a time: the provider is asked about every declined item's last attempt. */
const retryPlanning = proxyActivities<BatchRetryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Children started by an earlier run signal that (closed) run: their outcomes are asked for, backing off. */
const firstPollMs = 2_000;
const maxPollMs = 5 * 60_000;

/**
 * How long a run waits for its children's signals before it continues as new. A signal that reaches the
 * server while the continue-as-new is being sent makes the server refuse it; the worker then drops the run
 * from its cache and replays all of its thousands of events to try again, which the next signal refuses
 * just the same. Children still out after this wait travel to the next run, which their signals reach.
 */
const quietBeforeContinueAsNewMs = 10_000;

export async function BatchWorkflow(input: BatchWorkflowInput): Promise<BatchResult> {
  const options = withBatchDefaults(input.options);
  const { batchId, source } = input;
  const state: BatchRunState =
    input.state ??
    (input.retry ? retryInitialState(input.retry, new Date().toISOString()) : initialState(new Date().toISOString()));
  const rows: ReportRow[] = input.rows ?? [];
  const carried = new Set(state.inFlight.map((item) => item.payoutId));
  let pollDelayMs = firstPollMs;
  let nextPollAt = Date.now() + pollDelayMs;
  let nextSweepAt = Date.now() + options.inFlightCheckMs;
  let page: { index: number; items: BatchItem[] } | undefined;
  let retryPage: { index: number; plan: RetryPlan } | undefined;
  let cancelSentToChildren = false;
  let finishing = false;
  let report: BatchReportFile | undefined;
  let changes = 0;
  const now = () => new Date().toISOString();
  /**
   * A wait ends only once every handler has returned, so an update's completion always precedes what the batch
   * then does: otherwise their order depends on how many steps the worker's interceptors (tracing on or off) add
   * to the handler's return, and a history replays only on a worker with the same ones. Before patch
   * `wake-after-handlers` the wait ended in the handler's own step.
   */
  const wakeAfterHandlers = patched('wake-after-handlers');
  const afterHandlers = (ready: () => boolean) => () => ready() && (!wakeAfterHandlers || allHandlersFinished());
  const view = () => ({
    ...progressView({ ...input, ...approvalGate(input, state) }, state, { finishing, ...(report ? { report } : {}) }),
    ...retryInfo(input.retry, state),
  });
  /** The key, and so the workflow (`payout-<key>`), of an item's attempt in flight. */
  const attemptKeyOf = (payoutId: string) =>
    idempotencyKeyFor(payoutId, state.inFlight.find((item) => item.payoutId === payoutId)?.attempt ?? 1);

  const finishChild = (outcome: PayoutOutcome) => {
    const entry = state.inFlight.find((item) => item.payoutId === outcome.payoutId);
    if (!entry) return;
    // A retry run waits for the attempt it started; news of an earlier attempt is not that.
    if (entry.attempt !== undefined && outcome.attempt !== entry.attempt) return;
    const effect = applyOutcome(state, outcome, options.stopAfterConsecutiveSystemicFailures, now());
    rows.push(rowFromOutcome(entry.seq, outcome));
    carried.delete(outcome.payoutId);
    if (effect.tripped) log.warn('batch paused by its circuit breaker', { batchId, reason: effect.tripped.reason });
    changes++;
  };

  /**
   * A child's outcome changed after it was counted (settled from review, contradicted into review): the item
   * moves from the status it was counted under to the new one, and its report row is replaced. A child sends
   * its signals in order, so `previous` is what this batch counted (or the outcome a query found, which
   * followed the signal); a child still in flight counts the revision as its outcome.
   */
  const reviseChild = (revision: PayoutRevision) => {
    const { outcome } = revision;
    const entry = state.inFlight.find((item) => item.payoutId === outcome.payoutId);
    if (entry && (entry.attempt ?? 1) === outcome.attempt) return finishChild(outcome);
    // An earlier attempt than the one in flight: only its row changes; the item counts by its newest attempt.
    if (!entry) moveItem(state, revision.previous, outcome);
    rows.push(rowFromOutcome(revision.seq, outcome));
    changes++;
  };

  /** Every child signals the batch's current run, whichever run started it. */
  const childrenReported = () => state.inFlight.length === 0;

  const refuseWhenClosed = () => {
    if (state.cancelled) throw new Error(`batch ${batchId} was cancelled: ${state.cancelled.reason}`);
    if (finishing) throw new Error(`batch ${batchId} has finished all its items`);
  };

  setHandler(batchProgressQuery, view);
  setHandler(payoutFinishedSignal, finishChild);
  setHandler(payoutRevisedSignal, reviseChild);
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
    ({ reason }: BatchControlRequest) => {
      delete state.paused;
      // No command: recording the reason replays on every history.
      state.resumed = { reason: reason ?? 'resumed by an operator', at: now() };
      state.consecutiveSystemicFailures = 0;
      state.balanceChecked = false;
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
  /** A decision whose caller's identity is being read: a second one waits its turn (refused, then retried). */
  let deciding = false;
  const validateApproval = (kind: 'approve' | 'reject') => (request: BatchApprovalRequest) => {
    if (deciding) throw new Error(`batch ${batchId}: another approval decision is being recorded; try again`);
    // `by` is not read: the handler names the decider by the client identity in history (validators run only
    // live, where patch `approver-identity` always holds), and checks the submitter rule again with it.
    const refusal = approvalRefusal(approvalGate(input, state), state, kind, { ...request, by: '-' });
    if (refusal) throw new Error(refusal);
    refuseWhenClosed();
  };
  /**
   * Who decides: the Temporal client identity that sent this update, as history records it (the activity reads
   * the update's acceptance). Batches and decisions from before patch `approver-identity` use the request's `by`.
   */
  async function decider(request: BatchApprovalRequest): Promise<string> {
    if (!patched('approver-identity')) return request.by;
    deciding = true;
    try {
      const identity = await pageReads.updateCallerIdentity({ updateId: currentUpdateInfo()?.id ?? '' });
      if (identity.trim() === '') throw ApplicationFailure.nonRetryable('the client sent no identity', 'NoIdentity');
      return identity;
    } finally {
      deciding = false;
    }
  }
  /** The checks again, now with the recorded identity; a refusal fails the update and changes nothing. */
  const recheck = (kind: 'approve' | 'reject', request: BatchApprovalRequest) => {
    const refusal = approvalRefusal(approvalGate(input, state), state, kind, request);
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ApprovalRefused');
  };
  setHandler(
    approveBatchUpdate,
    async (request: BatchApprovalRequest) => {
      const by = await decider(request);
      recheck('approve', { ...request, by });
      approve(state, by, now());
      changes++;
      return view();
    },
    { validator: validateApproval('approve') },
  );
  setHandler(
    rejectBatchUpdate,
    async (request: BatchApprovalRequest) => {
      const by = await decider(request);
      recheck('reject', { ...request, by });
      refuseApproval(state, { decision: 'rejected', by, at: now(), reason: request.reason?.trim() ?? '' });
      changes++;
      return view();
    },
    { validator: validateApproval('reject') },
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
    await askWorkerApprovalPolicy();
    await waitForApproval();
    for (;;) {
      setCurrentDetails(progressDetails(view()));
      if (rows.length >= options.rowFlushSize) await flushRows();
      const info = workflowInfo();
      if (
        info.continueAsNewSuggested ||
        shouldContinueAsNew(info.historyLength, options.maxEventsPerRun, options.concurrency)
      ) {
        if (patched('quiet-continue-as-new') && !childrenReported()) {
          await condition(childrenReported, quietBeforeContinueAsNewMs);
        }
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
        if (balanceCheckDue()) await checkBalances();
        else await startAvailable();
        continue;
      }
      if (state.inFlight.length === 0 && (state.cursor >= source.itemCount || state.cancelled)) return;
      const seen = changes;
      const askAt = Math.min(nextSweepAt, carried.size > 0 ? nextPollAt : Infinity);
      const askIn = state.inFlight.length > 0 ? Math.max(1, askAt - Date.now()) : undefined;
      const changed = () => changes !== seen;
      await condition(afterHandlers(changed), askIn);
    }
  }

  async function waitForNotBefore(): Promise<void> {
    if (state.notBeforePassed) return;
    const waitMs = input.notBefore ? Date.parse(input.notBefore) - Date.now() : 0;
    if (waitMs > 0) {
      setCurrentDetails(progressDetails(view()));
      const cancelled = () => state.cancelled !== undefined;
      await condition(afterHandlers(cancelled), waitMs);
    }
    state.notBeforePassed = true;
  }

  /**
   * Four-eyes on the worker's side: the worker's thresholds, not the starter's claim, decide whether a batch needs
   * approval. Asked once, in the first run of a batch (not a retry), before anything starts; the answer is in
   * history and travels in the state. Batches started before this asked nothing (patch `worker-approval-policy`).
   */
  async function askWorkerApprovalPolicy(): Promise<void> {
    if (input.state !== undefined || input.retry !== undefined || state.cancelled) return;
    if (!patched('worker-approval-policy')) return;
    const policy = await pageReads.batchApprovalPolicy({ batchId, pageCount: source.pageCount });
    if (policy.reason !== undefined) state.approvalRequired = { reason: policy.reason };
    if (policy.submittedBy !== undefined) state.submittedBy = policy.submittedBy;
  }

  /** Four-eyes: a batch whose currency total is above the worker's (or its client's) threshold pays nothing until approved. */
  async function waitForApproval(): Promise<void> {
    if (!approvalGate(input, state).approval || state.approval || state.cancelled) return;
    state.approvalDeadline ??= new Date(Date.now() + options.approvalTimeoutMs).toISOString();
    setCurrentDetails(progressDetails(view()));
    const waitMs = Math.max(1, Date.parse(state.approvalDeadline) - Date.now());
    const decided = () => state.approval !== undefined || state.cancelled !== undefined;
    const settled = await condition(afterHandlers(decided), waitMs);
    if (settled) return;
    const reason = approvalDeadlineReason(options.approvalTimeoutMs);
    refuseApproval(state, { decision: 'expired', by: 'system', at: now(), reason });
    log.warn('batch not approved in time; it ends unpaid', { batchId });
  }

  /** Before the first start and after every resume, for batches whose client sent their totals. */
  function balanceCheckDue(): boolean {
    return input.totals !== undefined && !state.balanceChecked;
  }

  /**
   * Compares what the unstarted items still need with the providers' available balances (RBKmoney's wallet);
   * when one is short the batch waits paused, with the shortfall as the reason, instead of failing items one
   * by one. A check that cannot be made is logged and the batch goes on.
   */
  async function checkBalances(): Promise<void> {
    state.balanceChecked = true;
    const needed = remainingAmounts(input.totals ?? {}, state.startedAmounts);
    if (!hasAmounts(needed)) return;
    try {
      const shortfalls = await balanceChecks.checkProviderBalances({ needed });
      if (shortfalls.length > 0 && !state.cancelled) {
        state.paused ??= { reason: shortfallReason(shortfalls), by: 'system', since: now() };
        log.warn('batch paused: a provider balance is short', { batchId, reason: state.paused.reason });
      }
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('provider balances could not be checked; going on', { batchId, error: failureMessage(error) });
    }
  }

  /**
   * Fills the window from the current page in one workflow task: the starts go out together, so an item
   * costs a few events instead of a task round trip each. The cursor moves once they have all resolved.
   */
  async function startAvailable(): Promise<void> {
    if (input.retry) return await startRetries();
    const { page: index, offset } = pageOf(state.cursor, source.pageSize);
    const items = await pageItems(index);
    if (!items || stoppedWhileAwaiting()) return;
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
    if (input.totals) addStarted(state, chosen);
  }

  /**
   * A pause or cancel that arrived while the page was read (or the retry planned) stops the starts it would
   * have raced. Histories from before this check started the children.
   */
  function stoppedWhileAwaiting(): boolean {
    return (state.paused !== undefined || state.cancelled !== undefined) && patched('recheck-gates-before-start');
  }

  async function startOrReport(item: BatchItem): Promise<void> {
    const { request } = item;
    if (item.duplicateOf !== undefined) {
      reportDuplicate(item, `repeats item ${item.duplicateOf + 1} of this batch; not paid again`);
      return;
    }
    // In flight before the start resolves: a fast child's signal may be delivered in the same activation.
    state.inFlight.push({
      payoutId: request.payoutId,
      seq: item.seq,
      ...(item.attempt ? { attempt: item.attempt } : {}),
    });
    if (item.attempt) countRetryStarted(state);
    try {
      // Never cancelled with the batch: a payout stops only through its own cancel update.
      await CancellationScope.nonCancellable(() =>
        startChild(PayoutWorkflow, {
          // Attempt 1 is `payout-<payoutId>`; a retry's attempt n is `payout-<payoutId>.a<n>`.
          workflowId: payoutAttemptWorkflowId(request.payoutId, item.attempt ?? 1),
          taskQueue: options.providerTaskQueues?.[request.provider] ?? workflowInfo().taskQueue,
          args: [
            {
              request,
              ...(item.attempt ? { attempt: item.attempt } : {}),
              ...(input.childTimings ? { timings: input.childTimings } : {}),
              // Where a later change of the child's outcome is sent; children of older batches are not told.
              ...(patched('revisions-reach-batch')
                ? {
                    batchItem: {
                      seq: item.seq,
                      pageWorkflowId: batchPageWorkflowId(batchId, pageOf(item.seq, source.pageSize).page),
                    },
                  }
                : {}),
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
          // A payoutId already used, even by a closed payout, is never started again.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          memo: requestMemo(item),
          staticSummary: payoutSummary(request),
          typedSearchAttributes: payoutSearchAttributePairs(request),
        }),
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (item.attempt) {
        // This attempt exists already (a retry cut short): it is ours to wait for, asked for by query.
        carried.add(request.payoutId);
        return;
      }
      state.inFlight = state.inFlight.filter((entry) => entry.seq !== item.seq);
      const workflowId = payoutWorkflowId(request.payoutId);
      reportDuplicate(item, `payoutId already used by an earlier payout (${workflowId}); not paid again`);
    }
  }

  function reportDuplicate(item: BatchItem, message: string): void {
    rows.push(rowForUnstarted(item, 'duplicate', message));
    countUnstarted(state, 'duplicate');
  }

  /**
   * A retry run: the page's plan (its declined items whose last attempt can no longer pay, with their
   * requests read back from that attempt) gives the retries to start; the cursor passes the rest.
   */
  async function startRetries(): Promise<void> {
    const { page: index } = pageOf(state.cursor, source.pageSize);
    const plan = await retryPlan(index);
    if (!plan || stoppedWhileAwaiting()) return;
    const pageEnd = Math.min((index + 1) * source.pageSize, source.itemCount);
    const from = state.cursor;
    const next = chooseRetries(plan, from, options.concurrency - state.inFlight.length, pageEnd);
    await Promise.all(next.chosen.map(startOrReport));
    countRetriesSkipped(state, plan, from, next.cursor);
    state.cursor = next.cursor;
  }

  /** A page's retry plan, made once per run; undefined (and the batch paused, with the reason) on failure. */
  async function retryPlan(index: number): Promise<RetryPlan | undefined> {
    if (retryPage?.index === index) return retryPage.plan;
    try {
      const plan = await retryPlanning.planBatchRetry({ batchId, page: index, codes: input.retry?.codes ?? [] });
      retryPage = { index, plan };
      return plan;
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = `the retries of page ${index} could not be planned: ${failureMessage(error)}`;
      state.paused = { reason, by: 'system', since: now() };
      return undefined;
    }
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
      // By key: the activity asks `payout-<key>`, the attempt's own workflow (the payoutId for attempt 1).
      const outcomes = await childCalls.collectPayoutOutcomes({ payoutIds: payoutIds.map(attemptKeyOf) });
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
        payoutIds: state.inFlight.map((item) => attemptKeyOf(item.payoutId)),
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
    // A retry run's items it did not reach keep their earlier outcome.
    if (state.cancelled && unstarted > 0 && !input.retry) countUnstarted(state, 'cancelled', unstarted);
    const keepUntil = new Date(Date.now() + options.reportRetentionDays * 24 * 3_600_000).toISOString();
    report = await reporting.finishBatchReport({
      batchId,
      pageCount: source.pageCount,
      closed: { keepUntil, ...(state.cancelled ? { cancelReason: state.cancelled.reason } : {}) },
    });
    setCurrentDetails(progressDetails(view()));
    if (patched('merchant-notifications')) {
      const finished = { batchId, total: source.itemCount, ...state, retryRound: input.retry?.round };
      await handOverNotification(batchFinishedNotification(finished, now()));
    }
    await condition(allHandlersFinished);
    // Revisions that came while the batch closed: their rows go to their pages (the report file is a snapshot).
    while (rows.length > 0) await flushRows();
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
}
