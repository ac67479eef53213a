/**
 * The metrics payouts emits through the Temporal SDK's metric meter (workflows and activities), named once.
 * Pure constants: workflow code imports this file, so it must never import prom-client or Node modules.
 * docs/OPERATIONS.md explains each metric and the alerts built on them.
 */

export interface MeterMetric {
  name: string;
  help: string;
  unit?: string;
  /** Histogram buckets (prom-client), for histograms only. */
  buckets?: number[];
}

/** Emitted by PayoutWorkflow when it reaches a terminal state (replay-safe: the SDK skips replayed calls). */
export const payoutsFinished: MeterMetric = {
  name: 'payouts_finished',
  help: 'Payouts that reached a terminal state, by status, provider and currency (a later move to needs_review counts again)',
};

/** Emitted with each `succeeded` outcome: the amount, in minor units of the currency. */
export const payoutsPaidAmount: MeterMetric = {
  name: 'payouts_paid_amount_minor',
  help: 'Amount paid out by succeeded payouts, in minor units of the currency (kopecks, cents)',
};

/** Every provider call an activity makes (submit, status lookup, clarification, card binding). */
export const providerCallDuration: MeterMetric = {
  name: 'payouts_provider_call_duration_seconds',
  help: 'Duration of provider calls made by activities, by provider, operation and result (ok or an error class)',
  unit: 's',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 90],
};

/** Provider calls that failed, by error class (transient, declined, invalid_request, systemic, unexpected). */
export const providerCallErrors: MeterMetric = {
  name: 'payouts_provider_call_errors',
  help: 'Provider calls that failed, by provider, operation and error class',
};

export const meterMetrics: readonly MeterMetric[] = [
  payoutsFinished,
  payoutsPaidAmount,
  providerCallDuration,
  providerCallErrors,
];
