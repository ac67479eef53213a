/**
 * A batched payout tells its batch its outcome through this local activity, inside the workflow task that
 * reached the outcome. The workflow's own signal would cost the payout two events and one more workflow task,
 * for the server's answer (docs/PERFORMANCE.md). A second delivery, when a worker dies before the task
 * completes, changes nothing: the batch counts an item's outcome once, while the item is in flight.
 * Revisions move counts, so they stay the workflow's own signals, sent exactly once.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import { payoutFinishedSignal } from '../workflows/definitions.js';

export interface BatchOutcomeInput {
  batchWorkflowId: string;
  outcome: PayoutOutcome;
}

export function createBatchOutcomeActivities() {
  return {
    async tellBatchOutcome({ batchWorkflowId, outcome }: BatchOutcomeInput): Promise<'told' | 'batch closed'> {
      // The worker's own client: its connection is the SDK's native one (a gRPC call in JS costs the worker
      // more CPU per payout), and its data converter encrypts, which the batch requires of a signal.
      const { client } = Context.current();
      try {
        await client.workflow.getHandle(batchWorkflowId).signal(payoutFinishedSignal, outcome);
        return 'told';
      } catch (error) {
        // Closed by an operator: the payout's own outcome stands, as when the workflow's signal found no batch.
        if (error instanceof WorkflowNotFoundError) return 'batch closed';
        throw error;
      }
    },
  };
}

export type BatchOutcomeActivities = ReturnType<typeof createBatchOutcomeActivities>;
