/**
 * The chaos test's stack, every part its own process: the Temporal dev server on a SQLite file (so it can be
 * stopped and started again on the same file and port), the provider sandbox, the webhook relay and the
 * workers (a prebuilt workflow bundle, so a replacement worker polls within seconds). It can kill a worker
 * and start another, and restart the server.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setupAsEnvironment, setupRbkmoneyAccount } from '../../src/cli/rbkmoney-setup.js';
import { generateCodecKeyEntry } from '../../src/codec/keys.js';
import { parseConfig } from '../../src/config.js';
import { type DevServer, startDevServer } from '../../src/devstack/dev-server.js';
import { freePort, portInUse, waitFor } from '../../src/devstack/ports.js';
import { ensureTemporalCli } from '../../src/devstack/temporal-cli.js';
import type { FaultPatch } from '../../src/sandbox/faults.js';
import { ProcessGroup, type ServiceProcess } from '../processes.js';

const execFileAsync = promisify(execFile);

async function isHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
/** Services and scripts are named from the repository's root, wherever the run was started. */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The sandbox's development credentials (its defaults, docs/SANDBOX.md). */
const ecommpay = { projectId: 1000, secretKey: 'sandbox-ecommpay-secret' };
const rbkmoneyApiKey = 'sandbox-rbkmoney-key';

export interface ChaosStackOptions {
  dir: string;
  workers: number;
  say: (line: string) => void;
}

interface WorkerProcess extends ServiceProcess {
  healthPort: number;
}

export class ChaosStack {
  #server: DevServer;
  #workers: WorkerProcess[] = [];
  #workerSeq = 0;
  #closing = false;
  /** Workers that died without being killed by the test (e.g. while the server was down). */
  crashedWorkers = 0;
  /** Set when the sandbox or the relay died: the run cannot be judged. */
  fatal: string | undefined;

  private constructor(
    private readonly options: ChaosStackOptions,
    private readonly group: ProcessGroup,
    private readonly cliPath: string,
    private readonly serverPort: number,
    server: DevServer,
    readonly sandboxUrl: string,
    readonly codecKeys: string,
    private readonly workerEnv: Record<string, string>,
  ) {
    this.#server = server;
  }

  get address(): string {
    return this.#server.address;
  }

  get namespace(): string {
    return this.#server.namespace;
  }

