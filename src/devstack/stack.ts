/**
 * The one launcher of local stacks: a Temporal server (a dev server, the PostgreSQL-backed server, or one
 * already running), the provider sandbox, the webhook relay, the codec server and N workers, each its own
 * supervised process with its log in the log directory. `npm start`, `npm run stack:postgres`, the
 * benchmarks, the chaos and crash tests and the two-worker run all start their stacks here.
 *
 * Keys follow the project's rules: `development` keys are the configured ones or development values kept
 * under the data directory (local stacks); `per-run` keys are random for this run (tests, benchmarks). No
 * process gets a stand-in key.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { codecFromConfig, configuredCodecKeys, ensureDevelopmentKey } from '../codec/from-config.js';
import { generateCodecKeyEntry } from '../codec/keys.js';
import { type Config, parseConfig } from '../config.js';
import { type ConsoleMode } from './console-output.js';
import { PortTakenError } from './dev-server.js';
import { cardFingerprintKey, codecServerToken, sandboxedProviders, sandboxWebhookKeyFile } from './local-services.js';
import { freePort, portInUse, waitFor } from './ports.js';
import { postgresServerPorts } from './postgres-server.js';
import { type ServerChoice, startTemporal } from './stack-server.js';
import { type SupervisedProcess, Supervisor } from './supervisor.js';
import { buildWorkflowBundle } from './workflow-bundle.js';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  sandbox: number;
  relay: number;
  relayInternal: number;
  codecServer: number;
  /** The first worker's; later workers get free ports. */
  workerHealth: number;
}

const portVariables: Record<keyof StackPorts, string> = {
  temporal: 'TEMPORAL_GRPC_PORT',
  temporalUi: 'TEMPORAL_UI_PORT',
  sandbox: 'SANDBOX_PORT',
  relay: 'RELAY_PORT',
  relayInternal: 'RELAY_INTERNAL_PORT',
  codecServer: 'CODEC_SERVER_PORT',
  workerHealth: 'WORKER_HEALTH_PORT',
};

export interface StackOptions {
  server: ServerChoice;
  /** Every process's log goes to `<logDir>/<name>.log`. */
  logDir: string;
  /** Development keys, the sandbox's ledger and the dev server's database when `persistent` (default logDir). */
  dataDir?: string;
  /** Worker processes started with the stack (default 1). */
  workers?: number;
  /** Fixed ports (checked free first); the others are chosen by the OS. */
  ports?: Partial<StackPorts>;
  keys: 'development' | 'per-run';
  /** The dev server keeps its SQLite database in dataDir and serves the Web UI (npm start). */
  persistent?: boolean;
  /** Providers the environment configures are kept (npm start); otherwise every provider is the sandbox. */
  keepConfiguredProviders?: boolean;
  relay?: boolean;
  codecServer?: boolean;
  /** Only the Temporal server: no sandbox, relay, codec server or workers. */
  temporalOnly?: boolean;
  /** Workers load a workflow bundle made once for the run, so a (re)started worker polls within seconds. */
  prebuiltWorkflowBundle?: boolean;
  /** Given to every service. */
  env?: Record<string, string>;
  /** Given to the sandbox only (timing, retries). */
  sandboxEnv?: Record<string, string>;
  /** Given to every worker. */
  workerEnv?: Record<string, string>;
  /** What the processes print, besides their log files (default none). */
  console?: ConsoleMode;
  /** Host in the services' URLs (default 127.0.0.1); the services listen on loopback either way. */
  urlHost?: string;
  say?: (line: string) => void;
  /** A process that ended on its own; by default the stack says so. */
  onUnexpectedExit?: (process: SupervisedProcess, how: string) => void;
}

export interface WorkerOptions {
  name?: string;
  taskQueue?: string;
  /** The worker's entry point (default src/worker/main.ts). */
  script?: string;
  /** The workflows to bundle for this worker (with prebuiltWorkflowBundle). */
  workflowsPath?: string;
  env?: Record<string, string>;
  /** Node flags NODE_OPTIONS refuses (e.g. --cpu-prof). */
  nodeArgs?: string[];
  healthPort?: number;
}

export interface StackWorker {
  name: string;
  healthPort: number;
  process: SupervisedProcess;
}

