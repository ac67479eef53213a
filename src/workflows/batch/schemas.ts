/**
 * The zod schemas of the batch's external shapes: its options (validated at submission), report rows,
 * progress and result. The client, the CLI and the JSON Schemas in schemas/ use them; workflow code imports
 * only their types (definitions.ts re-exports them), so the workflow bundle holds no zod.
 */
import { z } from 'zod';
import { payoutIdSchema, providerNameSchema } from '../../domain/payout-request.js';
import { batchItemStatuses, batchOptionDefaults, eventHeadroom, minEventsForItems } from './constants.js';

export const batchItemStatusSchema = z.enum(batchItemStatuses);
export type BatchItemStatus = z.infer<typeof batchItemStatusSchema>;

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

export const batchOptionsSchema = z
  .object({
    /** Child payouts in flight at once. The docs advise <= 500 pending children per workflow. */
    concurrency: z.number().int().min(1).max(500).default(batchOptionDefaults.concurrency),
    /** This many systemic failures in a row (auth, balance, provider down) pause the batch. */
    stopAfterConsecutiveSystemicFailures: z
      .number()
      .int()
      .min(1)
      .default(batchOptionDefaults.stopAfterConsecutiveSystemicFailures),
    /** Each run continues as new before its history reaches this many events (server warns at 10,240). */
    maxEventsPerRun: z.number().int().min(100).max(10_000).default(batchOptionDefaults.maxEventsPerRun),
    /** Finished rows are handed to their pages this many at a time (and before every continue-as-new). */
    rowFlushSize: z.number().int().min(1).max(1_000).default(batchOptionDefaults.rowFlushSize),
    /**
     * Every child in flight is asked for its outcome this often (ms), in case its signal never comes (a payout
     * cancelled from the UI cannot always tell its parent); children of an earlier run are asked sooner.
     */
    inFlightCheckMs: z.number().int().min(1_000).default(batchOptionDefaults.inFlightCheckMs),
    /** Reports (the page workflows) stay readable this long after the batch ends. */
    reportRetentionDays: z.number().int().min(1).max(365).default(batchOptionDefaults.reportRetentionDays),
    /**
     * Children of a provider run on this task queue instead of the batch's: a worker there with
     * `maxTaskQueueActivitiesPerSecond` limits the calls made to that provider by all workers together.
     */
    providerTaskQueues: z.partialRecord(providerNameSchema, z.string().min(1)).optional(),
    /** A batch that needs approval and has none this long (ms) after it could start ends unpaid (default 72 h). */
    approvalTimeoutMs: z.number().int().min(1_000).default(batchOptionDefaults.approvalTimeoutMs),
  })
  .refine((options) => options.maxEventsPerRun >= eventHeadroom(options.concurrency) + minEventsForItems, {
    message: 'maxEventsPerRun leaves no room to start payouts at this concurrency (needs 6 x concurrency + 100)',
    path: ['maxEventsPerRun'],
  });
export type BatchOptions = z.infer<typeof batchOptionsSchema>;
export type BatchOptionsInput = z.input<typeof batchOptionsSchema>;

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
  /** The last resume by an operator, with their reason. */
  resumed: z.object({ reason: z.string(), at: z.string() }).optional(),
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
