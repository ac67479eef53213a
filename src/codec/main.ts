/**
 * The codec server process: `npm run codec-server` (development) or `node dist/codec/main.js` (images).
 * Point the Temporal UI at it: `temporal server start-dev --ui-codec-endpoint http://localhost:3002`.
 */
import { config, ConfigError } from '../config.js';
import { createLogger } from '../logging.js';
import { codecFromConfig } from './from-config.js';
import { codecServerToken, startCodecServer } from './server.js';

const logger = createLogger('codec-server');

async function main(): Promise<void> {
  const cfg = config();
  const token = codecServerToken(cfg);
  const codec = await codecFromConfig(cfg, { allowDevelopmentKey: true, warn: (line) => logger.warn(line) });
  const server = await startCodecServer({
    codec,
    port: cfg.CODEC_SERVER_PORT,
    host: cfg.CODEC_SERVER_HOST,
    corsOrigins: cfg.CODEC_CORS_ORIGINS,
    ...(token ? { token } : {}),
    admitBrowsersWithoutToken: cfg.PAYOUTS_ENV === 'development',
    logger,
  });
  logger.info(
    {
      url: server.url,
      keyIds: codec.keyIds,
      activeKeyId: codec.activeKeyId,
      corsOrigins: cfg.CODEC_CORS_ORIGINS,
      tokenRequired: token !== undefined,
    },
    'codec server listening',
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    logger.fatal({ err }, 'codec server failed');
  }
  process.exit(1);
});
