// The RBKmoney adapter against the sandbox over HTTP: account setup, card binding, withdrawals to their end,
// signed webhooks, idempotency and faults. Every request, answer and webhook of every test is checked against
// the provider's spec (../shared/reference) afterwards.
import type { CallbackResult } from '../../../src/providers/contract.js';
import {
  IdempotencyConflictError,
  PayoutDeclinedError,
  TransientProviderError,
} from '../../../src/providers/errors.js';
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { rbkmoneySpecDirsForTests } from '../../conformance/rbkmoney/index.js';
import {
  bindCard,
  callbackWhere,
  deliberatelyInvalid,
  payout,
  raw,
  type RbkmoneyHarness,
  settledStatus,
  startRbkmoneyHarness,
} from './rbkmoney-setup.js';

let harness: RbkmoneyHarness;

const bindingOf = (result: CallbackResult) => (result.ok && result.event === null ? result.binding : undefined);

beforeAll(async () => {
  harness = await startRbkmoneyHarness();
});
afterAll(async () => {
  await harness?.close();
});
afterEach(async () => {
  expect(await harness.conformanceProblems()).toEqual([]);
});

const entriesFor = (key: string) => harness.ledger.list('rbkmoney').filter((entry) => entry.key === key);

test('setup is idempotent: the same identity, wallet and webhooks, and the key that signs the webhooks', async () => {
  const again = await harness.provider.setupAccount({
    identity: { name: 'Payouts test', provider: 'test', externalID: 'payouts-test-identity' },
    wallet: { name: 'Payouts test wallet', currency: 'RUB', externalID: 'payouts-test-wallet' },
    webhookUrl: `${harness.receiver.url}/webhooks/rbkmoney`,
  });
  expect(again).toMatchObject({ identityId: harness.identityId, walletId: harness.walletId });
  expect(again.webhooks.map((webhook) => webhook.created)).toEqual([false, false]);
  expect(again.webhookPublicKeys).toEqual(harness.webhookPublicKeys);
  expect(harness.webhookPublicKeys).toHaveLength(1);
  const listed = await raw(harness, 'GET', `/wallet/v0/webhooks?identityID=${harness.identityId}`);
  expect(listed.body).toHaveLength(2);
});

test('a card is bound (signed destination webhooks), then paid: Started and Succeeded webhooks, status, ledger', async () => {
  const request = payout(testCards.visa.pan);
  const destination = await bindCard(harness, request);
  expect(destination).toMatchObject({ status: 'Authorized', usable: true, bin: '424242', lastDigits: '4242' });
  const authorized = await callbackWhere(
    harness,
    (r) => bindingOf(r)?.reference === destination.id && bindingOf(r)?.state === 'authorized',
  );
  expect(authorized).toMatchObject({ ok: true, binding: { idempotencyKey: destination.externalID } });

  const key = `${request.payoutId}-a1`;
  const before = await raw(harness, 'GET', `/wallet/v0/wallets/${harness.walletId}/account`);
  const submitted = await harness.provider.submit({
    request,
    idempotencyKey: key,
    prepared: { destinationId: destination.id },
  });
  expect(submitted).toMatchObject({ outcome: 'accepted', reference: expect.any(String) as unknown });
  await callbackWhere(harness, (r) => r.ok && r.event?.idempotencyKey === key && r.event.status.state === 'pending');
  const succeeded = await callbackWhere(
    harness,
    (r) => r.ok && r.event?.idempotencyKey === key && r.event.status.state === 'succeeded',
  );
  expect(succeeded).toMatchObject({ event: { provider: 'rbkmoney', status: { reference: submitted.reference } } });
  await expect(settledStatus(harness.provider, key)).resolves.toEqual({
    state: 'succeeded',
    reference: submitted.reference,
    // What the withdrawal holds, for the payout to check against what it sent.
    amount: { value: 10000, currency: 'RUB' },
  });
  expect(entriesFor(key)).toEqual([
    expect.objectContaining({ status: 'succeeded', amount: 10_000, card: '424242******4242' }),
  ]);
  const after = await raw(harness, 'GET', `/wallet/v0/wallets/${harness.walletId}/account`);
  const own = (answer: { body: unknown }) => (answer.body as { own: { amount: number } }).own.amount;
  expect(own(before) - own(after)).toBe(10_000);
});