export interface Stack {
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl: string | undefined;
  readonly serverDescription: string;
  readonly ports: StackPorts;
  readonly urls: { sandbox: string; relay: string; relayInternal: string; codecServer: string };
  readonly logDir: string;
  readonly dataDir: string;
  /** What every service got: Temporal, keys, providers (for this process's clients, e.g. CODEC_KEYS). */
  readonly env: Record<string, string>;
  readonly codecKeys: string;
  /** Lines naming where each provider points. */
  readonly providerLines: string[];
  /** Workers running now, oldest first. */
  readonly workers: readonly StackWorker[];
  readonly supervisor: Supervisor;
  /** Every process running now (server, services, workers). */
  processes(): readonly SupervisedProcess[];
  /** A worker process; resolves once it polls (its health port answers). */
  startWorker(options?: WorkerOptions): Promise<StackWorker>;
  /** SIGKILLs a worker (no shutdown); resolves once it is gone. */
  killWorker(worker: StackWorker): Promise<void>;
  /** Stops the dev server and starts it again on its port and database file; resolves with the downtime (ms). */
  restartServer(): Promise<number>;
  setSandboxFaults(patch: object): Promise<void>;
  stop(): Promise<void>;
}

/** Waits for a process's port, failing at once when the process has died. */
async function listening(supervised: SupervisedProcess, port: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    supervised.name,
    async () => {
      if (supervised.exited)
        throw new Error(`${supervised.name} exited (${await supervised.exit}); see ${supervised.logFile}`);
      return portInUse(port);
    },
    timeoutMs,
  );
}

async function choosePorts(options: StackOptions): Promise<StackPorts> {
  const fixed = options.ports ?? {};
  const entries = await Promise.all(
    (Object.keys(portVariables) as (keyof StackPorts)[]).map(async (key) => [key, fixed[key] ?? (await freePort())]),
  );
  const ports = Object.fromEntries(entries) as StackPorts;
  const taken: [number, string][] = Object.entries(fixed).map(([key, port]) => [
    port,
    portVariables[key as keyof StackPorts],
  ]);
  if (options.server === 'postgres') taken.push(...postgresServerPorts(ports.temporal));
  for (const [port, variable] of taken) if (await portInUse(port)) throw new PortTakenError(port, variable);
  return ports;
}

