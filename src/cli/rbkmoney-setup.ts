/**
 * `payouts rbkmoney setup`: the company's one-time RBKmoney account setup (identity, wallet, webhooks to our
 * relay), idempotent: a second run shows the same ids and creates nothing. Prints what to put in the
 * configuration. Nothing else in the code creates identities or wallets.
 */
import { type Config, config, rbkmoneySettings } from '../config.js';
import { type AccountSetup, createRbkmoneyProvider } from '../providers/rbkmoney/index.js';

/** Our own ids for the account's objects: stable, so a repeat finds them by externalID. */
export function accountSetupInput(cfg: Config) {
  const currency = cfg.RBKMONEY_WALLET_CURRENCY;
  return {
    identity: {
      name: 'payouts',
      provider: cfg.RBKMONEY_IDENTITY_PROVIDER,
      class: cfg.RBKMONEY_IDENTITY_CLASS,
      externalID: 'payouts-identity',
    },
    wallet: { name: `payouts ${currency}`, currency, externalID: `payouts-wallet-${currency}` },
    webhookUrl: cfg.RBKMONEY_WEBHOOK_URL ?? `http://localhost:${cfg.RELAY_PORT}/webhooks/rbkmoney`,
  };
}

export async function setupRbkmoneyAccount(cfg: Config = config()): Promise<AccountSetup> {
  const { baseUrl, apiKey } = rbkmoneySettings(cfg);
  return createRbkmoneyProvider({ baseUrl, apiKey }).setupAccount(accountSetupInput(cfg));
}

/** The lines of configuration a setup result asks for (the public keys are not secret). */
export function setupAsEnvironment(setup: AccountSetup): Record<string, string> {
  return {
    RBKMONEY_IDENTITY_ID: setup.identityId,
    RBKMONEY_WALLET_ID: setup.walletId,
    RBKMONEY_WEBHOOK_PUBLIC_KEY: setup.webhookPublicKeys.join(','),
  };
}

export async function runRbkmoneySetup(options: { print: (line: string) => void }): Promise<void> {
  const cfg = config();
  const setup = await setupRbkmoneyAccount(cfg);
  const { print } = options;
  const input = accountSetupInput(cfg);
  print(`identity ${setup.identityId} (externalID ${input.identity.externalID})`);
  print(`wallet   ${setup.walletId} (${input.wallet.currency}, externalID ${input.wallet.externalID})`);
  for (const webhook of setup.webhooks) {
    print(
      `webhook  ${webhook.id} ${webhook.topic} -> ${input.webhookUrl} (${webhook.created ? 'created' : 'existing'})`,
    );
  }
  print('');
  print('Put these in the configuration of the worker and the relay:');
  for (const [name, value] of Object.entries(setupAsEnvironment(setup))) {
    print(`${name}=${value}`);
  }
}
