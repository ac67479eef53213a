/**
 * BatchWorkflow's message handlers: the progress query, the children's signals, and the control and approval
 * updates. Each changes the run's state through state.ts; the waits in the workflow watch `changes`.
 */
import { ApplicationFailure, currentUpdateInfo, log, patched, setHandler } from '@temporalio/workflow';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import { payoutFinishedSignal, payoutRevisedSignal, type PayoutRevision } from '../definitions.js';
import { pageReads } from './activities.js';
import {
  approveBatchUpdate,
  type BatchApprovalRequest,
  type BatchControlRequest,
  batchProgressQuery,
  cancelBatchUpdate,
  type PauseState,
  pauseBatchUpdate,
  rejectBatchUpdate,
  resumeBatchUpdate,
} from './definitions.js';
import { approvalGate, approvalRefusal, approve, refuseApproval } from './gates.js';
import {
  type BatchRun,
  cancel,
  pause,
  progressOf,
  recordOutcome,
  recordRevision,
  refuseWhenClosed,
  resume,
} from './state.js';

const now = () => new Date().toISOString();

function warnIfTripped(run: BatchRun, tripped: PauseState | undefined): void {
  if (tripped) log.warn('batch paused by its circuit breaker', { batchId: run.input.batchId, reason: tripped.reason });
}

/** A child's outcome, by its signal or found by a query. */
export function hearOutcome(run: BatchRun, outcome: PayoutOutcome): void {
  warnIfTripped(run, recordOutcome(run, outcome, now()));
}

export function registerBatchHandlers(run: BatchRun): void {
  const view = () => progressOf(run);
  const validator = (_request: BatchControlRequest) => refuseWhenClosed(run);
  setHandler(batchProgressQuery, view);
  setHandler(payoutFinishedSignal, (outcome: PayoutOutcome) => hearOutcome(run, outcome));
  setHandler(payoutRevisedSignal, (revision: PayoutRevision) =>
    warnIfTripped(run, recordRevision(run, revision, now())),
  );
  setHandler(
    pauseBatchUpdate,
    (request: BatchControlRequest) => {
      pause(run, request, now());
      return view();
    },
    { validator },
  );
  setHandler(
    resumeBatchUpdate,
    (request: BatchControlRequest) => {
      resume(run, request, now());
      return view();
    },
    { validator },
  );
  setHandler(
    cancelBatchUpdate,
    (request: BatchControlRequest) => {
      cancel(run, request, now());
      return view();
    },
    { validator },
  );
  registerApprovalHandlers(run);
}

/**
 * Approve and reject. Who decides is the Temporal client identity that sent the update, as history records it
 * (the activity reads the update's acceptance); the checks run again with it, and a refusal fails the update and
 * changes nothing. Batches and decisions from before patch `approver-identity` use the request's `by`.
 */
function registerApprovalHandlers(run: BatchRun): void {
  const { input, state } = run;
  const { batchId } = input;
  const validateApproval = (kind: 'approve' | 'reject') => (request: BatchApprovalRequest) => {
    if (run.deciding) throw new Error(`batch ${batchId}: another approval decision is being recorded; try again`);
    // `by` is not read: the handler names the decider by the client identity in history (validators run only
    // live, where patch `approver-identity` always holds), and checks the submitter rule again with it.
    const refusal = approvalRefusal(approvalGate(input, state), state, kind, { ...request, by: '-' });
    if (refusal) throw new Error(refusal);
    refuseWhenClosed(run);
  };
  async function decider(request: BatchApprovalRequest): Promise<string> {
    if (!patched('approver-identity')) return request.by;
    run.deciding = true;
    try {
      const identity = await pageReads.updateCallerIdentity({ updateId: currentUpdateInfo()?.id ?? '' });
      if (identity.trim() === '') throw ApplicationFailure.nonRetryable('the client sent no identity', 'NoIdentity');
      return identity;
    } finally {
      run.deciding = false;
    }
  }
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
      run.changes++;
      return progressOf(run);
    },
    { validator: validateApproval('approve') },
  );
  setHandler(
    rejectBatchUpdate,
    async (request: BatchApprovalRequest) => {
      const by = await decider(request);
      recheck('reject', { ...request, by });
      refuseApproval(state, { decision: 'rejected', by, at: now(), reason: request.reason?.trim() ?? '' });
      run.changes++;
      return progressOf(run);
    },
    { validator: validateApproval('reject') },
  );
}
