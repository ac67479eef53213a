/**
 * Worker wiring: one place that turns a connection, a task queue and the activity dependencies into a
 * running worker. Used by the worker process, the tests and the benchmarks.
 */
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { PlaintextGuardCodec } from '../codec/plaintext-guard.js';
import { defaultWorkflowsPath, preloadedModules, webpackConfigHook, workflowInterceptorModules } from './bundling.js';

export interface PayoutsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /**
   * The payload codec's converter (src/codec); without it payloads are stored in clear. With a codec, a workflow
   * input, signal or update our codec did not encrypt is refused (src/codec/plaintext-guard.ts).
   */
  dataConverter?: WorkerOptions['dataConverter'];
  /** CODEC_ALLOW_PLAINTEXT: accept unencrypted inputs, signals and updates (migration only). */
  allowPlaintext?: boolean;
  /** Defaults to src/workflows (or its built twin). */
  workflowsPath?: string;
  /** A prebuilt bundle (production images) instead of bundling at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** SDK plugins, e.g. the OpenTelemetry plugin when tracing is on (src/tracing). */
  plugins?: WorkerOptions['plugins'];
  tuning?: Pick<
    WorkerOptions,
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxCachedWorkflows'
    | 'maxTaskQueueActivitiesPerSecond'
  >;
}

/**
 * Workflows a worker keeps cached. The SDK's default grows with the heap limit (about 2,300 on a 4 GB heap),
 * and a payout waits out its 48 h late-event window idle, so a large batch fills the cache with idle payouts
 * at about 1.5 MB each (measured while zod was in the workflow bundle, each workflow holding its own copy:
 * 500 cached, 1.27 GB RSS; 79 cached, 0.62 GB). 100 holds what a batch at concurrency 50 keeps busy (the
 * batch, its page, 50 payouts) twice over; an evicted payout is replayed from its short history when its
 * timer fires. See docs/PERFORMANCE.md.
 */
export const defaultMaxCachedWorkflows = 100;

export async function createPayoutsWorker(options: PayoutsWorkerOptions): Promise<Worker> {
  const workflowsPath = options.workflowsPath ?? defaultWorkflowsPath();
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath, bundlerOptions: { webpackConfigHook, preloadModules: preloadedModules(workflowsPath) } };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.dataConverter
      ? { dataConverter: guarded(options.dataConverter, options.allowPlaintext ?? false) }
      : {}),
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...workflowSource,
    // A prebuilt bundle carries them already (scripts/bundle-workflows.ts).
    ...(options.workflowBundle ? {} : { interceptors: { workflowModules: workflowInterceptorModules() } }),
    maxCachedWorkflows: defaultMaxCachedWorkflows,
    ...options.tuning,
  });
}

/**
 * The worker's converter: the codecs given, then the plaintext guard, which decodes first and so sees each
 * payload as stored. Without a codec (tests of plain histories) or when plaintext is allowed, unchanged.
 */
function guarded(dataConverter: DataConverter, allowPlaintext: boolean): DataConverter {
  const codecs = dataConverter.payloadCodecs ?? [];
  if (codecs.length === 0 || allowPlaintext) return dataConverter;
  return { ...dataConverter, payloadCodecs: [...codecs, new PlaintextGuardCodec()] };
}
