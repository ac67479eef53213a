/**
 * The stack's services (sandbox, relay, workers) as separate Node processes, for the benchmarks and the chaos
 * test: each runs its TypeScript entry point through tsx's loader (not the tsx CLI, which forks: the pid we
 * hold is then the service's own, the one a worker's identity `pid@host` names and the one a kill reaches),
 * with its output in a log file of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { stopProcess } from '../src/devstack/dev-server.js';

export interface ServiceProcess {
  name: string;
  process: ChildProcess;
  logFile: string;
}

export interface ProcessGroupOptions {
  /** Where each service's log goes (`<name>.log`). */
  logDir: string;
  /** Working directory of every service (script paths are relative to it); the current one by default. */
  cwd?: string;
  /** Given to every service, under its own variables. */
  env?: Record<string, string>;
  /** A service ended without being stopped or killed through the group. */
  onUnexpectedExit?: (service: ServiceProcess, how: string) => void;
}

export class ProcessGroup {
  readonly #running: ServiceProcess[] = [];
  /** Services being stopped or killed on purpose: their exit is expected. */
  readonly #leaving = new Set<ChildProcess>();

  constructor(private readonly options: ProcessGroupOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  /** Services still running, oldest first. */
  get running(): readonly ServiceProcess[] {
    return this.#running;
  }

  start(name: string, script: string, env: Record<string, string> = {}): ServiceProcess {
    const logFile = path.join(this.options.logDir, `${name}.log`);
    const log = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.options.env, ...env },
      stdio: ['ignore', log, log],
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
    });
    const service = { name, process: child, logFile };
    this.#running.push(service);
    child.once('exit', (code, signal) => {
      const index = this.#running.indexOf(service);
      if (index >= 0) this.#running.splice(index, 1);
      if (!this.#leaving.delete(child)) this.options.onUnexpectedExit?.(service, signal ?? `code ${code}`);
    });
    return service;
  }

  /** SIGKILL: no shutdown, no goodbye to the server; resolves once the process is gone. */
  async kill(service: ServiceProcess): Promise<void> {
    const { process: child } = service;
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.#leaving.add(child);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM (SIGKILL after a grace period). */
  async stop(service: ServiceProcess): Promise<void> {
    if (service.process.exitCode === null && service.process.signalCode === null) this.#leaving.add(service.process);
    await stopProcess(service.process);
  }

  /** Stops every service, newest first (workers before the services they use). */
  async stopAll(): Promise<void> {
    for (const service of [...this.#running].reverse()) await this.stop(service);
  }
}
