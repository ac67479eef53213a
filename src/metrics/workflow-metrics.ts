/**
 * Workflow-side metrics, through the SDK's workflow metric meter: it skips calls made while a history replays,
 * so an outcome is counted when it happens, not again each time a worker rebuilds the workflow. Workflow code:
 * imports only @temporalio/workflow and the names.
 */
import { metricMeter } from '@temporalio/workflow';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutsFinished, payoutsPaidAmount } from './names.js';

/** Counts a payout reaching a terminal state (and, for `succeeded`, the amount paid). */
export function countPayoutOutcome(outcome: Pick<PayoutOutcome, 'status' | 'provider' | 'currency' | 'amount'>): void {
  const { status, provider, currency } = outcome;
  metricMeter
    .createCounter(payoutsFinished.name, undefined, payoutsFinished.help)
    .add(1, { status, provider, currency });
  if (status === 'succeeded') {
    metricMeter
      .createCounter(payoutsPaidAmount.name, undefined, payoutsPaidAmount.help)
      .add(outcome.amount, { provider, currency });
  }
}
