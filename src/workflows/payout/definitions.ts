/**
 * PayoutWorkflow's names and shapes, shared with the client, the relay, the batch and the tests: its signals,
 * queries and updates, its view and its input. src/workflows/definitions.ts re-exports them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { idempotencyKeyFor } from '../../domain/idempotency-key.js';
import type { PayoutOutcome, PayoutStatus } from '../../domain/payout-outcome.js';
import type { PayoutRequest, ProviderName } from '../../domain/payout-request.js';
import type { ProviderEvent, ProviderStatus } from '../../domain/provider-messages.js';

/** A verified provider callback, sent by the relay to `payout-<payoutId>`. */
export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');
/** Current state, provider reference and every provider event with its time. */
export const payoutStatusQuery = defineQuery<PayoutView>('status');
/** Cancels a payout that has not been submitted; refused (with the reason) once submission started. */
export const cancelPayoutUpdate = defineUpdate<PayoutView, [CancelRequest]>('cancel');
export interface CancelRequest {
  reason?: string;
}
/** Resolves with the outcome once the payout has one (the workflow stays open a while for late events). */
export const awaitOutcomeUpdate = defineUpdate<PayoutOutcome>('awaitOutcome');

export const payoutWorkflowId = (payoutId: string) => `payout-${payoutId}`;
/**
 * The workflow of one attempt: `payout-<idempotency key>`, i.e. `payout-<payoutId>` for attempt 1 and
 * `payout-<payoutId>.a<n>` later ("." never occurs in a payoutId). The relay routes a key to it directly.
 */
export const payoutAttemptWorkflowId = (payoutId: string, attempt: number) =>
  payoutWorkflowId(idempotencyKeyFor(payoutId, attempt));
/** The workflow of the attempt that owns a provider-side idempotency key. */
export const workflowIdOfKey = (idempotencyKey: string) => payoutWorkflowId(idempotencyKey);

/** Sent by a child PayoutWorkflow to its parent (a batch) once, when it reaches its outcome. */
export const payoutFinishedSignal = defineSignal<[PayoutOutcome]>('payoutFinished');

/**
 * A batch item's outcome changed after its batch was told (settled from review, or a contradiction sent it to
 * review): `previous` is the status the batch heard last, `seq` the item's place in the batch.
 */
export interface PayoutRevision {
  seq: number;
  previous: PayoutOutcome['status'];
  outcome: PayoutOutcome;
}
/** Sent by a batch's child to its parent, or to its batch page once the batch has closed, in order. */
export const payoutRevisedSignal = defineSignal<[PayoutRevision]>('payoutRevised');

/**
 * Asks a payout in `needs_review` to settle: it looks its status up at the provider itself (by its key) and
 * settles an unknown outcome on a definite answer for the amount it sent; anything else is recorded only. The
 * update carries no answer: whoever sends it cannot tell the payout what happened. Refused (by the validator)
 * unless the payout is in review.
 */
export const settlePayoutUpdate = defineUpdate<SettleResult, [SettleRequest]>('settle');
export interface SettleRequest {
  /** Ignored: updates from before 'settle-asks-provider' carried the status; only their histories read it. */
  status?: ProviderStatus;
  checkedAt?: string;
  /** Who asks (the reconciliation run's workflow id). */
  by: string;
}
export interface SettleResult {
  /** settled: now succeeded or declined; unchanged: no definite answer; contradiction: definite but disagrees. */
  result: 'settled' | 'unchanged' | 'contradiction';
  status: PayoutStatus;
  reason?: string;
  /** What the provider answered the payout's own lookup. */
  evidence?: Pick<RecordedEvent, 'state' | 'code' | 'message'>;
}

/** One thing the provider told us (callback or status poll), and what it did to the payout. */
export interface RecordedEvent {
  eventId: string;
  source: 'callback' | 'poll' | 'reconciliation';
  receivedAt: string;
  state: ProviderStatus['state'];
  code?: string;
  message?: string;
  /** applied: moved the payout; recorded: informative only; duplicate: seen before; contradiction: see reviewReason. */
  effect: 'applied' | 'recorded' | 'duplicate' | 'contradiction';
}

export interface PayoutView {
  payoutId: string;
  status: PayoutStatus;
  provider: ProviderName;
  amount: number;
  currency: string;
  maskedCard: string;
  attempt: number;
  idempotencyKey: string;
  reference?: string;
  notBefore?: string;
  submittedAt?: string;
  outcome?: PayoutOutcome;
  reviewReason?: string;
  /** Why it is (or was) in review: no outcome in time (reconciliation may settle it), or a contradiction (a person). */
  reviewKind?: 'outcome_unknown' | 'contradiction';
  /** Set when reconciliation settled an unknown outcome. */
  settlement?: { by: string; at: string };
  events: RecordedEvent[];
}

export interface PayoutTimings {
  /** First status poll after submission when no callback came. */
  firstPollAfterMs: number;
  /** Polls back off by doubling up to this interval. */
  maxPollIntervalMs: number;
  /** No outcome by then (from submission): `needs_review`. */
  outcomeDeadlineMs: number;
  /** How long the workflow keeps listening for late callbacks after its outcome. */
  lateEventWindowMs: number;
  /** An unknown outcome (`needs_review` at the deadline) stays open this long for reconciliation to settle it. */
  settlementWindowMs: number;
  /**
   * How long the provider keeps a clarification request open (ecommpay: 30 min, from a white-label copy of its
   * docs, unverified): a request the payout cannot answer is left open this long, then the status is asked.
   */
  clarificationWindowMs: number;
}

export interface PayoutWorkflowInput {
  request: PayoutRequest;
  /** 1 unless an earlier attempt was definitely declined (operations' retry of declined items). */
  attempt?: number;
  timings?: Partial<PayoutTimings>;
  /** Set by a batch: where the item sits, so a later change of its outcome reaches the batch's totals and report. */
  batchItem?: {
    seq: number;
    pageWorkflowId: string;
    /**
     * 'memo': the outcome stays in the payout's memo (`payoutOutcome`), set with its final status, and the batch
     * collects it with others through visibility (activities/batch-outcome-collection.ts); nothing is sent.
     * 'local-activity': the outcome goes to the batch from a local activity in the outcome's workflow task.
     * Absent (batches from before both): the workflow signals the batch itself.
     * Revisions of an outcome are signalled whichever way the outcome went.
     */
    outcomeBy?: 'memo' | 'local-activity';
    /**
     * The batch's workflow id, for a payout the batch started through its start activity (no parent). Absent:
     * the payout is its batch's child workflow, and its parent is the batch.
     */
    batchWorkflowId?: string;
  };
}
