/**
 * Names and shapes shared by BatchWorkflow, its page workflows, the batch activities, the client and the
 * tests. Kept apart from definitions.ts (PayoutWorkflow's) so each workflow's contract reads on its own.
 * The zod schemas here are the source of the JSON Schemas in schemas/ for clients in other languages.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { terminalStatuses } from '../domain/payout-outcome.js';
import { payoutIdSchema, providerNameSchema, type PayoutRequest, type ProviderName } from '../domain/payout-request.js';
import type { PayoutTimings } from './payout.js';

// ---- ids ----

export const batchWorkflowId = (batchId: string) => `batch-${batchId}`;
/** One page of a batch's items, held by Temporal itself (the claim check); see docs/ARCHITECTURE.md. */
export const batchPageWorkflowId = (batchId: string, page: number) => `batch-${batchId}-page-${page}`;

// ---- items and rows ----

/** How one item of a batch ended: a payout's terminal status, or `duplicate` when it was never started. */
export const batchItemStatuses = [...terminalStatuses, 'duplicate'] as const;
export const batchItemStatusSchema = z.enum(batchItemStatuses);
export type BatchItemStatus = z.infer<typeof batchItemStatusSchema>;

/** One item as a page holds it: the validated request, and what the client found out about it. */
export interface BatchItem {
  /** Position in the batch, from 0: the report's order and the cursor's unit. */
  seq: number;
  request: PayoutRequest;
  /** Stable hash of the request (client/request-hash.ts); stored in the child's memo, never the card. */
  requestHash: string;
  /** Set when an earlier item of the same batch has this payoutId: reported `duplicate`, never started. */
  duplicateOf?: number;
  /** The attempt to start (retry runs only; 1 when absent): its own workflow id and idempotency key. */
  attempt?: number;
}

/** One line of the batch report. Cards appear masked; `seq` orders the rows and is not printed. */
export const reportRowSchema = z.object({
  seq: z.number().int().nonnegative(),
  payoutId: z.string(),
  status: batchItemStatusSchema,
  reference: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  maskedCard: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  /** The payout's attempt (1, then 2, ... for retries of declined items); absent for items never started. */
  attempt: z.number().int().positive().optional(),
});
export type ReportRow = z.infer<typeof reportRowSchema>;

// ---- options ----

/**
 * Events a run may still add after it decides to continue as new: each child in flight may signal (with
 * its workflow task), plus the flush of rows to pages and the continue-as-new task itself.
 */
export function eventHeadroom(concurrency: number): number {
  return 6 * concurrency + 40;
}
const minEventsForItems = 60;

export const batchOptionsSchema = z
  .object({
    /** Child payouts in flight at once. The docs advise <= 500 pending children per workflow. */
    concurrency: z.number().int().min(1).max(500).default(50),
    /** This many systemic failures in a row (auth, balance, provider down) pause the batch. */
    stopAfterConsecutiveSystemicFailures: z.number().int().min(1).default(10),
    /** Each run continues as new before its history reaches this many events (server warns at 10,240). */
    maxEventsPerRun: z.number().int().min(100).max(10_000).default(8_000),
    /** Finished rows are handed to their pages this many at a time (and before every continue-as-new). */
    rowFlushSize: z.number().int().min(1).max(1_000).default(100),
    /**
     * Every child in flight is asked for its outcome this often (ms), in case its signal never comes (a payout
     * cancelled from the UI cannot always tell its parent); children of an earlier run are asked sooner.
     */
    inFlightCheckMs: z
      .number()
      .int()
      .min(1_000)
      .default(10 * 60_000),
    /** Reports (the page workflows) stay readable this long after the batch ends. */
    reportRetentionDays: z.number().int().min(1).max(365).default(30),
    /**
     * Children of a provider run on this task queue instead of the batch's: a worker there with
     * `maxTaskQueueActivitiesPerSecond` limits the calls made to that provider by all workers together.
     */
    providerTaskQueues: z.partialRecord(providerNameSchema, z.string().min(1)).optional(),
    /** A batch that needs approval and has none this long (ms) after it could start ends unpaid (default 72 h). */
    approvalTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .default(72 * 3_600_000),
  })
  .refine((options) => options.maxEventsPerRun >= eventHeadroom(options.concurrency) + minEventsForItems, {
    message: 'maxEventsPerRun leaves no room to start payouts at this concurrency (needs 6 x concurrency + 100)',
    path: ['maxEventsPerRun'],
  });
