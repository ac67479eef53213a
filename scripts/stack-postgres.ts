/**
 * `npm run stack:postgres [-- --temporal-only]`: the production shape on a machine without Docker. The
 * Temporal server at the version docker-compose.yml runs, on this machine's PostgreSQL (databases temporal and
 * temporal_visibility, several history shards), with the Web UI, the namespace and our search attributes; then
 * the provider sandbox, the codec server, the webhook relay and the worker as under `npm start`.
 * `--temporal-only` stops after Temporal (for benchmarks: `npm run bench:scale -- --address 127.0.0.1:7233`).
 *
 * The server, its SQL schema tool and the UI server are built once with `go install` and cached like the
 * Temporal CLI (~/.cache/payouts/, XDG_CACHE_HOME moves it); a cached binary is never rebuilt. The schema and
 * namespace steps are the compose file's own scripts (deploy/temporal/*.sh), so both shapes set up alike.
 * PostgreSQL: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD (none: trust). Ctrl-C stops
 * everything this started; the databases stay (drop them to start afresh).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { configuredCodecKeys, ensureDevelopmentKey } from '../src/codec/from-config.js';
import { config } from '../src/config.js';
import { PortTakenError, stopProcess } from '../src/devstack/dev-server.js';
import { portInUse, waitFor } from '../src/devstack/ports.js';
import { cardFingerprintKey, sandboxedProviders, sandboxWebhookKeyFile } from '../src/devstack/local-services.js';
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';
import { customSearchAttributes } from '../src/workflows/definitions.js';

const say = (line: string) => console.log(`[stack] ${line}`);
const tsx = path.resolve('node_modules/.bin/tsx');
const temporalOnly = process.argv.includes('--temporal-only');
/** Fixed once the databases exist (the server refuses another count); "several" so the shape is a cluster's. */
const historyShards = 8;

interface Running {
  name: string;
  process: ChildProcess;
}
const running: Running[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping...');
    // Reverse order: the worker finishes its tasks before the server goes away.
    for (const child of [...running].reverse()) await stopProcess(child.process);
    say('stopped');
  }
  process.exit(code);
}

/** Starts a child; its exit while the stack runs stops the stack. */
function start(name: string, command: string, args: string[], env: Record<string, string>, log?: string): Running {
  const stdio = log ? openSync(log, 'a') : 'inherit';
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdio, stdio] });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[stack] ${name} exited (${signal ?? `code ${code}`})${log ? `; see ${log}` : ''}; stopping`);
      void stopAll(1);
    }
  });
  const entry = { name, process: child };
  running.push(entry);
  return entry;
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
async function run(what: string, command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit code ${code})`))));
  });
}

/** The versions docker-compose.yml pins (`${TEMPORAL_VERSION:-x}`), unless the environment overrides them. */
async function composeVersions(): Promise<{ server: string; ui: string }> {
  const compose = parse(await readFile('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string }>;
  };
  const pinned = (service: string, variable: string) => {
    const match = new RegExp(`\\$\\{${variable}:-([^}]+)\\}`).exec(compose.services[service]?.image ?? '');
    if (!match?.[1]) throw new Error(`docker-compose.yml: no \${${variable}:-...} default in ${service}'s image`);
    return process.env[variable] ?? match[1];
  };
  return { server: pinned('temporal', 'TEMPORAL_VERSION'), ui: pinned('temporal-ui', 'TEMPORAL_UI_VERSION') };
}

function cacheBase(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'payouts');
}

function goBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

/**
 * A Go program at a version, from the cache or built once with `go install` (the binary `go install` names
 * after its package directory is renamed to `name`). The rename is atomic: a concurrent run sees no binary or
 * a whole one.
 */
