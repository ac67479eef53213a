/**
 * The providers this process can pay through, built from the configuration on first use, so a worker that
 * only ever pays through one provider needs only that provider's settings.
 */
import type { Logger } from 'pino';
import { type Config, ecommpaySettings, type RbkmoneySettings, rbkmoneySettings } from '../config.js';
import type { ProviderName } from '../domain/payout-request.js';
import type { PayoutProvider } from './contract.js';
import { SystemicProviderError } from './errors.js';
import { createEcommpayProvider } from './ecommpay/index.js';
import { createRbkmoneyProvider } from './rbkmoney/index.js';

export interface ProviderRegistry {
  get(name: ProviderName): PayoutProvider;
}

type Factories = Partial<Record<ProviderName, () => PayoutProvider>>;

/** A registry over factories; each provider is created once, when first asked for. */
export function providerRegistry(factories: Factories): ProviderRegistry {
  const built = new Map<ProviderName, PayoutProvider>();
  return {
    get(name) {
      let provider = built.get(name);
      if (!provider) {
        const factory = factories[name];
        // Missing settings stop this payout as systemic (a batch pauses) instead of being retried forever.
        if (!factory) throw new SystemicProviderError(name, `provider ${name} is not enabled in this worker`, 'config');
        try {
          provider = factory();
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new SystemicProviderError(name, `provider ${name} is not configured: ${reason}`, 'config');
        }
        built.set(name, provider);
      }
      return provider;
    },
  };
}

export function providersFromConfig(cfg: Config, logger?: Logger): ProviderRegistry {
  return providerRegistry({
    ecommpay: () => createEcommpayProvider({ ...ecommpaySettings(cfg), logger }),
    rbkmoney: () =>
      createRbkmoneyProvider({
        ...rbkmoneyProviderSettings(rbkmoneySettings(cfg)),
        ...(cfg.CARD_FINGERPRINT_KEY ? { cardFingerprintKey: cfg.CARD_FINGERPRINT_KEY } : {}),
        ...(logger ? { logger } : {}),
      }),
  });
}

function rbkmoneyProviderSettings({ webhookPublicKeys, ...rest }: RbkmoneySettings) {
  return { ...rest, ...(webhookPublicKeys ? { webhookPublicKey: webhookPublicKeys } : {}) };
}
