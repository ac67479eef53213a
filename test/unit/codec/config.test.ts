import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { codecFromConfig, developmentKeyFile, ensureDevelopmentKey } from '../../../src/codec/from-config.js';
import { parseCodecKeys } from '../../../src/codec/keys.js';
import { keyEntries, materialOf } from './test-keys.js';

function configError(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('CODEC_KEYS', () => {
  test('lists keys by id, in order, separated by commas or whitespace', () => {
    const cfg = parseConfig({ CODEC_KEYS: `${keyEntries.k1}, ${keyEntries.k2}` });
    expect(parseCodecKeys(cfg.CODEC_KEYS!).map((key) => key.id)).toEqual(['k1', 'k2']);
  });

  test('a key of the wrong length is named by its id, never by its value', () => {
    const short = `k-short:${Buffer.alloc(16, 7).toString('base64')}`;
    const message = configError({ CODEC_KEYS: `${keyEntries.k1},${short}` });
    expect(message).toContain('CODEC_KEYS: key "k-short" must be base64 of 32 random bytes');
    expect(message).not.toContain(materialOf(short));
    expect(message).not.toContain(materialOf(keyEntries.k1));
  });

  test('malformed entries and repeated ids are reported without echoing the entry', () => {
    const bare = materialOf(keyEntries.k1);
    const message = configError({ CODEC_KEYS: `${bare},${keyEntries.k2},${keyEntries.k2}` });
    expect(message).toContain('entry 1 must be <id>:<base64 key>');
    expect(message).toContain('key id "k2" is listed twice');
    expect(message).not.toContain(bare);
    expect(message).not.toContain(materialOf(keyEntries.k2));
  });

  test('not base64 at all', () => {
    expect(configError({ CODEC_KEYS: 'k1:not*base64' })).toContain('key "k1" must be base64');
  });
});

test('the codec server defaults to loopback and the local UI origins, and refuses a wildcard origin', () => {
  const cfg = parseConfig({});
  expect(cfg.CODEC_SERVER_HOST).toBe('127.0.0.1');
  expect(cfg.CODEC_CORS_ORIGINS).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
  expect(parseConfig({ CODEC_CORS_ORIGINS: 'https://temporal.example.com' }).CODEC_CORS_ORIGINS).toEqual([
    'https://temporal.example.com',
  ]);
  expect(configError({ CODEC_CORS_ORIGINS: '*' })).toContain('CODEC_CORS_ORIGINS');
  expect(configError({ CODEC_SERVER_TOKEN: 'short' })).toContain('CODEC_SERVER_TOKEN');
});

describe('codecFromConfig', () => {
  const tmp = () => mkdtemp(path.join(os.tmpdir(), 'payouts-codec-'));

  test('outside development it refuses to start without CODEC_KEYS', async () => {
    for (const env of ['production', 'test']) {
      await expect(codecFromConfig(parseConfig({ PAYOUTS_ENV: env }), { allowDevelopmentKey: true })).rejects.toThrow(
        `CODEC_KEYS: required when PAYOUTS_ENV=${env}`,
      );
    }
  });

  test('in development it still needs a key unless the caller allows the development key', async () => {
    await expect(codecFromConfig(parseConfig({ DATA_DIR: await tmp() }))).rejects.toThrow(ConfigError);
  });

  test('in development, outside the local stack (no key file written by npm start), a missing CODEC_KEYS is an error and no key is made', async () => {
    const dataDir = await tmp();
    // As the CLI or a worker started on its own with PAYOUTS_ENV unset: it must never invent a key of its own.
    const started = codecFromConfig(parseConfig({ DATA_DIR: dataDir }), { allowDevelopmentKey: true, warn: () => {} });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(
      `CODEC_KEYS: not set, and no development key at ${path.resolve(dataDir, developmentKeyFile)}`,
    );
    await expect(stat(path.join(dataDir, developmentKeyFile))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('CODEC_KEYS_FILE names a file that holds the keys', async () => {
    const file = path.join(await tmp(), 'keys');
    await writeFile(file, `${keyEntries.k1}\n`);
    expect((await codecFromConfig(parseConfig({ CODEC_KEYS_FILE: file }))).activeKeyId).toBe('k1');
    await expect(codecFromConfig(parseConfig({ CODEC_KEYS_FILE: `${file}.missing` }))).rejects.toThrow(
      'CODEC_KEYS_FILE: cannot be read',
    );
  });

  test('the active key defaults to the last listed; CODEC_ACTIVE_KEY_ID must be one of them', async () => {
    const keys = `${keyEntries.k1},${keyEntries.k2}`;
    expect((await codecFromConfig(parseConfig({ CODEC_KEYS: keys }))).activeKeyId).toBe('k2');
    const pinned = parseConfig({ CODEC_KEYS: keys, CODEC_ACTIVE_KEY_ID: 'k1' });
    expect((await codecFromConfig(pinned)).activeKeyId).toBe('k1');
    const unknown = parseConfig({ CODEC_KEYS: keys, CODEC_ACTIVE_KEY_ID: 'k3' });
    await expect(codecFromConfig(unknown)).rejects.toThrow('CODEC_ACTIVE_KEY_ID: "k3" is not listed in CODEC_KEYS');
  });

  test('the development key is generated once under DATA_DIR, mode 0600, with a warning that shows no key', async () => {
    const dataDir = await tmp();
    const warnings: string[] = [];
    const first = await ensureDevelopmentKey(dataDir, (line) => warnings.push(line));
    const second = await ensureDevelopmentKey(dataDir, (line) => warnings.push(line));
    expect(second).toBe(first);
    expect(parseCodecKeys(first)).toHaveLength(1);
    const file = path.join(dataDir, developmentKeyFile);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(warnings[0]).toMatch(/generated a development payload key in .*never use it in production/);
    expect(warnings[1]).toMatch(/using the development payload key/);
    expect(warnings.join('\n')).not.toContain(materialOf(first));

    const codec = await codecFromConfig(parseConfig({ DATA_DIR: dataDir }), {
      allowDevelopmentKey: true,
      warn: () => undefined,
    });
    expect(codec.activeKeyId).toBe(first.split(':')[0]);
  });
});
