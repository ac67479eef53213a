/**
 * Worker wiring: one place that turns a connection, a task queue and the activity dependencies into a
 * running worker. Used by the worker process, the tests and the benchmarks.
 */
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { defaultWorkflowsPath, webpackConfigHook } from './bundling.js';

export interface PayoutsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** The payload codec's converter (src/codec); without it payloads are stored in clear. */
  dataConverter?: WorkerOptions['dataConverter'];
  /** Defaults to src/workflows (or its built twin). */
  workflowsPath?: string;
  /** A prebuilt bundle (production images) instead of bundling at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<
    WorkerOptions,
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxCachedWorkflows'
    | 'maxTaskQueueActivitiesPerSecond'
  >;
}

export async function createPayoutsWorker(options: PayoutsWorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: options.workflowsPath ?? defaultWorkflowsPath(), bundlerOptions: { webpackConfigHook } };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...workflowSource,
    ...options.tuning,
  });
}
