/**
 * One-off commands run to completion (a CLI under test, a setup script, `go install`, the Temporal CLI): the
 * one place outside the stack's supervisor that starts a process. Long-running services go through
 * ./supervisor.ts instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './repo.js';

export interface CommandOptions {
  /** The whole environment of the command; jest isolates process.env, so callers pass it explicitly. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the command's standard input, which is then closed. */
  stdin?: string;
  /** SIGKILL after this long; the result then has `timedOut`. */
  timeoutMs?: number;
  /** Output passed through to this process's (a script's progress) instead of being collected. */
  inheritOutput?: boolean;
  /** Called with the output so far after each chunk; returning true ends the command with SIGTERM. */
  stopWhen?: (output: string) => boolean;
}

export interface CommandResult {
  /** The exit code; 1 when the command was ended by a signal or could not start. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class CommandFailedError extends Error {
  constructor(
    readonly what: string,
    readonly result: CommandResult,
  ) {
    const how = result.timedOut
      ? 'timed out'
      : result.signal
        ? `ended by ${result.signal}`
        : `exit code ${result.code}`;
    super(`${what} failed (${how})${result.stderr ? `: ${result.stderr.trim().slice(-2000)}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/** Runs a command to completion; never rejects on a non-zero exit (read `code`). */
export function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: [
        options.stdin === undefined ? 'ignore' : 'pipe',
        options.inheritOutput ? 'inherit' : 'pipe',
        options.inheritOutput ? 'inherit' : 'pipe',
      ],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    const collect = (append: (text: string) => void) => (chunk: Buffer) => {
      append(chunk.toString());
      if (options.stopWhen?.(stdout + stderr)) child.kill('SIGTERM');
    };
    child.stdout?.on(
      'data',
      collect((text) => (stdout += text)),
    );
    child.stderr?.on(
      'data',
      collect((text) => (stderr += text)),
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 1, signal: null, stdout, stderr: stderr + error.message, timedOut });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs a command to completion; rejects with CommandFailedError unless it exits 0. */
export async function runCommandOrThrow(
  what: string,
  command: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0 || result.timedOut) throw new CommandFailedError(what, result);
  return result;
}

/**
 * A TypeScript entry point in its own Node process through tsx's loader (not the tsx CLI, which forks: the
 * pid is then the script's own, the one a worker's identity `pid@host` names and the one a kill reaches).
 */
export function nodeScriptArgs(script: string, scriptArgs: string[] = [], nodeArgs: string[] = []): string[] {
  return [...nodeArgs, '--import', 'tsx', path.resolve(repoRoot, script), ...scriptArgs];
}

/** Runs a TypeScript (or JavaScript) script of the repository to completion; see runCommand. */
export function runNodeScript(script: string, args: string[] = [], options: CommandOptions = {}) {
  return runCommand(process.execPath, nodeScriptArgs(script, args), { cwd: repoRoot, ...options });
}

/** Runs a quick command synchronously (e.g. `git rev-parse`); throws unless it exits 0. Returns its stdout. */
export function runCommandSync(command: string, args: string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(options.cwd ? { cwd: options.cwd } : {}) });
  if (result.status !== 0) {
    const how = result.error?.message ?? `exit code ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} failed (${how}): ${result.stderr ?? ''}`.trim());
  }
  return result.stdout;
}
