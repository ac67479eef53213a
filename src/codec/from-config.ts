/**
 * The codec of a process, from its configuration. Outside development a process refuses to start without
 * CODEC_KEYS; in development it may fall back to a key generated once and kept under DATA_DIR.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Config, ConfigError, configSchema } from '../config.js';
import { EncryptionCodec } from './encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from './keys.js';

export const developmentKeyFile = 'codec-development.keys';

type Warn = (line: string) => void;

export interface CodecFromConfigOptions {
  /** Use (or make) the development key under DATA_DIR when CODEC_KEYS is unset and PAYOUTS_ENV=development. */
  allowDevelopmentKey?: boolean;
  warn?: Warn;
}

/** The settings a codec is made from. */
export type CodecSettings = Pick<Config, 'PAYOUTS_ENV' | 'DATA_DIR' | 'CODEC_KEYS' | 'CODEC_ACTIVE_KEY_ID'>;

export async function codecFromConfig(
  cfg: CodecSettings,
  options: CodecFromConfigOptions = {},
): Promise<EncryptionCodec> {
  let keysText = cfg.CODEC_KEYS;
  if (keysText === undefined) {
    if (cfg.PAYOUTS_ENV !== 'development') {
      throw new ConfigError([`CODEC_KEYS: required when PAYOUTS_ENV=${cfg.PAYOUTS_ENV} (payloads must be encrypted)`]);
    }
    if (!options.allowDevelopmentKey) {
      throw new ConfigError(['CODEC_KEYS: required (`npm start` generates a development key)']);
    }
    keysText = await ensureDevelopmentKey(cfg.DATA_DIR, options.warn);
  }
  const keys = parseCodecKeys(keysText);
  const activeId = cfg.CODEC_ACTIVE_KEY_ID;
  if (activeId !== undefined && !keys.some((key) => key.id === activeId)) {
    throw new ConfigError([`CODEC_ACTIVE_KEY_ID: "${activeId}" is not listed in CODEC_KEYS`]);
  }
  return new EncryptionCodec(new CodecKeyring(keys, activeId));
}

/**
 * The codec from an environment, reading only its own variables (PAYOUTS_ENV, DATA_DIR, CODEC_KEYS,
 * CODEC_ACTIVE_KEY_ID): the client library's default, so a service's other variables never stop it.
 */
export async function codecFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  options: CodecFromConfigOptions = {},
): Promise<EncryptionCodec> {
  const parsed = configSchema
    .pick({ PAYOUTS_ENV: true, DATA_DIR: true, CODEC_KEYS: true, CODEC_ACTIVE_KEY_ID: true })
    .safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return codecFromConfig(parsed.data, options);
}

/**
 * The development CODEC_KEYS value, kept in DATA_DIR/codec-development.keys (mode 0600) and made on first
 * use. Its key id is random, so a regenerated key is never mistaken for the lost one.
 */
export async function ensureDevelopmentKey(
  dataDir: string,
  warn: Warn = (line) => console.warn(line),
): Promise<string> {
  const file = path.resolve(dataDir, developmentKeyFile);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, `${generateCodecKeyEntry(`dev-${randomBytes(4).toString('hex')}`)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    warn(`CODEC_KEYS is not set: generated a development payload key in ${file}; never use it in production`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    warn(`CODEC_KEYS is not set: using the development payload key in ${file}; never use it in production`);
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}
