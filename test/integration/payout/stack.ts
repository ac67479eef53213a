// The whole payout path on one machine for a test file: the provider sandbox, the webhook relay and a
// worker on the shared dev server, wired the way the real processes wire them.
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Worker, WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type WorkerLimits } from '../../../src/activities/index.js';
import type { MerchantNotificationSettings } from '../../../src/config.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { freePort } from '../../../src/devstack/ports.js';
import { createLogger } from '../../../src/logging.js';
import { createEcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import { createRbkmoneyProvider } from '../../../src/providers/rbkmoney/index.js';
import { providerRegistry } from '../../../src/providers/registry.js';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.js';
import { OrphanJournal } from '../../../src/webhooks/orphans.js';
import { startRelay, type Relay } from '../../../src/webhooks/relay.js';
import { createPayoutsWorker } from '../../../src/worker/worker.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { type PayoutTimings, type PayoutWorkflow, PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import { payoutSearchAttributePairs } from '../../../src/workflows/batch/child-options.js';
import { connect, testServer, uniqueTaskQueue, type TemporalTarget, type TestConnections } from '../helpers.js';
import type { StartedWorkflow } from '../replay-helpers.js';
import { waitFor as sharedWaitFor } from '../../support/wait-for.js';

export const sandboxSecret = 'sandbox-ecommpay-secret';
export const sandboxProjectId = 1000;
export const rbkmoneyApiKey = 'sandbox-rbkmoney-key';
const fingerprintKey = 'test-card-fingerprint-key-0123';

/** Short enough for tests, long enough that a callback normally wins over the first poll. */
export const testTimings: PayoutTimings = {
  firstPollAfterMs: 3_000,
  maxPollIntervalMs: 3_000,
  outcomeDeadlineMs: 30_000,
  lateEventWindowMs: 2_000,
  settlementWindowMs: 2_000,
  clarificationWindowMs: 3_000,
};

export type PayoutHandle = WorkflowHandleWithFirstExecutionRunId<typeof PayoutWorkflow>;

export interface PayoutStack {
  conns: TestConnections;
  sandbox: RunningSandbox;
  relay: Relay;
  orphans: OrphanJournal;
  taskQueue: string;
  worker: Worker;
  /** Every payout started through start(), with the test that started it (for the replay check). */
  started: StartedWorkflow[];
  /**
   * Starts a fresh worker (after a test stopped the first one); a bundle of its own replaces today's workflows,
   * a data converter of its own the stack's (a codec configured anew).
   */
  restartWorker(options?: { workflowBundle?: WorkflowBundle; dataConverter?: DataConverter }): Promise<void>;
  stopWorker(): Promise<void>;
  /** Starts today's payout type, or `type` (the first one, to record its histories). */
  start(
    request: PayoutRequestInput,
    timings?: Partial<PayoutTimings>,
    type?: typeof PayoutWorkflow,
  ): Promise<PayoutHandle>;
  close(): Promise<void>;
}

export interface PayoutStackOptions {
  /** The worker, the relay, the activities' client and start() all use it (e.g. the payload codec). */
  dataConverter?: DataConverter;
  /**
   * How long the sandbox's ecommpay keeps a clarification request open (3 s: tests of an unanswered request
   * stay short). A file whose answered clarifications must never expire under load sets more.
   */
  sandboxClarificationWindowMs?: number;
  /** The providers' (the worker's activities) and the relay's logger; silent by default. The sandbox stays silent. */
  logger?: Logger;
  /** The worker's merchant notifications (off by default). */
  merchantNotifications?: MerchantNotificationSettings;
  /** The worker's approval thresholds and per-payout caps (none by default). */
  limits?: WorkerLimits;
  /** A Temporal server other than the shared one (a test that needs the Web UI starts its own). */
  server?: TemporalTarget;
}

export async function startPayoutStack(name: string, options: PayoutStackOptions = {}): Promise<PayoutStack> {
  const silent = createLogger(name, { level: 'silent' });
  const logger = options.logger ?? silent;
  const server = options.server ?? testServer();
  const conns = withDataConverter(await connect(server), server.namespace, options.dataConverter);
  const relayPort = await freePort();
  const callbackUrl = `http://127.0.0.1:${relayPort}/webhooks/ecommpay`;
  const sandbox = await startSandbox({
    logger: silent,
    ecommpay: {
      projectId: sandboxProjectId,
      secretKey: sandboxSecret,
      callbackUrl,
      clarificationWindowMs: options.sandboxClarificationWindowMs ?? 3_000,
    },
    rbkmoney: { apiKey: rbkmoneyApiKey, destinationAuthorizationMs: 300 },
    timing: { processingMs: 300, slowMs: 4_000, callbackDelayMs: 100, callbackRetryMs: 500 },
  });
  // The company's RBKmoney account, set up once as `payouts rbkmoney setup` does, webhooks to our relay.
  const rbkmoneyBase = { baseUrl: sandbox.url, apiKey: rbkmoneyApiKey, cardFingerprintKey: fingerprintKey, logger };
  const account = await createRbkmoneyProvider(rbkmoneyBase).setupAccount({
    identity: { name: 'payouts', provider: 'test', externalID: 'payouts-identity' },
    wallet: { name: 'payouts RUB', currency: 'RUB', externalID: 'payouts-wallet-RUB' },
    webhookUrl: `http://127.0.0.1:${relayPort}/webhooks/rbkmoney`,
  });
  const providers = providerRegistry({
    ecommpay: () =>
      createEcommpayProvider({
        baseUrl: sandbox.url,
        projectId: sandboxProjectId,
        secretKey: sandboxSecret,
        callbackUrl,
        timeouts: { connectMs: 1_000, responseMs: 2_000 },
        logger,
      }),
    rbkmoney: () =>
      createRbkmoneyProvider({
        ...rbkmoneyBase,
        identityId: account.identityId,
        walletId: account.walletId,
        walletCurrency: 'RUB',
        webhookPublicKey: account.webhookPublicKeys,
        timeoutMs: 3_000,
      }),
  });
  const orphans = new OrphanJournal(
    path.join(await mkdtemp(path.join(os.tmpdir(), 'payouts-orphans-')), 'orphans.jsonl'),
  );
  const relay = await startRelay({
    port: relayPort,
    host: '127.0.0.1',
    client: conns.client,
    providers,
    orphans,
    logger,
  });
  const taskQueue = uniqueTaskQueue(name);

  let running: Promise<void> | undefined;
  const stack: PayoutStack = {
    conns,
    sandbox,
    relay,
    orphans,
    taskQueue,
    worker: undefined as unknown as Worker,
    started: [],
    async restartWorker({ workflowBundle, dataConverter = options.dataConverter } = {}) {
      const workerOptions = {
        connection: conns.nativeConnection,
        namespace: server.namespace,
        taskQueue,
        activities: createActivities({
          providers,
          client: conns.client,
          taskQueue,
          merchantNotifications: options.merchantNotifications,
          ...(options.limits ? { limits: options.limits } : {}),
        }),
      };
      stack.worker = await createPayoutsWorker({
        ...workerOptions,
        dataConverter,
        ...(workflowBundle ? { workflowBundle } : {}),
      });
      running = stack.worker.run();
    },
    async stopWorker() {
      if (stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
      await running;
    },
    async start(request, timings, type = PayoutWorkflowV3) {
      const parsed = payoutRequestSchema.parse(request);
      // Started as the client and the batch start it: with its search attributes.
      const handle = await conns.client.workflow.start(type, {
        taskQueue,
        workflowId: payoutWorkflowId(parsed.payoutId),
        args: [{ request: parsed, timings: { ...testTimings, ...timings } }],
        typedSearchAttributes: payoutSearchAttributePairs(parsed),
      });
      stack.started.push({ scenario: expect.getState().currentTestName ?? 'unnamed', handle });
      return handle;
    },
    async close() {
      await stack.stopWorker();
      await relay.close();
      await sandbox.close();
      await conns.close();
    },
  };
  await stack.restartWorker();
  return stack;
}

function withDataConverter(
  conns: TestConnections,
  namespace: string,
  dataConverter: DataConverter | undefined,
): TestConnections {
  if (!dataConverter) return conns;
  const client = new Client({ connection: conns.client.connection, namespace, dataConverter });
  return { ...conns, client };
}

export { awaitOutcomeUpdate };

/** Polls `check` every 100 ms until it holds; fails the test after `timeoutMs`. */
export const waitFor = (check: () => Promise<boolean>, timeoutMs = 20_000) =>
  sharedWaitFor(check, timeoutMs, 'condition', 100);

/** An ecommpay payout to this test card, with every field the provider asks for; a fresh payoutId each call. */
export function ecommpayPayout(
  pan: string,
  overrides: Partial<PayoutRequestInput> = {},
  idPrefix = 'p',
): PayoutRequestInput {
  return {
    payoutId: `${idPrefix}-${randomUUID().slice(0, 12)}`,
    provider: 'ecommpay',
    amount: 150_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
    customer: { id: 'c-1', ip_address: '127.0.0.1', first_name: 'Ivan', last_name: 'Petrov' },
    sender: { first_name: 'Acme', last_name: 'Ltd', day_of_birth: '01-01-1980' },
    ...overrides,
  };
}
