/**
 * `npm start`: the local stack in one command. Temporal dev server (SQLite file under DATA_DIR, UI, our
 * search attributes), the provider sandbox, the webhook relay and the worker; Ctrl-C stops everything this
 * started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { config, ConfigError, parseConfig } from '../src/config.js';
import { PortTakenError, startDevServer, stopProcess, type DevServer } from '../src/devstack/dev-server.js';
import { portInUse, waitFor } from '../src/devstack/ports.js';
import {
  cardFingerprintKey,
  codecServerToken,
  codecTokenFile,
  sandboxedProviders,
  sandboxWebhookKeyFile,
} from '../src/devstack/local-services.js';
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';
import { codecFromConfig, configuredCodecKeys, ensureDevelopmentKey } from '../src/codec/index.js';

const say = (line: string) => console.log(`[start] ${line}`);
const tsx = path.resolve('node_modules/.bin/tsx');

interface Service {
  name: string;
  process: ChildProcess;
}

const services: Service[] = [];
let devServer: DevServer | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping...');
    // Reverse order: workers finish their tasks before the server goes away.
    for (const service of [...services].reverse()) await stopProcess(service.process);
    await devServer?.stop();
    say('stopped');
  }
  process.exit(code);
}

function startService(name: string, script: string, env: Record<string, string>): Service {
  const child = spawn(tsx, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? `code ${code}`}); stopping the stack`);
      void stopAll(1);
    }
  });
  const service = { name, process: child };
  services.push(service);
  return service;
}

async function main(): Promise<void> {
  const cfg = config();
  const dataDir = path.resolve(cfg.DATA_DIR);
  const ports = [
    [cfg.TEMPORAL_GRPC_PORT, 'TEMPORAL_GRPC_PORT'],
    [cfg.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT'],
    [cfg.RELAY_PORT, 'RELAY_PORT'],
    [cfg.RELAY_INTERNAL_PORT, 'RELAY_INTERNAL_PORT'],
    [cfg.CODEC_SERVER_PORT, 'CODEC_SERVER_PORT'],
    [cfg.SANDBOX_PORT, 'SANDBOX_PORT'],
    [cfg.WORKER_HEALTH_PORT, 'WORKER_HEALTH_PORT'],
  ] as const;
  for (const [port, variable] of ports) {
    if (await portInUse(port)) throw new PortTakenError(port, variable);
  }
  const cli = await ensureTemporalCli(say);
  say(`Temporal CLI ${cli.version} (${cli.source}: ${cli.path})`);

  // One payload key for every process of the stack; checked here so a bad one stops the start at once.
  const codecKeys = (await configuredCodecKeys(cfg)) ?? (await ensureDevelopmentKey(dataDir, say));
  await codecFromConfig(parseConfig({ ...process.env, CODEC_KEYS: codecKeys }));
  const codecUrl = `http://localhost:${cfg.CODEC_SERVER_PORT}`;

  devServer = await startDevServer({
    uiCodecEndpoint: codecUrl,
    cliPath: cli.path,
    port: cfg.TEMPORAL_GRPC_PORT,
    uiPort: cfg.TEMPORAL_UI_PORT,
    namespace: cfg.TEMPORAL_NAMESPACE,
    dbFile: path.join(dataDir, 'temporal.db'),
    logFile: path.join(dataDir, 'temporal.log'),
  });
  const relayUrl = `http://localhost:${cfg.RELAY_PORT}`;
  const relayInternalUrl = `http://localhost:${cfg.RELAY_INTERNAL_PORT}`;
  const sandboxUrl = `http://localhost:${cfg.SANDBOX_PORT}`;
  // The sandbox signs RBKmoney webhooks with a key kept under DATA_DIR, so restarts keep the same public key.
  const webhookKeyFile = await sandboxWebhookKeyFile(dataDir, say);
  startService('sandbox', 'src/sandbox/main.ts', {
    SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE ?? path.join(dataDir, 'sandbox-ledger.jsonl'),
    SANDBOX_ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
    SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE: process.env.SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE ?? webhookKeyFile,
  });
  await waitFor('sandbox', () => portInUse(cfg.SANDBOX_PORT), 60_000);

  const providers = await sandboxedProviders(cfg, sandboxUrl, relayUrl);
  const fingerprintKey = await cardFingerprintKey(cfg, dataDir, say);
  const env = {
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_NAMESPACE: devServer.namespace,
    CARD_FINGERPRINT_KEY: fingerprintKey,
    CODEC_KEYS: codecKeys,
    ...providers.env,
  };
  // Scripts and the Temporal CLI reach the codec server with this token; the local UI passes without it.
  const codecToken = await codecServerToken(cfg, dataDir, say);
  startService('codec-server', 'src/codec/main.ts', { ...env, CODEC_SERVER_TOKEN: codecToken });
  startService('relay', 'src/webhooks/main.ts', env);
  startService('worker', 'src/worker/main.ts', env);
  await waitFor('relay', () => portInUse(cfg.RELAY_PORT), 60_000);
  await waitFor('codec server', () => portInUse(cfg.CODEC_SERVER_PORT), 60_000);
  await waitFor('worker', () => portInUse(cfg.WORKER_HEALTH_PORT), 120_000);

  console.log(
    [
      '',
      'payouts local stack is up',
      `  Temporal gRPC    ${devServer.address} (namespace ${devServer.namespace})`,
      `  Temporal UI      ${devServer.uiUrl}`,
      `  worker health    http://localhost:${cfg.WORKER_HEALTH_PORT}/healthz (task queue ${cfg.PAYOUTS_TASK_QUEUE})`,
      `  webhook relay    ${relayUrl}/webhooks/ecommpay, ${relayUrl}/webhooks/rbkmoney (orphans: ${relayInternalUrl}/orphans)`,
      `  codec server     ${codecUrl} (the UI decodes through it; card numbers masked)`,
      `                   CLI: --codec-endpoint ${codecUrl} --codec-auth "Bearer $(cat ${codecTokenFile(dataDir)})"`,
      `  sandbox          ${sandboxUrl} (ledger: ${sandboxUrl}/sandbox/ledger, faults: ${sandboxUrl}/sandbox/faults)`,
      ...providers.lines.map((line) => `  ${line}`),
      `  data             ${dataDir} (Temporal database: temporal.db, server log: temporal.log)`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

main().catch(async (err: unknown) => {
  if (err instanceof ConfigError || err instanceof PortTakenError) console.error(`[start] ${err.message}`);
  else console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
});
