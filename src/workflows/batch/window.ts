/**
 * The sliding window: starting payouts from the batch's pages (or a retry run's plan) and collecting their
 * outcomes, a step (one activity) at a time; in runs from before that, through the start activity or as child
 * workflows, whose outcomes come by signal. Also asking payouts for outcomes by query, cancelling them, and
 * handing finished rows to their pages.
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { payoutSummary } from '../../domain/payout-summary.js';
import type { PayoutStartOrder, PayoutStartResult, WindowStepInput } from '../../activities/batch-starts.js';
import { payoutAttemptWorkflowId, payoutWorkflowId, payoutWorkflowType } from '../definitions.js';
import { PayoutWorkflow, PayoutWorkflowV2 } from '../payout/workflow.js';
import { childCalls, failureMessage, pageReads, payoutStarts, retryPlanning, windowSteps } from './activities.js';
import { payoutSearchAttributePairs, requestMemo } from './child-options.js';
import {
  type BatchItem,
  batchPageWorkflowId,
  pageItemsDoneSignal,
  pageRowsSignal,
  type ReportRow,
  type RetryPlan,
} from './definitions.js';
import { addStarted } from './gates.js';
import { hearOutcome } from './handlers.js';
import { countUnstarted, pageOf } from './progress.js';
import { rowForUnstarted } from './report.js';
import { chooseRetries, countRetriesSkipped, countRetryStarted } from './retry.js';
import { attemptKeyOf, type BatchRun, maxPollMs, pauseBySystem } from './state.js';

const now = () => new Date().toISOString();

/**
 * Fills the window from the current page in one workflow task: the starts go out together, so an item
 * costs a few events instead of a task round trip each. The cursor moves once they have all resolved.
 */
export async function startAvailable(run: BatchRun): Promise<void> {
  const { state, input, options } = run;
  if (input.retry) return await startRetries(run);
  const { page: index, offset } = pageOf(state.cursor, input.source.pageSize);
  const items = await pageItems(run, index);
  if (!items || stoppedWhileAwaiting(run)) return;
  if (items[offset]?.seq !== state.cursor) {
    pauseBySystem(run, `page ${index} does not hold item ${state.cursor}`, now());
    return;
  }
  let room = options.concurrency - state.inFlight.length;
  const chosen: BatchItem[] = [];
  for (const item of items.slice(offset)) {
    if (room === 0) break;
    chosen.push(item);
    if (item.duplicateOf === undefined) room--;
  }
  await startChosen(run, chosen);
  state.cursor += chosen.length;
  if (input.totals) addStarted(state, chosen);
}

/**
 * A pause or cancel that arrived while the page was read (or the retry planned) stops the starts it would
 * have raced. Histories from before this check started the children.
 */
function stoppedWhileAwaiting({ state }: BatchRun): boolean {
  return (state.paused !== undefined || state.cancelled !== undefined) && patched('recheck-gates-before-start');
}

/**
 * Whether this run starts its payouts through the start activity, a group at a time: the activity costs the
 * batch a few events per group, where a child workflow costs two of its own. Runs from before it start children.
 */
function startsByActivity(): boolean {
  return patched('payout-start-by-activity');
}

/**
 * Whether this run's payouts leave their outcome in their memo for the window's steps to collect, a group at a
 * time (activities/batch-outcome-collection.ts): no signal and no batch event per payout. Runs from before it
 * hear each payout's own signal.
 */
export function collectsOutcomes(): boolean {
  return startsByActivity() && patched('outcomes-collected');
}

/** The group a step starts and collects: a fifth of the window. */
function groupSize({ options }: BatchRun): number {
  return Math.ceil(options.concurrency / 5);
}

/** With fewer than a group of outcomes in, a step returns this long after the first one came. */
const collectSettleMs = 1_000;
/** A step with no outcome at all returns after this, so the batch looks at its gates and sweeps in between. */
const collectMaxWaitMs = 20_000;

/** Room for the next starts: one is enough for a child; starts by activity wait for a fifth of the window. */
export function roomToStart(run: BatchRun): boolean {
  const room = run.options.concurrency - run.state.inFlight.length;
  return room >= (startsByActivity() ? groupSize(run) : 1);
}

/** Starts the chosen items together; a repeated item is reported instead. */
async function startChosen(run: BatchRun, chosen: BatchItem[]): Promise<void> {
  if (!startsByActivity()) {
    await Promise.all(chosen.map((item) => startOrReport(run, item)));
    return;
  }
  const toStart: BatchItem[] = [];
  for (const item of chosen) {
    if (item.duplicateOf !== undefined) reportRepeated(run, item, item.duplicateOf);
    else {
      markInFlight(run, item);
      toStart.push(item);
    }
  }
  if (toStart.length === 0) return;
  const orders = toStart.map((item) => startOrder(run, item));
  if (collectsOutcomes()) {
    // Never cancelled with the batch: a payout stops only through its own cancel update.
    const step = await CancellationScope.nonCancellable(() =>
      windowSteps.startAndCollectPayouts(stepInput(run, orders)),
    );
    startsDone(run, toStart, step.starts);
    noteBlocks(run, toStart, step.blocks);
    for (const outcome of step.outcomes) hearOutcome(run, outcome);
    return;
  }
  const results = await CancellationScope.nonCancellable(() =>
    payoutStarts.startBatchPayouts({ workflowType: payoutWorkflowType, orders }),
  );
  startsDone(run, toStart, results);
}

