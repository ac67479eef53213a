/**
 * The batch's activity option sets, one per kind of call, each named for what it is used for. The options are
 * recorded in history with every activity scheduled: change one only behind a patch.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { BatchActivities } from '../../activities/batch.js';
import type { BatchRetryActivities } from '../../activities/batch-retry.js';
import type { BatchStartActivities } from '../../activities/batch-starts.js';

/** A page is a few hundred items; a failed read pauses the batch after these attempts, with the reason. */
export const pageReads = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/**
 * Starting a window's payouts: a start that cannot get through is tried again for as long as it takes, as a
 * child's start would be; a retry finds the payouts its earlier attempt started (activities/batch-starts.ts).
 */
export const payoutStarts = proxyActivities<BatchStartActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * A step of the window: the next group's starts, then a group of outcomes collected from the payouts' memos.
 * It heartbeats while it waits, so a worker's death is noticed in seconds; a retried step starts nothing twice.
 */
export const windowSteps = proxyActivities<BatchStartActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Status queries and cancel requests to children: a failed call is simply made again later. */
export const childCalls = proxyActivities<BatchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** A balance the provider cannot tell in about a minute is not checked: the circuit breaker is the backstop. */
export const balanceChecks = proxyActivities<BatchActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 4 },
});

/** The report must be written whatever it takes; it heartbeats per page group. */
export const reporting = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/** A retry run plans a page at a time: the provider is asked about every declined item's last attempt. */
export const retryPlanning = proxyActivities<BatchRetryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** What a failed activity said, for a pause reason or a log line. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
