/**
 * The stack every benchmark runs on, in the production shape: a Temporal server (a fresh dev server as
 * `npm start` runs it, or the PostgreSQL-backed server of `npm run stack:postgres -- --temporal-only`), then
 * the provider sandbox, the webhook relay and workers as processes of their own (`node --import tsx`, so
 * each pid is the service's and its peak RSS can be read). One payload key for the run: every service
 * encrypts, and the benchmark's client uses the same data converter.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { codecFromConfig, failureConverterPath, payoutsDataConverter } from '../../src/codec/index.js';
import { generateCodecKeyEntry } from '../../src/codec/keys.js';
import { parseConfig } from '../../src/config.js';
import { startDevServer, stopProcess, type DevServer } from '../../src/devstack/dev-server.js';
import { freePort, portInUse, waitFor } from '../../src/devstack/ports.js';
import { ensureTemporalCli } from '../../src/devstack/temporal-cli.js';
import { defaultWorkflowsPath, webpackConfigHook, workflowInterceptorModules } from '../../src/worker/bundling.js';
import type { FaultPatch } from '../../src/sandbox/faults.js';
import type { ServerKind } from './options.js';

export const benchProjectId = 1000;
export const benchSecretKey = 'bench-ecommpay-secret';

/** The baselines' worker (bare Temporal, naive fan-out): its script and its workflow bundle's entry point. */
export const baselineWorker = {
  script: 'bench/lib/bench-worker.ts',
  workflowsPath: path.resolve('bench/lib/workflows.ts'),
};
/** Bare Temporal's worker: the same wiring with a bundle of the bare payout alone. */
export const bareWorker = { ...baselineWorker, workflowsPath: path.resolve('bench/lib/bare-workflow.ts') };

export interface BenchService {
  name: string;
  process: ChildProcess;
  /** Peak resident set size so far (VmHWM), in MB; undefined once the process is gone. */
  peakRssMb(): number | undefined;
  /** CPU seconds (user + system) used so far; undefined once the process is gone. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Names the log directory: .data/bench/<name>/. */
  name: string;
  server: ServerKind;
  /** The PostgreSQL stack's frontend (`--server postgres`). */
  address: string;
  /** Sandbox timing overrides (milliseconds); the benchmarks' default is zero processing and callback delay. */
  sandboxTiming?: { processingMs?: number; callbackDelayMs?: number };
  /** Start the relay (default true). */
  relay?: boolean;
}

export interface BenchStack {
  server: ServerKind;
  address: string;
  namespace: string;
  logDir: string;
  sandboxUrl: string;
  relayUrl: string;
  /** The run's payload key (CODEC_KEYS format). */
  codecKeys: string;
  dataConverter: DataConverter;
  /** A client with the run's data converter. */
  client: Client;
  /** Environment shared by the services: Temporal, codec, ecommpay pointed at the sandbox and the relay. */
  env: Record<string, string>;
  /** A worker process on `taskQueue`; resolves once it polls (its health port answers). */
  /**
   * A worker process on `taskQueue`; resolves once it polls (its health port answers). It loads a workflow
   * bundle made once per run (as production images do), so its memory is not the bundler's.
   */
  startWorker(
    name: string,
    taskQueue: string,
    options?: { script?: string; workflowsPath?: string; env?: Record<string, string> },
  ): Promise<BenchService>;
  setSandboxFaults(patch: FaultPatch): Promise<void>;
  /** CPU seconds used so far by each process of the stack (the Temporal dev server, services, this process). */
  cpuByProcess(): Record<string, number>;
  stop(): Promise<void>;
}

const say = (line: string) => console.error(`[bench] ${line}`);

