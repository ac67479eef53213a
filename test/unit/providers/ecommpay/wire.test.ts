import { payoutRequestSchema, type PayoutRequestInput } from '../../../../src/domain/payout-request.js';
import {
  buildClarificationRequest,
  clarificationBodySchema,
  clarificationFieldNames,
} from '../../../../src/providers/ecommpay/wire/clarification.js';
import { extractError } from '../../../../src/providers/ecommpay/wire/errors.js';
import { buildPayoutRequest, payoutBodySchema } from '../../../../src/providers/ecommpay/wire/payouts.js';
import {
  buildStatusRequest,
  mapStatus,
  pickPayoutOperation,
  statusRequestBodySchema,
  type ObservedPayout,
} from '../../../../src/providers/ecommpay/wire/status.js';

const payout = (input: Omit<Partial<PayoutRequestInput>, 'card'> & { card: PayoutRequestInput['card'] }) =>
  payoutRequestSchema.parse({ payoutId: 'p-1', provider: 'ecommpay', amount: 15000, currency: 'EUR', ...input });

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [key, ...keysOf(child)]);
}

describe('buildPayoutRequest', () => {
  test('a payout by card number goes to /v2/payment/card/payout with the doc’s field names', () => {
    const request = payout({
      card: { pan: '5413330000000019', expMonth: 11, expYear: 2030, holder: 'JOHN SMITH', scheme: 'mastercard' },
      description: 'salary',
      customer: { id: 'c-1', ip_address: '185.123.193.224', first_name: 'John', last_name: 'Smith' },
    });
    expect(buildPayoutRequest(request, 874, 'p-1-a1', { callbackUrl: 'https://merchant.example/cb' })).toEqual({
      endpoint: '/v2/payment/card/payout',
      body: {
        general: { project_id: 874, payment_id: 'p-1-a1', merchant_callback_url: 'https://merchant.example/cb' },
        card: { pan: '5413330000000019', year: 2030, month: 11, card_holder: 'JOHN SMITH' },
        customer: { id: 'c-1', ip_address: '185.123.193.224', first_name: 'John', last_name: 'Smith' },
        payment: { amount: 15000, currency: 'EUR', description: 'salary' },
      },
    });
  });

  test('a payout by token goes to /v2/payment/card/payout/token with a top-level token and no card', () => {
    const { endpoint, body } = buildPayoutRequest(payout({ card: { token: 'tok-abc', scheme: 'visa' } }), 874, 'k');
    expect(endpoint).toBe('/v2/payment/card/payout/token');
    expect(body).toEqual({
      general: { project_id: 874, payment_id: 'k' },
      token: 'tok-abc',
      payment: { amount: 15000, currency: 'EUR' },
    });
  });

  test('a p2p payout goes to /v2/payment/individual/payout with sender and recipient', () => {
    const sender = { pan: '4242424242424242', first_name: 'Jack', last_name: 'Jackson', country: 'GB' };
    const recipient = { first_name: 'John', last_name: 'Smith' };
    const { endpoint, body } = buildPayoutRequest(
      payout({ card: { pan: '5555555555554444' }, kind: 'p2p', sender, recipient }),
      874,
      'k',
    );
    expect(endpoint).toBe('/v2/payment/individual/payout');
    expect(body.sender).toEqual(sender);
    expect(body.recipient).toEqual(recipient);
    expect(body.card).toEqual({ pan: '5555555555554444' });
  });

  test('a token p2p payout goes to the token endpoint', () => {
    expect(buildPayoutRequest(payout({ card: { token: 't' }, kind: 'p2p' }), 1, 'k').endpoint).toBe(
      '/v2/payment/card/payout/token',
    );
  });

  test('the CVV never reaches a payout body, and the strict schema would refuse one', () => {
    const request = payout({ card: { pan: '4242424242424242', expMonth: 1, expYear: 2031 } });
    Object.assign(request.card, { cvv: '987' });
    const { body } = buildPayoutRequest(request, 874, 'k');
    expect(keysOf(body)).not.toContain('cvv');
    expect(JSON.stringify(body)).not.toContain('987');
    expect(payoutBodySchema.safeParse(body).success).toBe(true);
    expect(payoutBodySchema.safeParse({ ...body, card: { ...body.card, cvv: '987' } }).success).toBe(false);
  });

  test('amounts are minor units as given; no undefined values survive (they would break the signature)', () => {
    const { body } = buildPayoutRequest(
      payout({ card: { pan: '4242424242424242' }, amount: 1, currency: 'JPY' }),
      5,
      'k',
    );
    expect(body.payment).toEqual({ amount: 1, currency: 'JPY' });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(keysOf(body)).not.toContain('merchant_callback_url');
    expect(keysOf(body)).not.toContain('callback');
  });

  test('callback delay is sent when asked for', () => {
    const { body } = buildPayoutRequest(payout({ card: { token: 't' } }), 5, 'k', { callbackDelaySeconds: 30 });
    expect(body.callback).toEqual({ delay: 30 });
    expect(payoutBodySchema.safeParse(body).success).toBe(true);
  });

  test('status and clarification requests', () => {
    expect(buildStatusRequest(874, 'k')).toEqual({ general: { project_id: 874, payment_id: 'k' } });
    expect(statusRequestBodySchema.safeParse(buildStatusRequest(874, 'k')).success).toBe(true);
    const clarification = buildClarificationRequest(874, 'k', { customer: { first_name: 'John' } });
    expect(clarification).toEqual({
      general: { project_id: 874, payment_id: 'k' },
      additional_data: { customer: { first_name: 'John' } },
    });
    expect(clarificationBodySchema.safeParse(clarification).success).toBe(true);
  });
});

