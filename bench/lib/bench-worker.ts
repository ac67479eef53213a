/**
 * The worker process of the baselines (bare Temporal, naive fan-out): our worker wiring with the bench
 * bundle (./workflows.ts, or ./bare-workflow.ts for bare Temporal), our activities plus `bareSubmit`.
 * BENCH_CODEC=decode-only makes it write plain payloads (bare Temporal has no codec) while still reading
 * the relay's encrypted signals.
 * Settings as src/worker/main.ts reads them (TEMPORAL_*, PAYOUTS_TASK_QUEUE, CODEC_KEYS, ECOMMPAY_*).
 */
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { codecFromConfig, payoutsDataConverter } from '../../src/codec/index.js';
import { config } from '../../src/config.js';
import { createLogger, installTemporalLogging } from '../../src/logging.js';
import { providersFromConfig } from '../../src/providers/registry.js';
import { startHealthServer } from '../../src/worker/health.js';
import { createPayoutsWorker } from '../../src/worker/worker.js';
import { createBenchActivities } from './bench-activities.js';

const logger = createLogger('bench-worker');

async function main(): Promise<void> {
  const cfg = config();
  installTemporalLogging(logger);
  const codec = await codecFromConfig(cfg);
  const decodeOnly: PayloadCodec = {
    encode: async (payloads: Payload[]) => payloads,
    decode: (payloads: Payload[]) => codec.decode(payloads),
  };
  const dataConverter = payoutsDataConverter(process.env.BENCH_CODEC === 'decode-only' ? decodeOnly : codec);
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = new Client({
    connection: await Connection.connect({ address: cfg.TEMPORAL_ADDRESS }),
    namespace: cfg.TEMPORAL_NAMESPACE,
    dataConverter,
  });
  const providers = providersFromConfig(cfg, logger);
  const worker = await createPayoutsWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.PAYOUTS_TASK_QUEUE,
    dataConverter,
    // Bare Temporal's starts are plain by design: this worker reads them as they are.
    allowPlaintext: process.env.BENCH_CODEC === 'decode-only',
    ...(cfg.WORKFLOW_BUNDLE_PATH
      ? { workflowBundle: { codePath: cfg.WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)) }),
    activities: {
      ...createActivities({ providers, client, taskQueue: cfg.PAYOUTS_TASK_QUEUE }),
      ...createBenchActivities(providers.get('ecommpay')),
    },
  });
  const health = await startHealthServer(cfg.WORKER_HEALTH_PORT, () => worker.getState() === 'RUNNING', '127.0.0.1');
  try {
    await worker.run();
  } finally {
    await health.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'bench worker failed');
  process.exit(1);
});
