import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  cardFingerprintKeyFromEnv,
  cardFingerprintKeyOf,
  ConfigError,
  developmentCardKeyFile,
  parseConfig,
} from '../../src/config.js';

test('defaults are the documented ports', () => {
  const cfg = parseConfig({});
  expect([
    cfg.TEMPORAL_GRPC_PORT,
    cfg.TEMPORAL_UI_PORT,
    cfg.RELAY_PORT,
    cfg.CODEC_SERVER_PORT,
    cfg.SANDBOX_PORT,
    cfg.WORKER_HEALTH_PORT,
    cfg.RELAY_INTERNAL_PORT,
  ]).toEqual([7233, 8233, 3001, 3002, 3003, 3004, 3005]);
  expect(cfg.TEMPORAL_ADDRESS).toBe('localhost:7233');
});

test('every bad variable is named, and its value is not echoed', () => {
  let error: unknown;
  try {
    parseConfig({ RELAY_PORT: 'http', SANDBOX_PORT: '70000', PAYOUTS_ENV: 'staging-secret-value' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  expect(message).toContain('RELAY_PORT');
  expect(message).toContain('SANDBOX_PORT');
  expect(message).toContain('PAYOUTS_ENV');
  expect(message).not.toContain('staging-secret-value');
});

test('CARD_FINGERPRINT_KEY has no stand-in: required everywhere but beside the local stack, which writes one', async () => {
  expect(() => cardFingerprintKeyOf(parseConfig({ PAYOUTS_ENV: 'production' }))).toThrow(
    'CARD_FINGERPRINT_KEY: required',
  );
  expect(() => cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'production' })).toThrow(ConfigError);
  // A key anyone can read would let the masked card and the request identity give back the card number.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'card-key-'));
  expect(() => cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'test', DATA_DIR: dataDir })).toThrow(ConfigError);
  expect(() => cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'development', DATA_DIR: dataDir })).toThrow(/npm start/);
  // Beside `npm start`: the development key it wrote under DATA_DIR.
  await writeFile(path.join(dataDir, developmentCardKeyFile), 'stack-written-card-key-0123456789\n');
  expect(cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'development', DATA_DIR: dataDir })).toBe(
    'stack-written-card-key-0123456789',
  );
  expect(() => cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'production', DATA_DIR: dataDir })).toThrow(ConfigError);
  const key = 'production-card-key-0123456789';
  expect(cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'production', CARD_FINGERPRINT_KEY: key, LOG_LEVEL: 'loud' })).toBe(
    key,
  );
});

test('CODEC_ALLOW_PLAINTEXT is off unless set to true', () => {
  expect(parseConfig({}).CODEC_ALLOW_PLAINTEXT).toBe(false);
  expect(parseConfig({ CODEC_ALLOW_PLAINTEXT: 'true' }).CODEC_ALLOW_PLAINTEXT).toBe(true);
});