function startsDone(run: BatchRun, started: BatchItem[], results: PayoutStartResult[]): void {
  started.forEach((item, index) => {
    if (results[index] === 'id taken') idTaken(run, item);
  });
}

/** The block each started payout carries, kept with its entry: its outcome is listed by it. */
function noteBlocks({ state }: BatchRun, started: BatchItem[], blocks: Array<string | null> | undefined): void {
  started.forEach((item, index) => {
    const block = blocks?.[index];
    if (!block) return;
    const entry = state.inFlight.find((candidate) => candidate.seq === item.seq);
    if (entry) entry.block = block;
  });
}

/** A step of the window: these starts, then a group of outcomes among everything in flight (these included). */
function stepInput(run: BatchRun, orders: PayoutStartOrder[]): WindowStepInput {
  const workflowIds: string[] = [];
  const blocks: Record<string, string> = {};
  for (const entry of run.state.inFlight) {
    const workflowId = payoutAttemptWorkflowId(entry.payoutId, entry.attempt ?? 1);
    workflowIds.push(workflowId);
    if (entry.block !== undefined) blocks[workflowId] = entry.block;
  }
  return {
    batchId: run.input.batchId,
    workflowType: payoutWorkflowType,
    orders,
    collect: {
      workflowIds,
      blocks,
      atLeast: Math.min(groupSize(run), workflowIds.length),
      settleMs: collectSettleMs,
      maxWaitMs: collectMaxWaitMs,
    },
  };
}

/**
 * A step that only collects, while nothing is to be started (the window is full, the batch paused, or every
 * item started). Anything the handlers change (a pause, a resume, a cancel) ends the wait at once: the
 * step is cancelled, and the memos it had not returned are read by the next one.
 */
export async function collectInFlight(run: BatchRun): Promise<void> {
  const seen = run.changes;
  const step = await CancellationScope.cancellable(async () => {
    const collecting = windowSteps.startAndCollectPayouts(stepInput(run, []));
    const changed = condition(() => run.changes !== seen);
    collecting.catch(() => undefined);
    changed.catch(() => undefined);
    const first = await Promise.race([collecting, changed]);
    CancellationScope.current().cancel();
    return first;
  });
  if (step) for (const outcome of step.outcomes) hearOutcome(run, outcome);
}

function startOrder(run: BatchRun, item: BatchItem): PayoutStartOrder {
  const { input, options } = run;
  const { request } = item;
  const { workflowId, taskQueue } = workflowInfo();
  return {
    workflowId: payoutAttemptWorkflowId(request.payoutId, item.attempt ?? 1),
    taskQueue: options.providerTaskQueues?.[request.provider] ?? taskQueue,
    input: {
      request,
      ...(item.attempt ? { attempt: item.attempt } : {}),
      ...(input.childTimings ? { timings: input.childTimings } : {}),
      batchItem: {
        seq: item.seq,
        pageWorkflowId: batchPageWorkflowId(input.batchId, pageOf(item.seq, input.source.pageSize).page),
        outcomeBy: collectsOutcomes() ? 'memo' : 'local-activity',
        batchWorkflowId: workflowId,
      },
    },
    memo: requestMemo(item),
  };
}

function reportRepeated(run: BatchRun, item: BatchItem, duplicateOf: number): void {
  reportDuplicate(run, item, `repeats item ${duplicateOf + 1} of this batch; not paid again`);
}

// In flight before the start resolves: a fast child's signal may be delivered in the same activation.
function markInFlight({ state }: BatchRun, item: BatchItem): void {
  state.inFlight.push({
    payoutId: item.request.payoutId,
    seq: item.seq,
    ...(item.attempt ? { attempt: item.attempt } : {}),
  });
  if (item.attempt) countRetryStarted(state);
}

/** The payout's workflow id is taken: an attempt of ours cut short is waited for; any other is reported. */
function idTaken(run: BatchRun, item: BatchItem): void {
  const { payoutId } = item.request;
  if (item.attempt) {
    // This attempt exists already (a retry cut short): it is ours to wait for, asked for by query.
    run.carried.add(payoutId);
    return;
  }
  run.state.inFlight = run.state.inFlight.filter((entry) => entry.seq !== item.seq);
  const workflowId = payoutWorkflowId(payoutId);
  reportDuplicate(run, item, `payoutId already used by an earlier payout (${workflowId}); not paid again`);
}

/** A child workflow: the start of runs from before the start activity. */
async function startOrReport(run: BatchRun, item: BatchItem): Promise<void> {
  if (item.duplicateOf !== undefined) {
    reportRepeated(run, item, item.duplicateOf);
    return;
  }
  markInFlight(run, item);
  try {
    // Never cancelled with the batch: a payout stops only through its own cancel update.
    await CancellationScope.nonCancellable(() => startPayout(run, item));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    idTaken(run, item);
  }
}

