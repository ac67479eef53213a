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
      card: { pan: '424242******4242', expMonth: 12, holder: 'IVAN PETROV' },
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
    phone: '79991234567', // 11 digits
    long: '12345678901234567890123', // longer than any PAN
    amount: 150000,
    inn: 7707083893,
    payoutId: 'p-4242',
  };
  expect(maskJsonValue(value)).toEqual(value);
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
