/**
 * The Temporal server of a stack (./stack.ts): a dev server on a SQLite file, the PostgreSQL-backed server,
 * or a server already running that the stack only connects to.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from '../config.js';
import { type DevServer, startDevServer } from './dev-server.js';
import { freePort, portInUse, waitFor } from './ports.js';
import { startPostgresServer } from './postgres-server.js';
import type { Supervisor } from './supervisor.js';
import { ensureTemporalCli } from './temporal-cli.js';

/** `dev`: `temporal server start-dev`; `postgres`: the production shape's server; or a server already running. */
export type ServerChoice = 'dev' | 'postgres' | { address: string; namespace?: string };

export interface ServerContext {
  supervisor: Supervisor;
  /** The gRPC and UI ports; a free gRPC port that another process takes first is replaced (dev server). */
  ports: { temporal: number; temporalUi: number };
  /** The codec server the Web UI decodes payloads through. */
  codecUrl: string;
  cfg: Config;
  logDir: string;
  dataDir: string;
  say: (line: string) => void;
}

export interface StackServerOptions {
  server: ServerChoice;
  /** The dev server keeps its database in dataDir and serves the Web UI (else a fresh one in logDir). */
  persistent?: boolean;
  /** The gRPC port was fixed by the caller: never replaced. */
  fixedPort?: boolean;
}

export interface RunningServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  description: string;
  /** Stops the server and starts it again on its port and database; resolves with the downtime (ms). */
  restart(): Promise<number>;
}

async function reachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

const notRestartable = () => Promise.reject(new Error('only a dev server started by the stack can be restarted'));

export async function startTemporal(options: StackServerOptions, context: ServerContext): Promise<RunningServer> {
  const { cfg, ports, say } = context;
  if (typeof options.server === 'object') {
    const { address } = options.server;
    if (!(await reachable(address))) throw new Error(`no Temporal server at ${address}`);
    const namespace = options.server.namespace ?? cfg.TEMPORAL_NAMESPACE;
    return { address, namespace, uiUrl: undefined, description: 'already running', restart: notRestartable };
  }
  const cli = await ensureTemporalCli(say);
  say(`Temporal CLI ${cli.version} (${cli.source}: ${cli.path})`);
  if (options.server === 'postgres') {
    const server = await startPostgresServer({
      supervisor: context.supervisor,
      cliPath: cli.path,
      grpcPort: ports.temporal,
      uiPort: ports.temporalUi,
      namespace: cfg.TEMPORAL_NAMESPACE,
      codecUrl: context.codecUrl,
      dataDir: context.dataDir,
      say,
    });
    return { ...server, restart: notRestartable };
  }

  const dbFile = path.join(options.persistent ? context.dataDir : context.logDir, 'temporal.db');
  const startDev = () =>
    startDevServer({
      cliPath: cli.path,
      port: ports.temporal,
      namespace: cfg.TEMPORAL_NAMESPACE,
      dbFile,
      logFile: path.join(context.logDir, 'temporal.log'),
      supervisor: context.supervisor,
      ...(options.persistent ? { uiPort: ports.temporalUi, uiCodecEndpoint: context.codecUrl } : {}),
    });
  let server: DevServer | undefined;
  // A free port can be taken by another process before the server binds it (a busy machine): try again.
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await startDev();
    } catch (error) {
      if (attempt >= 3 || options.fixedPort) throw error;
      say(`Temporal dev server did not start (${error instanceof Error ? error.message : String(error)}); again`);
      ports.temporal = await freePort();
    }
  }
  let running = server;
  return {
    address: running.address,
    namespace: running.namespace,
    uiUrl: running.uiUrl,
    description: `dev server, database ${dbFile}`,
    async restart() {
      const stoppedAt = Date.now();
      await running.stop();
      await waitFor('the server port to close', async () => !(await portInUse(ports.temporal)), 30_000);
      running = await startDev();
      return Date.now() - stoppedAt;
    },
  };
}
