/**
 * The process configuration: the environment, parsed once with zod. A bad value stops the process at start
 * with one line per offending variable. Secrets are only ever read from here (or from files named here).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { codecKeyIdPattern, codecKeyProblems } from './codec/keys.js';
import { type ProviderName, providerNames, providerNameSchema } from './domain/payout-request.js';

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as RUB');
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
/** A whole number or unset; an empty value (`NAME=` in an env file) is unset, not 0. */
const optionalCount = (min: number) =>
  z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(min).optional());
const providerRateLimits = z.string().transform((text, ctx) => {
  const limits: Partial<Record<ProviderName, number>> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name = '', perSecond = ''] = entry.split('=').map((part) => part.trim());
    const provider = providerNameSchema.safeParse(name);
    const rate = Number(perSecond);
    if (!provider.success || !(rate > 0) || limits[provider.data] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" must be <provider>=<activities per second> once per provider (${providerNames.join(', ')})`,
      });
      return z.NEVER;
    }
    limits[provider.data] = rate;
  }
  return limits;
});
/** `RUB=100000000,EUR=1000000`: minor units per ISO 4217 currency. */
const approvalThresholds = z.string().transform((text, ctx) => {
  const thresholds: Record<string, number> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [currency = '', amount = ''] = entry.split('=').map((part) => part.trim());
    const minor = Number(amount);
    if (
      !/^[A-Z]{3}$/.test(currency) ||
      !/^\d+$/.test(amount) ||
      !Number.isSafeInteger(minor) ||
      currency in thresholds
    ) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" must be <ISO 4217 code>=<minor units>, once per currency` });
      return z.NEVER;
    }
    thresholds[currency] = minor;
  }
  return thresholds;
});
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
  /** Where operators open the Temporal UI (compose, Temporal Cloud); links are built on it. */
  TEMPORAL_UI_URL: z.url().optional(),
  PAYOUTS_TASK_QUEUE: z.string().min(1).default('payouts'),
  /**
   * Provider protection, e.g. `ecommpay=20,rbkmoney=5`: each listed provider's payouts run on a task queue of
   * their own (`<PAYOUTS_TASK_QUEUE>-<provider>`) whose activities the server paces at that many per second for
   * all workers together. Workers and clients (CLI, services) must be given the same value.
   */
  PAYOUTS_PROVIDER_RATE_LIMITS: providerRateLimits.default({}),
  /** A prebuilt workflow bundle (`npm run bundle:workflows`; the image sets it): workers load it instead of bundling at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  /**
   * Four-eyes approval: a batch whose total in a currency is above its threshold (minor units), e.g.
   * `RUB=100000000,EUR=1000000`, pays nothing until someone other than its submitter approves it. The worker's
   * value holds for every batch, whoever started it; a client (the CLI) reads it too, to say so at submission.
   * Currencies not listed need no approval.
   */
  BATCH_APPROVAL_THRESHOLDS: approvalThresholds.default({}),
  /** The worker's cap on one payout per currency (minor units), e.g. `RUB=100000000`: above it, `rejected`. */
  PAYOUT_MAX_AMOUNTS: approvalThresholds.default({}),
  /** Who the CLI acts for: recorded as a batch's submitter (default: the operating system's user name). */
  PAYOUTS_OPERATOR: z.string().trim().min(1).optional(),

  /** The relay's public port: provider callbacks (`/webhooks/*`) only. */
  RELAY_PORT: port(3001),
  /** The relay's internal port: `/orphans`, `/metrics`, `/healthz`; never published to the internet. */
  RELAY_INTERNAL_PORT: port(3005),
  /** Loopback by default; a container sets 0.0.0.0 so Prometheus on its private network can scrape it. */
  RELAY_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_SERVER_PORT: port(3002),
  SANDBOX_PORT: port(3003),
  WORKER_HEALTH_PORT: port(3004),
  // Worker tuning (docs/DEPLOYMENT.md, "Memory"); unset, the worker keeps its defaults (src/worker/worker.ts).
  /** Workflows a worker keeps in memory between tasks; each costs heap, an evicted one is replayed when it next wakes. */
  WORKER_MAX_CACHED_WORKFLOWS: optionalCount(0),
  /** Workflow tasks a worker runs at once. */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalCount(1),
  /** Activities (provider calls) a worker runs at once, per task queue. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalCount(1),

  // Tracing (src/tracing): off unless an exporter is named. Metrics need no setting (docs/OPERATIONS.md).
  /** OTLP/HTTP collector base URL, e.g. http://otel-collector:4318; spans go to <url>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** `otlp` (needs the endpoint above; implied by it) or `console` (spans printed, for development). */
  TRACING_EXPORTER: z.enum(['otlp', 'console']).optional(),
  /** The service name in traces; payouts-worker, payouts-relay by default. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),

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
  /** The identity class setup sends (specs before Nov 2021 require it; the provider's guide sends `person`). */
  RBKMONEY_IDENTITY_CLASS: z.string().min(1).default('person'),
  RBKMONEY_WALLET_CURRENCY: currencyCode.default('RUB'),
  RBKMONEY_WEBHOOK_URL: z.url().optional(),
  /**
   * HMAC key for card fingerprints (RBKmoney destination ids) and, domain-separated, the request identity in
   * every payout's memo. Workers and every client that submits (the CLI, services) need the same value;
   * required in production (cardFingerprintKeyOf).
   */
  CARD_FINGERPRINT_KEY: z.string().min(16).optional(),

  // Notifications to the merchant's backend (docs/NOTIFICATIONS.md): off unless the URL is set.
  /** Where every payout outcome and finished batch is POSTed, signed. */
  MERCHANT_NOTIFICATIONS_URL: z.url().optional(),
  /** HMAC-SHA256 key of the Payouts-Signature header, shared with the receiver; required with the URL. */
  MERCHANT_NOTIFICATIONS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Minutes between reconciliation runs per provider (a Temporal Schedule the worker keeps); 0: no schedule. */
  RECONCILIATION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),

  /** Payload encryption keys, `id:base64,id:base64` (32 bytes each); every listed key decrypts (rotation). */
  CODEC_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const message of text === undefined ? [] : codecKeyProblems(text)) ctx.addIssue({ code: 'custom', message });
    }),
  /** A file holding the CODEC_KEYS value (a mounted secret; the local stack's development key); CODEC_KEYS wins. */
  CODEC_KEYS_FILE: z.string().min(1).optional(),
  /** The key new payloads are encrypted with; defaults to the last one listed in CODEC_KEYS. */
  CODEC_ACTIVE_KEY_ID: z.string().regex(codecKeyIdPattern, 'must be a key id listed in CODEC_KEYS').optional(),
  /**
   * `true`: workers accept workflow inputs, signals and updates our codec did not encrypt (migration from
   * unencrypted starters only; logged loudly at start). Otherwise they are refused (docs/SECURITY.md).
   */
  CODEC_ALLOW_PLAINTEXT: z.stringbool().default(false),
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

