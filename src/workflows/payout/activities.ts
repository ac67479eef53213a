/**
 * The activities a payout calls, each through one named set of options: how long a call may take and how
 * it retries says what kind of call it is. Provider failures that are not worth retrying are listed once, in
 * nonRetryableFailureTypes (activities/failures.ts marks the same failures non-retryable from that list).
 */
import {
  type ActivityOptions,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { BatchOutcomeActivities } from '../../activities/batch-outcomes.js';
import type { PayoutActivities } from '../../activities/payout.js';
import { nonRetryableFailureTypes } from '../definitions.js';

export { cardBinding } from '../destination/activities.js';

/** Validation runs in the worker, no provider call: a few quick local tries. */
export const preparationOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
};

/** Transient failures retry for up to an hour; the idempotency key makes each retry safe. */
export const submissionOptions: ActivityOptions = {
  startToCloseTimeout: '90 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
};

/** A failed lookup only delays the next one: polling goes on until the deadline. */
export const lookupOptions: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
};

/**
 * Telling the batch an outcome: one signal from the worker, retried for up to two minutes. Should it still fail,
 * the batch's in-flight check asks the payout by query.
 */
export const batchOutcomeOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
};

export const preparation = proxyLocalActivities<PayoutActivities>(preparationOptions);
export const submission = proxyActivities<PayoutActivities>(submissionOptions);
export const lookups = proxyActivities<PayoutActivities>(lookupOptions);
export const batchOutcomes = proxyLocalActivities<BatchOutcomeActivities>(batchOutcomeOptions);
