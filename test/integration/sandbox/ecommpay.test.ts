// The ecommpay sandbox over real HTTP, driven through the real ecommpay adapter.
import { maskPan } from '../../../src/domain/card.js';
import { sign } from '../../../src/providers/ecommpay/signature.js';
import { endpoints } from '../../../src/providers/ecommpay/wire/common.js';
import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  SystemicProviderError,
} from '../../../src/providers/errors.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import type { LedgerEntry } from '../../../src/sandbox/ledger.js';
import {
  type EcommpayHarness,
  eventsAbout,
  eventWhen,
  getJson,
  payout,
  postJson,
  projectId,
  secretKey,
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
});

const keyOf = (payoutId: string) => `${payoutId}-a1`;
const ledgerEntry = (key: string) => harness.sandbox.ledger.get('ecommpay', key);

/**
 * A positive signal that a moment has passed, instead of a sleep: a plain payout submitted now, whose callback
 * is due after every callback already scheduled (the same delays, timers in order). Resolves once it arrived.
 */
async function sentinelCalledBack(): Promise<void> {
  const request = payout(testCards.mastercard.pan);
  const key = keyOf(request.payoutId);
  await harness.provider.submit({ request, idempotencyKey: key });
  await eventWhen(harness, key, 'succeeded');
}

/** A raw request signed with the sandbox project's key, for the cases the adapter never sends. */
function signed(body: { general: Record<string, unknown> } & Record<string, unknown>) {
  return { ...body, general: { ...body.general, signature: sign(body, secretKey) } };
}

