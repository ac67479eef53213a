import { createHash } from 'node:crypto';
import { payoutRequestSchema, type PayoutRequestInput } from '../../../../src/domain/payout-request.js';
import type { HttpAnswer } from '../../../../src/providers/ecommpay/client.js';
import { createEcommpayProvider } from '../../../../src/providers/ecommpay/index.js';
import { sign, verify } from '../../../../src/providers/ecommpay/signature.js';
import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  SystemicProviderError,
  TransientProviderError,
} from '../../../../src/providers/errors.js';

const secretKey = 'test-secret';
const baseUrl = 'https://gate.example/';
const projectId = 874;

interface Sent {
  url: string;
  json: string;
  body: Record<string, unknown>;
}

/** A provider whose HTTP answers come from a queue; what it sent is recorded. */
function providerWith(...answers: Array<HttpAnswer | Error>) {
  const sent: Sent[] = [];
  const provider = createEcommpayProvider({
    baseUrl,
    projectId,
    secretKey,
    callbackUrl: 'https://merchant.example/callbacks/ecommpay',
    now: () => new Date('2025-06-15T12:00:00Z'),
    transport: (url, json) => {
      sent.push({ url, json, body: JSON.parse(json) as Record<string, unknown> });
      const next = answers.shift();
      if (next === undefined) return Promise.reject(new Error('no answer queued'));
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  });
  return { provider, sent };
}

const answer = (statusCode: number, body: unknown, headers: HttpAnswer['headers'] = {}): HttpAnswer => ({
  statusCode,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

const payout = (input: Partial<PayoutRequestInput> = {}) =>
  payoutRequestSchema.parse({
    payoutId: 'p-1',
    provider: 'ecommpay',
    amount: 10000,
    currency: 'USD',
    card: { pan: '5413330000000019', expMonth: 11, expYear: 2030 },
    customer: {
      id: 'customer_10',
      ip_address: '185.123.193.224',
      first_name: 'John',
      last_name: 'Smith',
      zip: 'N1 9GU',
    },
    ...input,
  });

const accepted = { status: 'success', request_id: 'req-71228f54', project_id: projectId, payment_id: 'p-1-a1' };

describe('submit', () => {
  test('signs the body into general.signature and posts it to the card payout endpoint', async () => {
    const { provider, sent } = providerWith(answer(200, accepted));
    await expect(provider.submit({ request: payout(), idempotencyKey: 'p-1-a1' })).resolves.toEqual({
      outcome: 'accepted',
      reference: 'req-71228f54',
    });
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe('https://gate.example/v2/payment/card/payout');
    expect(request?.body.general).toEqual({
      project_id: 874,
      payment_id: 'p-1-a1',
      merchant_callback_url: 'https://merchant.example/callbacks/ecommpay',
      signature: expect.any(String) as string,
    });
    expect(verify(request?.body ?? {}, secretKey)).toBe(true);
    expect(verify(request?.body ?? {}, 'another-secret')).toBe(false);
    expect(request?.json).not.toContain('cvv');
    expect(request?.json).not.toContain('987');
  });

  test('3041 "Payment ID already exists" means an earlier attempt got through: duplicate', async () => {
    const { provider } = providerWith(
      answer(400, { status: 'error', code: '3041', message: 'Payment ID already exists' }),
    );
    await expect(provider.submit({ request: payout(), idempotencyKey: 'p-1-a1' })).resolves.toEqual({
      outcome: 'duplicate',
    });
  });

  test('a decline code is a PayoutDeclinedError with the code', async () => {
    const { provider } = providerWith(
      answer(400, { status: 'error', code: '3105', message: 'Card country is forbidden' }),
    );
    const attempt = provider.submit({ request: payout(), idempotencyKey: 'p-1-a1' });
    await expect(attempt).rejects.toBeInstanceOf(PayoutDeclinedError);
    await expect(attempt).rejects.toMatchObject({ code: '3105', message: 'ecommpay 3105: Card country is forbidden' });
  });

  test('a bad signature is systemic', async () => {
    const { provider } = providerWith(answer(400, { status: 'error', code: 3261, message: 'Invalid signature' }));
    await expect(provider.submit({ request: payout(), idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      SystemicProviderError,
    );
  });

  test('a 502 page and a dropped connection are transient', async () => {
    const { provider } = providerWith(
      answer(502, '<html>Bad Gateway</html>'),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    );
    await expect(provider.submit({ request: payout(), idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      TransientProviderError,
    );
    await expect(provider.submit({ request: payout(), idempotencyKey: 'k' })).rejects.toMatchObject({
      errorClass: 'transient',
      code: 'ECONNRESET',
    });
  });

  test('a 200 we cannot read is transient (the retry meets 3041 if it was registered)', async () => {
    const { provider } = providerWith(answer(200, { hello: 'world' }));
    await expect(provider.submit({ request: payout(), idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      TransientProviderError,
    );
  });

  test('token and p2p payouts go to their endpoints', async () => {
    const { provider, sent } = providerWith(answer(200, accepted), answer(200, accepted));
    await provider.submit({ request: payout({ card: { token: 'tok-1' } }), idempotencyKey: 'a' });
    await provider.submit({ request: payout({ kind: 'p2p' }), idempotencyKey: 'b' });
    expect(sent.map((s) => s.url)).toEqual([
      'https://gate.example/v2/payment/card/payout/token',
      'https://gate.example/v2/payment/individual/payout',
    ]);
    expect(sent[0]?.body.token).toBe('tok-1');
  });
});

describe('getStatus', () => {
  const statusAnswer = (status: string, operation: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    project_id: projectId,
    payment: { id: 'p-1-a1', type: 'payout', status, sum: { amount: 10000, currency: 'USD' } },
    operations: [{ id: 14, type: 'payout', request_id: 'req-71228f54', ...operation }],
    ...extra,
  });

  test('asks /v2/payment/status by payment_id, signed', async () => {
    const { provider, sent } = providerWith(answer(200, statusAnswer('success', { status: 'success', code: '0' })));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toEqual({
      state: 'succeeded',
      reference: 'req-71228f54',
      amount: { value: 10000, currency: 'USD' },
    });
    expect(sent[0]?.url).toBe('https://gate.example/v2/payment/status');
    expect(Object.keys(sent[0]?.body ?? {})).toEqual(['general']);
    expect(verify(sent[0]?.body ?? {}, secretKey)).toBe(true);
  });

  test('a decline carries the operation’s code and message', async () => {
    const body = statusAnswer('decline', {
      status: 'decline',
      code: 3104,
      message: 'Payment Constraint Invalid Payout Amount',
    });
    const { provider } = providerWith(answer(200, body));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toEqual({
      state: 'declined',
      reference: 'req-71228f54',
      code: '3104',
      message: 'Payment Constraint Invalid Payout Amount',
      failureClass: 'declined',
      amount: { value: 10000, currency: 'USD' },
    });
  });

  test('awaiting clarification names the fields', async () => {
    const body = statusAnswer(
      'awaiting clarification',
      { status: 'awaiting clarification' },
      { clarification_fields: { avs_data: ['avs_post_code'] } },
    );
    const { provider } = providerWith(answer(200, body));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'needs_clarification',
      fields: ['avs_data.avs_post_code'],
    });
  });

  test.each([
    [
      'in a 200 answer',
      answer(200, { payment: { status: 'error' }, errors: [{ code: '3061', message: 'Transaction not found' }] }),
    ],
    ['as an error answer', answer(404, { status: 'error', code: 3061, message: 'Transaction not found' })],
  ])('3061 "Transaction not found" %s is unknown, not declined', async (_name, notFound) => {
    const { provider } = providerWith(notFound);
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'unknown',
      reason: expect.stringContaining('3061') as string,
    });
  });

  test('a refused status request says nothing about the payout: unknown, never a decline', async () => {
    const { provider } = providerWith(
      answer(400, { status: 'error', code: '2004', message: 'Required field not provided' }),
    );
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'unknown',
    });
  });

  test('transient and systemic failures are thrown', async () => {
    const { provider } = providerWith(answer(503, ''), answer(400, { status: 'error', code: '3262' }));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      TransientProviderError,
    );
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      SystemicProviderError,
    );
  });

  test('an answer about another payment is not taken for ours', async () => {
    const body = { ...statusAnswer('success', { status: 'success' }), payment: { id: 'other', status: 'success' } };
    const { provider } = providerWith(answer(200, body));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'unknown',
    });
  });
});

