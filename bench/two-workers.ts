/**
 * Scale-out on one machine: two worker processes on one task queue share one run of payouts, with nothing
 * between them but Temporal. Starts a Temporal dev server (or uses `--address`, e.g. the PostgreSQL stack of
 * `npm run stack:postgres -- --temporal-only`), the provider sandbox and the webhook relay as processes, then
 * two workers (`src/worker/main.ts`, each its own process and health port), starts N ecommpay payouts through
 * the sandbox (default 200, all at once), waits for every outcome, and reads from each workflow's history
 * which worker (identity `pid@host`) ran its workflow tasks and its activities. Prints the split; exits 1
 * unless every payout succeeded and both workers took work.
 * Run: npm run bench:scale [-- N] [--address host:port]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { codecFromConfig, payoutsDataConverter } from '../src/codec/index.js';
import { generateCodecKeyEntry } from '../src/codec/keys.js';
import { parseConfig } from '../src/config.js';
import { startDevServer, stopProcess, type DevServer } from '../src/devstack/dev-server.js';
import { freePort, portInUse, waitFor } from '../src/devstack/ports.js';
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../src/workflows/definitions.js';
import { PayoutWorkflow } from '../src/workflows/payout/workflow.js';
import { benchPayout } from './lib/requests.js';

const args = process.argv.slice(2);
const addressFlag = args.indexOf('--address');
const existingAddress = addressFlag >= 0 ? args[addressFlag + 1] : undefined;
const count = Number(args.find((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== '--address') ?? 200);
const logDir = path.resolve('.data/bench-scale');
const secretKey = 'bench-scale-ecommpay-secret';
const projectId = 1000;

const children: ChildProcess[] = [];
let server: DevServer | undefined;

async function stopAll(): Promise<void> {
  for (const child of children.splice(0).reverse()) await stopProcess(child);
  await server?.stop();
}

/** A service as its own Node process (not through the tsx CLI, which forks: the pid is the worker's identity). */
function startProcess(name: string, script: string, env: Record<string, string>): ChildProcess {
  const log = openSync(path.join(logDir, `${name}.log`), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', log, log],
  });
  child.once('exit', (code, signal) => {
    if (children.includes(child)) console.error(`${name} exited (${signal ?? code}); see ${logDir}/${name}.log`);
  });
  children.push(child);
  return child;
}

interface WorkerShare {
  name: string;
  workflowTasks: number;
  activities: number;
  /** Workflows whose first workflow task this worker ran (later ones stick to it unless it is busy). */
  workflowsStarted: number;
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const address =
    existingAddress ??
    (server = await startDevServer({
      cliPath: (await ensureTemporalCli((line) => console.error(line))).path,
      port: await freePort(),
      logFile: path.join(logDir, 'temporal.log'),
    })).address;
  const namespace = server?.namespace ?? 'default';
  const taskQueue = `bench-scale-${Date.now()}`;
  const [relayPort, sandboxPort, health1, health2] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  // One payload key for the run; the client only decodes (see below), the services use it as configured.
  const codecKeys = generateCodecKeyEntry('bench-scale');
  // The run's card key: the workers' and this process's request identities must agree.
  process.env.CARD_FINGERPRINT_KEY ??= randomBytes(32).toString('hex');
  const common = {
    CARD_FINGERPRINT_KEY: process.env.CARD_FINGERPRINT_KEY,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    PAYOUTS_TASK_QUEUE: taskQueue,
    DATA_DIR: logDir,
    CODEC_KEYS: codecKeys,
    ECOMMPAY_BASE_URL: sandboxUrl,
    ECOMMPAY_PROJECT_ID: String(projectId),
    ECOMMPAY_SECRET_KEY: secretKey,
    ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
  };