/** Peak RSS of a process from /proc (Linux); undefined elsewhere or when it has exited. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; 100 clock ticks a second). */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** `load=1.23/1.10/0.95 cores=2`: the machine is shared, so every figure is printed beside it. */
export function machineLoad(): string {
  const [one, five, fifteen] = os.loadavg().map((value) => value.toFixed(2));
  return `load=${one}/${five}/${fifteen} cores=${os.cpus().length}`;
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

/** Stacks still running: Ctrl-C (or SIGTERM) stops them before the benchmark exits. */
const runningStacks = new Set<() => Promise<void>>();
let signalsHandled = false;

function stopStacksOnSignal(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the stack`);
      void Promise.allSettled([...runningStacks].map((stop) => stop())).then(() => process.exit(130));
    });
  }
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  stopStacksOnSignal();
  const logDir = path.resolve('.data/bench', options.name);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const services: BenchService[] = [];
  let devServer: DevServer | undefined;
  let connection: Connection | undefined;

  const bundles = new Map<string, string>();
  /** The workflow code bundled once per entry point, as `npm run bundle:workflows` does for the image. */
  const workflowBundle = async (workflowsPath: string): Promise<string> => {
    const existing = bundles.get(workflowsPath);
    if (existing) return existing;
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      failureConverterPath: failureConverterPath(),
      workflowInterceptorModules: workflowInterceptorModules(),
      webpackConfigHook,
      logger: new DefaultLogger('WARN'),
    });
    const file = path.join(logDir, `workflow-bundle-${bundles.size + 1}.js`);
    writeFileSync(file, code);
    bundles.set(workflowsPath, file);
    return file;
  };

  const stop = async () => {
    runningStacks.delete(stop);
    for (const service of services.splice(0).reverse()) await service.stop();
    await connection?.close().catch(() => undefined);
    await devServer?.stop();
  };
  runningStacks.add(stop);

  const startService = (
    name: string,
    script: string,
    env: Record<string, string>,
    nodeArgs: string[] = [],
  ): BenchService => {
    const log = openSync(path.join(logDir, `${name}.log`), 'w');
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', log, log],
    });
    let stopping = false;
    child.once('exit', (code, signal) => {
      if (!stopping) say(`${name} exited (${signal ?? code}); see ${logDir}/${name}.log`);
    });
    const service: BenchService = {
      name,
      process: child,
      peakRssMb: () => peakRssMb(child.pid),
      cpuSeconds: () => cpuSeconds(child.pid),
      stop: async () => {
        stopping = true;
        await stopProcess(child);
      },
    };
    services.push(service);
    return service;
  };

  try {
    let address: string;
    let namespace = 'default';
    if (options.server === 'dev') {
      const cli = await ensureTemporalCli(say);
      // A free port can be taken by another process before the server binds it (a busy machine): try again.
      for (let attempt = 1; !devServer; attempt++) {
        try {
          devServer = await startDevServer({
            cliPath: cli.path,
            port: await freePort(),
            // As `npm start` runs it: a SQLite file with the WAL journal (a fresh one per run).
            dbFile: path.join(logDir, `temporal-${attempt}.db`),
            logFile: path.join(logDir, 'temporal.log'),
          });
        } catch (error) {
          if (attempt >= 3) throw error;
          say(`Temporal dev server did not start (${error instanceof Error ? error.message : String(error)}); again`);
        }
      }
      address = devServer.address;
      namespace = devServer.namespace;
    } else {
      address = options.address;
      if (!(await reachable(address))) {
        throw new Error(
          `no Temporal server at ${address}: start the PostgreSQL stack first with ` +
            '`npm run stack:postgres -- --temporal-only` (or pass --address host:port)',
        );
      }
    }

    const [sandboxPort, relayPort] = await Promise.all([freePort(), freePort()]);
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const relayUrl = `http://127.0.0.1:${relayPort}`;
    const codecKeys = generateCodecKeyEntry(`bench-${Date.now().toString(36)}`);
    // The run's card key: the workers' and this process's clients' request identities must agree.
    process.env.CARD_FINGERPRINT_KEY ??= randomBytes(32).toString('hex');
    const env: Record<string, string> = {
      CARD_FINGERPRINT_KEY: process.env.CARD_FINGERPRINT_KEY,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      DATA_DIR: logDir,
      CODEC_KEYS: codecKeys,
      ECOMMPAY_BASE_URL: sandboxUrl,
      ECOMMPAY_PROJECT_ID: String(benchProjectId),
      ECOMMPAY_SECRET_KEY: benchSecretKey,
      ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
    };
    startService('sandbox', 'src/sandbox/main.ts', {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_ECOMMPAY_PROJECT_ID: String(benchProjectId),
      SANDBOX_ECOMMPAY_SECRET_KEY: benchSecretKey,
      SANDBOX_ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
      SANDBOX_PROCESSING_MS: String(options.sandboxTiming?.processingMs ?? 0),
      SANDBOX_CALLBACK_DELAY_MS: String(options.sandboxTiming?.callbackDelayMs ?? 0),
    });
    if (options.relay !== false)
      startService('relay', 'src/webhooks/main.ts', {
        ...env,
        RELAY_PORT: String(relayPort),
        RELAY_INTERNAL_PORT: String(await freePort()),
      });
    await waitFor('sandbox', () => portInUse(sandboxPort), 60_000);
    if (options.relay !== false) await waitFor('relay', () => portInUse(relayPort), 60_000);

    const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: codecKeys }));
    const dataConverter = payoutsDataConverter(codec);
    connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace, dataConverter });

    return {
      server: options.server,
      address,
      namespace,
      logDir,
      sandboxUrl,
      relayUrl,
      codecKeys,
      dataConverter,
      client,
      env,
      async startWorker(name, taskQueue, workerOptions = {}) {
        const healthPort = await freePort();
        const bundle = await workflowBundle(workerOptions.workflowsPath ?? defaultWorkflowsPath());
        const service = startService(
          name,
          workerOptions.script ?? 'src/worker/main.ts',
          {
            ...env,
            PAYOUTS_TASK_QUEUE: taskQueue,
            WORKER_HEALTH_PORT: String(healthPort),
            WORKFLOW_BUNDLE_PATH: bundle,
            // e.g. `--max-old-space-size=256`: V8 flags for the workers only (docs/PERFORMANCE.md, memory).
            ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
            ...workerOptions.env,
          },
          // Flags NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written at the graceful stop).
          process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
        );
        // A worker opens its health port once it polls, after bundling the workflow code (seconds).
        await waitFor(
          name,
          async () => {
            if (service.process.exitCode !== null) throw new Error(`${name} exited; see ${logDir}/${name}.log`);
            return portInUse(healthPort);
          },
          240_000,
        );
        return service;
      },
      async setSandboxFaults(patch) {
        const response = await fetch(`${sandboxUrl}/sandbox/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(patch),
        });
        if (!response.ok) throw new Error(`sandbox faults: ${response.status} ${await response.text()}`);
      },
      cpuByProcess() {
        const cpu: Record<string, number> = {};
        const server = cpuSeconds(devServer?.process.pid);
        if (server !== undefined) cpu.temporal = server;
        for (const service of services) {
          const used = service.cpuSeconds();
          if (used !== undefined) cpu[service.name] = used;
        }
        const self = process.cpuUsage();
        cpu.bench = (self.user + self.system) / 1e6;
        return cpu;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