describe('parseCallback', () => {
  // The success example of the Gate payout doc, signed here with the test secret.
  const docCallback = () => ({
    project_id: 874,
    payment: {
      id: '3013',
      type: 'payout',
      status: 'success',
      date: '2019-06-24T11:08:49+0000',
      method: 'card',
      sum: { amount: 10000, currency: 'USD' },
      description: '',
    },
    account: { number: '541333******0019' },
    customer: { id: 'customer_10' },
    operation: {
      id: 14,
      type: 'payout',
      status: 'success',
      date: '2019-06-24T11:08:49+0000',
      created_date: '2019-06-24T11:07:42+0000',
      request_id: '71228f54d21e776a481',
      sum_initial: { amount: 10000, currency: 'USD' },
      sum_converted: { amount: 10000, currency: 'USD' },
      provider: { id: 1496, payment_id: '60-1c6072de6000', date: '2019-06-24T11:08:47+0000', auth_code: '' },
      code: '0',
      message: 'Success',
    },
  });
  const signed = (body: Record<string, unknown>) => JSON.stringify({ ...body, signature: sign(body, secretKey) });
  const { provider } = providerWith();

  test('a signed payout callback becomes an event for its payment_id', () => {
    expect(provider.parseCallback(signed(docCallback()), {})).toEqual({
      ok: true,
      event: {
        provider: 'ecommpay',
        idempotencyKey: '3013',
        eventId: 'ecommpay:3013:14:success:success:0:10000 USD',
        status: {
          state: 'succeeded',
          reference: '71228f54d21e776a481',
          amount: { value: 10000, currency: 'USD' },
          maskedCard: '541333******0019',
        },
        amount: { value: 10000, currency: 'USD' },
        occurredAt: '2019-06-24T11:08:49.000Z',
      },
    });
  });

  test('the doc’s decline example maps to declined 3104; a Buffer body works too', () => {
    const body = docCallback();
    body.payment.status = 'decline';
    Object.assign(body.operation, {
      status: 'decline',
      code: '3104',
      message: 'Payment Constraint Invalid Payout Amount',
    });
    const result = provider.parseCallback(Buffer.from(signed(body), 'utf8'), {});
    expect(result).toMatchObject({
      ok: true,
      event: {
        eventId: 'ecommpay:3013:14:decline:decline:3104:10000 USD',
        status: { state: 'declined', code: '3104', message: 'Payment Constraint Invalid Payout Amount' },
      },
    });
  });

  test('the same callback delivered twice has the same event id', () => {
    const first = provider.parseCallback(signed(docCallback()), {});
    const second = provider.parseCallback(signed(docCallback()), {});
    expect(first.ok && first.event?.eventId).toBe(second.ok && second.event?.eventId);
  });

  test('a signature inside general is accepted as well', () => {
    const body = docCallback();
    const text = JSON.stringify({ ...body, general: { signature: sign(body, secretKey) } });
    expect(provider.parseCallback(text, {})).toMatchObject({ ok: true, event: { idempotencyKey: '3013' } });
  });

  test('an altered amount breaks the signature', () => {
    const text = signed(docCallback()).replace('"amount":10000', '"amount":1000000');
    expect(text).toContain('"amount":1000000');
    expect(provider.parseCallback(text, {})).toMatchObject({ ok: false, rejection: 'bad_signature' });
  });

  test('a wrong secret, a missing signature: bad_signature', () => {
    const foreign = JSON.stringify({ ...docCallback(), signature: sign(docCallback(), 'someone-else') });
    expect(provider.parseCallback(foreign, {})).toMatchObject({ ok: false, rejection: 'bad_signature' });
    expect(provider.parseCallback(JSON.stringify(docCallback()), {})).toEqual({
      ok: false,
      rejection: 'bad_signature',
      reason: 'no signature in the body',
    });
  });

  test('not JSON, not an object, or signed but not a callback: malformed', () => {
    expect(provider.parseCallback('{"payment":', {})).toMatchObject({ ok: false, rejection: 'malformed' });
    expect(provider.parseCallback('[1,2]', {})).toMatchObject({ ok: false, rejection: 'malformed' });
    expect(provider.parseCallback(signed({ project_id: 874, hello: 'world' }), {})).toMatchObject({
      ok: false,
      rejection: 'malformed',
      reason: expect.stringContaining('payment') as string,
    });
  });

  test('an authentic callback about something other than a payout is passed on as other', () => {
    const body = docCallback();
    body.payment.type = 'purchase';
    body.operation.type = 'sale';
    expect(provider.parseCallback(signed(body), {})).toEqual({
      ok: true,
      event: null,
      other: {
        kind: 'ecommpay.purchase',
        subject: '3013',
        detail: { status: 'success', operationType: 'sale', operationStatus: 'success' },
      },
    });
  });

  test('a callback without an operation id is named by what it says, never by an unkeyed hash of its body', () => {
    const { operation: _operation, ...body } = docCallback();
    const text = signed(body);
    const result = provider.parseCallback(text, {});
    const eventId = result.ok ? result.event?.eventId : undefined;
    expect(eventId).toBe('ecommpay:3013:-::success::10000 USD');
    expect(eventId).not.toContain(createHash('sha256').update(text).digest('hex'));
  });

  test('a clarification callback names the fields to send', () => {
    const body = {
      ...docCallback(),
      clarification_fields: { customer: { type: 'object', properties: { first_name: { type: 'string' } } } },
    };
    body.payment.status = 'awaiting clarification';
    body.operation.status = 'awaiting clarification';
    expect(provider.parseCallback(signed(body), {})).toMatchObject({
      ok: true,
      event: { status: { state: 'needs_clarification', fields: ['customer.first_name'] } },
    });
  });
});

