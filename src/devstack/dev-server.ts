/**
 * Runs `temporal server start-dev` as a child process: the local Temporal server for `npm start`, the
 * integration tests, the chaos test and the benchmarks. One code path for all of them.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SearchAttributeType } from '@temporalio/common';
import { customSearchAttributes } from '../workflows/definitions.js';
import { portInUse, waitFor } from './ports.js';

const execFileAsync = promisify(execFile);

const cliTypeNames: Record<SearchAttributeType, string> = {
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
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ChildProcess;
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
  try {
    const { stdout } = await execFileAsync(cliPath, ['operator', 'cluster', 'health', '--address', address], {
      timeout: 5000,
    });
    return stdout.includes('SERVING');
  } catch {
    return false;
  }
}

/** Starts the dev server and resolves once it answers health checks. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  if (await portInUse(options.port, ip)) throw new PortTakenError(options.port, 'TEMPORAL_GRPC_PORT');
  if (options.uiPort !== undefined && (await portInUse(options.uiPort, ip))) {
    throw new PortTakenError(options.uiPort, 'TEMPORAL_UI_PORT');
  }
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.cliPath, devServerArgs(options), { stdio: ['ignore', log, log] });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const address = `${ip}:${options.port}`;
  try {
    await waitFor(
      `Temporal dev server on ${address}`,
      async () => {
        if (exited !== undefined)
          throw new Error(`Temporal dev server exited with code ${exited}; see ${options.logFile}`);
        return healthy(options.cliPath, address);
      },
      60_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    namespace: options.namespace ?? 'default',
    uiUrl: options.uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
