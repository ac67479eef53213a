/**
 * The production shape's Temporal on a machine without Docker: the server at the version docker-compose.yml
 * runs, on this machine's PostgreSQL (databases temporal and temporal_visibility, several history shards),
 * with the Web UI, the namespace and our search attributes. The server, its SQL tool and the UI server are Go
 * programs built once (./go-tools.ts); the schema and namespace steps are the compose file's own scripts
 * (deploy/temporal/*.sh), so both shapes set up alike. PostgreSQL: PGHOST (127.0.0.1), PGPORT (5432), PGUSER
 * (postgres), PGPASSWORD (none: trust).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { customSearchAttributes } from '../workflows/definitions.js';
import { runCommandOrThrow } from './commands.js';
import { cacheBase, cachedGoTool } from './go-tools.js';
import { portInUse, waitFor } from './ports.js';
import { repoRoot } from './repo.js';
import type { SupervisedProcess, Supervisor } from './supervisor.js';

/** Fixed once the databases exist (the server refuses another count); "several" so the shape is a cluster's. */
export const historyShards = 8;

type Say = (line: string) => void;

export interface PostgresServerOptions {
  supervisor: Supervisor;
  cliPath: string;
  grpcPort: number;
  uiPort: number;
  namespace: string;
  /** The codec server the UI decodes payloads through. */
  codecUrl: string;
  /** The UI's configuration goes here. */
  dataDir: string;
  say: Say;
}

export interface PostgresServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  process: SupervisedProcess;
  description: string;
}

/** Every port the server binds besides the UI's: frontend, history, matching, worker, HTTP and membership. */
export function postgresServerPorts(grpcPort: number): [number, string][] {
  return [
    [grpcPort, 'TEMPORAL_GRPC_PORT'],
    [grpcPort + 1, 'TEMPORAL_GRPC_PORT (history: +1)'],
    [grpcPort + 2, 'TEMPORAL_GRPC_PORT (matching: +2)'],
    [grpcPort + 6, 'TEMPORAL_GRPC_PORT (worker: +6)'],
    [grpcPort + 10, 'TEMPORAL_GRPC_PORT (HTTP: +10)'],
    ...[300, 299, 298, 294].map((below): [number, string] => [
      grpcPort - below,
      `TEMPORAL_GRPC_PORT (membership: -${below})`,
    ]),
  ];
}

function postgresSettings() {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: process.env.PGPORT ?? '5432',
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD ?? '',
  };
}

/** The versions docker-compose.yml pins (`${TEMPORAL_VERSION:-x}`), unless the environment overrides them. */
async function composeVersions(): Promise<{ server: string; ui: string }> {
  const compose = parse(await readFile(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string }>;
  };
  const pinned = (service: string, variable: string) => {
    const match = new RegExp(`\\$\\{${variable}:-([^}]+)\\}`).exec(compose.services[service]?.image ?? '');
    if (!match?.[1]) throw new Error(`docker-compose.yml: no \${${variable}:-...} default in ${service}'s image`);
    return process.env[variable] ?? match[1];
  };
  return { server: pinned('temporal', 'TEMPORAL_VERSION'), ui: pinned('temporal-ui', 'TEMPORAL_UI_VERSION') };
}

/** `PayoutStatus=Keyword PayoutAmount=Int ...`, as deploy/temporal/setup-namespace.sh reads them. */
function searchAttributeList(): string {
  const typeName = (type: string) =>
    type
      .split('_')
      .map((word) => word[0] + word.slice(1).toLowerCase())
      .join('');
  return customSearchAttributes.map((key) => `${key.name}=${typeName(key.type)}`).join(' ');
}

