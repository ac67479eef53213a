// The worst moment, made to happen: each provider has recorded the payment (it is in the sandbox ledger) and
// holds its answer, while the submit activity is in flight. Then the worker process is SIGKILLed, or the
// Temporal server restarts. The payout must still end succeeded, paid once for its payoutId across every key.
// The stack is the chaos test's (its own dev server on a SQLite file, sandbox, relay and workers as processes).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChaosStack } from '../../../bench/chaos/stack.js';
import { PayoutsClient, type PayoutRequestInput } from '../../../src/client/index.js';
import { codecFromConfig, payoutsDataConverter } from '../../../src/codec/index.js';
import { parseConfig } from '../../../src/config.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import type { LedgerEntry } from '../../../src/sandbox/ledger.js';
import { testCards as rbkmoneyCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { expectPaidOnce, ledgerEntriesOf } from '../../support/paid-once.js';
import { ecommpayPayout, waitFor } from '../payout/stack.js';

let dir: string;
let stack: ChaosStack;
let payouts: PayoutsClient;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'payouts-crash-'));
  stack = await ChaosStack.start({ dir, workers: 1, say: () => undefined });
  const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: stack.codecKeys }));
  payouts = await PayoutsClient.connect({
    address: stack.address,
    namespace: stack.namespace,
    dataConverter: payoutsDataConverter(codec),
  });
}, 240_000);
afterAll(async () => {
  await payouts?.close();
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

async function ledger(): Promise<LedgerEntry[]> {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/ledger`);
  return ((await response.json()) as { entries: LedgerEntry[] }).entries;
}

const rbkmoneyPayout = (): PayoutRequestInput => ({
  ...ecommpayPayout(rbkmoneyCards.visa.pan, {}, 'crash-rbk'),
  provider: 'rbkmoney',
  amount: 250_000,
});

/** The activities that send a payout: after a card binding, or validating in the same call. */
const sendingActivities = ['submitPayout', 'prepareAndSubmitPayout'];

/** The pids (from `pid@host`) of the workers running this payout's submission now. */
async function submittingWorkers(payoutId: string): Promise<number[]> {
  const description = await payouts.temporal.workflow.getHandle(`payout-${payoutId}`).describe();
  return (description.raw.pendingActivities ?? []).flatMap((activity) =>
    sendingActivities.includes(activity.activityType?.name ?? '') && activity.lastWorkerIdentity
      ? [Number(activity.lastWorkerIdentity.split('@')[0])]
      : [],
  );
}

/**
 * Submits one payout per provider with the sandbox holding every payout's answer, and waits for the worst
 * moment: each payment is in the ledger, each submitPayout is in flight on a worker. Resolves with those pids.
 */
async function submitAndHold(hangMs: number): Promise<{ requests: PayoutRequestInput[]; pids: number[] }> {
  await stack.setFaults({ timeoutAfterAcceptRate: 1, timeoutHangMs: hangMs });
  const requests = [ecommpayPayout(ecommpayCards.visa.pan, {}, 'crash-ecp'), rbkmoneyPayout()];
  for (const request of requests) await payouts.submitPayout(request);
  let pids: number[] = [];
  await waitFor(async () => {
    const entries = await ledger();
    const recorded = requests.every((request) => ledgerEntriesOf(entries, request.payoutId).length === 1);
    pids = (await Promise.all(requests.map((request) => submittingWorkers(request.payoutId)))).flat();
    return recorded && pids.length === requests.length;
  }, 60_000);
  // Retries get their answer: only the first submission of each payout is held.
  await stack.setFaults({ timeoutAfterAcceptRate: 0 });
  return { requests, pids };
}

async function expectEachPaidOnce(requests: PayoutRequestInput[], timeoutMs: number): Promise<void> {
  const outcomes = await Promise.all(requests.map((request) => payouts.waitForOutcome(request.payoutId, timeoutMs)));
  expect(outcomes.map((outcome) => [outcome.provider, outcome.status])).toEqual([
    ['ecommpay', 'succeeded'],
    ['rbkmoney', 'succeeded'],
  ]);
  const entries = await ledger();
  for (const request of requests) {
    const paid = expectPaidOnce(entries, request.payoutId);
    // The retry after the crash reached the provider and was told it already had the payment.
    expect([request.provider, paid.key, paid.repeats]).toEqual([request.provider, request.payoutId, 1]);
  }
}

test('the worker is SIGKILLed while each provider holds its answer: a new worker finishes, paid once', async () => {
  const { requests, pids } = await submitAndHold(600_000);
  const killed = await stack.crashAllWorkers();
  expect(killed).toEqual(expect.arrayContaining([...new Set(pids)]));
  // The server learns of the lost attempt only at submitPayout's start-to-close timeout (90 s).
  await expectEachPaidOnce(requests, 180_000);
}, 240_000);

test('the Temporal server restarts while each provider holds its answer: the payouts finish, paid once', async () => {
  // Held for longer than the restart: the answer is lost after the server is back, and the retry is told duplicate.
  const { requests } = await submitAndHold(15_000);
  await stack.restartServer();
  await expectEachPaidOnce(requests, 120_000);
}, 180_000);
