/**
 * Supervises the long-running processes of a local stack: each writes to `<logDir>/<name>.log` (and, when
 * asked, to the console through ./console-output.ts); one that dies without being stopped or killed through
 * the supervisor is reported, never silently ignored; stopAll stops the newest first (workers before the
 * services and the server they use).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, openSync, closeSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { nodeScriptArgs } from './commands.js';
import { type ConsoleMode, lineFormatter } from './console-output.js';
import { repoRoot } from './repo.js';

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly logFile: string;
  /** True once the process has exited, for whatever reason. */
  readonly exited: boolean;
  /** Resolves once the process has exited, with how ("code 1", "SIGKILL"). */
  readonly exit: Promise<string>;
  /** SIGKILL: no shutdown, no goodbye to the server; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface UnexpectedExit {
  name: string;
  how: string;
  logFile: string;
}

export interface SupervisorOptions {
  logDir: string;
  /** Where the processes' lines are shown besides their log files (default: nowhere). */
  console?: ConsoleMode;
  /** The console (default: this process's stdout). */
  writeLine?: (line: string) => void;
  /** Given to every process over this process's environment. */
  env?: Record<string, string>;
  /** Working directory of every process (default: the repository's root). */
  cwd?: string;
  /** A process ended without being stopped or killed through the supervisor. */
  onUnexpectedExit?: (process: SupervisedProcess, how: string) => void;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** The log file (default `<logDir>/<name>.log`); appended to, so a restarted process keeps one log. */
  logFile?: string;
  /** Show this process's lines on the console too (default true when the supervisor has a console). */
  console?: boolean;
}

export class Supervisor {
  readonly #running: SupervisedProcess[] = [];
  readonly #unexpectedExits: UnexpectedExit[] = [];
  readonly #formatLine;

  constructor(private readonly options: SupervisorOptions) {
    mkdirSync(options.logDir, { recursive: true });
    const mode = options.console ?? 'none';
    this.#formatLine = mode === 'none' ? undefined : lineFormatter({ mode });
  }

  get logDir(): string {
    return this.options.logDir;
  }

  /** Processes still running, oldest first. */
  get running(): readonly SupervisedProcess[] {
    return this.#running;
  }

  /** Every process that ended on its own so far. */
  get unexpectedExits(): readonly UnexpectedExit[] {
    return this.#unexpectedExits;
  }

  /** Starts `command` as a supervised process named `name`. */
  start(name: string, command: string, args: readonly string[], options: StartOptions = {}): SupervisedProcess {
    const logFile = options.logFile ?? path.join(this.options.logDir, `${name}.log`);
    mkdirSync(path.dirname(logFile), { recursive: true });
    const formatLine = options.console === false ? undefined : this.#formatLine;
    // Without a console the process writes to its file directly: no relaying cost in this process (benchmarks).
    const fd = formatLine ? undefined : openSync(logFile, 'a');
    const child = spawn(command, [...args], {
      env: { ...process.env, ...this.options.env, ...options.env },
      cwd: this.options.cwd ?? repoRoot,
      stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    if (formatLine) this.#relay(name, child, createWriteStream(logFile, { flags: 'a' }), formatLine);
    return this.#supervise(name, child, logFile);
  }

  /** Starts a TypeScript entry point of the repository in its own Node process (see nodeScriptArgs). */
  startNodeScript(
    name: string,
    script: string,
    options: StartOptions & { nodeArgs?: string[]; args?: string[] } = {},
  ): SupervisedProcess {
    return this.start(name, process.execPath, nodeScriptArgs(script, options.args, options.nodeArgs), options);
  }

  /** Stops every process, newest first. */
  async stopAll(): Promise<void> {
    for (const supervised of [...this.#running].reverse()) await supervised.stop();
  }

  #relay(name: string, child: ChildProcess, log: WriteStream, formatLine: (name: string, line: string) => string) {
    const writeLine = this.options.writeLine ?? ((line: string) => process.stdout.write(`${line}\n`));
    let open = 2;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        if (line.trim()) writeLine(formatLine(name, line));
      });
      lines.once('close', () => {
        if (--open === 0) log.end();
      });
    }
  }

  #supervise(name: string, child: ChildProcess, logFile: string): SupervisedProcess {
    let leaving = false;
    let how: string | undefined;
    const exit = new Promise<string>((resolve) => {
      const ended = (description: string) => {
        if (how !== undefined) return;
        how = description;
        const index = this.#running.indexOf(supervised);
        if (index >= 0) this.#running.splice(index, 1);
        if (!leaving) {
          this.#unexpectedExits.push({ name, how, logFile });
          this.options.onUnexpectedExit?.(supervised, how);
        }
        resolve(how);
      };
      child.once('exit', (code, signal) => ended(signal ?? `code ${code}`));
      child.once('error', (error) => ended(`could not start: ${error.message}`));
    });
    const signalAndWait = async (signal: NodeJS.Signals, graceMs?: number) => {
      if (how !== undefined) return;
      leaving = true;
      const timer = graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill(signal);
      await exit;
      clearTimeout(timer);
    };
    const supervised: SupervisedProcess = {
      name,
      pid: child.pid,
      logFile,
      get exited() {
        return how !== undefined;
      },
      exit,
      kill: () => signalAndWait('SIGKILL'),
      stop: (graceMs = 10_000) => signalAndWait('SIGTERM', graceMs),
    };
    this.#running.push(supervised);
    return supervised;
  }
}
