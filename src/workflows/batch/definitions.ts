/**
 * Names and shapes shared by BatchWorkflow, its page workflows, the batch activities, the client and the
 * tests. Kept apart from definitions.ts (PayoutWorkflow's) so each workflow's contract reads on its own.
 * No zod here: workflow code imports this file, and a workflow's modules are evaluated anew for every
 * workflow a worker creates. The shapes' zod schemas (the source of the JSON Schemas in schemas/ for
 * clients in other languages, and of the types re-exported below) are in schemas.ts.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PayoutRequest, ProviderName } from '../../domain/payout-request.js';
import type {
  ApprovalDecision,
  BatchItemStatus,
  BatchOptions,
  BatchOptionsInput,
  BatchProgress,
  BatchRetryInfo,
  PauseState,
  ReportRow,
} from './schemas.js';
import { batchItemStatuses, batchOptionDefaults } from './constants.js';
import type { PayoutTimings } from '../definitions.js';

export { batchItemStatuses, batchOptionDefaults, eventHeadroom, minEventsForItems } from './constants.js';

export type {
  ApprovalDecision,
  BatchItemStatus,
  BatchOptions,
  BatchOptionsInput,
  BatchProgress,
  BatchResult,
  BatchRetryInfo,
  PauseState,
  ReportRow,
} from './schemas.js';

export type RetryTally = Pick<BatchRetryInfo, 'retried' | 'skipped' | 'skippedSamples'>;

// ---- ids ----

export const batchWorkflowId = (batchId: string) => `batch-${batchId}`;
/** One page of a batch's items, held by Temporal itself (the claim check); see docs/ARCHITECTURE.md. */
export const batchPageWorkflowId = (batchId: string, page: number) => `batch-${batchId}-page-${page}`;

// ---- items and rows ----

/** One item as a page holds it: the validated request, and what the client found out about it. */
export interface BatchItem {
  /** Position in the batch, from 0: the report's order and the cursor's unit. */
  seq: number;
  request: PayoutRequest;
  /** The request's keyed identity (client/request-identity.ts), stored in the child's memo; never card data. */
  requestIdentity?: string;
  /** Items of pages written before issue 18 carry an unkeyed hash instead; kept only so they replay. */
  requestHash?: string;
  /** Set when an earlier item of the same batch has this payoutId: reported `duplicate`, never started. */
  duplicateOf?: number;
  /** The attempt to start (retry runs only; 1 when absent): its own workflow id and idempotency key. */
  attempt?: number;
}

/** What the planning activity finds on one page: the retries to start, and the declined items left as they are. */
export interface RetryPlan {
  /** Sorted by seq; each with the request read back from its last attempt and the attempt to start. */
  items: Array<BatchItem & { attempt: number }>;
  skipped: Array<{ seq: number; payoutId: string; reason: string }>;
}

// ---- options ----

/** The options a run works with: the input's (validated by the client), the defaults for any it left out. */
export function withBatchDefaults(options: BatchOptionsInput = {}): BatchOptions {
  // An option given as undefined takes its default, as zod's .default() does.
  const given: Partial<BatchOptions> = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
  return { ...batchOptionDefaults, ...given };
}

export interface BatchSource {
  itemCount: number;
  /** Items per page; the last page may hold fewer. */
  pageSize: number;
  pageCount: number;
}

/** What survives a continue-as-new: compact, whatever the batch size (at most `concurrency` ids in flight). */
export interface BatchRunState {
  run: number;
  startedAt: string;
  /** The next item to start; every item before it was started or reported. */
  cursor: number;
  /**
   * `attempt` is set for the retries of a retry run (their workflows are `payout-<payoutId>.a<n>`); `block`, the
   * PayoutBatchBlock the payout carries, for payouts whose start step reported one (their outcomes are listed by it).
   */
  inFlight: Array<{ payoutId: string; seq: number; attempt?: number; block?: string }>;
  counts: Record<BatchItemStatus, number>;
  succeededAmounts: Record<string, number>;
  consecutiveSystemicFailures: number;
  paused?: PauseState;
  /** The last resume by an operator, with the reason they gave. */
  resumed?: { reason: string; at: string };
  cancelled?: { reason: string; at: string };
  notBeforePassed: boolean;
  /** Retry runs only: items retried and items left declined (with a few of the reasons). */
  retry?: RetryTally;
  /** Set when the worker's thresholds require approval (whatever the client said): the reason. */
  approvalRequired?: { reason: string };
  /** The client identity that started the batch, from its history (patch `worker-approval-policy`). */
  submittedBy?: string;
  /** Set once a batch that needs approval waits for it: unapproved at this instant, it ends unpaid. */
  approvalDeadline?: string;
  approval?: ApprovalDecision;
  /** Amounts of the items started or reported so far, per provider and currency (batches with `totals` only). */
  startedAmounts?: ProviderAmounts;
  /** The providers' balances were checked since the batch started or was last resumed. */
  balanceChecked?: boolean;
}

/** Counts per status and amount succeeded per currency: a batch's totals, or a change to them. */
export type BatchTotals = Pick<BatchRunState, 'counts' | 'succeededAmounts'>;

