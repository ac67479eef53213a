/**
 * `npm run stack:postgres [-- --temporal-only]`: the production shape on a machine without Docker
 * (src/devstack/postgres-server.ts: the Temporal server at the version docker-compose.yml runs, on this
 * machine's PostgreSQL, with the Web UI, the namespace and our search attributes), then the provider sandbox,
 * the codec server, the webhook relay and the worker as under `npm start`, through the same launcher.
 * `--temporal-only` stops after Temporal (for benchmarks: `npm run bench:scale -- --address 127.0.0.1:7233`).
 * PostgreSQL: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD (none: trust). Ctrl-C stops
 * everything this started; the databases stay (drop them to start afresh).
 */
import path from 'node:path';
import { config } from '../src/config.js';
import { consoleModeFor } from '../src/devstack/console-output.js';
import { startStack, stopOnSignals, type Stack } from '../src/devstack/stack.js';

const say = (line: string) => console.error(`[stack] ${line}`);
const temporalOnly = process.argv.includes('--temporal-only');

async function main(): Promise<void> {
  const cfg = config();
  const dataDir = path.resolve(cfg.DATA_DIR, 'stack-postgres');
  let stack: Stack | undefined = undefined;
  stack = await startStack({
    server: 'postgres',
    logDir: dataDir,
    dataDir,
    keys: 'development',
    keepConfiguredProviders: true,
    codecServer: true,
    temporalOnly,
    urlHost: 'localhost',
    ports: {
      temporal: cfg.TEMPORAL_GRPC_PORT,
      temporalUi: cfg.TEMPORAL_UI_PORT,
      ...(temporalOnly
        ? {}
        : {
            relay: cfg.RELAY_PORT,
            relayInternal: cfg.RELAY_INTERNAL_PORT,
            codecServer: cfg.CODEC_SERVER_PORT,
            sandbox: cfg.SANDBOX_PORT,
            workerHealth: cfg.WORKER_HEALTH_PORT,
          }),
    },
    console: consoleModeFor(process.stdout),
    say,
    onUnexpectedExit: (supervised, how) => {
      console.error(`[stack] ${supervised.name} exited (${how}); see ${supervised.logFile}; stopping`);
      // While starting, startStack notices the death itself and stops what it started.
      if (stack) void stack.stop().finally(() => process.exit(1));
    },
  });
  stopOnSignals(stack, 0, say);
  const { urls } = stack;
  const lines = [
    `  Temporal gRPC    ${stack.address} (namespace ${stack.namespace}, ${stack.serverDescription})`,
    `  Temporal UI      ${stack.uiUrl ?? 'not running (see above)'} (codec ${urls.codecServer}${temporalOnly ? ', not started with --temporal-only' : ''})`,
    `  logs             ${dataDir} (temporal-server.log, temporal-ui.log, one <process>.log each)`,
  ];
  if (!temporalOnly) {
    lines.push(
      `  worker health    http://localhost:${stack.ports.workerHealth}/healthz (task queue ${cfg.PAYOUTS_TASK_QUEUE})`,
      `  webhook relay    ${urls.relay}/webhooks/ecommpay, ${urls.relay}/webhooks/rbkmoney`,
      `                   (orphans, metrics: ${urls.relayInternal}/orphans, /metrics)`,
      `  codec server     ${urls.codecServer}`,
      `  sandbox          ${urls.sandbox}`,
      ...stack.providerLines.map((line) => `  ${line}`),
    );
  }
  // On stderr: piped, stdout carries only the processes' JSON lines.
  console.error(['', 'payouts stack on PostgreSQL is up', ...lines, '  Ctrl-C stops everything.', ''].join('\n'));
}

main().catch((error: unknown) => {
  console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
