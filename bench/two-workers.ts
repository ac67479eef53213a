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
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { codecFromConfig, payoutsDataConverter } from '../src/codec/index.js';
import { parseConfig } from '../src/config.js';
import { type Stack, startStack } from '../src/devstack/stack.js';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../src/workflows/definitions.js';
import { PayoutWorkflow } from '../src/workflows/payout/workflow.js';
import { benchPayout } from './lib/requests.js';

const args = process.argv.slice(2);
const addressFlag = args.indexOf('--address');
const existingAddress = addressFlag >= 0 ? args[addressFlag + 1] : undefined;
const count = Number(args.find((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== '--address') ?? 200);
const logDir = path.resolve('.data/bench-scale');

interface WorkerShare {
  name: string;
  workflowTasks: number;
  activities: number;
  /** Workflows whose first workflow task this worker ran (later ones stick to it unless it is busy). */
  workflowsStarted: number;
}

async function main(stack: Stack): Promise<void> {
  const { address, namespace, workers } = stack;
  console.log(
    `Temporal ${address}${existingAddress ? '' : ' (dev server)'}, task queue ${taskQueue}, ${count} payouts`,
  );
  console.log(workers.map((w) => `  ${w.name}: pid ${w.process.pid}`).join('\n'));

  // The client encrypts with the workers' keys: they refuse a payout whose input is not encrypted.
  const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: stack.codecKeys }));
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

const taskQueue = `bench-scale-${Date.now()}`;
rmSync(logDir, { recursive: true, force: true });
// Two workers on one task queue, with nothing between them but Temporal.
const stack = await startStack({
  server: existingAddress ? { address: existingAddress } : 'dev',
  logDir,
  keys: 'per-run',
  workers: 2,
  env: { LOG_LEVEL: 'warn', PAYOUTS_TASK_QUEUE: taskQueue },
  say: (line) => console.error(line),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
try {
  await main(stack);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