/** The task queue of each rate-limited provider (PAYOUTS_PROVIDER_RATE_LIMITS); the others use PAYOUTS_TASK_QUEUE. */
export function providerTaskQueues(c: Config): Partial<Record<ProviderName, string>> {
  const queues: Partial<Record<ProviderName, string>> = {};
  for (const provider of Object.keys(c.PAYOUTS_PROVIDER_RATE_LIMITS) as ProviderName[]) {
    queues[provider] = `${c.PAYOUTS_TASK_QUEUE}-${provider}`;
  }
  return queues;
}

/** Providers whose settings are complete here (the worker keeps a reconciliation schedule for each). */
export function configuredProviders(c: Config): ProviderName[] {
  const settings: Record<ProviderName, (c: Config) => unknown> = {
    ecommpay: ecommpaySettings,
    rbkmoney: rbkmoneySettings,
  };
  return providerNames.filter((name) => {
    try {
      settings[name](c);
      return true;
    } catch {
      return false;
    }
  });
}

export interface MerchantNotificationSettings {
  url: string;
  secret: string;
}

/** The merchant notification settings, undefined when notifications are off; a ConfigError for a URL without a secret. */
export function merchantNotificationSettings(c: Config): MerchantNotificationSettings | undefined {
  if (!c.MERCHANT_NOTIFICATIONS_URL) return undefined;
  if (!c.MERCHANT_NOTIFICATIONS_SECRET) {
    throw new ConfigError(['MERCHANT_NOTIFICATIONS_SECRET: required when MERCHANT_NOTIFICATIONS_URL is set']);
  }
  return { url: c.MERCHANT_NOTIFICATIONS_URL, secret: c.MERCHANT_NOTIFICATIONS_SECRET };
}

/** Where the local stack (`npm start`, `npm run stack:postgres`) keeps its development CARD_FINGERPRINT_KEY. */
export const developmentCardKeyFile = 'card-fingerprint.key';

/**
 * The card key (CARD_FINGERPRINT_KEY). There is no stand-in: a key anyone can read would let the masked card and
 * the request identity give the card number back. In development a process beside the local stack reads the
 * key the stack wrote under DATA_DIR; anywhere else a missing key is a ConfigError.
 */
export function cardFingerprintKeyOf(c: Pick<Config, 'PAYOUTS_ENV' | 'DATA_DIR' | 'CARD_FINGERPRINT_KEY'>): string {
  if (c.CARD_FINGERPRINT_KEY) return c.CARD_FINGERPRINT_KEY;
  const stackFile = path.resolve(c.DATA_DIR, developmentCardKeyFile);
  if (c.PAYOUTS_ENV === 'development' && existsSync(stackFile)) return readFileSync(stackFile, 'utf8').trim();
  const hint =
    c.PAYOUTS_ENV === 'development'
      ? `; \`npm start\` writes a development key to ${stackFile} for the processes beside it`
      : '';
  throw new ConfigError([
    `CARD_FINGERPRINT_KEY: required (it keys card fingerprints and request identities; 16+ characters, secret)${hint}`,
  ]);
}

/** The card key from an environment, reading only the variables it needs (the client library's default). */
/** Where the report activity writes batch reports. */
export function reportsDirOf(c: Pick<Config, 'DATA_DIR'>): string {
  return path.resolve(c.DATA_DIR, 'reports');
}

/** reportsDirOf for a process that builds activities without its whole configuration (tests, benchmarks). */
export function reportsDirFromEnv(env: Record<string, string | undefined> = process.env): string {
  return reportsDirOf(configSchema.pick({ DATA_DIR: true }).parse(env));
}

export function cardFingerprintKeyFromEnv(env: Record<string, string | undefined> = process.env): string {
  const parsed = configSchema.pick({ PAYOUTS_ENV: true, DATA_DIR: true, CARD_FINGERPRINT_KEY: true }).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return cardFingerprintKeyOf(parsed.data);
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
