import { defaultPayloadConverter } from '@temporalio/common';
import { PlaintextGuardCodec } from '../../../src/codec/plaintext-guard.js';
import { plaintextRefusalIn } from '../../../src/domain/plaintext-refusal.js';
import { codecWith, keyEntries } from './test-keys.js';

const guard = new PlaintextGuardCodec();
const codec = codecWith([keyEntries.k1]);
const value = { request: { payoutId: 'p-1' } };

test('an encrypted payload passes the guard untouched and decrypts as before', async () => {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  const [guarded] = await guard.decode([encrypted!]);
  expect(guarded).toBe(encrypted);
  const [decoded] = await codec.decode([guarded!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(value);
});

test('a plaintext payload becomes a refusal naming its encoding, and its content is gone', async () => {
  const [guarded] = await guard.decode([defaultPayloadConverter.toPayload(value)]);
  const [decoded] = await codec.decode([guarded!]);
  const seen = defaultPayloadConverter.fromPayload(decoded!);
  expect(JSON.stringify(seen)).not.toContain('p-1');
  expect(plaintextRefusalIn([seen])).toMatch(/^payload not encrypted by the payouts codec \(encoding "json\/plain"\)/);
  expect(plaintextRefusalIn([value, null, 'x'])).toBeUndefined();
});

test('encoding through the guard changes nothing', async () => {
  const payload = defaultPayloadConverter.toPayload(value);
  expect(await guard.encode([payload])).toEqual([payload]);
});