  static async start(options: ChaosStackOptions): Promise<ChaosStack> {
    const { dir, say } = options;
    // Set once the stack exists; a service that dies on its own is reported to it.
    let onExit: (service: ServiceProcess, how: string) => void = () => undefined;
    const group = new ProcessGroup({
      logDir: dir,
      cwd: repoRoot,
      onUnexpectedExit: (service, how) => onExit(service, how),
    });
    const cli = await ensureTemporalCli(say);
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    const bundleStarted = Date.now();
    const bundled = execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/bundle-workflows.ts', bundlePath], {
      cwd: repoRoot,
    });
    // Awaited below; a failure before then must not surface as an unhandled rejection.
    bundled.catch(() => undefined);
    const [serverPort, relayPort, sandboxPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const server = await startDevServer({
      cliPath: cli.path,
      port: serverPort,
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
    });
    try {
      const relayUrl = `http://127.0.0.1:${relayPort}`;
      const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
      group.start('sandbox', 'src/sandbox/main.ts', {
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_ECOMMPAY_PROJECT_ID: String(ecommpay.projectId),
        SANDBOX_ECOMMPAY_SECRET_KEY: ecommpay.secretKey,
        SANDBOX_ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
        SANDBOX_RBKMONEY_API_KEY: rbkmoneyApiKey,
        SANDBOX_PROCESSING_MS: '1000',
        SANDBOX_CALLBACK_DELAY_MS: '500',
        // Retries outlast the server's restart: the relay answers 503 while Temporal is away.
        SANDBOX_CALLBACK_RETRY_MS: '5000',
        SANDBOX_CALLBACK_MAX_ATTEMPTS: '24',
      });
      await waitFor('sandbox', () => portInUse(sandboxPort), 60_000);
      // The company's RBKmoney account, set up before any fault is switched on (as `payouts rbkmoney setup`).
      const setup = await setupRbkmoneyAccount(
        parseConfig({
          RBKMONEY_BASE_URL: sandboxUrl,
          RBKMONEY_API_KEY: rbkmoneyApiKey,
          RBKMONEY_WEBHOOK_URL: `${relayUrl}/webhooks/rbkmoney`,
        }),
      );
      const codecKeys = generateCodecKeyEntry('chaos');
      // The run's card key: the workers' and the chaos client's request identities must agree.
      process.env.CARD_FINGERPRINT_KEY ??= randomBytes(32).toString('hex');
      const common = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: server.namespace,
        PAYOUTS_TASK_QUEUE: 'payouts',
        DATA_DIR: dir,
        CODEC_KEYS: codecKeys,
        CARD_FINGERPRINT_KEY: process.env.CARD_FINGERPRINT_KEY,
        ECOMMPAY_BASE_URL: sandboxUrl,
        ECOMMPAY_PROJECT_ID: String(ecommpay.projectId),
        ECOMMPAY_SECRET_KEY: ecommpay.secretKey,
        ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
        RBKMONEY_BASE_URL: sandboxUrl,
        RBKMONEY_API_KEY: rbkmoneyApiKey,
        ...setupAsEnvironment(setup),
      };
      group.start('relay', 'src/webhooks/main.ts', {
        ...common,
        RELAY_PORT: String(relayPort),
        RELAY_INTERNAL_PORT: String(await freePort()),
      });
      await bundled;
      say(`workflow bundle built in ${((Date.now() - bundleStarted) / 1000).toFixed(1)} s`);
      const stack = new ChaosStack(options, group, cli.path, serverPort, server, sandboxUrl, codecKeys, {
        ...common,
        WORKFLOW_BUNDLE_PATH: bundlePath,
      });
      onExit = (service, how) => stack.#exited(service, how);
      for (let i = 0; i < options.workers; i++) await stack.#startWorker();
      await waitFor('relay', () => portInUse(relayPort), 60_000);
      await waitFor(
        `${options.workers} workers`,
        async () => (await stack.readyWorkers()) === options.workers,
        180_000,
      );
      return stack;
    } catch (error) {
      await group.stopAll();
      await server.stop();
      throw error;
    }
  }

  /** Switches the sandbox's fault knobs (and restarts its random sequence from the seed). */
  async setFaults(patch: FaultPatch): Promise<void> {
    const response = await fetch(`${this.sandboxUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    if (!response.ok) throw new Error(`sandbox refused the faults: ${response.status} ${await response.text()}`);
  }

  /** Workers whose health endpoint says they are running (polling), in start order. */
  async readyWorkers(): Promise<number> {
    const ready = await Promise.all(this.#workers.map((worker) => isHealthy(worker.healthPort)));
    return ready.filter(Boolean).length;
  }

  /**
   * SIGKILLs a random running worker, picked by `pick(n)` among the n that poll, and starts a replacement at
   * once. Only while another worker polls too: a kill never leaves the task queue without a worker for the
   * seconds a replacement needs to start. Resolves with what happened, or undefined when no kill was due.
   */
  async killWorker(pick: (n: number) => number): Promise<string | undefined> {
    const ready = (
      await Promise.all(this.#workers.map(async (worker) => ((await isHealthy(worker.healthPort)) ? worker : [])))
    ).flat();
    if (ready.length < 2) return undefined;
    const victim = ready[pick(ready.length)] as WorkerProcess;
    this.#workers = this.#workers.filter((worker) => worker !== victim);
    await this.group.kill(victim);
    const replacement = await this.#startWorker();
    return `${victim.name} (pid ${victim.process.pid}) killed, ${replacement.name} (pid ${replacement.process.pid}) started`;
  }

  /**
   * SIGKILLs every worker, even the last one (the crash tests' worst moment: no worker left while an activity
   * is in flight), then starts one replacement. Resolves with the killed workers' pids.
   */
  async crashAllWorkers(): Promise<number[]> {
    const victims = this.#workers;
    this.#workers = [];
    for (const victim of victims) await this.group.kill(victim);
    await this.#startWorker();
    return victims.flatMap((victim) => victim.process.pid ?? []);
  }

  /** Stops the dev server and starts it again on the same port and database file; resolves with the downtime. */
  async restartServer(): Promise<number> {
    const stoppedAt = Date.now();
    await this.#server.stop();
    await waitFor('the server port to close', async () => !(await portInUse(this.serverPort)), 30_000);
    this.#server = await startDevServer({
      cliPath: this.cliPath,
      port: this.serverPort,
      dbFile: path.join(this.options.dir, 'temporal.db'),
      logFile: path.join(this.options.dir, 'temporal.log'),
    });
    return Date.now() - stoppedAt;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.group.stopAll();
    await this.#server.stop();
  }

  async #startWorker(): Promise<WorkerProcess> {
    const healthPort = await freePort();
    const name = `worker-${++this.#workerSeq}`;
    const service = this.group.start(name, 'src/worker/main.ts', {
      ...this.workerEnv,
      WORKER_HEALTH_PORT: String(healthPort),
    });
    const worker = { ...service, healthPort };
    this.#workers.push(worker);
    return worker;
  }

  #exited(service: ServiceProcess, how: string): void {
    if (this.#closing) return;
    const worker = this.#workers.find((w) => w.process === service.process);
    if (!worker) {
      this.fatal ??= `${service.name} exited (${how}); see ${service.logFile}`;
      this.options.say(`FATAL: ${this.fatal}`);
      return;
    }
    // A worker that gave up by itself is replaced like a killed one, and counted.
    this.crashedWorkers++;
    this.#workers = this.#workers.filter((w) => w !== worker);
    this.options.say(`${worker.name} exited by itself (${how}); starting a replacement (see ${worker.logFile})`);
    void this.#startWorker();
  }
}