describe('payouts', () => {
  test('a card payout is accepted, recorded with a masked card, succeeds, and is called back signed', async () => {
    const request = payout(testCards.mastercard.pan);
    const key = keyOf(request.payoutId);
    const submitted = await harness.provider.submit({ request, idempotencyKey: key });
    expect(submitted).toEqual({ outcome: 'accepted', reference: expect.stringMatching(/^[0-9a-f]{20}$/) as string });
    expect(ledgerEntry(key)).toMatchObject({ status: 'pending', card: maskPan(testCards.mastercard.pan) });

    // The status reports the amount paid: the payout compares it with what it sent.
    await expect(settledStatus(harness.provider, key)).resolves.toEqual({
      state: 'succeeded',
      reference: submitted.reference,
      // What the provider holds, for the payout to check against what it sent.
      amount: { value: 125_00, currency: 'EUR' },
      maskedCard: maskPan(testCards.mastercard.pan),
    });
    const event = await eventWhen(harness, key, 'succeeded');
    expect(event).toMatchObject({ provider: 'ecommpay', amount: { value: 125_00, currency: 'EUR' } });
    expect(harness.receiver.received[0]?.path).toBe('/webhooks/ecommpay');

    const ledgerText = JSON.stringify(await getJson(`${harness.sandbox.url}/sandbox/ledger`));
    expect(ledgerText).toContain(key);
    expect(ledgerText).not.toContain(testCards.mastercard.pan);
  });

  test('a repeated payment_id is answered as a duplicate and paid once', async () => {
    const request = payout(testCards.visa.pan);
    const key = keyOf(request.payoutId);
    await expect(harness.provider.submit({ request, idempotencyKey: key })).resolves.toMatchObject({
      outcome: 'accepted',
    });
    await expect(harness.provider.submit({ request, idempotencyKey: key })).resolves.toEqual({ outcome: 'duplicate' });
    // Even with another amount: the payment_id alone decides.
    const changed = { ...request, amount: 3028 };
    await expect(harness.provider.submit({ request: changed, idempotencyKey: key })).resolves.toEqual({
      outcome: 'duplicate',
    });

    await eventWhen(harness, key, 'succeeded');
    await sentinelCalledBack();
    expect(eventsAbout(harness, key)).toHaveLength(1);
    const entries = harness.sandbox.ledger.list('ecommpay').filter((entry) => entry.key === key);
    expect(entries).toEqual([expect.objectContaining({ status: 'succeeded', amount: 125_00, repeats: 2 })]);
  });

  test.each([
    ['3104', testCards.decline3104.pan],
    ['10101', testCards.decline10101.pan],
  ])('the decline card for %s ends declined with that code, by status and by callback', async (code, pan) => {
    const request = payout(pan);
    const key = keyOf(request.payoutId);
    await harness.provider.submit({ request, idempotencyKey: key });
    await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'declined', code });
    const event = await eventWhen(harness, key, 'declined');
    expect(event.status).toMatchObject({ code, message: expect.any(String) as string });
    expect(ledgerEntry(key)).toMatchObject({ status: 'declined', code });
  });

  test('an amount trigger decides for a card outside the table and for a token', async () => {
    const byCard = payout('4111111111111111', { amount: 10101 });
    const byToken = payout(testCards.visa.pan, { amount: 3104 });
    const tokenRequest = { ...byToken, card: { token: 'tok_sandbox_1' } };
    await harness.provider.submit({ request: byCard, idempotencyKey: keyOf(byCard.payoutId) });
    await harness.provider.submit({ request: tokenRequest, idempotencyKey: keyOf(byToken.payoutId) });
    await expect(settledStatus(harness.provider, keyOf(byCard.payoutId))).resolves.toMatchObject({
      state: 'declined',
      code: '10101',
    });
    await expect(settledStatus(harness.provider, keyOf(byToken.payoutId))).resolves.toMatchObject({
      state: 'declined',
      code: '3104',
    });
    expect(ledgerEntry(keyOf(byToken.payoutId))?.card).toBe('token tok_…');
  });

  test('a public test card succeeds whatever the amount', async () => {
    const request = payout(testCards.visa.pan, { amount: 3104 });
    await harness.provider.submit({ request, idempotencyKey: keyOf(request.payoutId) });
    await expect(settledStatus(harness.provider, keyOf(request.payoutId))).resolves.toMatchObject({
      state: 'succeeded',
    });
  });

  test('the refusing amount is answered 3028 at once, a systemic error, and nothing is recorded', async () => {
    const request = payout('4111111111111111', { amount: 3028 });
    const key = keyOf(request.payoutId);
    const attempt = harness.provider.submit({ request, idempotencyKey: key });
    await expect(attempt).rejects.toBeInstanceOf(SystemicProviderError);
    await expect(attempt).rejects.toMatchObject({ code: '3028' });
    expect(ledgerEntry(key)).toBeUndefined();
  });

  test("a code of the platform's own rules (3105, card country) is answered at once: a decline, nothing recorded", async () => {
    const request = payout(testCards.decline3105.pan);
    const key = keyOf(request.payoutId);
    const attempt = harness.provider.submit({ request, idempotencyKey: key });
    await expect(attempt).rejects.toBeInstanceOf(PayoutDeclinedError);
    await expect(attempt).rejects.toMatchObject({ code: '3105' });
    expect(ledgerEntry(key)).toBeUndefined();
    await sentinelCalledBack();
    expect(eventsAbout(harness, key)).toHaveLength(0);
  });

  test('3028 also comes later: accepted, then declined by status and callback, a systemic code', async () => {
    const request = payout('4111111111111111', { amount: 13028 });
    const key = keyOf(request.payoutId);
    await expect(harness.provider.submit({ request, idempotencyKey: key })).resolves.toMatchObject({
      outcome: 'accepted',
    });
    const event = await eventWhen(harness, key, 'declined');
    expect(event.status).toMatchObject({ code: '3028', failureClass: 'systemic' });
    await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'declined', code: '3028' });
    expect(ledgerEntry(key)).toMatchObject({ status: 'declined', code: '3028' });
  });

  test('a P2P payout goes to the individual endpoint and is paid like any other', async () => {
    const request = payout(testCards.visa.pan, { kind: 'p2p' });
    const key = keyOf(request.payoutId);
    await harness.provider.submit({ request, idempotencyKey: key });
    await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
  });

  test('the slow card is processing for a while, then succeeds', async () => {
    const request = payout(testCards.slow.pan);
    const key = keyOf(request.payoutId);
    const started = Date.now();
    await harness.provider.submit({ request, idempotencyKey: key });
    // Asked at once: a wait here would race the slow card's own processing time on a busy machine.
    await expect(
      harness.provider.getStatus({ payoutId: request.payoutId, idempotencyKey: key }),
    ).resolves.toMatchObject({
      state: 'pending',
      detail: 'processing',
    });
    await expect(settledStatus(harness.provider, key)).resolves.toMatchObject({ state: 'succeeded' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  test('the pending card stays processing and is never called back', async () => {
    const request = payout(testCards.pending.pan);
    const key = keyOf(request.payoutId);
    await harness.provider.submit({ request, idempotencyKey: key });
    await sentinelCalledBack();
    await expect(
      harness.provider.getStatus({ payoutId: request.payoutId, idempotencyKey: key }),
    ).resolves.toMatchObject({
      state: 'pending',
    });
    expect(eventsAbout(harness, key)).toHaveLength(0);
  });

  test('a status request about an unknown payment_id is unknown (3061), never declined', async () => {
    await expect(harness.provider.getStatus({ payoutId: 'x', idempotencyKey: 'never-sent' })).resolves.toMatchObject({
      state: 'unknown',
      reason: expect.stringContaining('3061') as string,
    });
  });
});

describe('clarification', () => {
  test.each([
    ['customer names (schema form)', testCards.clarifyName.pan, ['customer.first_name', 'customer.last_name']],
    ['AVS data (legacy form)', testCards.clarifyAvs.pan, ['avs_data.avs_post_code', 'avs_data.avs_street_address']],
  ])('asks for %s by callback and status, takes the answer, then succeeds', async (_what, pan, fields) => {
    const request = payout(pan);
    const key = keyOf(request.payoutId);
    await harness.provider.submit({ request, idempotencyKey: key });

    const asking = await eventWhen(harness, key, 'needs_clarification');
    expect(asking.status).toMatchObject({ fields });
    await expect(
      harness.provider.getStatus({ payoutId: request.payoutId, idempotencyKey: key }),
    ).resolves.toMatchObject({
      state: 'needs_clarification',
      fields,
    });
    expect(ledgerEntry(key)?.status).toBe('awaiting_clarification');

    await expect(harness.provider.answerClarification(request, key, fields)).resolves.toEqual({
      reference: expect.any(String) as string,
    });
    await eventWhen(harness, key, 'succeeded');
    expect(ledgerEntry(key)?.status).toBe('succeeded');
    // Answering again (a retry whose first reply was lost): the sandbox says 3060, the payment has moved on,
    // so the adapter counts the clarification as answered.
    await expect(harness.provider.answerClarification(request, key, fields)).resolves.toEqual({});
  });

  test('an answer without the requested values is refused with 2004 naming each field', async () => {
    const request = payout(testCards.clarifyName.pan);
    const key = keyOf(request.payoutId);
    await harness.provider.submit({ request, idempotencyKey: key });
    await eventWhen(harness, key, 'needs_clarification');
    const answer = await postJson(
      `${harness.sandbox.url}${endpoints.clarification}`,
      signed({
        general: { project_id: projectId, payment_id: key },
        additional_data: { customer: { first_name: 'A' } },
      }),
    );
    expect(answer).toMatchObject({
      status: 400,
      json: { status: 'error', code: '2004', errors: [{ code: 2004, field: 'additional_data.customer.last_name' }] },
    });
    expect(ledgerEntry(key)?.status).toBe('awaiting_clarification');
  });
});

describe('clarification window', () => {
  test('a request left unanswered for the window ends declined 3191, by callback and status', async () => {
    const short = await startEcommpayHarness({ ecommpay: { clarificationWindowMs: 300 } });
    try {
      const request = payout(testCards.clarifyName.pan);
      const key = keyOf(request.payoutId);
      await short.provider.submit({ request, idempotencyKey: key });
      await eventWhen(short, key, 'needs_clarification');
      const declined = await eventWhen(short, key, 'declined');
      expect(declined.status).toMatchObject({ code: '3191' });
      await expect(settledStatus(short.provider, key)).resolves.toMatchObject({ state: 'declined', code: '3191' });
      // Too late: the payment has moved on.
      await expect(short.provider.answerClarification(request, key, ['customer.first_name'])).resolves.toEqual({});
      expect(short.sandbox.ledger.get('ecommpay', key)).toMatchObject({ status: 'declined', code: '3191' });
    } finally {
      await short.close();
    }
  });
});

describe("the provider's error answers", () => {
  test('a wrong signature is 3261 and an unknown project 2442: systemic errors, nothing recorded', async () => {
    const request = payout(testCards.visa.pan);
    const key = keyOf(request.payoutId);
    await expect(
      harness.adapter({ secretKey: 'not-the-key' }).submit({ request, idempotencyKey: key }),
    ).rejects.toEqual(expect.objectContaining({ code: '3261', errorClass: 'systemic' }));
    await expect(harness.adapter({ projectId: 999 }).submit({ request, idempotencyKey: key })).rejects.toEqual(
      expect.objectContaining({ code: '2442', errorClass: 'systemic' }),
    );
    expect(ledgerEntry(key)).toBeUndefined();
  });

  test('a request without a signature is 3262', async () => {
    const answer = await postJson(`${harness.sandbox.url}${endpoints.status}`, {
      general: { project_id: projectId, payment_id: 'p-1' },
    });
    expect(answer).toEqual({
      status: 400,
      json: {
        status: 'error',
        code: '3262',
        message: 'Empty signature',
        payment_id: 'p-1',
        errors: [{ code: 3262, message: 'Empty signature', field: 'general.signature' }],
      },
    });
  });

  test('missing required fields are 2004, one error per field; the adapter calls it an invalid request', async () => {
    const request = payout(testCards.visa.pan, { customer: { first_name: 'Anna' }, sender: {} });
    const key = keyOf(request.payoutId);
    await expect(harness.provider.submit({ request, idempotencyKey: key })).rejects.toBeInstanceOf(
      InvalidPayoutRequestError,
    );
    const answer = await postJson(
      `${harness.sandbox.url}${endpoints.cardPayout}`,
      signed({
        general: { project_id: projectId, payment_id: key },
        card: { pan: testCards.visa.pan },
        customer: { first_name: 'Anna' },
        payment: { amount: 100, currency: 'EUR' },
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 'error', code: '2004', message: 'Required field not provided' });
    const fields = (answer.json as { errors: Array<{ field: string; code: number }> }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(['customer.id', 'customer.ip_address', 'sender.day_of_birth']);
    expect(ledgerEntry(key)).toBeUndefined();
  });

  test('malformed values get their own codes', async () => {
    const answer = await postJson(
      `${harness.sandbox.url}${endpoints.cardPayout}`,
      signed({
        general: { project_id: projectId, payment_id: 'p-malformed' },
        card: { pan: '4242424242424241' },
        customer: { id: 'c', ip_address: 'not-an-ip' },
        payment: { amount: 1.5, currency: 'EURO' },
        sender: { day_of_birth: '1981-06-05' },
      }),
    );
    const errors = (answer.json as { errors: Array<{ field: string; code: number }> }).errors;
    expect(Object.fromEntries(errors.map((e) => [e.field, e.code]))).toEqual({
      'card.pan': 702,
      'customer.ip_address': 702,
      'payment.amount': 702,
      'payment.currency': 3121,
      'sender.day_of_birth': 2609,
    });
  });

  test('a body that is not JSON is 2003', async () => {
    const answer = await postJson(`${harness.sandbox.url}${endpoints.cardPayout}`, '{"general":');
    expect(answer).toMatchObject({ status: 400, json: { status: 'error', code: '2003' } });
  });
});

describe('the sandbox endpoints', () => {
  test('GET /sandbox/ledger lists accepted payouts, by provider; POST /sandbox/reset empties it', async () => {
    const request = payout(testCards.mastercard.pan);
    await harness.provider.submit({ request, idempotencyKey: keyOf(request.payoutId) });
    const all = (await getJson(`${harness.sandbox.url}/sandbox/ledger`)) as { entries: LedgerEntry[] };
    expect(all.entries).toEqual([
      expect.objectContaining({
        provider: 'ecommpay',
        key: keyOf(request.payoutId),
        amount: 125_00,
        currency: 'EUR',
        card: '555555******4444',
      }),
    ]);
    await expect(getJson(`${harness.sandbox.url}/sandbox/ledger?provider=rbkmoney`)).resolves.toEqual({ entries: [] });
    const bogus = await fetch(`${harness.sandbox.url}/sandbox/ledger?provider=bogus`);
    expect(bogus.status).toBe(400);

    await postJson(`${harness.sandbox.url}/sandbox/reset`, {});
    await expect(getJson(`${harness.sandbox.url}/sandbox/ledger`)).resolves.toEqual({ entries: [] });
    // Reset also cancels pending work: no callback comes for the forgotten payout.
    await sentinelCalledBack();
    expect(eventsAbout(harness, keyOf(request.payoutId))).toHaveLength(0);
  });

  test('unknown paths are 404, wrong methods 405, oversized bodies 413', async () => {
    expect((await fetch(`${harness.sandbox.url}/v2/payment/nothing`, { method: 'POST' })).status).toBe(404);
    const get = await fetch(`${harness.sandbox.url}${endpoints.cardPayout}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const big = await postJson(`${harness.sandbox.url}${endpoints.cardPayout}`, 'x'.repeat(1024 * 1024 + 1));
    expect(big.status).toBe(413);
  });
});
