/**
 * What a batch waits for or checks before it starts payouts: its `notBefore`, the worker's approval policy, an
 * approval, and the providers' balances (again after every resume).
 */
import { allHandlersFinished, condition, isCancellation, log, patched, setCurrentDetails } from '@temporalio/workflow';
import { balanceChecks, failureMessage, pageReads } from './activities.js';
import {
  approvalDeadlineReason,
  approvalGate,
  hasAmounts,
  refuseApproval,
  remainingAmounts,
  shortfallReason,
} from './gates.js';
import { progressDetails } from './progress.js';
import { type BatchRun, progressOf } from './state.js';

/**
 * A wait ends only once every handler has returned, so an update's completion always precedes what the batch
 * then does: otherwise their order depends on how many steps the worker's interceptors (tracing on or off) add
 * to the handler's return, and a history replays only on a worker with the same ones. Before patch
 * `wake-after-handlers` the wait ended in the handler's own step.
 */
export type WaitCondition = (ready: () => boolean) => () => boolean;

export function waitConditionFor(wakeAfterHandlers: boolean): WaitCondition {
  return (ready) => () => ready() && (!wakeAfterHandlers || allHandlersFinished());
}

export async function waitForNotBefore(run: BatchRun, afterHandlers: WaitCondition): Promise<void> {
  const { state, input } = run;
  if (state.notBeforePassed) return;
  const waitMs = input.notBefore ? Date.parse(input.notBefore) - Date.now() : 0;
  if (waitMs > 0) {
    setCurrentDetails(progressDetails(progressOf(run)));
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
export async function askWorkerApprovalPolicy(run: BatchRun): Promise<void> {
  const { state, input } = run;
  if (input.state !== undefined || input.retry !== undefined || state.cancelled) return;
  if (!patched('worker-approval-policy')) return;
  const policy = await pageReads.batchApprovalPolicy({ batchId: input.batchId, pageCount: input.source.pageCount });
  if (policy.reason !== undefined) state.approvalRequired = { reason: policy.reason };
  if (policy.submittedBy !== undefined) state.submittedBy = policy.submittedBy;
}

/** Four-eyes: a batch whose currency total is above the worker's (or its client's) threshold pays nothing until approved. */
export async function waitForApproval(run: BatchRun, afterHandlers: WaitCondition): Promise<void> {
  const { state, input, options } = run;
  if (!approvalGate(input, state).approval || state.approval || state.cancelled) return;
  state.approvalDeadline ??= new Date(Date.now() + options.approvalTimeoutMs).toISOString();
  setCurrentDetails(progressDetails(progressOf(run)));
  const waitMs = Math.max(1, Date.parse(state.approvalDeadline) - Date.now());
  const decided = () => state.approval !== undefined || state.cancelled !== undefined;
  const settled = await condition(afterHandlers(decided), waitMs);
  if (settled) return;
  const reason = approvalDeadlineReason(options.approvalTimeoutMs);
  refuseApproval(state, { decision: 'expired', by: 'system', at: new Date().toISOString(), reason });
  log.warn('batch not approved in time; it ends unpaid', { batchId: input.batchId });
}

/** Before the first start and after every resume, for batches whose client sent their totals. */
export function balanceCheckDue(run: BatchRun): boolean {
  return run.input.totals !== undefined && !run.state.balanceChecked;
}

/**
 * Compares what the unstarted items still need with the providers' available balances (RBKmoney's wallet);
 * when one is short the batch waits paused, with the shortfall as the reason, instead of failing items one
 * by one. A check that cannot be made is logged and the batch goes on.
 */
export async function checkBalances(run: BatchRun): Promise<void> {
  const { state, input } = run;
  state.balanceChecked = true;
  const needed = remainingAmounts(input.totals ?? {}, state.startedAmounts);
  if (!hasAmounts(needed)) return;
  try {
    const shortfalls = await balanceChecks.checkProviderBalances({ needed });
    if (shortfalls.length > 0 && !state.cancelled) {
      state.paused ??= { reason: shortfallReason(shortfalls), by: 'system', since: new Date().toISOString() };
      log.warn('batch paused: a provider balance is short', { batchId: input.batchId, reason: state.paused.reason });
    }
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('provider balances could not be checked; going on', {
      batchId: input.batchId,
      error: failureMessage(error),
    });
  }
}
