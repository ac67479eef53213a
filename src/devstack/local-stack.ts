/**
 * The long-running local stack of `npm start` and `npm run demo`: the dev server on a SQLite file under
 * DATA_DIR with the Web UI, the sandbox, the codec server, the relay and one worker, on the configured ports,
 * with development keys kept under DATA_DIR.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import type { ConsoleMode } from './console-output.js';
import { codecTokenFile } from './local-services.js';
import { type Stack, type StackOptions, startStack } from './stack.js';

export function startLocalStack(
  cfg: Config,
  options: Pick<StackOptions, 'say' | 'onUnexpectedExit'> & { console: ConsoleMode },
): Promise<Stack> {
  const dataDir = path.resolve(cfg.DATA_DIR);
  return startStack({
    ...options,
    server: 'dev',
    persistent: true,
    logDir: dataDir,
    dataDir,
    keys: 'development',
    keepConfiguredProviders: true,
    codecServer: true,
    urlHost: 'localhost',
    ports: {
      temporal: cfg.TEMPORAL_GRPC_PORT,
      temporalUi: cfg.TEMPORAL_UI_PORT,
      relay: cfg.RELAY_PORT,
      relayInternal: cfg.RELAY_INTERNAL_PORT,
      codecServer: cfg.CODEC_SERVER_PORT,
      sandbox: cfg.SANDBOX_PORT,
      workerHealth: cfg.WORKER_HEALTH_PORT,
    },
  });
}

/** What is where, for the console once the stack is up. */
export function localStackSummary(stack: Stack, cfg: Config): string {
  const { urls, dataDir } = stack;
  return [
    '',
    'payouts local stack is up',
    `  Temporal gRPC    ${stack.address} (namespace ${stack.namespace})`,
    `  Temporal UI      ${stack.uiUrl}`,
    `  worker health    http://localhost:${stack.ports.workerHealth}/healthz (task queue ${cfg.PAYOUTS_TASK_QUEUE})`,
    `  webhook relay    ${urls.relay}/webhooks/ecommpay, ${urls.relay}/webhooks/rbkmoney (orphans: ${urls.relayInternal}/orphans)`,
    `  codec server     ${urls.codecServer} (the UI decodes through it; card numbers masked)`,
    `                   CLI: --codec-endpoint ${urls.codecServer} --codec-auth "Bearer $(cat ${codecTokenFile(dataDir)})"`,
    `  sandbox          ${urls.sandbox} (ledger: ${urls.sandbox}/sandbox/ledger, faults: ${urls.sandbox}/sandbox/faults)`,
    ...stack.providerLines.map((line) => `  ${line}`),
    `  data and logs    ${dataDir} (Temporal database: temporal.db; one <process>.log each)`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
