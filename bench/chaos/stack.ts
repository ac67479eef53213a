/**
 * The chaos test's stack, from the one launcher (src/devstack/stack.ts), every part its own process: the
 * Temporal dev server on a SQLite file (so it can be stopped and started again on the same file and port),
 * the provider sandbox, the webhook relay and the workers (a prebuilt workflow bundle, so a replacement worker
 * polls within seconds). It can kill a worker and start another, and restart the server.
 */
import type { SupervisedProcess } from '../../src/devstack/supervisor.js';
import { type Stack, type StackWorker, startStack } from '../../src/devstack/stack.js';
import type { FaultPatch } from '../../src/sandbox/faults.js';

async function isHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface ChaosStackOptions {
  dir: string;
  workers: number;
  say: (line: string) => void;
}

export class ChaosStack {
  #closing = false;
  /** Workers that died without being killed by the test (e.g. while the server was down). */
  crashedWorkers = 0;
  /** Set when the sandbox, the relay or the server died: the run cannot be judged. */
  fatal: string | undefined;

  private constructor(
    private readonly options: ChaosStackOptions,
    private readonly stack: Stack,
  ) {}

  get address(): string {
    return this.stack.address;
  }

  get namespace(): string {
    return this.stack.namespace;
  }

  get sandboxUrl(): string {
    return this.stack.urls.sandbox;
  }

  get codecKeys(): string {
    return this.stack.codecKeys;
  }

  static async start(options: ChaosStackOptions): Promise<ChaosStack> {
    // Set once the stack exists; until then startStack fails on a death by itself.
    let onExit: (supervised: SupervisedProcess, how: string) => void = () => undefined;
    const bundleStarted = Date.now();
    const stack = await startStack({
      server: 'dev',
      logDir: options.dir,
      keys: 'per-run',
      workers: options.workers,
      prebuiltWorkflowBundle: true,
      env: { LOG_LEVEL: 'warn', PAYOUTS_TASK_QUEUE: 'payouts' },
      sandboxEnv: {
        SANDBOX_PROCESSING_MS: '1000',
        SANDBOX_CALLBACK_DELAY_MS: '500',
        // Retries outlast the server's restart: the relay answers 503 while Temporal is away.
        SANDBOX_CALLBACK_RETRY_MS: '5000',
        SANDBOX_CALLBACK_MAX_ATTEMPTS: '24',
      },
      say: options.say,
      onUnexpectedExit: (supervised, how) => onExit(supervised, how),
    });
    options.say(`stack up with ${options.workers} workers in ${((Date.now() - bundleStarted) / 1000).toFixed(1)} s`);
    const chaos = new ChaosStack(options, stack);
    onExit = (supervised, how) => chaos.#exited(supervised, how);
    return chaos;
  }

  /** Switches the sandbox's fault knobs (and restarts its random sequence from the seed). */
  async setFaults(patch: FaultPatch): Promise<void> {
    await this.stack.setSandboxFaults(patch);
  }

  /** Workers whose health endpoint says they are running (polling), in start order. */
  async readyWorkers(): Promise<number> {
    return (await this.#polling()).length;
  }

  /**
   * SIGKILLs a random running worker, picked by `pick(n)` among the n that poll, and starts a replacement at
   * once. Only while another worker polls too: a kill never leaves the task queue without a worker for the
   * seconds a replacement needs to start. Resolves with what happened, or undefined when no kill was due.
   */
  async killWorker(pick: (n: number) => number): Promise<string | undefined> {
    const ready = await this.#polling();
    if (ready.length < 2) return undefined;
    const victim = ready[pick(ready.length)]!;
    await this.stack.killWorker(victim);
    const replacement = await this.stack.startWorker();
    return `${victim.name} (pid ${victim.process.pid}) killed, ${replacement.name} (pid ${replacement.process.pid}) started`;
  }

  /**
   * SIGKILLs every worker, even the last one (the crash tests' worst moment: no worker left while an activity
   * is in flight), then starts one replacement. Resolves with the killed workers' pids.
   */
  async crashAllWorkers(): Promise<number[]> {
    const victims = [...this.stack.workers];
    for (const victim of victims) await this.stack.killWorker(victim);
    await this.stack.startWorker();
    return victims.flatMap((victim) => victim.process.pid ?? []);
  }

  /** Stops the dev server and starts it again on the same port and database file; resolves with the downtime. */
  restartServer(): Promise<number> {
    return this.stack.restartServer();
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.stack.stop();
  }

  async #polling(): Promise<StackWorker[]> {
    const workers = [...this.stack.workers];
    const healthy = await Promise.all(workers.map((worker) => isHealthy(worker.healthPort)));
    return workers.filter((_, i) => healthy[i]);
  }

  #exited(supervised: SupervisedProcess, how: string): void {
    if (this.#closing) return;
    // Called before the stack forgets the process, so a worker is still among its workers here.
    if (!this.stack.workers.some((worker) => worker.process === supervised)) {
      this.fatal ??= `${supervised.name} exited (${how}); see ${supervised.logFile}`;
      this.options.say(`FATAL: ${this.fatal}`);
      return;
    }
    // A worker that gave up by itself is replaced like a killed one, and counted.
    this.crashedWorkers++;
    this.options.say(
      `${supervised.name} exited by itself (${how}); starting a replacement (see ${supervised.logFile})`,
    );
    this.stack.startWorker().catch((error: unknown) => {
      this.fatal ??= `a replacement worker did not start: ${error instanceof Error ? error.message : String(error)}`;
    });
  }
}
