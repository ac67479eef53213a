/**
 * The worker process: `npm run worker` (development) or `node dist/worker/main.js` (images).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { codecFromConfig, payoutsDataConverter } from '../codec/index.js';
import { config, ConfigError } from '../config.js';
import { temporalConnectionOptions } from '../temporal-connection.js';
import { createLogger, installTemporalLogging } from '../logging.js';
import { providersFromConfig } from '../providers/registry.js';
import { startHealthServer } from './health.js';
import { createPayoutsWorker } from './worker.js';

const logger = createLogger('worker');

async function main(): Promise<void> {
  const cfg = config();
  installTemporalLogging(logger);
  // Every payload is encrypted; outside development the worker does not start without CODEC_KEYS.
  const codec = await codecFromConfig(cfg, { allowDevelopmentKey: true, warn: (line) => logger.warn(line) });
  const dataConverter = payoutsDataConverter(codec);
  const connectionOptions = await temporalConnectionOptions(cfg);
  const connection = await NativeConnection.connect(connectionOptions);
  // Activities that start or join workflows (card binding) use a client of their own.
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter });
  const worker = await createPayoutsWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.PAYOUTS_TASK_QUEUE,
    dataConverter,
    ...(cfg.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: cfg.WORKFLOW_BUNDLE_PATH } } : {}),
    activities: createActivities({
      providers: providersFromConfig(cfg, logger),
      client,
      taskQueue: cfg.PAYOUTS_TASK_QUEUE,
    }),
  });
  const health = await startHealthServer(cfg.WORKER_HEALTH_PORT, () => worker.getState() === 'RUNNING');
  logger.info(
    {
      taskQueue: cfg.PAYOUTS_TASK_QUEUE,
      address: cfg.TEMPORAL_ADDRESS,
      health: health.url,
      codecKeys: codec.keyIds,
      activeCodecKey: codec.activeKeyId,
    },
    'worker started',
  );
  try {
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown; run() resolves once it is done.
    await worker.run();
  } finally {
    await health.close();
    await connection.close();
    await clientConnection.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    logger.fatal({ err }, 'worker failed');
  }
  process.exit(1);
});
