/**
 * Replaying recorded histories on this worker's workflow code (`npm run replay`, the replay tests): the same bundle
 * and workflow interceptors as the worker, and no history the SDK's replayer cannot answer for.
 */
import type { DataConverter } from '@temporalio/common';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { defaultWorkflowsPath, preloadedModules, webpackConfigHook, workflowInterceptorModules } from './bundling.js';

interface EventTypes {
  events?: Array<{ eventType?: number | string | null }> | null;
}

// History event types (temporal.api.enums.v1.EventType): numbers in a fetched history, names in the CLI's JSON.
const workflowTaskCompleted = new Set<unknown>([7, 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED']);
/** The run closed: completed, failed, timed out, canceled, terminated, continued as new. */
const closingEventTypes = new Set<unknown>([
  2,
  3,
  4,
  21,
  27,
  28,
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

/**
 * A run still waiting for its first workflow task: open, and no task completed. Its history holds no command to
 * check, and the SDK's replayer never answers for a history that is only its start event (its replay worker then
 * keeps the process alive), so it is never handed to the replayer.
 */
export function awaitsFirstTask(history: unknown): boolean {
  const events = (history as EventTypes).events ?? [];
  const taskCompleted = events.some((event) => workflowTaskCompleted.has(event.eventType));
  return !taskCompleted && !closingEventTypes.has(events[events.length - 1]?.eventType);
}

/**
 * A history that is only its start event (a run fetched before its first workflow task was scheduled): the one
 * shape the SDK's replayer never answers for. A file of this shape is skipped by `npm run replay`.
 */
export function startEventOnly(history: unknown): boolean {
  return ((history as EventTypes).events ?? []).length === 1;
}

/** The worker's own bundle and workflow interceptors: interceptors add steps to handlers, which orders commands. */
export function replayOptions(
  options: { workflowsPath?: string; interceptorModules?: string[]; dataConverter?: DataConverter } = {},
): ReplayWorkerOptions {
  const workflowsPath = options.workflowsPath ?? defaultWorkflowsPath();
  return {
    workflowsPath,
    bundlerOptions: { webpackConfigHook, preloadModules: preloadedModules(workflowsPath) },
    interceptors: { workflowModules: options.interceptorModules ?? workflowInterceptorModules() },
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    replayName: 'payouts-replay',
  };
}