describe('mapStatus', () => {
  const operation = { id: '14', type: 'payout', request_id: 'req-1' };

  test.each<[string, ObservedPayout, unknown]>([
    [
      'success',
      { paymentStatus: 'success', operation: { ...operation, status: 'success', code: '0' } },
      { state: 'succeeded', reference: 'req-1' },
    ],
    [
      'decline with the operation’s code',
      {
        paymentStatus: 'decline',
        operation: {
          ...operation,
          status: 'decline',
          code: '3104',
          message: 'Payment Constraint Invalid Payout Amount',
        },
      },
      {
        state: 'declined',
        reference: 'req-1',
        code: '3104',
        message: 'Payment Constraint Invalid Payout Amount',
        failureClass: 'declined',
      },
    ],
    [
      'decline with the code only in errors[]',
      { paymentStatus: 'decline', errors: [{ code: '10812', message: 'Invalid card. Do not try again' }] },
      {
        state: 'declined',
        reference: undefined,
        code: '10812',
        message: 'Invalid card. Do not try again',
        failureClass: 'declined',
      },
    ],
    [
      'decline without any code',
      { paymentStatus: 'decline' },
      { state: 'declined', reference: undefined, code: 'decline', message: 'decline', failureClass: 'declined' },
    ],
    [
      'error is final: declined',
      { paymentStatus: 'error', operation: { ...operation, status: 'error', code: '100', message: 'General decline' } },
      { state: 'declined', reference: 'req-1', code: '100', message: 'General decline', failureClass: 'declined' },
    ],
    ['processing', { paymentStatus: 'processing' }, { state: 'pending', reference: undefined, detail: 'processing' }],
    [
      'external processing',
      { paymentStatus: 'external processing' },
      { state: 'pending', reference: undefined, detail: 'external processing' },
    ],
    [
      'another awaiting state',
      { paymentStatus: 'awaiting customer' },
      { state: 'pending', reference: undefined, detail: 'awaiting customer' },
    ],
    [
      'operation status when the payment has none',
      { operation: { ...operation, status: 'success' } },
      { state: 'succeeded', reference: 'req-1' },
    ],
    ['no status at all', {}, { state: 'unknown', reference: undefined, reason: 'the provider reported no status' }],
  ])('%s', (_name, observed, expected) => {
    expect(mapStatus(observed)).toEqual(expected);
  });

  test('awaiting clarification names the fields, flattened', () => {
    expect(
      mapStatus({
        paymentStatus: 'awaiting clarification',
        clarificationFields: {
          customer: { type: 'object', properties: { first_name: { type: 'string' }, last_name: { type: 'string' } } },
        },
      }),
    ).toEqual({
      state: 'needs_clarification',
      reference: undefined,
      fields: ['customer.first_name', 'customer.last_name'],
    });
  });

  test.each(['internal error', 'external error'])('%s is unknown, never declined: money may have moved', (status) => {
    const mapped = mapStatus({ paymentStatus: status, operation: { ...operation, status, code: '10000' } });
    expect(mapped.state).toBe('unknown');
    expect(mapped).toMatchObject({ reason: expect.stringContaining(status) as string });
  });

  test.each(['reversed', 'partially reversed'])(
    '%s surfaces as unknown with a reason starting "reversed"',
    (status) => {
      const mapped = mapStatus({
        paymentStatus: status,
        operation: { ...operation, type: 'payout reversal', status: 'success' },
      });
      expect(mapped).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/^reversed: /) as string });
    },
  );

  test('an unrecognised status is unknown, not pending and not declined', () => {
    expect(mapStatus({ paymentStatus: 'teleported' })).toEqual({
      state: 'unknown',
      reference: undefined,
      reason: 'unrecognised provider status "teleported"',
    });
  });

  test('decline messages are scrubbed of card numbers', () => {
    const mapped = mapStatus({
      paymentStatus: 'decline',
      operation: { code: '3356', message: 'card 4242424242424242 not allowed' },
    });
    expect(mapped).toMatchObject({ message: 'card 424242******4242 not allowed' });
  });

  test('the payout operation is the latest of type payout', () => {
    const ops = [
      { id: '1', type: 'payout', status: 'decline' },
      { id: '2', type: 'payout', status: 'success' },
      { id: '3', type: 'payout reversal', status: 'success' },
    ];
    expect(pickPayoutOperation(ops)?.id).toBe('2');
    expect(pickPayoutOperation([{ id: '9', type: 'sale' }])?.id).toBe('9');
    expect(pickPayoutOperation([])).toBeUndefined();
  });
});