/** Sets up the schema, starts the server and the UI (the stack goes on without a UI it cannot build). */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const { say } = options;
  const pg = postgresSettings();
  if (!(await portInUse(Number(pg.port), pg.host))) {
    throw new Error(`no PostgreSQL at ${pg.host}:${pg.port} (PGHOST, PGPORT name another)`);
  }
  const versions = await composeVersions();
  const serverCache = path.join(cacheBase(), `temporal-server-v${versions.server}`);
  const version = `v${versions.server}`;
  const server = await cachedGoTool('temporal-server', 'go.temporal.io/server/cmd/server', version, serverCache, say);
  const sqlTool = await cachedGoTool(
    'temporal-sql-tool',
    'go.temporal.io/server/cmd/tools/sql',
    version,
    serverCache,
    say,
  );
  say(`Temporal server ${versions.server} (${server})`);

  say(`schema: databases temporal and temporal_visibility at ${pg.host}:${pg.port} (user ${pg.user})`);
  const script = (name: string) => path.join(repoRoot, 'deploy/temporal', name);
  await runCommandOrThrow('schema setup', '/bin/sh', [script('setup-schema.sh')], {
    env: {
      ...process.env,
      TEMPORAL_SQL_TOOL: sqlTool,
      SQL_HOST: pg.host,
      SQL_PORT: pg.port,
      SQL_USER: pg.user,
      SQL_PASSWORD: pg.password,
    },
    cwd: repoRoot,
    inheritOutput: true,
  });
  const serverProcess = options.supervisor.start(
    'temporal-server',
    server,
    ['--config-file', path.join(repoRoot, 'deploy/temporal/stack-postgres.yaml.tmpl'), '--allow-no-auth', 'start'],
    {
      env: {
        STACK_GRPC_PORT: String(options.grpcPort),
        STACK_HISTORY_SHARDS: String(historyShards),
        STACK_PG_ADDRESS: `${pg.host}:${pg.port}`,
        STACK_PG_USER: pg.user,
        STACK_PG_PASSWORD: pg.password,
        STACK_DYNAMIC_CONFIG: path.join(repoRoot, 'deploy/temporal/dynamicconfig.yaml'),
      },
      console: false,
    },
  );
  const address = `127.0.0.1:${options.grpcPort}`;
  await runCommandOrThrow('namespace and search attributes', '/bin/sh', [script('setup-namespace.sh')], {
    env: {
      ...process.env,
      TEMPORAL_CLI: options.cliPath,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: options.namespace,
      PAYOUTS_SEARCH_ATTRIBUTES: searchAttributeList(),
    },
    cwd: repoRoot,
    inheritOutput: true,
  });
  const uiUrl = await startUi(options, versions.ui, address);
  return {
    address,
    namespace: options.namespace,
    uiUrl,
    process: serverProcess,
    description: `${historyShards} history shards, PostgreSQL ${pg.host}:${pg.port}`,
  };
}

async function startUi(options: PostgresServerOptions, version: string, address: string) {
  const { say, uiPort: port } = options;
  let binary: string;
  try {
    const cacheDir = path.join(cacheBase(), `temporal-ui-server-v${version}`);
    const pkg = 'github.com/temporalio/ui-server/v2/cmd/server';
    binary = await cachedGoTool('temporal-ui-server', pkg, `v${version}`, cacheDir, say);
  } catch (error) {
    say(`UI: ${error instanceof Error ? error.message : String(error)}; going on without the UI`);
    return undefined;
  }
  const configDir = path.join(options.dataDir, 'ui-config');
  await mkdir(configDir, { recursive: true });
  const uiConfig = {
    temporalGrpcAddress: address,
    host: '127.0.0.1',
    port,
    enableUi: true,
    defaultNamespace: options.namespace,
    // The browser calls the codec server to show decrypted (masked) payloads.
    codec: { endpoint: options.codecUrl, passAccessToken: false, includeCredentials: false },
    cors: { allowOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`], cookieInsecure: true },
  };
  await writeFile(path.join(configDir, 'stack.yaml'), stringify(uiConfig));
  const args = ['--root', options.dataDir, '--config', 'ui-config', '--env', 'stack', 'start'];
  options.supervisor.start('temporal-ui', binary, args, { console: false });
  await waitFor('Temporal UI', () => portInUse(port), 30_000);
  return `http://localhost:${port}`;
}
