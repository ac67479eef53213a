/**
 * The RBKmoney sandbox's settings, with defaults for `npm start`, and their SANDBOX_RBKMONEY_* environment
 * variables (for src/sandbox/config.ts to merge). A bad value throws ConfigError naming the variable only.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../config.js';
import type { RbkmoneyStateSettings } from './answers.js';

export interface RbkmoneySandboxSettings extends RbkmoneyStateSettings {
  /** The API key the sandbox expects as `Authorization: Bearer <key>` (RBKMONEY_API_KEY on our side). */
  apiKey: string;
  /** From createDestination to the authorization step (Unauthorized -> Authorized). */
  destinationAuthorizationMs: number;
}

export const defaultRbkmoneySandboxSettings: RbkmoneySandboxSettings = {
  apiKey: 'sandbox-rbkmoney-key',
  identityProviders: ['test'],
  currencies: ['RUB', 'USD', 'EUR'],
  // 5,000,000.00 in minor units: insufficient funds are reached with amounts between this and maxAmount.
  walletBalance: 500_000_000,
  maxAmount: 1_000_000_000,
  tokenLifetimeMs: 64 * 60_000,
  destinationAuthorizationMs: 500,
};

const envSchema = z.object({
  SANDBOX_RBKMONEY_API_KEY: z.string().min(1).optional(),
  SANDBOX_RBKMONEY_WALLET_BALANCE: z.coerce.number().int().min(0).optional(),
  SANDBOX_RBKMONEY_MAX_AMOUNT: z.coerce.number().int().min(1).optional(),
  SANDBOX_RBKMONEY_AUTHORIZATION_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  /** A PKCS#8 PEM file: one signing key for every identity, so the public key survives restarts. */
  SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE: z.string().min(1).optional(),
});

export function rbkmoneySandboxSettingsFromEnv(
  env: Record<string, string | undefined> = process.env,
): RbkmoneySandboxSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const settings: RbkmoneySandboxSettings = { ...defaultRbkmoneySandboxSettings };
  if (e.SANDBOX_RBKMONEY_API_KEY) settings.apiKey = e.SANDBOX_RBKMONEY_API_KEY;
  if (e.SANDBOX_RBKMONEY_WALLET_BALANCE !== undefined) settings.walletBalance = e.SANDBOX_RBKMONEY_WALLET_BALANCE;
  if (e.SANDBOX_RBKMONEY_MAX_AMOUNT !== undefined) settings.maxAmount = e.SANDBOX_RBKMONEY_MAX_AMOUNT;
  if (e.SANDBOX_RBKMONEY_AUTHORIZATION_MS !== undefined) {
    settings.destinationAuthorizationMs = e.SANDBOX_RBKMONEY_AUTHORIZATION_MS;
  }
  if (e.SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE) {
    try {
      settings.webhookPrivateKeyPem = readFileSync(e.SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE, 'utf8');
    } catch {
      throw new ConfigError(['SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE: cannot be read']);
    }
  }
  return settings;
}
