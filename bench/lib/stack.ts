/**
 * The stack every benchmark runs on, in the production shape, from the one launcher (src/devstack/stack.ts):
 * a Temporal server (a fresh dev server as `npm start` runs it, or the PostgreSQL-backed server of
 * `npm run stack:postgres -- --temporal-only`), then the provider sandbox, the webhook relay and workers as
 * processes of their own (so each pid is the service's and its peak RSS can be read). One payload key for the
 * run: every service encrypts, and the benchmark's client uses the same data converter.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { codecFromConfig, payoutsDataConverter } from '../../src/codec/index.js';
import { parseConfig } from '../../src/config.js';
import type { SupervisedProcess } from '../../src/devstack/supervisor.js';
import { type Stack, startStack } from '../../src/devstack/stack.js';
import { sandboxSettingsFromEnv } from '../../src/sandbox/config.js';
import type { FaultPatch } from '../../src/sandbox/faults.js';
import type { ServerKind } from './options.js';

/** The sandbox's development ecommpay credentials, which the stack gives the services (docs/SANDBOX.md). */
export const { projectId: benchProjectId, secretKey: benchSecretKey } = sandboxSettingsFromEnv().ecommpay;

/** The baselines' worker (bare Temporal, naive fan-out): its script and its workflow bundle's entry point. */
export const baselineWorker = {
  script: 'bench/lib/bench-worker.ts',
  workflowsPath: path.resolve('bench/lib/workflows.ts'),
};
/** Bare Temporal's worker: the same wiring with a bundle of the bare payout alone. */
export const bareWorker = { ...baselineWorker, workflowsPath: path.resolve('bench/lib/bare-workflow.ts') };

export interface BenchService {
  name: string;
  process: SupervisedProcess;
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

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux; 100 clock ticks a second); with
 * `reapedChildren`, also those of its children that exited and were waited for.
 */
export function cpuSeconds(pid: number | undefined, reapedChildren = false): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the
    // 13th, cutime and cstime (waited-for children) the 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const own = Number(fields[11]) + Number(fields[12]);
    return (reapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of this machine's processes named `names` (from /proc/<pid>/comm), summed by name: the
 * PostgreSQL-backed server and its database run outside the stack. A PostgreSQL backend that exited is
 * counted in its parent's waited-for children's time, so a connection the server closed mid-run still counts
 * (without it the database's CPU of a side went missing when the server renewed its connections).
 */
export function cpuSecondsByName(names: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = {};
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    let name: string;
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!names.includes(name)) continue;
    const used = cpuSeconds(Number(pid), true);
    if (used !== undefined) totals[name] = (totals[name] ?? 0) + used;
  }
  return totals;
}

/** `load=1.23/1.10/0.95 cores=2`: the machine is shared, so every figure is printed beside it. */
export function machineLoad(): string {
  const [one, five, fifteen] = os.loadavg().map((value) => value.toFixed(2));
  return `load=${one}/${five}/${fifteen} cores=${os.cpus().length}`;
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
  let stack: Stack;
  try {
    stack = await startStack({
      server: options.server === 'dev' ? 'dev' : { address: options.address },
      logDir,
      keys: 'per-run',
      workers: 0,
      relay: options.relay !== false,
      prebuiltWorkflowBundle: true,
      env: { LOG_LEVEL: 'warn' },
      sandboxEnv: {
        SANDBOX_PROCESSING_MS: String(options.sandboxTiming?.processingMs ?? 0),
        SANDBOX_CALLBACK_DELAY_MS: String(options.sandboxTiming?.callbackDelayMs ?? 0),
      },
      // e.g. `--max-old-space-size=256`: V8 flags for the workers only (docs/PERFORMANCE.md, memory).
      workerEnv: process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {},
      say,
    });
  } catch (error) {
    if (options.server !== 'postgres') throw error;
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}: start the PostgreSQL stack first with ` +
        '`npm run stack:postgres -- --temporal-only` (or pass --address host:port)',
    );
  }
  let connection: Connection | undefined;
  const stop = async () => {
    runningStacks.delete(stop);
    await connection?.close().catch(() => undefined);
    await stack.stop();
  };
  runningStacks.add(stop);
  try {
    const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: stack.codecKeys }));
    const dataConverter = payoutsDataConverter(codec);
    connection = await Connection.connect({ address: stack.address });
    const client = new Client({ connection, namespace: stack.namespace, dataConverter });
    return {
      server: options.server,
      address: stack.address,
      namespace: stack.namespace,
      logDir,
      sandboxUrl: stack.urls.sandbox,
      relayUrl: stack.urls.relay,
      codecKeys: stack.codecKeys,
      dataConverter,
      client,
      env: stack.env,
      async startWorker(name, taskQueue, workerOptions = {}) {
        const worker = await stack.startWorker({
          name,
          taskQueue,
          ...workerOptions,
          // Flags NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written at the graceful stop).
          nodeArgs: process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
        });
        const { pid } = worker.process;
        return {
          name,
          process: worker.process,
          peakRssMb: () => peakRssMb(pid),
          cpuSeconds: () => cpuSeconds(pid),
          stop: () => worker.process.stop(),
        };
      },
      setSandboxFaults: (patch: FaultPatch) => stack.setSandboxFaults(patch),
      cpuByProcess() {
        // The dev server is one of the stack's processes; the PostgreSQL stack's server and database are not.
        const cpu: Record<string, number> =
          options.server === 'postgres' ? cpuSecondsByName(['temporal-server', 'postgres']) : {};
        for (const supervised of stack.processes()) {
          const used = cpuSeconds(supervised.pid);
          if (used !== undefined) cpu[supervised.name] = used;
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