export type BatchOptions = z.infer<typeof batchOptionsSchema>;
export type BatchOptionsInput = z.input<typeof batchOptionsSchema>;

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
  /** `attempt` is set for the retries of a retry run (their workflows are `payout-<payoutId>.a<n>`). */
  inFlight: Array<{ payoutId: string; seq: number; attempt?: number }>;
  counts: Record<BatchItemStatus, number>;
  succeededAmounts: Record<string, number>;
  consecutiveSystemicFailures: number;
  paused?: PauseState;
  cancelled?: { reason: string; at: string };
  notBeforePassed: boolean;
  /** Retry runs only: items retried and items left declined (with a few of the reasons). */
  retry?: RetryTally;
  /** Set once a batch that needs approval waits for it: unapproved at this instant, it ends unpaid. */
  approvalDeadline?: string;
  approval?: ApprovalDecision;
  /** Amounts of the items started or reported so far, per provider and currency (batches with `totals` only). */
  startedAmounts?: ProviderAmounts;
  /** The providers' balances were checked since the batch started or was last resumed. */
  balanceChecked?: boolean;
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

export const pauseStateSchema = z.object({
  reason: z.string(),
  by: z.enum(['operator', 'circuit_breaker', 'system']),
  since: z.string(),
});
export type PauseState = z.infer<typeof pauseStateSchema>;

export const batchStateSchema = z.enum([
  'scheduled',
  'awaiting_approval',
  'running',
  'paused',
  'cancelling',
  'rejected',
  'finishing',
  'completed',
]);

/** How a batch's approval was settled; `expired` (by `system`) when no one approved it in time. */
export const approvalDecisionSchema = z.object({
  decision: z.enum(['approved', 'rejected', 'expired']),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export const batchApprovalSchema = z.object({
  /** Why the batch needs approval, e.g. "RUB total 2 000 000.00 RUB is above the 1 000 000.00 RUB threshold". */
  reason: z.string(),
  /** Set once the batch waits for approval: unapproved at this instant, it ends unpaid. */
  deadline: z.string().optional(),
  decision: approvalDecisionSchema.optional(),
});

export const batchReportInfoSchema = z.object({ path: z.string(), rows: z.number().int() });

/** A retry of the declined items: which round, which codes, how many were retried and why others were not. */
export const batchRetryInfoSchema = z.object({
  round: z.number().int().positive(),
  codes: z.array(z.string()).optional(),
  retried: z.number().int(),
  skipped: z.number().int(),
  /** The first few items left declined, each with the reason (e.g. the provider still shows it pending). */
  skippedSamples: z.array(z.object({ payoutId: z.string(), reason: z.string() })),
});
export type BatchRetryInfo = z.infer<typeof batchRetryInfoSchema>;
export type RetryTally = Pick<BatchRetryInfo, 'retried' | 'skipped' | 'skippedSamples'>;

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

const countsSchema = z.record(batchItemStatusSchema, z.number().int().nonnegative());

export const batchProgressSchema = z.object({
  batchId: payoutIdSchema,
  state: batchStateSchema,
  total: z.number().int(),
  /** Items started or reported without starting (duplicates). */
  started: z.number().int(),
  /** Items with a final status. */
  finished: z.number().int(),
  inFlight: z.number().int(),
  /** Items without a final status yet (in flight or not started). */
  remaining: z.number().int(),
  counts: countsSchema,
  /** Minor units per currency. */
  succeededAmounts: z.record(z.string(), z.number().int()),
  paused: pauseStateSchema.optional(),
  cancelled: z.object({ reason: z.string(), at: z.string() }).optional(),
  notBefore: z.string().optional(),
  submittedBy: z.string().optional(),
  /** Present when the batch needs a second person's approval (four-eyes). */
  approval: batchApprovalSchema.optional(),
  consecutiveSystemicFailures: z.number().int(),
  /** Runs so far (1 + continue-as-new count). */
  run: z.number().int(),
  pageCount: z.number().int(),
  startedAt: z.string(),
  report: batchReportInfoSchema.optional(),
  /** Present while (and after) the batch retries its declined items. */
  retry: batchRetryInfoSchema.optional(),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

export const batchResultSchema = z.object({
  batchId: payoutIdSchema,
  total: z.number().int(),
  counts: countsSchema,
  succeededAmounts: z.record(z.string(), z.number().int()),
  cancelled: z.object({ reason: z.string(), at: z.string() }).optional(),
  /** How its approval was settled, for a batch that needed one; rejected and expired batches paid nothing. */
  approval: approvalDecisionSchema.optional(),
  runs: z.number().int(),
  report: batchReportInfoSchema,
  retry: batchRetryInfoSchema.optional(),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

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