function startPayout({ input, options }: BatchRun, item: BatchItem) {
  const { request } = item;
  const { batchId, source } = input;
  // Children of runs from before the payout's second type keep the first (its changes by marker).
  return startChild(patched('payout-v2') ? PayoutWorkflowV2 : PayoutWorkflow, {
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
                // The child tells its outcome from a local activity: five events fewer in its history.
                ...(patched('outcome-by-local-activity') ? { outcomeBy: 'local-activity' as const } : {}),
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
  });
}

function reportDuplicate(run: BatchRun, item: BatchItem, message: string): void {
  run.rows.push(rowForUnstarted(item, 'duplicate', message));
  countUnstarted(run.state, 'duplicate');
}

/**
 * A retry run: the page's plan (its declined items whose last attempt can no longer pay, with their
 * requests read back from that attempt) gives the retries to start; the cursor passes the rest.
 */
async function startRetries(run: BatchRun): Promise<void> {
  const { state, input, options } = run;
  const { pageSize, itemCount } = input.source;
  const { page: index } = pageOf(state.cursor, pageSize);
  const plan = await retryPlan(run, index);
  if (!plan || stoppedWhileAwaiting(run)) return;
  const pageEnd = Math.min((index + 1) * pageSize, itemCount);
  const from = state.cursor;
  const next = chooseRetries(plan, from, options.concurrency - state.inFlight.length, pageEnd);
  await startChosen(run, next.chosen);
  countRetriesSkipped(state, plan, from, next.cursor);
  state.cursor = next.cursor;
}

/** A page's retry plan, made once per run; undefined (and the batch paused, with the reason) on failure. */
async function retryPlan(run: BatchRun, index: number): Promise<RetryPlan | undefined> {
  if (run.retryPage?.index === index) return run.retryPage.plan;
  try {
    const codes = run.input.retry?.codes ?? [];
    const plan = await retryPlanning.planBatchRetry({ batchId: run.input.batchId, page: index, codes });
    run.retryPage = { index, plan };
    return plan;
  } catch (error) {
    if (isCancellation(error)) throw error;
    pauseBySystem(run, `the retries of page ${index} could not be planned: ${failureMessage(error)}`, now());
    return undefined;
  }
}

/** A page's items, read once per run; undefined (and the batch paused, with the reason) when unreadable. */
async function pageItems(run: BatchRun, index: number): Promise<BatchItem[] | undefined> {
  const { batchId } = run.input;
  if (run.page?.index === index) return run.page.items;
  try {
    run.page = { index, items: await pageReads.readBatchPage({ batchId, page: index }) };
  } catch (error) {
    if (isCancellation(error)) throw error;
    pauseBySystem(run, `page ${index} could not be read: ${failureMessage(error)}`, now());
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
  return run.page.items;
}

/** Hands finished rows to their pages, where the report is read from. */
export async function flushRows(run: BatchRun): Promise<void> {
  const { batchId, source } = run.input;
  const byPage = new Map<number, ReportRow[]>();
  for (const row of run.rows.splice(0)) {
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

/** When the batch next asks its children by query (a sweep of all, or a poll of those carried over). */
export function nextAskAt(run: BatchRun): number {
  return Math.min(run.nextSweepAt, run.carried.size > 0 ? run.nextPollAt : Infinity);
}

/** Asks children for their outcome by query: those of earlier runs (backing off), and now and then all. */
export async function askChildren(run: BatchRun): Promise<void> {
  const { state, carried } = run;
  const sweep = Date.now() >= run.nextSweepAt;
  const payoutIds = sweep ? state.inFlight.map((item) => item.payoutId) : [...carried];
  try {
    // By key: the activity asks `payout-<key>`, the attempt's own workflow (the payoutId for attempt 1).
    const keys = payoutIds.map((payoutId) => attemptKeyOf(run, payoutId));
    const outcomes = await childCalls.collectPayoutOutcomes({ payoutIds: keys });
    for (const outcome of outcomes) hearOutcome(run, outcome);
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('could not ask payouts in flight for their outcome', { batchId: run.input.batchId, error: String(error) });
  }
  if (sweep) run.nextSweepAt = Date.now() + run.options.inFlightCheckMs;
  if (carried.size > 0 && Date.now() >= run.nextPollAt) {
    run.pollDelayMs = Math.min(run.pollDelayMs * 2, maxPollMs);
    run.nextPollAt = Date.now() + run.pollDelayMs;
  }
}

export async function cancelChildren(run: BatchRun): Promise<void> {
  const { state } = run;
  run.cancelSentToChildren = true;
  if (state.inFlight.length === 0) return;
  try {
    await childCalls.cancelPayouts({
      payoutIds: state.inFlight.map((item) => attemptKeyOf(run, item.payoutId)),
      reason: `batch cancelled: ${state.cancelled?.reason ?? ''}`,
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('could not cancel every payout in flight', { batchId: run.input.batchId, error: String(error) });
  }
}
