/**
 * The codec of a process, from its configuration: CODEC_KEYS, else the file CODEC_KEYS_FILE names. Never a key of
 * its own: two processes that each invented one could not read each other's payloads. Only the local stack
 * (`npm start`, `npm run stack:postgres`) makes a development key, once, under DATA_DIR; in development a
 * process started beside it (the CLI in the same checkout) reads that file, and anywhere else a missing
 * CODEC_KEYS is an error.
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
  /** Read the local stack's development key under DATA_DIR when no key is set and PAYOUTS_ENV=development. */
  allowDevelopmentKey?: boolean;
  warn?: Warn;
}

/** The settings a codec is made from. */
export type CodecSettings = Pick<
  Config,
  'PAYOUTS_ENV' | 'DATA_DIR' | 'CODEC_KEYS' | 'CODEC_KEYS_FILE' | 'CODEC_ACTIVE_KEY_ID'
>;

export async function codecFromConfig(
  cfg: CodecSettings,
  options: CodecFromConfigOptions = {},
): Promise<EncryptionCodec> {
  let keysText = await configuredCodecKeys(cfg);
  if (keysText === undefined) {
    if (cfg.PAYOUTS_ENV !== 'development') {
      throw new ConfigError([`CODEC_KEYS: required when PAYOUTS_ENV=${cfg.PAYOUTS_ENV} (payloads must be encrypted)`]);
    }
    const file = path.resolve(cfg.DATA_DIR, developmentKeyFile);
    const stackKey = options.allowDevelopmentKey ? await readIfPresent(file) : undefined;
    if (stackKey === undefined) {
      throw new ConfigError([
        `CODEC_KEYS: not set, and no development key at ${file} (\`npm start\` writes it for the local stack; ` +
          'anywhere else set CODEC_KEYS or CODEC_KEYS_FILE to the keys every process of the deployment shares)',
      ]);
    }
    options.warn?.(`CODEC_KEYS is not set: using the local stack's development key in ${file}`);
    keysText = stackKey;
  }
  const keys = parseCodecKeys(keysText);
  const activeId = cfg.CODEC_ACTIVE_KEY_ID;
  if (activeId !== undefined && !keys.some((key) => key.id === activeId)) {
    throw new ConfigError([`CODEC_ACTIVE_KEY_ID: "${activeId}" is not listed in CODEC_KEYS`]);
  }
  return new EncryptionCodec(new CodecKeyring(keys, activeId));
}

/** The CODEC_KEYS value this configuration sets (directly or by CODEC_KEYS_FILE), if any. */
export async function configuredCodecKeys(cfg: CodecSettings): Promise<string | undefined> {
  return cfg.CODEC_KEYS ?? (cfg.CODEC_KEYS_FILE ? await keysFromFile(cfg.CODEC_KEYS_FILE) : undefined);
}

async function keysFromFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new ConfigError([`CODEC_KEYS_FILE: cannot be read (${file})`]);
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The codec from an environment, reading only its own variables (PAYOUTS_ENV, DATA_DIR, CODEC_KEYS,
 * CODEC_KEYS_FILE, CODEC_ACTIVE_KEY_ID): the client library's default, so a service's other variables never stop it.
 */
export async function codecFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  options: CodecFromConfigOptions = { allowDevelopmentKey: true },
): Promise<EncryptionCodec> {
  const parsed = configSchema
    .pick({ PAYOUTS_ENV: true, DATA_DIR: true, CODEC_KEYS: true, CODEC_KEYS_FILE: true, CODEC_ACTIVE_KEY_ID: true })
    .safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return codecFromConfig(parsed.data, options);
}

/**
 * For the local stack only (scripts/start.ts, scripts/stack-postgres.ts): the development CODEC_KEYS value,
 * kept in DATA_DIR/codec-development.keys (mode 0600) and made on first
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
