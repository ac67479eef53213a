/**
 * The relay process: `npm run relay` (development) or `node dist/webhooks/main.js` (images).
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { codecFromConfig, payoutsDataConverter } from '../codec/index.js';
import { config, ConfigError } from '../config.js';
import { temporalConnectionOptions } from '../temporal-connection.js';
import { createLogger } from '../logging.js';
import { createRelayMetrics } from '../metrics/relay-metrics.js';
import { providersFromConfig } from '../providers/registry.js';
import { startTracing } from '../tracing/index.js';
import { OrphanJournal } from './orphans.js';
import { startRelay } from './relay.js';

const logger = createLogger('relay');

async function main(): Promise<void> {
  const cfg = config();
  // Signals to workflows carry the trace when tracing is on (src/tracing).
  const tracing = startTracing(cfg, 'payouts-relay');
  const codec = await codecFromConfig(cfg, { allowDevelopmentKey: true, warn: (line) => logger.warn(line) });
  const connection = await Connection.connect(await temporalConnectionOptions(cfg));
  const client = new Client({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    dataConverter: payoutsDataConverter(codec),
    plugins: tracing ? [tracing.plugin] : [],
  });
  const relay = await startRelay({
    port: cfg.RELAY_PORT,
    internalPort: cfg.RELAY_INTERNAL_PORT,
    internalHost: cfg.RELAY_INTERNAL_HOST,
    client,
    providers: providersFromConfig(cfg, logger),
    orphans: new OrphanJournal(path.resolve(cfg.DATA_DIR, 'orphan-events.jsonl')),
    logger,
    metrics: createRelayMetrics(),
  });
  logger.info(
    {
      url: relay.url,
      internal: relay.internalUrl,
      metrics: `${relay.internalUrl}/metrics`,
      tracing: tracing?.exporter ?? 'off',
    },
    'relay listening',
  );
  const stop = () => {
    void relay
      .close()
      .then(() => connection.close())
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    logger.fatal({ err }, 'relay failed');
  }
  process.exit(1);
});