describe('answerClarification', () => {
  test('answers at once from the payout’s own data, nested under additional_data', async () => {
    const { provider, sent } = providerWith(answer(200, { ...accepted, request_id: 'req-clar' }));
    await expect(
      provider.answerClarification(payout(), 'p-1-a1', ['customer.first_name', 'avs_data.avs_post_code']),
    ).resolves.toEqual({ reference: 'req-clar' });
    expect(sent[0]?.url).toBe('https://gate.example/v2/payment/clarification');
    const { signature: _signature, ...general } = sent[0]?.body.general as Record<string, unknown>;
    expect(general).toEqual({ project_id: 874, payment_id: 'p-1-a1' });
    expect(sent[0]?.body.additional_data).toEqual({
      customer: { first_name: 'John' },
      avs_data: { avs_post_code: 'N1 9GU' },
    });
    expect(verify(sent[0]?.body ?? {}, secretKey)).toBe(true);
  });

  test('a field the payout lacks: declined, naming the field and no value, nothing sent', async () => {
    const { provider, sent } = providerWith();
    const attempt = provider.answerClarification(payout(), 'p-1-a1', [
      'customer.first_name',
      'sender.day_of_birth',
      'card.cvv',
    ]);
    await expect(attempt).rejects.toBeInstanceOf(PayoutDeclinedError);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('sender.day_of_birth, card.cvv');
    expect(error.message).not.toContain('John');
    expect(error.message).not.toContain('987');
    expect(sent).toHaveLength(0);
  });

  test('field names that could reach object prototypes are treated as missing', async () => {
    const { provider, sent } = providerWith();
    await expect(provider.answerClarification(payout(), 'k', ['__proto__.polluted'])).rejects.toBeInstanceOf(
      PayoutDeclinedError,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(sent).toHaveLength(0);
  });

  test('3060 while the payment still awaits clarification: refused, classified like any answer', async () => {
    const { provider, sent } = providerWith(
      answer(400, { status: 'error', code: '3060' }),
      answer(200, { payment: { id: 'k', status: 'awaiting clarification' }, clarification_fields: { customer: {} } }),
    );
    await expect(provider.answerClarification(payout(), 'k', ['customer.first_name'])).rejects.toBeInstanceOf(
      InvalidPayoutRequestError,
    );
    expect(sent.map((request) => request.url)).toEqual([
      'https://gate.example/v2/payment/clarification',
      'https://gate.example/v2/payment/status',
    ]);
  });

  test('3060 to a retried answer whose first copy arrived (the payment moved on): answered', async () => {
    const { provider } = providerWith(
      answer(400, { status: 'error', code: '3060' }),
      answer(200, { payment: { id: 'k', status: 'processing' } }),
    );
    await expect(provider.answerClarification(payout(), 'k', ['customer.first_name'])).resolves.toEqual({});
  });
});

test('validate applies the scheme rules with the injected clock', () => {
  const { provider } = providerWith();
  const visa = payout({ card: { pan: '4242424242424242' }, sender: { day_of_birth: '15-06-2025' } });
  expect(provider.validate(visa)).toEqual([{ path: 'sender.day_of_birth', reason: 'must be in the past' }]);
});

describe('what the provider holds (issue 19, finding 1)', () => {
  test('a status answer reports the payment sum and the masked card, a full number masked', async () => {
    const body = {
      project_id: projectId,
      payment: { id: 'p-1-a1', type: 'payout', status: 'success', sum: { amount: 10000, currency: 'RUB' } },
      account: { number: '5555555555554444' },
      operations: [{ id: 14, type: 'payout', status: 'success', request_id: 'r-1' }],
    };
    const { provider } = providerWith(answer(200, body));
    await expect(provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'succeeded',
      amount: { value: 10000, currency: 'RUB' },
      maskedCard: '555555******4444',
    });
  });
});