async function stackKeys(options: StackOptions, cfg: Config, dataDir: string, say: (line: string) => void) {
  if (options.keys === 'per-run') {
    // This process's clients compute request identities too: they and the workers must share the run's key.
    process.env.CARD_FINGERPRINT_KEY ??= randomBytes(32).toString('hex');
    return {
      codecKeys: generateCodecKeyEntry(`run-${Date.now().toString(36)}`),
      cardKey: process.env.CARD_FINGERPRINT_KEY,
      codecToken: randomBytes(24).toString('hex'),
    };
  }
  const codecKeys = (await configuredCodecKeys(cfg)) ?? (await ensureDevelopmentKey(dataDir, say));
  // Checked here so a bad key stops the start at once, not in each service.
  await codecFromConfig(parseConfig({ ...process.env, CODEC_KEYS: codecKeys }));
  return {
    codecKeys,
    cardKey: await cardFingerprintKey(cfg, dataDir, say),
    codecToken: await codecServerToken(cfg, dataDir, say),
  };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const say = options.say ?? ((line: string) => console.error(`[stack] ${line}`));
  const logDir = path.resolve(options.logDir);
  const dataDir = path.resolve(options.dataDir ?? logDir);
  mkdirSync(dataDir, { recursive: true });
  const cfg = parseConfig(process.env);
  let stopping = false;
  const supervisor = new Supervisor({
    logDir,
    console: options.console ?? 'none',
    onUnexpectedExit: (supervised, how) => {
      if (stopping) return;
      if (options.onUnexpectedExit) options.onUnexpectedExit(supervised, how);
      else say(`${supervised.name} exited unexpectedly (${how}); see ${supervised.logFile}`);
    },
  });
  let workers: StackWorker[] = [];
  let workerSeq = 0;
  const stop = async () => {
    stopping = true;
    await supervisor.stopAll();
  };

  try {
    const ports = await choosePorts(options);
    const localhost = (port: number) => `http://${options.urlHost ?? '127.0.0.1'}:${port}`;
    const urls = {
      sandbox: localhost(ports.sandbox),
      relay: localhost(ports.relay),
      relayInternal: localhost(ports.relayInternal),
      codecServer: localhost(ports.codecServer),
    };
    const keys = await stackKeys(options, cfg, dataDir, say);
    const bundles = new Map<string, Promise<string>>();
    const workflowBundle = (workflowsPath: string | undefined) => {
      const key = workflowsPath ?? '';
      if (!bundles.has(key)) {
        const file = path.join(logDir, `workflow-bundle-${bundles.size + 1}.js`);
        const building = buildWorkflowBundle(file, workflowsPath);
        // Awaited by the first worker; a failure before then must not surface as an unhandled rejection.
        building.catch(() => undefined);
        bundles.set(key, building);
      }
      return bundles.get(key)!;
    };
    if (options.prebuiltWorkflowBundle && !options.temporalOnly) void workflowBundle(undefined);

    const server = await startTemporal(
      { server: options.server, persistent: options.persistent, fixedPort: options.ports?.temporal !== undefined },
      { supervisor, ports, codecUrl: urls.codecServer, cfg, logDir, dataDir, say },
    );
    const { address, namespace } = server;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      DATA_DIR: dataDir,
      CODEC_KEYS: keys.codecKeys,
      CARD_FINGERPRINT_KEY: keys.cardKey,
      ...options.env,
    };
    let providerLines: string[] = [];
    if (!options.temporalOnly) {
      const sandbox = supervisor.startNodeScript('sandbox', 'src/sandbox/main.ts', {
        env: {
          ...options.env,
          SANDBOX_PORT: String(ports.sandbox),
          SANDBOX_ECOMMPAY_CALLBACK_URL: `${urls.relay}/webhooks/ecommpay`,
          ...(options.keys === 'development'
            ? {
                // Kept under the data directory, so a restarted stack keeps its ledger and its public key.
                SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE ?? path.join(dataDir, 'sandbox-ledger.jsonl'),
                SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE:
                  process.env.SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE ?? (await sandboxWebhookKeyFile(dataDir, say)),
              }
            : {}),
          ...options.sandboxEnv,
        },
      });
      await listening(sandbox, ports.sandbox);
      const providerConfig = options.keepConfiguredProviders ? cfg : parseConfig({});
      const providers = await sandboxedProviders(providerConfig, urls.sandbox, urls.relay);
      Object.assign(env, providers.env);
      providerLines = providers.lines;
      const services: [SupervisedProcess, number][] = [];
      if (options.codecServer) {
        const codecEnv = { ...env, CODEC_SERVER_PORT: String(ports.codecServer), CODEC_SERVER_TOKEN: keys.codecToken };
        const codec = supervisor.startNodeScript('codec-server', 'src/codec/main.ts', { env: codecEnv });
        services.push([codec, ports.codecServer]);
      }
      if (options.relay !== false) {
        const relayEnv = { ...env, RELAY_PORT: String(ports.relay), RELAY_INTERNAL_PORT: String(ports.relayInternal) };
        services.push([supervisor.startNodeScript('relay', 'src/webhooks/main.ts', { env: relayEnv }), ports.relay]);
      }
      await Promise.all(services.map(([supervised, port]) => listening(supervised, port)));
    }

    const stack: Stack = {
      address,
      namespace,
      uiUrl: server.uiUrl,
      serverDescription: server.description,
      ports,
      urls,
      logDir,
      dataDir,
      env,
      codecKeys: keys.codecKeys,
      providerLines,
      get workers() {
        return workers;
      },
      supervisor,
      processes: () => supervisor.running,
      async startWorker(worker = {}) {
        const name = worker.name ?? `worker-${++workerSeq}`;
        const healthPort = worker.healthPort ?? (await freePort());
        const bundle = options.prebuiltWorkflowBundle ? await workflowBundle(worker.workflowsPath) : undefined;
        const supervised = supervisor.startNodeScript(name, worker.script ?? 'src/worker/main.ts', {
          env: {
            ...env,
            ...options.workerEnv,
            ...(worker.taskQueue ? { PAYOUTS_TASK_QUEUE: worker.taskQueue } : {}),
            WORKER_HEALTH_PORT: String(healthPort),
            ...(bundle ? { WORKFLOW_BUNDLE_PATH: bundle } : {}),
            ...worker.env,
          },
          nodeArgs: worker.nodeArgs ?? [],
        });
        const started = { name, healthPort, process: supervised };
        workers.push(started);
        void supervised.exit.then(() => (workers = workers.filter((running) => running !== started)));
        // A worker opens its health port once it polls, after loading or bundling the workflow code.
        await listening(supervised, healthPort, 240_000);
        return started;
      },
      async killWorker(worker) {
        workers = workers.filter((running) => running !== worker);
        await worker.process.kill();
      },
      restartServer: () => server.restart(),
      async setSandboxFaults(patch) {
        const response = await fetch(`${urls.sandbox}/sandbox/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(patch),
        });
        if (!response.ok) throw new Error(`sandbox refused the faults: ${response.status} ${await response.text()}`);
      },
      stop,
    };
    const count = options.temporalOnly ? 0 : (options.workers ?? 1);
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        stack.startWorker({
          // Replacements go on numbering after these (worker-3 after worker-1 and worker-2).
          ...(count === 1 ? { name: 'worker' } : {}),
          ...(i === 0 && options.ports?.workerHealth ? { healthPort: ports.workerHealth } : {}),
        }),
      ),
    );
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Ctrl-C (or SIGTERM) stops the stack, then this process, with `exitCode`. */
export function stopOnSignals(stack: Pick<Stack, 'stop'>, exitCode: number, say?: (line: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say?.(`${signal}: stopping`);
      void stack.stop().finally(() => process.exit(exitCode));
    });
  }
}
