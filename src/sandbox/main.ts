/** `npm run sandbox`: the provider sandbox on SANDBOX_PORT (3003), settings from SANDBOX_* (./config.ts). */
import { config, ConfigError } from '../config.js';
import { createLogger } from '../logging.js';
import { sandboxSettingsFromEnv } from './config.js';
import { startSandbox } from './sandbox.js';

async function main(): Promise<void> {
  const settings = sandboxSettingsFromEnv();
  const logger = createLogger('sandbox', { level: config().LOG_LEVEL });
  const sandbox = await startSandbox({ ...settings, port: config().SANDBOX_PORT, logger });
  console.log(
    [
      `sandbox listening on ${sandbox.url}`,
      `  ecommpay  project ${settings.ecommpay.projectId}, callbacks to ${settings.ecommpay.callbackUrl}`,
      `  ledger    ${settings.stateFile ?? 'in memory'} (GET ${sandbox.url}/sandbox/ledger)`,
      `  faults    GET/POST ${sandbox.url}/sandbox/faults`,
    ].join('\n'),
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`[sandbox] ${message}`);
  process.exit(1);
});
