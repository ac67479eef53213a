import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { PayloadDecryptionError } from '../../../src/codec/errors.js';
import { encryptedEncoding, keyIdMetadataKey } from '../../../src/codec/encryption-codec.js';
import { codecWith, keyEntries, materialOf } from './test-keys.js';

const pan = '4242424242424242';
const request = { payoutId: 'p-1', card: { pan, cvv: '123', holder: 'IVAN PETROV' } };
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const metadataText = (payload: Payload, key: string) => utf8(payload.metadata?.[key]);

async function encryptOne(codec = codecWith([keyEntries.k1]), value: unknown = request): Promise<Payload> {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  if (!encrypted) throw new Error('no payload');
  return encrypted;
}

async function decodeError(codec: ReturnType<typeof codecWith>, payload: Payload): Promise<PayloadDecryptionError> {
  const error = await codec.decode([payload]).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PayloadDecryptionError);
  const message = (error as Error).message;
  for (const entry of Object.values(keyEntries)) expect(message).not.toContain(materialOf(entry));
  return error as PayloadDecryptionError;
}

test('a payload round-trips: metadata and data restored exactly, nothing readable in between', async () => {
  const codec = codecWith([keyEntries.k1]);
  const original = defaultPayloadConverter.toPayload(request);
  const [encrypted] = await codec.encode([original]);
  expect(metadataText(encrypted!, 'encoding')).toBe(encryptedEncoding);
  expect(metadataText(encrypted!, keyIdMetadataKey)).toBe('k1');
  expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain(pan);
  expect(JSON.stringify(encrypted)).not.toContain('json/plain');

  const [decoded] = await codec.decode([encrypted!]);
  expect(decoded).toEqual({ metadata: original.metadata, data: original.data });
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(request);
});

test('payloads the codec did not write pass through decode unchanged', async () => {
  const plain = defaultPayloadConverter.toPayload({ hello: 'world' });
  expect(await codecWith([keyEntries.k1]).decode([plain])).toEqual([plain]);
});

test('every payload gets a fresh nonce, even the same value twice', async () => {
  const codec = codecWith([keyEntries.k1]);
  const payload = defaultPayloadConverter.toPayload(request);
  const encrypted = await codec.encode(Array.from({ length: 200 }, () => payload));
  const nonces = new Set(encrypted.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
  const bodies = new Set(encrypted.map((p) => Buffer.from(p.data!).toString('hex')));
  expect(nonces.size).toBe(200);
  expect(bodies.size).toBe(200);
});

describe('key rotation', () => {
  test('a payload encrypted with the old key still decodes once a newer key is active', async () => {
    const old = await encryptOne(codecWith([keyEntries.k1]));
    const rotated = codecWith([keyEntries.k1, keyEntries.k2]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0]!)).toEqual(request);
    const fresh = await encryptOne(rotated);
    expect(metadataText(fresh, keyIdMetadataKey)).toBe('k2');
  });

  test('CODEC_ACTIVE_KEY_ID can keep encrypting with an older key while the new one is rolled out', async () => {
    const codec = codecWith([keyEntries.k1, keyEntries.k2], 'k1');
    expect(metadataText(await encryptOne(codec), keyIdMetadataKey)).toBe('k1');
  });

  test('after a key is removed its payloads fail clearly, naming the key id', async () => {
    const old = await encryptOne(codecWith([keyEntries.k1]));
    const error = await decodeError(codecWith([keyEntries.k2]), old);
    expect(error.reason).toBe('unknown key');
    expect(error.keyId).toBe('k1');
    expect(error.message).toMatch(/key "k1" is not configured \(configured: k2\)/);
  });
});

describe('tampering fails with a clear error naming the key id', () => {
  const codec = codecWith([keyEntries.k1, keyEntries.k2], 'k1');
  const alter = (payload: Payload, index: number): Payload => {
    const data = Buffer.from(payload.data!);
    data[index] = data[index]! ^ 0x01;
    return { ...payload, data };
  };

  test('a flipped ciphertext bit', async () => {
    const encrypted = await encryptOne(codec);
    const error = await decodeError(codec, alter(encrypted, 20));
    expect(error.reason).toBe('authentication failed');
    expect(error.message).toMatch(/\(key "k1"\): authentication failed: the payload was altered/);
  });

  test('a flipped nonce bit', async () => {
    const error = await decodeError(codec, alter(await encryptOne(codec), 3));
    expect(error.reason).toBe('authentication failed');
  });

  test('a flipped tag bit, and a truncated payload', async () => {
    const encrypted = await encryptOne(codec);
    expect((await decodeError(codec, alter(encrypted, encrypted.data!.length - 1))).reason).toBe(
      'authentication failed',
    );
    const truncated = { ...encrypted, data: encrypted.data!.subarray(0, 20) };
    expect((await decodeError(codec, truncated)).reason).toBe('malformed');
  });

  test('the key id switched to another configured key', async () => {
    const encrypted = await encryptOne(codec);
    const moved = { ...encrypted, metadata: { ...encrypted.metadata, [keyIdMetadataKey]: Buffer.from('k2') } };
    const error = await decodeError(codec, moved);
    expect(error.reason).toBe('authentication failed');
    expect(error.message).toContain('key "k2"');
  });

  test('the key id switched to an unknown one, or removed', async () => {
    const encrypted = await encryptOne(codec);
    const unknown = { ...encrypted, metadata: { ...encrypted.metadata, [keyIdMetadataKey]: Buffer.from('k9') } };
    expect((await decodeError(codec, unknown)).message).toContain('key "k9" is not configured');
    const { [keyIdMetadataKey]: _removed, ...rest } = encrypted.metadata!;
    expect((await decodeError(codec, { ...encrypted, metadata: rest })).reason).toBe('malformed');
  });
});
