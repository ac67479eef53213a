/**
 * The zod-free constants of a batch: how an item can end, the option defaults and the event budget of a run.
 * definitions.ts (workflow code) and schemas.ts (zod, client side) both read them, so neither
 * imports the other at run time.
 */
import { terminalStatuses } from '../../domain/payout-statuses.js';

/** How one item of a batch ended: a payout's terminal status, or `duplicate` when it was never started. */
export const batchItemStatuses = [...terminalStatuses, 'duplicate'] as const;

/**
 * Events a run may still add after it decides to continue as new: each child in flight may signal (with
 * its workflow task), plus the flush of rows to pages and the continue-as-new task itself.
 */
export function eventHeadroom(concurrency: number): number {
  return 6 * concurrency + 40;
}

/** Events a run needs beyond the headroom to make progress at all. */
export const minEventsForItems = 60;

/**
 * The options' defaults. batchOptionsSchema (schemas.ts) applies them and validates at submission;
 * the workflow fills in the same defaults for an input that left some out, without zod (see the header).
 */
export const batchOptionDefaults = {
  concurrency: 50,
  stopAfterConsecutiveSystemicFailures: 10,
  maxEventsPerRun: 8_000,
  rowFlushSize: 100,
  inFlightCheckMs: 10 * 60_000,
  reportRetentionDays: 30,
  approvalTimeoutMs: 72 * 3_600_000,
} as const;