test('a declining card: WithdrawalFailed webhook (no code in it), the failure chain by status', async () => {
  const request = payout(testCards.rejectedByIssuer.pan);
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  await harness.provider.submit({ request, idempotencyKey: key, prepared: { destinationId: destination.id } });
  const failed = await callbackWhere(
    harness,
    (r) => r.ok && r.event?.idempotencyKey === key && r.event.status.state === 'declined',
  );
  expect(failed).toMatchObject({ event: { status: { code: 'failed' } } });
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({
    state: 'declined',
    code: 'authorization_failed:rejected_by_issuer',
  });
  expect(entriesFor(key)).toEqual([
    expect.objectContaining({ status: 'declined', code: 'authorization_failed:rejected_by_issuer' }),
  ]);
});

test('more than the wallet holds fails with account_limit_exceeded:amount', async () => {
  const request = payout(testCards.mastercard.pan, { amount: 600_000_000 });
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  await harness.provider.submit({ request, idempotencyKey: key, prepared: { destinationId: destination.id } });
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({
    state: 'declined',
    code: 'account_limit_exceeded:amount',
  });
});

test('a card never authorized: DestinationUnauthorized, and a withdrawal to it is declined at once', async () => {
  const request = payout(testCards.neverAuthorized.pan);
  const destination = await bindCard(harness, request, 300);
  expect(destination).toMatchObject({ status: 'Unauthorized', usable: false });
  await callbackWhere(
    harness,
    (r) => bindingOf(r)?.reference === destination.id && bindingOf(r)?.state === 'unauthorized',
  );
  const key = `${request.payoutId}-a1`;
  const error: unknown = await harness.provider
    .submit({ request, idempotencyKey: key, prepared: { destinationId: destination.id } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PayoutDeclinedError);
  expect(error).toMatchObject({ code: 'Destination unauthorized' });
  expect(entriesFor(key)).toEqual([]);
});

test('the same key again is answered with the same withdrawal and paid once; other parameters are a conflict', async () => {
  const request = payout(testCards.visa.pan);
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  const input = { request, idempotencyKey: key, prepared: { destinationId: destination.id } };
  const first = await harness.provider.submit(input);
  const second = await harness.provider.submit(input);
  // The provider answers an identical repeat like a create (2xx): while Pending it reads as accepted.
  expect(second.reference).toBe(first.reference);
  await expect(harness.provider.submit({ ...input, request: { ...request, amount: 20_000 } })).rejects.toBeInstanceOf(
    IdempotencyConflictError,
  );
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  expect(await harness.provider.submit(input)).toEqual({ outcome: 'duplicate', reference: first.reference });
  expect(entriesFor(key)).toEqual([expect.objectContaining({ status: 'succeeded', repeats: 2 })]);
});

test('a withdrawal carried out but never answered: the retry finds it, and it is paid once', async () => {
  const request = payout(testCards.visa.pan);
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  const input = { request, idempotencyKey: key, prepared: { destinationId: destination.id } };
  harness.faults.update({ timeoutAfterAcceptRate: 1, timeoutHangMs: 3_000 });
  const impatient = harness.adapter({ timeoutMs: 1_000 });
  try {
    await expect(impatient.submit(input)).rejects.toBeInstanceOf(TransientProviderError);
  } finally {
    harness.faults.update({ timeoutAfterAcceptRate: 0 });
  }
  const retried = await harness.provider.submit(input);
  expect(retried.reference).toBe(entriesFor(key)[0]?.reference);
  await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  expect(entriesFor(key)).toEqual([expect.objectContaining({ status: 'succeeded', repeats: 1 })]);
});

test('an injected 5xx is transient and nothing is recorded', async () => {
  const request = payout(testCards.visa.pan);
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  harness.faults.update({ serverErrorRate: 1 });
  try {
    await expect(
      harness.provider.submit({ request, idempotencyKey: key, prepared: { destinationId: destination.id } }),
    ).rejects.toBeInstanceOf(TransientProviderError);
  } finally {
    harness.faults.update({ serverErrorRate: 0 });
  }
  expect(entriesFor(key)).toEqual([]);
});

test('requests without the key, without X-Request-ID or with a bad body are refused as the provider does', async () => {
  const path = `/wallet/v0/wallets/${harness.walletId}`;
  const invalid = { [deliberatelyInvalid]: '1' };
  await expect(raw(harness, 'GET', path, { headers: { ...invalid, authorization: 'Bearer wrong' } })).resolves.toEqual({
    status: 401,
    body: undefined,
  });
  await expect(raw(harness, 'GET', path, { headers: invalid, omit: ['x-request-id'] })).resolves.toEqual({
    status: 400,
    body: {
      errorType: 'NotFound',
      name: 'X-Request-ID',
      description: 'Request parameter: X-Request-ID, error type: NotFound',
    },
  });
  await expect(
    raw(harness, 'GET', path, { headers: { ...invalid, 'x-request-id': 'x'.repeat(33) } }),
  ).resolves.toMatchObject({
    status: 400,
    body: { errorType: 'WrongLength', name: 'X-Request-ID' },
  });
  const card = await raw(harness, 'POST', '/payres/v0/bank-cards', {
    headers: invalid,
    body: { type: 'BankCard', cardNumber: '4242 4242' },
  });
  expect(card).toMatchObject({ status: 400, body: { errorType: 'SchemaViolated', name: 'bankCard' } });
  expect(JSON.stringify(card.body)).not.toContain('4242 4242');
  await expect(raw(harness, 'GET', '/wallet/v0/withdrawals/nope')).resolves.toEqual({ status: 404, body: undefined });
});

test('withdrawal status events can be polled', async () => {
  const request = payout(testCards.visa.pan);
  const destination = await bindCard(harness, request);
  const key = `${request.payoutId}-a1`;
  const { reference } = await harness.provider.submit({
    request,
    idempotencyKey: key,
    prepared: { destinationId: destination.id },
  });
  await settledStatus(harness.provider, key);
  const events = await raw(harness, 'GET', `/wallet/v0/withdrawals/${reference}/events?limit=10`);
  expect(events).toMatchObject({
    status: 200,
    body: [
      { eventID: 1, changes: [{ type: 'WithdrawalStatusChanged', status: 'Pending' }] },
      { eventID: 2, changes: [{ type: 'WithdrawalStatusChanged', status: 'Succeeded' }] },
    ],
  });
});

test('the conformance check sees the traffic and the webhooks', () => {
  expect(harness.exchanges.length).toBeGreaterThan(20);
  expect(harness.receiver.received.length).toBeGreaterThan(5);
});

// Without the specs (and not in CI, where their absence fails) this shows as skipped rather than passing.
(rbkmoneySpecDirsForTests() ? test : test.skip)('the conformance check catches a mismatch', async () => {
  const forged = {
    method: 'GET',
    url: '/wallet/v0/withdrawals/w1',
    headers: { authorization: 'Bearer k', 'x-request-id': 'r' },
    body: undefined,
    reply: {
      status: 200,
      json: { id: 'w1', wallet: '1', destination: '2', body: { amount: 1, currency: 'RUB' }, status: 'Done' },
    },
  };
  harness.exchanges.push(forged);
  try {
    expect(await harness.conformanceProblems()).toEqual([
      expect.objectContaining({ operation: 'GET /wallet/v0/withdrawals/{withdrawalID}', field: 'status' }),
    ]);
  } finally {
    harness.exchanges.pop();
  }
});
