/**
 * How long a sandbox payout takes from start to `succeeded`, on the callback path and on the polling path
 * (every callback dropped), with the workflow's default polling plan and the sandbox's default timings
 * (2 s processing, callback 1 s later). Prints median, p90 and max of N payouts per path (default 100), at
 * most C in flight (default: all at once). Run: npm run bench:latency [-- N [C]]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { startDevServer } from '../src/devstack/dev-server.js';
import { freePort } from '../src/devstack/ports.js';
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { createLogger } from '../src/logging.js';
import { createEcommpayProvider } from '../src/providers/ecommpay/index.js';
import { providerRegistry } from '../src/providers/registry.js';
import { startSandbox } from '../src/sandbox/index.js';
import { OrphanJournal } from '../src/webhooks/orphans.js';
import { startRelay } from '../src/webhooks/relay.js';
import { createPayoutsWorker } from '../src/worker/worker.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../src/workflows/definitions.js';
import { PayoutWorkflow } from '../src/workflows/payout.js';

const count = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? count);

/** Runs `work` `n` times with at most `limit` at once; results in start order. */
async function pool<T>(n: number, limit: number, work: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const index = next++;
      results[index] = await work();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
  return results;
}
const secretKey = 'bench-ecommpay-secret';
const projectId = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const logger = createLogger('bench', { level: 'silent' });
  const cli = await ensureTemporalCli((line) => console.error(line));
  const logFile = path.resolve('.data/bench-temporal.log');
  const server = await startDevServer({ cliPath: cli.path, port: await freePort(), logFile });
  const relayPort = await freePort();
  const callbackUrl = `http://127.0.0.1:${relayPort}/webhooks/ecommpay`;
  const sandbox = await startSandbox({ logger, ecommpay: { projectId, secretKey, callbackUrl } });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const providers = providerRegistry({
    ecommpay: () => createEcommpayProvider({ baseUrl: sandbox.url, projectId, secretKey, callbackUrl, logger }),
  });
  const orphans = new OrphanJournal(path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'orphans.jsonl'));
  const relay = await startRelay({ port: relayPort, host: '127.0.0.1', client, providers, orphans, logger });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'bench-latency';
  const worker = await createPayoutsWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    activities: createActivities({ providers, client, taskQueue }),
  });
  const running = worker.run();

  const runPath = async (name: string): Promise<void> => {
    const started = Date.now();
    const latencies = await pool(count, concurrency, async () => {
      const request = payoutRequestSchema.parse({
        payoutId: `bench-${randomUUID().slice(0, 12)}`,
        provider: 'ecommpay',
        amount: 150_000,
        currency: 'RUB',
        card: { pan: '4242424242424242', expMonth: 12, expYear: 2030 },
        customer: { id: 'c-1', ip_address: '127.0.0.1' },
        sender: { day_of_birth: '01-01-1980' },
      });
      const t0 = Date.now();
      const handle = await client.workflow.start(PayoutWorkflow, {
        taskQueue,
        workflowId: payoutWorkflowId(request.payoutId),
        args: [{ request, timings: { lateEventWindowMs: 1_000 } }],
      });
      const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
      if (outcome.status !== 'succeeded') throw new Error(`${request.payoutId} ended ${outcome.status}`);
      return Date.now() - t0;
    });
    const sorted = latencies.sort((a, b) => a - b);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `${name.padEnd(9)} n=${count} at most ${concurrency} at once  median ${seconds(percentile(sorted, 50))}  p90 ${seconds(percentile(sorted, 90))}  ` +
        `max ${seconds(sorted[sorted.length - 1] ?? NaN)}  (wall ${seconds(Date.now() - started)})`,
    );
  };

  try {
    await runPath('callback');
    sandbox.faults.update({ callbackDropRate: 1 });
    await runPath('polling');
  } finally {
    worker.shutdown();
    await running;
    await relay.close();
    await sandbox.close();
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
