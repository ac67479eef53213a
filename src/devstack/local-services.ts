/**
 * What the local stacks (`npm start` on the dev server, `npm run stack:postgres`) share: development-only
 * secrets kept under the data directory, and providers pointed at the sandbox when nothing configures them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setupAsEnvironment, setupRbkmoneyAccount } from '../cli/rbkmoney-setup.js';
import { type Config, developmentCardKeyFile, parseConfig } from '../config.js';
import { generateWebhookKeyPair } from '../providers/rbkmoney/signature.js';
import { sandboxSettingsFromEnv } from '../sandbox/config.js';

type Say = (line: string) => void;

/** A development-only secret kept in `file`, made on first use; production sets its own. */
export async function devSecret(file: string, make: () => string, variable: string, say: Say): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  say(`${variable} is not set: generating a development value in ${file} (never use it in production)`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, make(), { mode: 0o600 });
  return (await readFile(file, 'utf8')).trim();
}

/** The sandbox's RBKmoney webhook signing key, kept so restarts publish the same public key. */
export async function sandboxWebhookKeyFile(dataDir: string, say: Say): Promise<string> {
  const file = path.join(dataDir, 'sandbox-rbkmoney-webhook-key.pem');
  await devSecret(file, () => generateWebhookKeyPair().privateKeyPem, 'SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE', say);
  return file;
}

export async function cardFingerprintKey(cfg: Config, dataDir: string, say: Say): Promise<string> {
  if (cfg.CARD_FINGERPRINT_KEY) return cfg.CARD_FINGERPRINT_KEY;
  const file = path.join(dataDir, developmentCardKeyFile);
  return devSecret(file, () => randomBytes(32).toString('hex'), 'CARD_FINGERPRINT_KEY', say);
}

export const codecTokenFile = (dataDir: string) => path.join(dataDir, 'codec-server.token');

/** The codec server's token for scripts and the Temporal CLI (the local UI passes without it in development). */
export async function codecServerToken(cfg: Config, dataDir: string, say: Say): Promise<string> {
  if (cfg.CODEC_SERVER_TOKEN) return cfg.CODEC_SERVER_TOKEN;
  return devSecret(codecTokenFile(dataDir), () => randomBytes(24).toString('hex'), 'CODEC_SERVER_TOKEN', say);
}

/**
 * Providers without settings in the environment are pointed at the sandbox with its published development
 * credentials (RBKmoney: the account set up there as `payouts rbkmoney setup` would), so the stack pays end
 * to end with no account; configured providers are left alone. The sandbox must be running.
 */
export async function sandboxedProviders(cfg: Config, sandboxUrl: string, relayUrl: string) {
  const env: Record<string, string> = {};
  const lines: string[] = [];
  const sandbox = sandboxSettingsFromEnv();
  if (!cfg.ECOMMPAY_BASE_URL) {
    Object.assign(env, {
      ECOMMPAY_BASE_URL: sandboxUrl,
      ECOMMPAY_PROJECT_ID: String(sandbox.ecommpay.projectId),
      ECOMMPAY_SECRET_KEY: sandbox.ecommpay.secretKey,
      ECOMMPAY_CALLBACK_URL: `${relayUrl}/webhooks/ecommpay`,
    });
    lines.push(`ecommpay         -> sandbox (project ${sandbox.ecommpay.projectId})`);
  } else {
    lines.push(`ecommpay         -> ${cfg.ECOMMPAY_BASE_URL}`);
  }
  if (!cfg.RBKMONEY_BASE_URL) {
    const local = {
      RBKMONEY_BASE_URL: sandboxUrl,
      RBKMONEY_API_KEY: sandbox.rbkmoney.apiKey,
      // The relay of this stack, whichever port it got.
      RBKMONEY_WEBHOOK_URL: cfg.RBKMONEY_WEBHOOK_URL ?? `${relayUrl}/webhooks/rbkmoney`,
    };
    const setup = await setupRbkmoneyAccount(parseConfig({ ...process.env, ...local }));
    Object.assign(env, local, setupAsEnvironment(setup));
    lines.push(`rbkmoney         -> sandbox (identity ${setup.identityId}, wallet ${setup.walletId})`);
  } else {
    lines.push(`rbkmoney         -> ${cfg.RBKMONEY_BASE_URL}`);
  }
  return { env, lines };
}
