/**
 * The worker process: `npm run worker` (development) or `node dist/worker/main.js` (images).
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { codecFromConfig, payoutsDataConverter } from '../codec/index.js';
import { failureConverterPath } from '../codec/data-converter.js';
import {
  cardFingerprintKeyOf,
  config,
  ConfigError,
  configuredProviders,
  merchantNotificationSettings,
  reportsDirOf,
} from '../config.js';
import { ensureReconciliationSchedules } from '../client/reconciliation.js';
import { temporalConnectionOptions } from '../temporal-connection.js';
import { createLogger, installTemporalLogging } from '../logging.js';
import { createWorkerMetrics } from '../metrics/worker-metrics.js';
import { providersFromConfig } from '../providers/registry.js';
import { startTracing } from '../tracing/index.js';
import { defaultWorkflowsPath, preloadedModules, webpackConfigHook, workflowInterceptorModules } from './bundling.js';
import { startHealthServer } from './health.js';
import { queueTuning, workerQueues } from './task-queues.js';
import { createPayoutsWorker } from './worker.js';

const logger = createLogger('worker');

async function main(): Promise<void> {
  const cfg = config();
  // Outside development and test the worker does not start without CARD_FINGERPRINT_KEY.
  const cardFingerprintKey = cardFingerprintKeyOf(cfg);
  // The runtime is installed once, before any connection: SDK logs into pino, SDK metrics into our registry.
  const metrics = createWorkerMetrics((line) => logger.warn(line));
  installTemporalLogging(logger, 'INFO', metrics.telemetryOptions);
  const tracing = startTracing(cfg, 'payouts-worker');
  const plugins = tracing ? [tracing.plugin] : [];
  // Every payload is encrypted; outside development the worker does not start without CODEC_KEYS.
  const codec = await codecFromConfig(cfg, { allowDevelopmentKey: true, warn: (line) => logger.warn(line) });
  const dataConverter = payoutsDataConverter(codec);
  if (cfg.CODEC_ALLOW_PLAINTEXT) {
    logger.warn(
      'CODEC_ALLOW_PLAINTEXT=true: UNENCRYPTED workflow inputs, signals and updates are ACCEPTED; card data sent ' +
        'that way is stored in clear in Temporal. For migration only: unset it once every starter uses the codec',
    );
  }
  const connectionOptions = await temporalConnectionOptions(cfg);
  const connection = await NativeConnection.connect(connectionOptions);
  // Activities that start or join workflows (card binding) use a client of their own.
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({
    connection: clientConnection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    dataConverter,
    plugins,
  });
  // Untraced: a scrape's progress queries are not worth a trace each.
  metrics.watchBatches(new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter }));
  const providers = providersFromConfig(cfg, logger);
  const merchantNotifications = merchantNotificationSettings(cfg);
  const queues = workerQueues(cfg);
  // Several queues share one bundle: bundling is the slow part of a worker's start.
  const workflowBundle = cfg.WORKFLOW_BUNDLE_PATH
    ? { codePath: cfg.WORKFLOW_BUNDLE_PATH }
    : queues.length > 1
      ? await bundleWorkflowCode({
          workflowsPath: defaultWorkflowsPath(),
          // A bundle ignores the worker's converter paths: failures must be encrypted from inside it.
          failureConverterPath: failureConverterPath(),
          workflowInterceptorModules: workflowInterceptorModules(),
          webpackConfigHook,
          preloadModules: preloadedModules(defaultWorkflowsPath()),
          plugins,
        })
      : undefined;
  const workers = await Promise.all(
    queues.map((queue) =>
      createPayoutsWorker({
        connection,
        namespace: cfg.TEMPORAL_NAMESPACE,
        taskQueue: queue.taskQueue,
        dataConverter,
        allowPlaintext: cfg.CODEC_ALLOW_PLAINTEXT,
        plugins,
        ...(workflowBundle ? { workflowBundle } : {}),
        tuning: queueTuning(cfg, queue),
        activities: createActivities({
          providers,
          client,
          taskQueue: queue.taskQueue,
          merchantNotifications,
          cardFingerprintKey,
          reportsDir: reportsDirOf(cfg),
          limits: { approvalThresholds: cfg.BATCH_APPROVAL_THRESHOLDS, maxAmounts: cfg.PAYOUT_MAX_AMOUNTS },
        }),
      }),
    ),
  );
  // Every worker keeps the schedules current; a failure here must not keep it from paying.
  await ensureReconciliationSchedules(client, {
    taskQueue: cfg.PAYOUTS_TASK_QUEUE,
    providers: configuredProviders(cfg),
    intervalMinutes: cfg.RECONCILIATION_INTERVAL_MINUTES,
  }).catch((err: unknown) => logger.error({ err }, 'could not keep the reconciliation schedules'));
  const health = await startHealthServer(
    cfg.WORKER_HEALTH_PORT,
    () => workers.every((worker) => worker.getState() === 'RUNNING'),
    undefined,
    () => metrics.scrape(),
  );
  logger.info(
    {
      taskQueues: queues.map(({ taskQueue, maxActivitiesPerSecond }) =>
        maxActivitiesPerSecond ? `${taskQueue} (${maxActivitiesPerSecond} activities/s)` : taskQueue,
      ),
      address: cfg.TEMPORAL_ADDRESS,
      health: health.url,
      metrics: `${health.url}/metrics`,
      tracing: tracing?.exporter ?? 'off',
      codecKeys: codec.keyIds,
      activeCodecKey: codec.activeKeyId,
    },
    'worker started',
  );
  try {
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown; run() resolves once it is done.
    await runTogether(workers);
  } finally {
    await health.close();
    metrics.stop();
    await tracing?.shutdown();
    await connection.close();
    await clientConnection.close();
    logger.info('worker stopped');
  }
}

/** One worker failing stops the others: the process exits and its supervisor starts it whole again. */
async function runTogether(workers: Worker[]): Promise<void> {
  const results = await Promise.allSettled(
    workers.map((worker) =>
      worker.run().catch((err: unknown) => {
        for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
        throw err;
      }),
    ),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    logger.fatal({ err }, 'worker failed');
  }
  process.exit(1);
});
