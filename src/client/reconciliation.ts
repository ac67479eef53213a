/**
 * Reconciliation from the outside: one run on demand (`payouts reconcile`), and the Temporal Schedules
 * that run it per provider, kept by the worker at start (create, or update to the configured interval;
 * several workers starting together converge on the same definition).
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { ProviderName } from '../domain/payout-request.js';
import {
  reconciliationScheduleId,
  type ReconciliationInput,
  type ReconciliationResult,
  type ReconciliationWorkflowType,
} from '../workflows/reconciliation/definitions.js';

/** Runs ReconciliationWorkflow once and waits for what it settled. */
export async function runReconciliation(
  temporal: Client,
  taskQueue: string,
  input: ReconciliationInput,
): Promise<ReconciliationResult> {
  const workflowId = `reconciliation-${input.provider ?? 'all'}-${new Date().toISOString()}`;
  return temporal.workflow.execute<ReconciliationWorkflowType>('ReconciliationWorkflow', {
    workflowId,
    taskQueue,
    args: [input],
  });
}

export interface ReconciliationScheduleOptions {
  taskQueue: string;
  providers: readonly ProviderName[];
  /** 0 removes the schedules. */
  intervalMinutes: number;
}

/** Creates or updates one schedule per provider; with interval 0, deletes them. Returns the schedule ids. */
export async function ensureReconciliationSchedules(
  temporal: Client,
  options: ReconciliationScheduleOptions,
): Promise<string[]> {
  const ids: string[] = [];
  for (const provider of options.providers) {
    const scheduleId = reconciliationScheduleId(provider);
    const handle = temporal.schedule.getHandle(scheduleId);
    if (options.intervalMinutes === 0) {
      await handle.delete().catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
      continue;
    }
    const action: ScheduleOptionsStartWorkflowAction<ReconciliationWorkflowType> = {
      type: 'startWorkflow',
      workflowType: 'ReconciliationWorkflow',
      workflowId: scheduleId,
      taskQueue: options.taskQueue,
      args: [{ provider }],
    };
    const spec = { intervals: [{ every: `${options.intervalMinutes}m` as const }] };
    try {
      await temporal.schedule.create({
        scheduleId,
        spec,
        action,
        // A slow run is never doubled by the next one.
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await handle.update((previous) => ({ ...previous, spec, action }));
    }
    ids.push(scheduleId);
  }
  return ids;
}
