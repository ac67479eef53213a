import {
  cardFingerprintKeyFromEnv,
  cardFingerprintKeyOf,
  ConfigError,
  developmentCardFingerprintKey,
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

test('CARD_FINGERPRINT_KEY is required in production; development and test use a public stand-in', () => {
  expect(() => cardFingerprintKeyOf(parseConfig({ PAYOUTS_ENV: 'production' }))).toThrow(
    'CARD_FINGERPRINT_KEY: required when PAYOUTS_ENV=production',
  );
  expect(() => cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'production' })).toThrow(ConfigError);
  expect(cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'test' })).toBe(developmentCardFingerprintKey);
  const key = 'production-card-key-0123456789';
  expect(cardFingerprintKeyFromEnv({ PAYOUTS_ENV: 'production', CARD_FINGERPRINT_KEY: key, LOG_LEVEL: 'loud' })).toBe(
    key,
  );
});

test('CODEC_ALLOW_PLAINTEXT is off unless set to true', () => {
  expect(parseConfig({}).CODEC_ALLOW_PLAINTEXT).toBe(false);
  expect(parseConfig({ CODEC_ALLOW_PLAINTEXT: 'true' }).CODEC_ALLOW_PLAINTEXT).toBe(true);
});
