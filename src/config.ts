/**
 * The process configuration: the environment, parsed once with zod. A bad value stops the process at start
 * with one line per offending variable. Secrets are only ever read from here (or from files named here).
 */
import { z } from 'zod';
import { codecKeyIdPattern, codecKeyProblems } from './codec/keys.js';

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as RUB');
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const webOrigin = z
  .string()
  .regex(/^https?:\/\/[^/\s*]+$/, 'must be origins such as http://localhost:8233, comma-separated');

export const configSchema = z.object({
  PAYOUTS_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Where the local stack keeps its files (Temporal's SQLite database, development keys, reports). */
  DATA_DIR: z.string().min(1).default('./.data'),

  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // Temporal Cloud or any TLS frontend, named as Temporal's own environment configuration names them.
  /** API key (secret), sent as a Bearer token; implies TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** `true`: TLS with the system's trust store and no client certificate. */
  TEMPORAL_TLS: z.stringbool().optional(),
  /** mTLS client certificate and its key (PEM files); each implies TLS, and they come together. */
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  /** CA of the server certificate, when it is not publicly trusted. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  /** Server name to verify, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_GRPC_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  PAYOUTS_TASK_QUEUE: z.string().min(1).default('payouts'),
  /** A prebuilt workflow bundle (`npm run bundle:workflows`; the image sets it): workers load it instead of bundling at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  RELAY_PORT: port(3001),
  CODEC_SERVER_PORT: port(3002),
  SANDBOX_PORT: port(3003),
  WORKER_HEALTH_PORT: port(3004),

  // Providers. Each is optional until a payout uses it; providerSettings() names what is missing.
  ECOMMPAY_BASE_URL: z.url().optional(),
  ECOMMPAY_PROJECT_ID: z.coerce.number().int().positive().optional(),
  ECOMMPAY_SECRET_KEY: z.string().min(1).optional(),
  /** Sent as general.merchant_callback_url; without it ecommpay uses the project's configured URL. */
  ECOMMPAY_CALLBACK_URL: z.url().optional(),

  RBKMONEY_BASE_URL: z.url().optional(),
  /** The API key (a JWT), sent as a Bearer token. */
  RBKMONEY_API_KEY: z.string().min(1).optional(),
  RBKMONEY_IDENTITY_ID: z.string().min(1).optional(),
  RBKMONEY_WALLET_ID: z.string().min(1).optional(),
  /** The webhooks' public key(s) as `payouts rbkmoney setup` prints them: base64 keys separated by commas, or PEM blocks. */
  RBKMONEY_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  /** For `payouts rbkmoney setup`: the identity provider id the contract names, the wallet currency, and the
   * relay's public URL the provider will deliver webhooks to. */
  RBKMONEY_IDENTITY_PROVIDER: z.string().min(1).default('test'),
  RBKMONEY_WALLET_CURRENCY: currencyCode.default('RUB'),
  RBKMONEY_WEBHOOK_URL: z.url().optional(),
  /** HMAC key for card fingerprints (destination ids); never the card number itself. */
  CARD_FINGERPRINT_KEY: z.string().min(16).optional(),

  /** Payload encryption keys, `id:base64,id:base64` (32 bytes each); every listed key decrypts (rotation). */
  CODEC_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const message of text === undefined ? [] : codecKeyProblems(text)) ctx.addIssue({ code: 'custom', message });
    }),
  /** The key new payloads are encrypted with; defaults to the last one listed in CODEC_KEYS. */
  CODEC_ACTIVE_KEY_ID: z.string().regex(codecKeyIdPattern, 'must be a key id listed in CODEC_KEYS').optional(),
  /** Loopback by default: the codec server hands out decrypted (masked) data. */
  CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, /encode and /decode require `Authorization: Bearer <token>`. */
  CODEC_SERVER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Browser origins allowed to call the codec server: the Temporal UI's. No wildcard. */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://localhost:8233,http://127.0.0.1:8233')
    .transform((text) => text.split(/[\s,]+/).filter((origin) => origin !== ''))
    .pipe(z.array(webOrigin).min(1)),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    // Never echo the received value: it may be a secret.
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

export interface EcommpaySettings {
  baseUrl: string;
  projectId: number;
  secretKey: string;
  callbackUrl?: string;
}

export interface RbkmoneySettings {
  baseUrl: string;
  apiKey: string;
  identityId?: string;
  walletId?: string;
  webhookPublicKeys?: string[];
  walletCurrency: string;
}

/** ecommpay settings, or a ConfigError naming each missing variable. */
export function ecommpaySettings(c: Config): EcommpaySettings {
  const missing = (['ECOMMPAY_BASE_URL', 'ECOMMPAY_PROJECT_ID', 'ECOMMPAY_SECRET_KEY'] as const).filter(
    (name) => c[name] === undefined,
  );
  if (missing.length > 0 || !c.ECOMMPAY_BASE_URL || !c.ECOMMPAY_PROJECT_ID || !c.ECOMMPAY_SECRET_KEY) {
    throw new ConfigError(missing.map((name) => `${name}: required for ecommpay payouts`));
  }
  return {
    baseUrl: c.ECOMMPAY_BASE_URL,
    projectId: c.ECOMMPAY_PROJECT_ID,
    secretKey: c.ECOMMPAY_SECRET_KEY,
    ...(c.ECOMMPAY_CALLBACK_URL ? { callbackUrl: c.ECOMMPAY_CALLBACK_URL } : {}),
  };
}

/** RBKmoney settings, or a ConfigError naming each missing variable (wallet ids come from `setup`). */
export function rbkmoneySettings(c: Config): RbkmoneySettings {
  const missing = (['RBKMONEY_BASE_URL', 'RBKMONEY_API_KEY'] as const).filter((name) => c[name] === undefined);
  if (missing.length > 0 || !c.RBKMONEY_BASE_URL || !c.RBKMONEY_API_KEY) {
    throw new ConfigError(missing.map((name) => `${name}: required for RBKmoney payouts`));
  }
  return {
    baseUrl: c.RBKMONEY_BASE_URL,
    apiKey: c.RBKMONEY_API_KEY,
    ...(c.RBKMONEY_IDENTITY_ID ? { identityId: c.RBKMONEY_IDENTITY_ID } : {}),
    ...(c.RBKMONEY_WALLET_ID ? { walletId: c.RBKMONEY_WALLET_ID } : {}),
    ...(c.RBKMONEY_WEBHOOK_PUBLIC_KEY ? { webhookPublicKeys: publicKeyList(c.RBKMONEY_WEBHOOK_PUBLIC_KEY) } : {}),
    walletCurrency: c.RBKMONEY_WALLET_CURRENCY,
  };
}

/** Several keys may be configured at once (one per webhook): PEM blocks, or base64 keys split by commas. */
export function publicKeyList(text: string): string[] {
  const pem = [...text.matchAll(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g)].map((match) => match[0]);
  return pem.length > 0 ? pem : text.split(/[\s,]+/).filter((key) => key !== '');
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