  startProcess('sandbox', 'src/sandbox/main.ts', {
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_ECOMMPAY_PROJECT_ID: String(projectId),
    SANDBOX_ECOMMPAY_SECRET_KEY: secretKey,
    SANDBOX_ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
  });
  startProcess('relay', 'src/webhooks/main.ts', {
    ...common,
    RELAY_PORT: String(relayPort),
    RELAY_INTERNAL_PORT: String(await freePort()),
  });
  const workers = [
    {
      name: 'worker-1',
      process: startProcess('worker-1', 'src/worker/main.ts', { ...common, WORKER_HEALTH_PORT: String(health1) }),
    },
    {
      name: 'worker-2',
      process: startProcess('worker-2', 'src/worker/main.ts', { ...common, WORKER_HEALTH_PORT: String(health2) }),
    },
  ];
  await waitFor('sandbox', () => portInUse(sandboxPort), 60_000);
  await waitFor('relay', () => portInUse(relayPort), 60_000);
  // A worker opens its health port once it polls (after bundling the workflow code, seconds each).
  await waitFor('both workers', async () => (await portInUse(health1)) && (await portInUse(health2)), 180_000);
  console.log(`Temporal ${address}${server ? ' (dev server)' : ''}, task queue ${taskQueue}, ${count} payouts`);
  console.log(workers.map((w) => `  ${w.name}: pid ${w.process.pid}`).join('\n'));

  // The client encrypts with the workers' keys: they refuse a payout whose input is not encrypted.
  const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: codecKeys }));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: payoutsDataConverter(codec) });
  try {
    const started = Date.now();
    const handles = await Promise.all(
      Array.from({ length: count }, async () => {
        const request = payoutRequestSchema.parse(benchPayout(`scale-${randomUUID().slice(0, 12)}`));
        return client.workflow.start(PayoutWorkflow, {
          taskQueue,
          workflowId: payoutWorkflowId(request.payoutId),
          args: [{ request, timings: { lateEventWindowMs: 1_000 } }],
        });
      }),
    );
    const outcomes = await Promise.all(handles.map((handle) => handle.executeUpdate(awaitOutcomeUpdate)));
    const outcomeSeconds = (Date.now() - started) / 1000;
    await Promise.all(handles.map((handle) => handle.result()));
    const notPaid = outcomes.filter((outcome) => outcome.status !== 'succeeded');

    const byIdentity = new Map<string, WorkerShare>();
    const share = (identity: string) => {
      const pid = Number(identity.split('@')[0]);
      const name = workers.find((w) => w.process.pid === pid)?.name ?? identity;
      const entry = byIdentity.get(name) ?? { name, workflowTasks: 0, activities: 0, workflowsStarted: 0 };
      byIdentity.set(name, entry);
      return entry;
    };
    let onBoth = 0;
    for (const handle of handles) {
      const { events } = await handle.fetchHistory();
      const ranOn = new Set<string>();
      for (const event of events ?? []) {
        const workflowTask = event.workflowTaskStartedEventAttributes?.identity;
        const activity = event.activityTaskStartedEventAttributes?.identity;
        if (workflowTask) {
          if (ranOn.size === 0) share(workflowTask).workflowsStarted++;
          share(workflowTask).workflowTasks++;
        }
        if (activity) share(activity).activities++;
        for (const identity of [workflowTask, activity]) if (identity) ranOn.add(share(identity).name);
      }
      if (ranOn.size > 1) onBoth++;
    }

    const shares = [...byIdentity.values()].sort((a, b) => a.name.localeCompare(b.name));
    const total = (key: keyof Omit<WorkerShare, 'name'>) => shares.reduce((sum, s) => sum + s[key], 0);
    const percent = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`.padStart(6);
    console.log(
      `${count} payouts: ${count - notPaid.length} succeeded in ${outcomeSeconds.toFixed(1)} s ` +
        `(${(count / outcomeSeconds).toFixed(1)} payouts/s to the outcome)`,
    );
    const columns = ['worker', 'first workflow task', 'workflow tasks', 'activities'];
    const rows = shares.map((s) => [
      s.name,
      `${s.workflowsStarted} ${percent(s.workflowsStarted, count)}`,
      `${s.workflowTasks} ${percent(s.workflowTasks, total('workflowTasks'))}`,
      `${s.activities} ${percent(s.activities, total('activities'))}`,
    ]);
    const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [columns, ...rows]) {
      console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   '));
    }
    const idle = workers.filter((w) => !shares.some((s) => s.name === w.name && s.workflowTasks + s.activities > 0));
    if (notPaid.length > 0) throw new Error(`${notPaid.length} payouts did not succeed (first: ${notPaid[0]?.status})`);
    if (idle.length > 0) throw new Error(`${idle.map((w) => w.name).join(', ')} took no work`);
    console.log(`${onBoth} of ${count} payouts had tasks on both workers; both workers took work`);
  } finally {
    await connection.close();
  }
}

main()
  .then(stopAll)
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await stopAll();
    process.exit(1);
  });