describe('a callback’s or a status’s code, by the same table as a synchronous answer (issue 19, finding 4)', () => {
  test.each([
    ['3028', 'systemic'],
    ['504', 'systemic'],
    ['10504', 'systemic'],
    ['314', 'systemic'],
    ['303', 'systemic'],
    ['601', 'systemic'],
    ['3101', 'invalid_request'],
    ['3105', 'declined'],
    ['77777', 'unclassified'],
  ])('decline %s -> %s', (code, failureClass) => {
    const mapped = mapStatus({ paymentStatus: 'decline', operation: { status: 'decline', code } });
    expect(mapped).toMatchObject({ state: 'declined', code, failureClass });
  });
});

describe('clarificationFieldNames', () => {
  test('legacy lists per object', () => {
    expect(clarificationFieldNames({ avs_data: ['avs_post_code', 'avs_street_address'] })).toEqual([
      'avs_data.avs_post_code',
      'avs_data.avs_street_address',
    ]);
  });

  test('JSON-Schema-like objects, nested', () => {
    const fields = {
      customer: {
        type: 'object',
        properties: {
          first_name: { type: 'string' },
          billing: { type: 'object', properties: { postal: { type: 'string' } } },
        },
      },
      sender: { type: 'object', properties: { day_of_birth: {} } },
    };
    expect(clarificationFieldNames(fields)).toEqual([
      'customer.first_name',
      'customer.billing.postal',
      'sender.day_of_birth',
    ]);
  });

  test('plain names and maps; nothing for nothing', () => {
    expect(clarificationFieldNames(['customer.first_name', 'customer.first_name'])).toEqual(['customer.first_name']);
    expect(clarificationFieldNames({ customer: { zip: true } })).toEqual(['customer.zip']);
    expect(clarificationFieldNames(undefined)).toEqual([]);
    expect(clarificationFieldNames(null)).toEqual([]);
  });
});

describe('extractError', () => {
  test.each<[unknown, ReturnType<typeof extractError>]>([
    [
      { status: 'error', code: '3041', message: 'Payment ID already exists' },
      { code: '3041', message: 'Payment ID already exists', field: undefined },
    ],
    [
      {
        status: 'error',
        code: 2004,
        errors: [{ code: 2004, message: 'Required field not provided', field: 'customer.id' }],
      },
      { code: '2004', message: 'Required field not provided', field: 'customer.id' },
    ],
    [
      { status: 'error', errors: [{ code: '3261', message: 'Invalid signature' }] },
      { code: '3261', message: 'Invalid signature', field: undefined },
    ],
    [
      { status: 'error', code: '0', errors: [{ code: '3061', message: 'Transaction not found' }] },
      { code: '3061', message: 'Transaction not found', field: undefined },
    ],
    ['<html>bad gateway</html>', {}],
    [undefined, {}],
  ])('%j', (body, expected) => {
    expect(extractError(body)).toEqual(expected);
  });
});