async function goTool(name: string, pkg: string, version: string, cacheDir: string): Promise<string> {
  const target = path.join(cacheDir, name);
  if (existsSync(target)) return target;
  const go = goBinary();
  if (!go) throw new Error(`${name}: not cached at ${target} and no Go toolchain to build ${pkg}@${version}`);
  const buildDir = `${cacheDir}.build-${process.pid}`;
  await mkdir(buildDir, { recursive: true });
  say(`${name}: building ${pkg}@${version} with go install (first time only, takes minutes)`);
  const started = Date.now();
  try {
    await run(`go install ${pkg}@${version}`, go, ['install', `${pkg}@${version}`], {
      GOBIN: buildDir,
      CGO_ENABLED: process.env.CGO_ENABLED ?? '0',
    });
    await mkdir(cacheDir, { recursive: true });
    await rename(path.join(buildDir, path.basename(pkg)), target);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  say(`${name}: built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${target}`);
  return target;
}

async function main(): Promise<void> {
  const cfg = config();
  const dataDir = path.resolve(cfg.DATA_DIR, 'stack-postgres');
  await mkdir(dataDir, { recursive: true });
  const grpcPort = cfg.TEMPORAL_GRPC_PORT;
  const ports: [number, string][] = [
    [grpcPort, 'TEMPORAL_GRPC_PORT'],
    [grpcPort + 1, 'TEMPORAL_GRPC_PORT (history: +1)'],
    [grpcPort + 2, 'TEMPORAL_GRPC_PORT (matching: +2)'],
    [grpcPort + 6, 'TEMPORAL_GRPC_PORT (worker: +6)'],
    [grpcPort + 10, 'TEMPORAL_GRPC_PORT (HTTP: +10)'],
    ...[300, 299, 298, 294].map((below): [number, string] => [
      grpcPort - below,
      `TEMPORAL_GRPC_PORT (membership: -${below})`,
    ]),
    [cfg.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT'],
  ];
  if (!temporalOnly) {
    ports.push(
      [cfg.RELAY_PORT, 'RELAY_PORT'],
      [cfg.RELAY_INTERNAL_PORT, 'RELAY_INTERNAL_PORT'],
      [cfg.CODEC_SERVER_PORT, 'CODEC_SERVER_PORT'],
      [cfg.SANDBOX_PORT, 'SANDBOX_PORT'],
      [cfg.WORKER_HEALTH_PORT, 'WORKER_HEALTH_PORT'],
    );
  }
  for (const [port, variable] of ports) if (await portInUse(port)) throw new PortTakenError(port, variable);

  const pg = {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: process.env.PGPORT ?? '5432',
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD ?? '',
  };
  if (!(await portInUse(Number(pg.port), pg.host))) {
    throw new Error(`no PostgreSQL at ${pg.host}:${pg.port} (PGHOST, PGPORT name another)`);
  }

  const versions = await composeVersions();
  const serverCache = path.join(cacheBase(), `temporal-server-v${versions.server}`);
  const server = await goTool(
    'temporal-server',
    'go.temporal.io/server/cmd/server',
    `v${versions.server}`,
    serverCache,
  );
  const sqlTool = await goTool(
    'temporal-sql-tool',
    'go.temporal.io/server/cmd/tools/sql',
    `v${versions.server}`,
    serverCache,
  );
  const cli = await ensureTemporalCli(say);
  say(`Temporal server ${versions.server} (${server}), CLI ${cli.version}`);

  say(`schema: databases temporal and temporal_visibility at ${pg.host}:${pg.port} (user ${pg.user})`);
  await run('schema setup', '/bin/sh', ['deploy/temporal/setup-schema.sh'], {
    TEMPORAL_SQL_TOOL: sqlTool,
    SQL_HOST: pg.host,
    SQL_PORT: pg.port,
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  });

  const serverLog = path.join(dataDir, 'temporal-server.log');
  const configFile = path.resolve('deploy/temporal/stack-postgres.yaml.tmpl');
  start(
    'temporal-server',
    server,
    ['--config-file', configFile, '--allow-no-auth', 'start'],
    {
      STACK_GRPC_PORT: String(grpcPort),
      STACK_HISTORY_SHARDS: String(historyShards),
      STACK_PG_ADDRESS: `${pg.host}:${pg.port}`,
      STACK_PG_USER: pg.user,
      STACK_PG_PASSWORD: pg.password,
      STACK_DYNAMIC_CONFIG: path.resolve('deploy/temporal/dynamicconfig.yaml'),
    },
    serverLog,
  );
  const address = `127.0.0.1:${grpcPort}`;
  await run('namespace and search attributes', '/bin/sh', ['deploy/temporal/setup-namespace.sh'], {
    TEMPORAL_CLI: cli.path,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE,
    PAYOUTS_SEARCH_ATTRIBUTES: customSearchAttributes
      .map(
        (key) =>
          `${key.name}=${key.type
            .split('_')
            .map((w) => w[0] + w.slice(1).toLowerCase())
            .join('')}`,
      )
      .join(' '),
  });

  const codecUrl = `http://localhost:${cfg.CODEC_SERVER_PORT}`;
  const uiUrl = await startUi(versions.ui, address, cfg.TEMPORAL_UI_PORT, cfg.TEMPORAL_NAMESPACE, codecUrl, dataDir);
  const lines = [
    `  Temporal gRPC    ${address} (namespace ${cfg.TEMPORAL_NAMESPACE}, ${historyShards} history shards, PostgreSQL ${pg.host}:${pg.port})`,
    `  Temporal UI      ${uiUrl ?? 'not running (see above)'}`,
    `  server log       ${serverLog}`,
  ];
  if (!temporalOnly) lines.push(...(await startServices(address, dataDir)));
  console.log(['', 'payouts stack on PostgreSQL is up', ...lines, '  Ctrl-C stops everything.', ''].join('\n'));
}

/** The UI server, built once like the server; the stack runs without a UI when it cannot be built. */
async function startUi(
  version: string,
  address: string,
  port: number,
  namespace: string,
  codecUrl: string,
  dataDir: string,
): Promise<string | undefined> {
  let binary: string;
  try {
    const cacheDir = path.join(cacheBase(), `temporal-ui-server-v${version}`);
    binary = await goTool(
      'temporal-ui-server',
      'github.com/temporalio/ui-server/v2/cmd/server',
      `v${version}`,
      cacheDir,
    );
  } catch (error) {
    say(`UI: ${error instanceof Error ? error.message : String(error)}; going on without the UI`);
    return undefined;
  }
  const configDir = path.join(dataDir, 'ui-config');
  await mkdir(configDir, { recursive: true });
  const uiConfig = {
    temporalGrpcAddress: address,
    host: '127.0.0.1',
    port,
    enableUi: true,
    defaultNamespace: namespace,
    // The browser calls the codec server to show decrypted (masked) payloads.
    codec: { endpoint: codecUrl, passAccessToken: false, includeCredentials: false },
    cors: { allowOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`], cookieInsecure: true },
  };
  await writeFile(path.join(configDir, 'stack.yaml'), stringify(uiConfig));
  const log = path.join(dataDir, 'temporal-ui.log');
  start('temporal-ui', binary, ['--root', dataDir, '--config', 'ui-config', '--env', 'stack', 'start'], {}, log);
  await waitFor('Temporal UI', () => portInUse(port), 30_000);
  return `http://localhost:${port} (codec ${codecUrl}${temporalOnly ? ', not started with --temporal-only' : ''})`;
}

/** Sandbox, codec server, relay and worker, wired as `npm start` wires them (providers on the sandbox). */
async function startServices(address: string, dataDir: string): Promise<string[]> {
  const cfg = config();
  const relayUrl = `http://localhost:${cfg.RELAY_PORT}`;
  const sandboxUrl = `http://localhost:${cfg.SANDBOX_PORT}`;
  const service = (name: string, script: string, env: Record<string, string>) =>
    start(name, tsx, [script], { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE, ...env });

  const webhookKeyFile = await sandboxWebhookKeyFile(dataDir, say);
  service('sandbox', 'src/sandbox/main.ts', {
    SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE ?? path.join(dataDir, 'sandbox-ledger.jsonl'),
    SANDBOX_ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
    SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE: process.env.SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE ?? webhookKeyFile,
  });
  await waitFor('sandbox', () => portInUse(cfg.SANDBOX_PORT), 60_000);

  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CODEC_KEYS: (await configuredCodecKeys(cfg)) ?? (await ensureDevelopmentKey(dataDir, say)),
    CARD_FINGERPRINT_KEY: await cardFingerprintKey(cfg, dataDir, say),
  };
  const providers = await sandboxedProviders(cfg, sandboxUrl, relayUrl);
  Object.assign(env, providers.env);
  const lines = providers.lines.map((line) => `  ${line}`);
  service('codec', 'src/codec/main.ts', env);
  service('relay', 'src/webhooks/main.ts', env);
  service('worker', 'src/worker/main.ts', env);
  await waitFor('codec server', () => portInUse(cfg.CODEC_SERVER_PORT), 60_000);
  await waitFor('relay', () => portInUse(cfg.RELAY_PORT), 60_000);
  await waitFor('worker', () => portInUse(cfg.WORKER_HEALTH_PORT), 120_000);
  return [
    `  worker health    http://localhost:${cfg.WORKER_HEALTH_PORT}/healthz (task queue ${cfg.PAYOUTS_TASK_QUEUE})`,
    `  webhook relay    ${relayUrl}/webhooks/ecommpay, ${relayUrl}/webhooks/rbkmoney`,
    `                   (orphans, metrics: http://localhost:${cfg.RELAY_INTERNAL_PORT}/orphans, /metrics)`,
    `  codec server     http://localhost:${cfg.CODEC_SERVER_PORT}`,
    `  sandbox          ${sandboxUrl}`,
    ...lines,
    `  data             ${dataDir}`,
  ];
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

main().catch(async (error: unknown) => {
  console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
