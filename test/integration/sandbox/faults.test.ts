// Every fault knob of the sandbox, observed through the real ecommpay adapter and a callback receiver.
import { TransientProviderError } from '../../../src/providers/errors.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import type { FaultCounters } from '../../../src/sandbox/faults.js';
import { waitFor } from '../../support/wait-for.js';
import {
  type EcommpayHarness,
  eventsAbout,
  eventWhen,
  getJson,
  payout,
  postJson,
  settledStatus,
  startEcommpayHarness,
} from './ecommpay-setup.js';

let harness: EcommpayHarness;

beforeAll(async () => {
  harness = await startEcommpayHarness();
});
afterAll(async () => {
  await harness?.close();
});
beforeEach(async () => {
  await postJson(`${harness.sandbox.url}/sandbox/reset`, {});
  harness.receiver.clear();
  harness.receiver.answerWith(() => 200);
});

const keyOf = (payoutId: string) => `${payoutId}-a1`;
const setFaults = (patch: Record<string, unknown>) => postJson(`${harness.sandbox.url}/sandbox/faults`, patch);

/** The sandbox's own count of callbacks delivered (answered 200), from GET /sandbox/stats. */
async function delivered(): Promise<number> {
  const stats = (await getJson(`${harness.sandbox.url}/sandbox/stats`)) as {
    callbacks: { ecommpay?: { delivered: number } };
  };
  return stats.callbacks.ecommpay?.delivered ?? 0;
}

async function injected(): Promise<Partial<FaultCounters>> {
  const view = (await getJson(`${harness.sandbox.url}/sandbox/faults`)) as {
    injected: { ecommpay?: FaultCounters };
  };
  return view.injected.ecommpay ?? {};
}

async function submitted(pan: string = testCards.mastercard.pan) {
  const request = payout(pan);
  const key = keyOf(request.payoutId);
  await harness.provider.submit({ request, idempotencyKey: key });
  return { request, key };
}

