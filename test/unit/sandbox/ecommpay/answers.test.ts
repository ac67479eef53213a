// The sandbox's answers must be what the adapter reads: checked with the adapter's own schemas and mappings.
import { createEcommpayProvider } from '../../../../src/providers/ecommpay/index.js';
import { verify } from '../../../../src/providers/ecommpay/signature.js';
import { acceptedAnswerSchema } from '../../../../src/providers/ecommpay/wire/common.js';
import { extractError } from '../../../../src/providers/ecommpay/wire/errors.js';
import { mapStatus, pickPayoutOperation, statusAnswerSchema } from '../../../../src/providers/ecommpay/wire/status.js';
import {
  callbackBody,
  type EcommpayDetails,
  errorReply,
  gateDate,
  gatePayout,
  acceptedReply,
  statusAnswer,
} from '../../../../src/sandbox/ecommpay/answers.js';
import type { LedgerEntry } from '../../../../src/sandbox/ledger.js';

const secretKey = 'unit-secret';
const projectId = 874;

function ledgerEntry(entry: Partial<LedgerEntry>, details: Partial<EcommpayDetails> = {}): LedgerEntry {
  const base: EcommpayDetails = {
    operationId: 14,
    outcome: { kind: 'success', speed: 'normal' },
    customerId: 'customer_10',
    byToken: false,
    callbackUrl: 'http://relay.test/webhooks/ecommpay',
    callbackDelayMs: 0,
    clarified: false,
  };
  return {
    provider: 'ecommpay',
    key: 'p-1-a1',
    reference: '71228f54d21e776a481f',
    amount: 10_000,
    currency: 'USD',
    card: '541333******0019',
    status: 'succeeded',
    repeats: 0,
    acceptedAt: '2019-06-24T11:07:42.000Z',
    settledAt: '2019-06-24T11:08:49.000Z',
    details: { ...base, ...details },
    ...entry,
  };
}

const adapter = createEcommpayProvider({
  baseUrl: 'http://unused.test',
  projectId,
  secretKey,
  transport: () => Promise.reject(new Error('no HTTP in unit tests')),
});

describe('callbacks', () => {
  test('a success callback has the doc example shape, is signed at the top level, and maps to succeeded', () => {
    const body = callbackBody(gatePayout(ledgerEntry({})), projectId, secretKey);
    expect(body).toMatchObject({
      project_id: 874,
      payment: { id: 'p-1-a1', type: 'payout', status: 'success', date: '2019-06-24T11:08:49+0000', method: 'card' },
      account: { number: '541333******0019' },
      customer: { id: 'customer_10' },
      operation: {
        id: 14,
        type: 'payout',
        status: 'success',
        created_date: '2019-06-24T11:07:42+0000',
        request_id: '71228f54d21e776a481f',
        sum_initial: { amount: 10_000, currency: 'USD' },
        code: '0',
        message: 'Success',
      },
      signature: expect.any(String) as string,
    });
    expect(verify(body, secretKey)).toBe(true);
    expect(adapter.parseCallback(JSON.stringify(body), {})).toMatchObject({
      ok: true,
      event: {
        idempotencyKey: 'p-1-a1',
        eventId: 'ecommpay:p-1-a1:14:success:success:0:10000 USD',
        status: { state: 'succeeded', reference: '71228f54d21e776a481f' },
        amount: { value: 10_000, currency: 'USD' },
        occurredAt: '2019-06-24T11:08:49.000Z',
      },
    });
  });

  test('a decline callback carries the code and the registry message', () => {
    const entry = ledgerEntry({
      status: 'declined',
      code: '3104',
      message: 'Payment Constraint Invalid Payout Amount',
    });
    const body = callbackBody(gatePayout(entry), projectId, secretKey);
    expect(adapter.parseCallback(JSON.stringify(body), {})).toMatchObject({
      ok: true,
      event: { status: { state: 'declined', code: '3104', message: 'Payment Constraint Invalid Payout Amount' } },
    });
  });

  test('a clarification callback names the requested fields', () => {
    const entry = ledgerEntry(
      { status: 'awaiting_clarification', settledAt: undefined },
      { outcome: { kind: 'clarification', ask: 'avs' } },
    );
    const body = callbackBody(gatePayout(entry), projectId, secretKey);
    expect(body).toMatchObject({
      payment: { status: 'awaiting clarification' },
      operation: { code: '3191', message: 'Need clarification' },
      clarification_fields: { avs_data: ['avs_post_code', 'avs_street_address'] },
    });
    expect(body.operation).not.toHaveProperty('provider');
    expect(adapter.parseCallback(JSON.stringify(body), {})).toMatchObject({
      ok: true,
      event: {
        status: { state: 'needs_clarification', fields: ['avs_data.avs_post_code', 'avs_data.avs_street_address'] },
      },
    });
  });

  test('a token payout has no account number', () => {
    const body = callbackBody(
      gatePayout(ledgerEntry({ card: 'token tok_…' }, { byToken: true })),
      projectId,
      secretKey,
    );
    expect(body).not.toHaveProperty('account');
  });
});

describe('status answers', () => {
  test.each([
    ['pending', {}, { state: 'pending', detail: 'processing' }],
    ['succeeded', {}, { state: 'succeeded' }],
    [
      'declined',
      { code: '10101', message: 'Decline due to amount or frequency limit' },
      { state: 'declined', code: '10101' },
    ],
  ] as const)('a %s payout reads back through the adapter schema and mapping', (status, extra, mapped) => {
    const answer = statusAnswer(gatePayout(ledgerEntry({ status, ...extra })), projectId, secretKey);
    expect(verify(answer, secretKey)).toBe(true);
    const parsed = statusAnswerSchema.parse(answer);
    expect(parsed.payment.id).toBe('p-1-a1');
    expect(parsed.operations).toHaveLength(1);
    expect(
      mapStatus({ paymentStatus: parsed.payment.status, operation: pickPayoutOperation(parsed.operations) }),
    ).toMatchObject(mapped);
  });
});

describe('synchronous answers', () => {
  test('the registered answer matches the adapter schema', () => {
    const reply = acceptedReply('req-1', projectId, 'p-1');
    expect(reply.status).toBe(200);
    expect(acceptedAnswerSchema.parse(reply.json)).toMatchObject({ status: 'success', request_id: 'req-1' });
  });

  test('an error answer carries the first code at the top level and every field in errors[]', () => {
    const reply = errorReply(
      [
        { field: 'customer.id', code: '2004' },
        { field: 'payment.currency', code: '3121' },
      ],
      { projectId, paymentId: 'p-1' },
    );
    expect(reply).toEqual({
      status: 400,
      json: {
        status: 'error',
        code: '2004',
        message: 'Required field not provided',
        project_id: 874,
        payment_id: 'p-1',
        errors: [
          { code: 2004, message: 'Required field not provided', field: 'customer.id' },
          { code: 3121, message: 'Invalid currency', field: 'payment.currency' },
        ],
      },
      headers: undefined,
    });
    expect(extractError(reply.json)).toEqual({
      code: '2004',
      message: 'Required field not provided',
      field: 'customer.id',
    });
  });

  test('dates are written the Gate way', () => {
    expect(gateDate('2019-06-24T11:08:49.123Z')).toBe('2019-06-24T11:08:49+0000');
  });
});
