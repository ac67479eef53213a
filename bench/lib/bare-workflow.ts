/**
 * Bare Temporal's workflow bundle: only the bare payout, so its worker evaluates none of our workflow code
 * when it creates a workflow. Workflow code: deterministic, no I/O.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PayoutRequest } from '../../src/domain/payout-request.js';
import { providerEventSignal } from '../../src/workflows/definitions.js';
import type { BenchActivities } from './bench-activities.js';

const { bareSubmit } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

/**
 * Bare Temporal doing a payout's job: one activity submits to the sandbox, one wait for the relay's
 * callback signal. No validation, search attributes, codec or batch bookkeeping. Its id is
 * `payout-<payoutId>`, so the relay finds it like any payout.
 */
export async function BarePayoutWorkflow(request: PayoutRequest): Promise<string> {
  let final: string | undefined;
  setHandler(providerEventSignal, (event) => {
    if (event.status.state !== 'pending') final = event.status.state;
  });
  await bareSubmit(request);
  await condition(() => final !== undefined);
  return final as string;
}
