/**
 * The naive-fanout baseline's workflow bundle: ours (src/workflows) plus the parent a newcomer would write.
 * Bare Temporal has its own, smaller bundle (bare-workflow.ts). Workflow code: deterministic, no I/O.
 */
import { executeChild } from '@temporalio/workflow';
import type { PayoutRequest } from '../../src/domain/payout-request.js';
import { payoutWorkflowId } from '../../src/workflows/definitions.js';
import { PayoutWorkflow, type PayoutTimings } from '../../src/workflows/payout/workflow.js';

export * from '../../src/workflows/index.js';

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
