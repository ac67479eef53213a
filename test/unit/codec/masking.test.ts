import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { maskedSecret, maskJsonValue, maskPayload } from '../../../src/codec/masking.js';

const visa = '4242424242424242';
const mastercard = '5555555555554444';

test('card numbers are masked wherever they sit in nested JSON', () => {
  const masked = maskJsonValue({
    request: {
      card: { pan: visa, expMonth: 12, holder: 'IVAN PETROV' },
      sender: { pan: '5555 5555 5555 4444' },
      notes: [`paid to ${mastercard} yesterday`, { deep: { deeper: visa } }],
      numeric: 4242424242424242,
    },
  });
  expect(masked).toEqual({
    request: {
      card: { pan: '424242******4242', expMonth: 12, holder: 'I*** P***' },
      sender: { pan: '555555******4444' },
      notes: ['paid to 555555******4444 yesterday', { deep: { deeper: '424242******4242' } }],
      numeric: '424242******4242',
    },
  });
  expect(JSON.stringify(masked)).not.toMatch(/4242424242424242|5555555555554444/);
});

test('a cardNumber field is masked even when it fails Luhn (a typo is still a card number)', () => {
  expect(maskJsonValue({ cardNumber: '4242424242424241', card_number: 4000000000000002 })).toEqual({
    cardNumber: '424242******4241',
    card_number: '400000******0002',
  });
});

test('CVV and CVC fields are dropped at any depth', () => {
  expect(maskJsonValue({ card: { pan: visa, cvv: '123', CVC2: '456' }, list: [{ cvc: 789 }] })).toEqual({
    card: { pan: '424242******4242' },
    list: [{}],
  });
});

test('secret-looking fields are replaced', () => {
  expect(
    maskJsonValue({
      secretKey: 'sk-live',
      ECOMMPAY_SECRET_KEY: 'x',
      apiKey: 'jwt',
      api_key: 'jwt',
      token: 'card-token',
      password: 'hunter2',
      headers: { Authorization: 'Bearer abc' },
      emptyToken: '',
    }),
  ).toEqual({
    secretKey: maskedSecret,
    ECOMMPAY_SECRET_KEY: maskedSecret,
    apiKey: maskedSecret,
    api_key: maskedSecret,
    token: maskedSecret,
    password: maskedSecret,
    headers: { Authorization: maskedSecret },
    emptyToken: '',
  });
});

test('digit strings that are not card numbers stay as they are', () => {
  const value = {
    orderId: '4242424242424241', // 16 digits, fails Luhn
    reference: '79991234567', // 11 digits
    long: '12345678901234567890123', // longer than any PAN
    amount: 150000,
    inn: 7707083893,
    payoutId: 'p-4242',
  };
  expect(maskJsonValue(value)).toEqual(value);
});

test("a cardholder's personal data shows only what an operator needs to tell payouts apart", () => {
  const person = {
    first_name: 'Ivan',
    middle_name: 'Ivanovich',
    last_name: 'Petrov',
    day_of_birth: '01-02-1990',
    birthplace: 'Moscow',
    phone: '+7 999 123-45-67',
    email: 'ivan.petrov@example.com',
    identify: { doc_type: 'passport', doc_number: '4509 123456', doc_issue_date: '2010-01-01', doc_issue_by: 'OVD' },
    billing: { country: 'RU', region: 'Moscow', city: 'Moscow', address: 'Tverskaya 1', postal: '125009' },
  };
  const masked = maskJsonValue({
    card: { pan: visa, holder: 'IVAN PETROV' },
    sender: { ...person, address: 'Tverskaya 1', zip: '125009', state: 'MOW', country: 'RU', citizenship: 'RU' },
    recipient: { first_name: 'Anna', last_name: 'Smirnova', country: 'CA', state: 'ON', city: 'Toronto' },
    customer: { id: 'cust-1', ip_address: '203.0.113.7', address: 'Lenina 2', city: 'Kazan', zip: '420000' },
  });
  expect(masked).toEqual({
    card: { pan: '424242******4242', holder: 'I*** P***' },
    sender: {
      first_name: 'I***',
      middle_name: 'I***',
      last_name: 'P***',
      day_of_birth: maskedSecret,
      birthplace: maskedSecret,
      phone: '***67',
      email: 'i***@example.com',
      identify: {
        doc_type: 'passport',
        doc_number: maskedSecret,
        doc_issue_date: maskedSecret,
        doc_issue_by: maskedSecret,
      },
      billing: { country: 'RU', region: 'Moscow', city: maskedSecret, address: maskedSecret, postal: maskedSecret },
      address: maskedSecret,
      zip: maskedSecret,
      state: 'MOW',
      country: 'RU',
      citizenship: 'RU',
    },
    recipient: { first_name: 'A***', last_name: 'S***', country: 'CA', state: 'ON', city: maskedSecret },
    customer: { id: 'cust-1', ip_address: maskedSecret, address: maskedSecret, city: maskedSecret, zip: maskedSecret },
  });
});

test('request identities are hidden, as fields and as memo values', () => {
  const digest = `sha256:${'ab12'.repeat(16)}`;
  expect(maskJsonValue({ requestHash: digest, requestIdentity: 'x', batchHash: digest, seq: 1 })).toEqual({
    requestHash: maskedSecret,
    requestIdentity: maskedSecret,
    batchHash: maskedSecret,
    seq: 1,
  });
  // A memo field reaches the codec server as its bare value.
  expect(maskJsonValue(digest)).toBe(maskedSecret);
  expect(maskJsonValue(`hmac-sha256:${'0f'.repeat(32)}`)).toBe(maskedSecret);
  expect(maskJsonValue('payout-p-1')).toBe('payout-p-1');
});

describe('maskPayload', () => {
  const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
  const encoding = (payload: Payload) => utf8(payload.metadata?.encoding);

  test('a JSON payload comes back masked as readable json/plain', () => {
    const masked = maskPayload(defaultPayloadConverter.toPayload({ card: { pan: visa, cvv: '123' } }));
    expect(encoding(masked)).toBe('json/plain');
    expect(JSON.parse(utf8(masked.data))).toEqual({ card: { pan: '424242******4242' } });
  });

  test('json/protobuf keeps its encoding and message type', () => {
    const payload: Payload = {
      metadata: { encoding: Buffer.from('json/protobuf'), messageType: Buffer.from('x.Card') },
      data: Buffer.from(JSON.stringify({ pan: visa })),
    };
    const masked = maskPayload(payload);
    expect(encoding(masked)).toBe('json/protobuf');
    expect(utf8(masked.metadata?.messageType)).toBe('x.Card');
    expect(JSON.parse(utf8(masked.data))).toEqual({ pan: '424242******4242' });
  });

  test('binary payloads are not shown; binary/null stays', () => {
    const binary = maskPayload(defaultPayloadConverter.toPayload(Buffer.from(visa)));
    expect(encoding(binary)).toBe('json/plain');
    expect(utf8(binary.data)).not.toContain(visa);
    const nothing = defaultPayloadConverter.toPayload(undefined);
    expect(maskPayload(nothing)).toBe(nothing);
  });

  test('JSON that does not parse is scrubbed as text', () => {
    const payload: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(`{"pan":${visa}`) };
    expect(utf8(maskPayload(payload).data)).toBe(JSON.stringify('{"pan":424242******4242'));
  });
});
