// PayoutWorkflow through RBKmoney Wallets: the card bound once by DestinationWorkflow (webhook or polling),
// then a withdrawal from the company wallet; all through the sandbox and the relay on the real dev server.
import { randomUUID } from 'node:crypto';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { generateWebhookKeyPair, signWebhook } from '../../../src/providers/rbkmoney/signature.js';
import { cancelPayoutUpdate, destinationStatusQuery, payoutStatusQuery } from '../../../src/workflows/definitions.js';
import { expectNothingSent, expectPaidOnce } from '../../support/paid-once.js';
import { replayStarted, workflowsOnTaskQueue } from '../replay-helpers.js';
import { awaitOutcomeUpdate, startPayoutStack, type PayoutStack, waitFor } from './stack.js';

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('payout-rbkmoney');
});
afterAll(async () => stack.close());

function rbkPayout(pan: string, overrides: Partial<PayoutRequestInput> = {}): PayoutRequestInput {
  return {
    payoutId: `r-${randomUUID().slice(0, 12)}`,
    provider: 'rbkmoney',
    amount: 250_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
    ...overrides,
  };
}

async function destinationIdOf(payoutId: string): Promise<string | undefined> {
  const entry = stack.sandbox.ledger.list('rbkmoney').find((e) => e.key === payoutId);
  const record = entry?.details as { withdrawal?: { destination?: unknown } } | undefined;
  return typeof record?.withdrawal?.destination === 'string' ? record.withdrawal.destination : undefined;
}

test('a payout binds the card, then the withdrawal succeeds through the webhook, paid once', async () => {
  const request = rbkPayout(testCards.visa.pan);
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'succeeded', maskedCard: '424242******4242', provider: 'rbkmoney' });
  const view = await handle.query(payoutStatusQuery);
  expect(view.events.some((event) => event.source === 'callback' && event.state === 'succeeded')).toBe(true);
  expect(expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId).provider).toBe('rbkmoney');
});

test('two concurrent payouts to one card share one binding', async () => {
  const card = testCards.mastercard.pan;
  const [first, second] = await Promise.all([stack.start(rbkPayout(card)), stack.start(rbkPayout(card))]);
  const outcomes = await Promise.all([first, second].map((handle) => handle.executeUpdate(awaitOutcomeUpdate)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded']);
  const destinations = await Promise.all(outcomes.map((outcome) => destinationIdOf(outcome.payoutId)));
  expect(destinations[0]).toBeDefined();
  expect(destinations[1]).toBe(destinations[0]);

  // Visibility is eventually consistent: wait until it lists this file's bindings.
  const query = `WorkflowType = 'DestinationWorkflow' AND TaskQueue = '${stack.taskQueue}'`;
  let bindings: string[] = [];
  for (let tries = 0; tries < 50 && bindings.length === 0; tries++) {
    bindings = await listWorkflows(query);
    if (bindings.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const forThisCard = await Promise.all(
    bindings.map(
      async (id) => (await stack.conns.client.workflow.getHandle(id).query(destinationStatusQuery)).maskedCard,
    ),
  );
  expect(forThisCard.filter((masked) => masked === '555555******4444')).toHaveLength(1);
});

test('a declined withdrawal ends declined with the provider failure code', async () => {
  const handle = await stack.start(rbkPayout(testCards.rejectedByIssuer.pan));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: 'authorization_failed:rejected_by_issuer' });
});

test('a card whose destination is never authorized declines the payout with the binding reason, nothing paid', async () => {
  const request = rbkPayout(testCards.neverAuthorized.pan);
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: 'card_binding_failed' });
  expect(outcome.message).toMatch(/400000\*{6}0408/);
  expectNothingSent(stack.sandbox.ledger.list(), request.payoutId);
});

test('with webhooks dropped, the binding and the withdrawal are learned by polling', async () => {
  stack.sandbox.faults.update({ callbackDropRate: 1 });
  try {
    const handle = await stack.start(rbkPayout(testCards.mir.pan));
    const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
    expect(outcome.status).toBe('succeeded');
    const view = await handle.query(payoutStatusQuery);
    expect(view.events.filter((event) => event.source === 'callback')).toHaveLength(0);
    expect(view.events.some((event) => event.source === 'poll' && event.state === 'succeeded')).toBe(true);
  } finally {
    stack.sandbox.faults.update({ callbackDropRate: 0 });
  }
});

test('a payout that breaks RBKmoney rules is rejected and nothing is bound or sent', async () => {
  const handle = await stack.start(rbkPayout(testCards.visa.pan, { kind: 'p2p' }));
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('rejected');
  expect(outcome.problems?.map((problem) => problem.path)).toContain('kind');
});

test('a withdrawal that stays pending ends in needs_review at the deadline', async () => {
  const handle = await stack.start(rbkPayout(testCards.pending.pan), {
    outcomeDeadlineMs: 5_000,
    firstPollAfterMs: 1_000,
  });
  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('needs_review');
});

test('a scheduled payout cancelled before it is sent ends cancelled, nothing bound or paid', async () => {
  const request = rbkPayout(testCards.visa.pan, { notBefore: new Date(Date.now() + 3_600_000).toISOString() });
  const handle = await stack.start(request);
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'scheduled');
  const view = await handle.executeUpdate(cancelPayoutUpdate, { args: [{ reason: 'batch withdrawn' }] });
  expect(view.outcome).toMatchObject({ status: 'cancelled', message: 'batch withdrawn' });
  expectNothingSent(stack.sandbox.ledger.list(), request.payoutId);
});

test('a webhook signed with another key, or unsigned, is refused with 403 and changes nothing', async () => {
  const request = rbkPayout(testCards.pending.pan);
  const handle = await stack.start(request, { outcomeDeadlineMs: 60_000 });
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'submitted');
  const body = JSON.stringify({
    eventID: 1,
    occuredAt: new Date().toISOString(),
    topic: 'WithdrawalsTopic',
    eventType: 'WithdrawalSucceeded',
    withdrawal: { id: 'w-1', externalID: request.payoutId, status: 'Succeeded' },
  });
  const forger = generateWebhookKeyPair();
  const attempts: Array<Record<string, string>> = [
    { 'content-signature': signWebhook(body, forger.privateKeyPem) },
    {},
  ];
  for (const headers of attempts) {
    const response = await fetch(`${stack.relay.url}/webhooks/rbkmoney`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(response.status).toBe(403);
  }
  const view = await handle.query(payoutStatusQuery);
  expect(view.status).toBe('submitted');
  // The sandbox's own (genuine) WithdrawalStarted may have arrived; the forged success did not.
  expect(view.events.filter((event) => event.state === 'succeeded')).toHaveLength(0);
  await handle.terminate('test done');
});

test('every history this file produced replays on the current workflow code', async () => {
  expect(stack.started.length).toBeGreaterThan(6);
  const bindings = await workflowsOnTaskQueue(stack.conns.client, stack.taskQueue, ['DestinationWorkflow']);
  expect(await replayStarted('rbkmoney', [...stack.started, ...bindings])).toEqual([]);
});

async function listWorkflows(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of stack.conns.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}
