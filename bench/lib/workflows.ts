/**
 * The benchmarks' workflow bundle: ours (src/workflows) plus the two baselines they are measured against.
 * Workflow code: deterministic, no I/O.
 */
import { condition, executeChild, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PayoutRequest } from '../../src/domain/payout-request.js';
import { payoutWorkflowId, providerEventSignal } from '../../src/workflows/definitions.js';
import { PayoutWorkflow, type PayoutTimings } from '../../src/workflows/payout.js';
import type { BenchActivities } from './bench-activities.js';

export * from '../../src/workflows/index.js';

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

export interface NaiveFanoutInput {
  prefix: string;
  count: number;
  /** Every child pays this request under the payoutId `<prefix>-<i>`. */
  request: PayoutRequest;
  timings?: Partial<PayoutTimings>;
}

/**
 * What a newcomer copies from the samples: one parent starts every child at once and awaits them all. The
 * requests are made in the workflow (a 100,000-item input could not even be sent), which is its best case.
 */
export async function NaiveFanoutWorkflow(input: NaiveFanoutInput): Promise<{ succeeded: number; other: number }> {
  const outcomes = await Promise.all(
    Array.from({ length: input.count }, (_, i) => {
      const payoutId = `${input.prefix}-${i}`;
      return executeChild(PayoutWorkflow, {
        workflowId: payoutWorkflowId(payoutId),
        args: [{ request: { ...input.request, payoutId }, ...(input.timings ? { timings: input.timings } : {}) }],
      });
    }),
  );
  const succeeded = outcomes.filter((outcome) => outcome.status === 'succeeded').length;
  return { succeeded, other: outcomes.length - succeeded };
}