/** Totals with changes added (the revisions a closed batch's pages recorded after it closed). */
export function addTotals<T extends BatchTotals>(totals: T, changes: readonly BatchTotals[]): T {
  const sum: T = { ...totals, counts: { ...totals.counts }, succeededAmounts: { ...totals.succeededAmounts } };
  for (const change of changes) {
    for (const status of batchItemStatuses) sum.counts[status] += change.counts[status] ?? 0;
    for (const [currency, amount] of Object.entries(change.succeededAmounts)) {
      const paid = (sum.succeededAmounts[currency] ?? 0) + amount;
      if (paid === 0) delete sum.succeededAmounts[currency];
      else sum.succeededAmounts[currency] = paid;
    }
  }
  return sum;
}

/** Minor units per provider and currency, e.g. `{ "rbkmoney": { "RUB": 500000 } }`. */
export type ProviderAmounts = Partial<Record<ProviderName, Record<string, number>>>;

/** A provider account holding less than the batch still has to pay from it (checkProviderBalances). */
export interface BalanceShortfall {
  provider: ProviderName;
  currency: string;
  /** What the batch's unstarted items still need, minor units of `currency`. */
  needed: number;
  /** What the provider says is available; its currency is the account's, which may differ. */
  available: { amount: number; currency: string };
}

export interface BatchWorkflowInput {
  batchId: string;
  source: BatchSource;
  options?: BatchOptionsInput;
  /** No payout starts before this instant (ISO 8601). */
  notBefore?: string;
  /** Test and tuning hook: timings passed to every child PayoutWorkflow. */
  childTimings?: Partial<PayoutTimings>;
  /** Who submitted the batch: under four-eyes approval, the one person who may not approve it. */
  submittedBy?: string;
  /** Set by the client when a currency's total is above its threshold: nothing is paid until approved. */
  approval?: { reason: string };
  /** The amount of the batch per provider and currency (duplicates left out): checked against balances. */
  totals?: ProviderAmounts;
  /** Set when this execution retries the batch's declined items (`payouts batch retry-declined`). */
  retry?: BatchRetryInput;
  /** Set by continue-as-new only. */
  state?: BatchRunState;
  /** Rows not yet handed to their pages (continue-as-new only; at most rowFlushSize + concurrency). */
  rows?: ReportRow[];
}

// ---- progress and result ----

/**
 * A new execution of `batch-<batchId>` that retries declined items: counts start from the batch's totals, and
 * each item retried leaves `declined` until its new attempt's outcome is counted.
 */
export interface BatchRetryInput {
  round: number;
  /** Only items whose last decline carries one of these provider codes; every declined item when absent. */
  codes?: string[];
  counts: Record<BatchItemStatus, number>;
  succeededAmounts: Record<string, number>;
  /** Runs of the batch before this retry: the run number goes on from there. */
  runs: number;
}

// ---- BatchWorkflow messages ----

export interface BatchControlRequest {
  reason?: string;
}

export const batchProgressQuery = defineQuery<BatchProgress>('progress');
/** Stops starting new payouts; those in flight finish. Refused once the batch is cancelled or finished. */
export const pauseBatchUpdate = defineUpdate<BatchProgress, [BatchControlRequest]>('pause');
/** Starts payouts again (also after the circuit breaker); resets the systemic-failure count. */
export const resumeBatchUpdate = defineUpdate<BatchProgress, [BatchControlRequest]>('resume');
/** Starts nothing more, cancels children not yet submitted, reports every unstarted item `cancelled`. */
export const cancelBatchUpdate = defineUpdate<BatchProgress, [BatchControlRequest]>('cancel');

export interface BatchApprovalRequest {
  /** Who decides; an approver must be someone other than the submitter. */
  by: string;
  /** Required to reject: shown in the progress, the result and every unstarted item's report row. */
  reason?: string;
}

/** Lets a batch that needs approval pay. Refused for the submitter, a second time, and once settled or closed. */
export const approveBatchUpdate = defineUpdate<BatchProgress, [BatchApprovalRequest]>('approve');
/** Ends a batch that needs approval unpaid, with the reason: every item is reported `cancelled`. */
export const rejectBatchUpdate = defineUpdate<BatchProgress, [BatchApprovalRequest]>('reject');

// ---- BatchPageWorkflow messages ----

export interface BatchPageInput {
  batchId: string;
  page: number;
  /** Dropped (by continue-as-new) once the batch has started them all or has closed. */
  items?: BatchItem[];
  /** Carried into the run without items. */
  rows?: ReportRow[];
  closed?: BatchClosed;
  /** Changes to the batch's totals from its items' revisions since the batch last closed (carried). */
  revisions?: BatchTotals;
  /** The page ends by itself this long after it was created if its batch never closes it. */
  maxLifetimeMs?: number;
  createdAt?: string;
}

export interface BatchClosed {
  /** Set when the batch was cancelled: items never started are reported `cancelled` with it. */
  cancelReason?: string;
  keepUntil: string;
}

export const pageItemsQuery = defineQuery<BatchItem[]>('pageItems');
export const pageRowsQuery = defineQuery<ReportRow[]>('pageRows');
export const pageRowsSignal = defineSignal<[ReportRow[]]>('pageRows');
/** Every item of the page was started: the page forgets the requests (and their card numbers). */
export const pageItemsDoneSignal = defineSignal('pageItemsDone');
export const batchClosedSignal = defineSignal<[BatchClosed]>('batchClosed');
/**
 * What the revisions of this page's items (payoutRevised, sent here once the batch has closed) change in the
 * batch's totals since its last close; the client adds every page's to a closed batch's progress.
 */
export const pageRevisionsQuery = defineQuery<BatchTotals>('pageRevisions');
