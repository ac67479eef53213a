/**
 * Which task queues a worker process polls: the main one, plus one per rate-limited provider
 * (PAYOUTS_PROVIDER_RATE_LIMITS). A provider's queue carries its whole payouts (workflows and activities);
 * the server caps that queue's activities per second for all workers together, so the limit holds however
 * many worker processes run.
 */
import { type Config, providerTaskQueues } from '../config.js';
import type { ProviderName } from '../domain/payout-request.js';
import type { PayoutsWorkerOptions } from './worker.js';

export interface WorkerQueue {
  taskQueue: string;
  /** Set on a provider's queue: its activities per second, shared by every worker polling it. */
  maxActivitiesPerSecond?: number;
  provider?: ProviderName;
}

export function workerQueues(cfg: Config): WorkerQueue[] {
  const queues: WorkerQueue[] = [{ taskQueue: cfg.PAYOUTS_TASK_QUEUE }];
  for (const [provider, taskQueue] of Object.entries(providerTaskQueues(cfg)) as [ProviderName, string][]) {
    const maxActivitiesPerSecond = cfg.PAYOUTS_PROVIDER_RATE_LIMITS[provider];
    queues.push({ taskQueue, provider, ...(maxActivitiesPerSecond ? { maxActivitiesPerSecond } : {}) });
  }
  return queues;
}

/** The worker options of one queue: the provider's pace, and the operator's tuning (each worker has its own cache). */
export function queueTuning(cfg: Config, queue: WorkerQueue): NonNullable<PayoutsWorkerOptions['tuning']> {
  return {
    ...(queue.maxActivitiesPerSecond ? { maxTaskQueueActivitiesPerSecond: queue.maxActivitiesPerSecond } : {}),
    ...(cfg.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    ...(cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS
      ? { maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS }
      : {}),
    ...(cfg.WORKER_MAX_CONCURRENT_ACTIVITIES
      ? { maxConcurrentActivityTaskExecutions: cfg.WORKER_MAX_CONCURRENT_ACTIVITIES }
      : {}),
  };
}