test('latency delays every provider answer and is counted', async () => {
  await setFaults({ latencyMs: 400 });
  const started = Date.now();
  await harness.provider.getStatus({ payoutId: 'x', idempotencyKey: 'nothing' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  // Control routes are never slowed down.
  const controlStarted = Date.now();
  await getJson(`${harness.sandbox.url}/sandbox/ledger`);
  expect(Date.now() - controlStarted).toBeLessThan(400);
  expect(await injected()).toMatchObject({ delayedAnswers: 1 });
});

test('a 5xx answer is a transient error, and nothing was carried out', async () => {
  await setFaults({ serverErrorRate: 1 });
  const request = payout(testCards.mastercard.pan);
  const key = keyOf(request.payoutId);
  await expect(harness.provider.submit({ request, idempotencyKey: key })).rejects.toBeInstanceOf(
    TransientProviderError,
  );
  expect(harness.sandbox.ledger.list()).toEqual([]);
  expect(await injected()).toMatchObject({ serverErrors: 1 });

  await setFaults({ serverErrorRate: 0 });
  await expect(harness.provider.submit({ request, idempotencyKey: key })).resolves.toMatchObject({
    outcome: 'accepted',
  });
});

test('a time-out after acceptance: the client gives up, the retry is a duplicate, the ledger pays once', async () => {
  await setFaults({ timeoutAfterAcceptRate: 1, timeoutHangMs: 3_000 });
  const impatient = harness.adapter({ timeouts: { responseMs: 400 } });
  const request = payout(testCards.mastercard.pan);
  const key = keyOf(request.payoutId);
  await expect(impatient.submit({ request, idempotencyKey: key })).rejects.toBeInstanceOf(TransientProviderError);
  // Carried out although never answered.
  expect(harness.sandbox.ledger.get('ecommpay', key)).toMatchObject({ amount: 125_00, repeats: 0 });
  expect(await injected()).toMatchObject({ timeoutsAfterAccept: 1 });

  await setFaults({ timeoutAfterAcceptRate: 0 });
  await expect(impatient.submit({ request, idempotencyKey: key })).resolves.toEqual({ outcome: 'duplicate' });
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  const entries = harness.sandbox.ledger.list('ecommpay');
  expect(entries).toEqual([expect.objectContaining({ key, status: 'succeeded', repeats: 1 })]);
});

test('a dropped callback never arrives; the status request still tells the outcome', async () => {
  await setFaults({ callbackDropRate: 1 });
  const { key } = await submitted();
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  // The sandbox reports the callback's moment has come, and that it dropped it.
  await waitFor(async () => (await injected()).callbacksDropped === 1);
  expect(harness.receiver.received).toHaveLength(0);
  expect(await delivered()).toBe(0);
});

test('a duplicated callback arrives twice, with the same event id', async () => {
  await setFaults({ callbackDuplicateRate: 1 });
  const { key } = await submitted();
  await eventWhen(harness, key, 'succeeded');
  await waitFor(async () => (await delivered()) === 2);
  const events = eventsAbout(harness, key);
  expect(events).toHaveLength(2);
  expect(events[0]?.eventId).toBe(events[1]?.eventId);
  expect(await injected()).toMatchObject({ callbacksDuplicated: 1 });
});

test('a delayed callback arrives callbackDelayMs later than planned', async () => {
  await setFaults({ callbackDelayRate: 1, callbackDelayMs: 1_000 });
  const started = Date.now();
  const { key } = await submitted();
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  // Its planned moment has passed (the sandbox counted the delay): nothing arrived yet.
  await waitFor(async () => (await injected()).callbacksDelayed === 1);
  expect(harness.receiver.received).toHaveLength(0);
  await eventWhen(harness, key, 'succeeded');
  // Processing (100 ms) plus the injected delay.
  expect((harness.receiver.received[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(1_100);
  expect(await injected()).toMatchObject({ callbacksDelayed: 1 });
});

test('a held-back callback is overtaken by the next one: out of order at the receiver', async () => {
  await setFaults({ callbackReorderRate: 1 });
  const first = await submitted();
  // The first one's callback is due and held back before the second payout exists.
  await waitFor(async () => (await injected()).callbacksReordered === 1);
  const second = await submitted();
  await eventWhen(harness, first.key, 'succeeded');
  await eventWhen(harness, second.key, 'succeeded');
  const order = harness.receiver.received.map((callback) => {
    const result = harness.provider.parseCallback(callback.body, callback.headers);
    return result.ok ? result.event?.idempotencyKey : undefined;
  });
  expect(order).toEqual([second.key, first.key]);
  expect(await injected()).toMatchObject({ callbacksReordered: 1 });
});

test('a callback answered with anything but 200 is retried until it is delivered', async () => {
  harness.receiver.answerWith((n) => (n < 3 ? 500 : 200));
  const { key } = await submitted();
  await eventWhen(harness, key, 'succeeded');
  // Delivered: no attempt follows.
  await waitFor(async () => (await delivered()) === 1);
  expect(harness.receiver.received).toHaveLength(3);
  const stats = (await getJson(`${harness.sandbox.url}/sandbox/stats`)) as { callbacks: Record<string, unknown> };
  expect(stats.callbacks.ecommpay).toEqual({ sent: 1, attempts: 3, delivered: 1, failedAttempts: 2, abandoned: 0 });
});

test('the same seed injects the same faults', async () => {
  const pattern = async () => {
    const outcomes: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await postJson(`${harness.sandbox.url}/v2/payment/status`, {});
      outcomes.push(answer.status >= 500);
    }
    return outcomes;
  };
  await setFaults({ seed: 7, serverErrorRate: 0.5 });
  const first = await pattern();
  await setFaults({ seed: 7 });
  const second = await pattern();
  await setFaults({ seed: 8 });
  const third = await pattern();
  expect(first).toEqual(second);
  expect(first).toContain(true);
  expect(first).toContain(false);
  expect(third).not.toEqual(first);
});

test('fault settings are validated, readable, and restored by a reset', async () => {
  const refused = await setFaults({ serverErrorRate: 2, unknownKnob: 1 });
  expect(refused.status).toBe(400);
  expect((refused.json as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(
    expect.arrayContaining(['serverErrorRate']),
  );

  const accepted = await setFaults({ latencyMs: 5, callbackDropRate: 0.25 });
  expect(accepted).toMatchObject({ status: 200, json: { settings: { latencyMs: 5, callbackDropRate: 0.25 } } });
  await expect(getJson(`${harness.sandbox.url}/sandbox/faults`)).resolves.toMatchObject({
    settings: { latencyMs: 5, callbackDropRate: 0.25, serverErrorRate: 0 },
  });

  await postJson(`${harness.sandbox.url}/sandbox/reset`, {});
  await expect(getJson(`${harness.sandbox.url}/sandbox/faults`)).resolves.toMatchObject({
    settings: { latencyMs: 0, callbackDropRate: 0 },
    injected: {},
  });
});
