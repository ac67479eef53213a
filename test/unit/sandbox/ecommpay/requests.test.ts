import { sign } from '../../../../src/providers/ecommpay/signature.js';
import {
  authenticate,
  cardPayoutSchema,
  clarificationRequestSchema,
  parseFields,
  tokenPayoutSchema,
  visaNeedsBirthDate,
} from '../../../../src/sandbox/ecommpay/requests.js';
import { testCards } from '../../../../src/sandbox/ecommpay/test-cards.js';

const secretKey = 'unit-secret';
const projectId = 874;

function signedBody(body: { general: Record<string, unknown> } & Record<string, unknown>) {
  return { ...body, general: { ...body.general, signature: sign(body, secretKey) } };
}

const validCardPayout = () => ({
  general: { project_id: projectId, payment_id: 'p-1', signature: 'x' },
  card: { pan: testCards.mastercard.pan, year: 2030, month: 11 },
  customer: { id: 'c-1', ip_address: '192.0.2.1', first_name: 'Anna' },
  payment: { amount: 100, currency: 'EUR' },
  anything_else: { the_doc: 'allows' },
});

describe('authenticate', () => {
  const body = () => signedBody({ general: { project_id: projectId, payment_id: 'p-1' } });

  test('a body signed with the project key passes; the project id may be a digit string', () => {
    expect(authenticate(body(), projectId, secretKey)).toMatchObject({ ok: true });
    const asText = signedBody({ general: { project_id: String(projectId), payment_id: 'p-1' } });
    expect(authenticate(asText, projectId, secretKey)).toMatchObject({ ok: true });
  });

  test.each([
    ['not an object', [1, 2], '702'],
    ['no project', { general: { payment_id: 'p-1', signature: 'x' } }, '2442'],
    ['another project', signedBody({ general: { project_id: 875, payment_id: 'p-1' } }), '2442'],
    ['no signature', { general: { project_id: projectId, payment_id: 'p-1' } }, '3262'],
    ['an empty signature', { general: { project_id: projectId, payment_id: 'p-1', signature: '' } }, '3262'],
    [
      'a signature by another key',
      { general: { project_id: projectId, payment_id: 'p-1', signature: sign({}, 'k') } },
      '3261',
    ],
  ])('%s is refused with %s', (_what, value, code) => {
    expect(authenticate(value, projectId, secretKey)).toMatchObject({ ok: false, error: { code } });
  });

  test('a body changed after signing is 3261', () => {
    const tampered = { ...body(), extra: 1 };
    expect(authenticate(tampered, projectId, secretKey)).toMatchObject({
      ok: false,
      error: { code: '3261', field: 'general.signature' },
      paymentId: 'p-1',
    });
  });
});

describe('parseFields', () => {
  test('a correct card payout passes with unknown parameters kept', () => {
    const parsed = parseFields(cardPayoutSchema, validCardPayout(), [visaNeedsBirthDate]);
    expect(parsed).toMatchObject({ ok: true, data: { anything_else: { the_doc: 'allows' } } });
  });

  test('every missing field is 2004, the Visa date of birth included, all in one answer', () => {
    const body = { general: { project_id: projectId, signature: 'x' }, card: { pan: testCards.visa.pan } };
    const parsed = parseFields(cardPayoutSchema, body, [visaNeedsBirthDate]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual(
      expect.arrayContaining([
        { field: 'general.payment_id', code: '2004' },
        { field: 'customer', code: '2004' },
        { field: 'payment', code: '2004' },
        { field: 'sender.day_of_birth', code: '2004' },
      ]),
    );
    expect(parsed.errors).toHaveLength(4);
  });

  test.each([
    ['general.payment_id', { general: { project_id: projectId, payment_id: '', signature: 'x' } }, '3024'],
    ['payment.currency', { payment: { amount: 100, currency: 'XXZ' } }, '3121'],
    ['payment.amount', { payment: { amount: 0, currency: 'EUR' } }, '702'],
    ['card.pan', { card: { pan: '5555555555554445' } }, '702'],
    ['card.card_holder', { card: { pan: testCards.mastercard.pan, card_holder: '' } }, '3161'],
    ['customer.ip_address', { customer: { id: 'c', ip_address: '999.1.1.1' } }, '702'],
  ])('a malformed %s has its own code', (field, change, code) => {
    const parsed = parseFields(cardPayoutSchema, { ...validCardPayout(), ...change });
    expect(parsed).toEqual({ ok: false, errors: [{ field, code }] });
  });

  test('a Visa date of birth in another format is 2609', () => {
    const body = { ...validCardPayout(), card: { pan: testCards.visa.pan }, sender: { day_of_birth: '1981-06-05' } };
    expect(parseFields(cardPayoutSchema, body, [visaNeedsBirthDate])).toEqual({
      ok: false,
      errors: [{ field: 'sender.day_of_birth', code: '2609' }],
    });
  });

  test('a token payout needs the token (3027 when it is not a string)', () => {
    const { card: _card, ...withoutCard } = validCardPayout();
    expect(parseFields(tokenPayoutSchema, withoutCard)).toEqual({
      ok: false,
      errors: [{ field: 'token', code: '2004' }],
    });
    expect(parseFields(tokenPayoutSchema, { ...withoutCard, token: 12 })).toEqual({
      ok: false,
      errors: [{ field: 'token', code: '3027' }],
    });
  });

  test('a clarification needs additional_data', () => {
    const general = { project_id: projectId, payment_id: 'p-1', signature: 'x' };
    expect(parseFields(clarificationRequestSchema, { general })).toEqual({
      ok: false,
      errors: [{ field: 'additional_data', code: '2004' }],
    });
  });
});