describe('an event’s identity comes from its content (issue 19, finding 3)', () => {
  const { provider } = providerWith();
  const body = {
    project_id: projectId,
    payment: { id: 'p-9', type: 'payout', status: 'success', sum: { amount: 500, currency: 'RUB' } },
    operation: { type: 'payout', status: 'success', code: '0' },
  };
  const signedText = (text: string) => {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const signature = sign(parsed, secretKey);
    return text.replace(/}\s*$/, `, "signature": ${JSON.stringify(signature)}}`);
  };
  const eventIdOf = (text: string) => {
    const result = provider.parseCallback(signedText(text), {});
    if (!result.ok || !result.event) throw new Error('not an event');
    return result.event.eventId;
  };

  test('whitespace or key order does not make a replay new; another amount or status does', () => {
    const compact = JSON.stringify(body);
    const spaced = JSON.stringify(body, null, 2);
    const reordered = JSON.stringify({ operation: body.operation, payment: body.payment, project_id: projectId });
    expect(eventIdOf(spaced)).toBe(eventIdOf(compact));
    expect(eventIdOf(reordered)).toBe(eventIdOf(compact));
    const otherAmount = JSON.stringify({
      ...body,
      payment: { ...body.payment, sum: { amount: 501, currency: 'RUB' } },
    });
    expect(eventIdOf(otherAmount)).not.toBe(eventIdOf(compact));
  });
});
