/**
 * Runs `temporal server start-dev` as a child process: the local Temporal server for `npm start`, the
 * integration tests, the chaos test and the benchmarks. One code path for all of them.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { customSearchAttributes } from '../workflows/definitions.js';
import { runCommand } from './commands.js';
import { portInUse, waitFor } from './ports.js';
import { type SupervisedProcess, Supervisor } from './supervisor.js';

/** The Temporal CLI's name for each search attribute type (`--search-attribute`, `search-attribute create`). */
export const cliTypeNames: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export interface DevServerOptions {
  cliPath: string;
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server (tests). */
  uiPort?: number;
  namespace?: string;
  /** SQLite file; omit for an in-memory database that is lost on exit. */
  dbFile?: string;
  uiCodecEndpoint?: string;
  /** Where the server's own log goes. */
  logFile: string;
  extraArgs?: string[];
  /** The stack's supervisor, which reports the server's unexpected exit (default: one of its own). */
  supervisor?: Supervisor;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: SupervisedProcess;
  stop(): Promise<void>;
}

export class PortTakenError extends Error {
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`port ${port} is already in use: stop whatever listens there or set ${envVar} to another port`);
    this.name = 'PortTakenError';
  }
}

export function devServerArgs(options: DevServerOptions): string[] {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port)];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    // The default rollback journal makes every write an fsync'd file rewrite; WAL keeps a file-backed server fast.
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const key of customSearchAttributes) args.push('--search-attribute', `${key.name}=${cliTypeNames[key.type]}`);
  args.push('--log-format', 'json', '--log-level', 'warn');
  return [...args, ...(options.extraArgs ?? [])];
}

async function healthy(cliPath: string, address: string): Promise<boolean> {
  const result = await runCommand(cliPath, ['operator', 'cluster', 'health', '--address', address], {
    timeoutMs: 5000,
  });
  return result.code === 0 && result.stdout.includes('SERVING');
}

/** Starts the dev server and resolves once it answers health checks. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  if (await portInUse(options.port, ip)) throw new PortTakenError(options.port, 'TEMPORAL_GRPC_PORT');
  if (options.uiPort !== undefined && (await portInUse(options.uiPort, ip))) {
    throw new PortTakenError(options.uiPort, 'TEMPORAL_UI_PORT');
  }
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const supervisor = options.supervisor ?? new Supervisor({ logDir: path.dirname(options.logFile) });
  const server = supervisor.start('temporal', options.cliPath, devServerArgs(options), {
    logFile: options.logFile,
    // Its own log (warnings and errors) stays in the file; the launcher reports it if it dies.
    console: false,
  });
  const address = `${ip}:${options.port}`;
  try {
    await waitFor(
      `Temporal dev server on ${address}`,
      async () => {
        if (server.exited) throw new Error(`Temporal dev server exited (${await server.exit}); see ${options.logFile}`);
        return healthy(options.cliPath, address);
      },
      60_000,
    );
  } catch (err) {
    await server.kill();
    throw err;
  }
  return {
    address,
    namespace: options.namespace ?? 'default',
    uiUrl: options.uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}` : undefined,
    process: server,
    stop: () => server.stop(),
  };
}
