/**
 * What each provider can do beyond the verbs every provider has. Workflows read this table (it is data, the
 * same on every replay); each provider declares the same in its PayoutProvider (test/unit/providers/
 * capabilities.test.ts checks that they agree), so no workflow ever tests a provider's name.
 */
import type { ProviderName } from './payout-request.js';

export interface ProviderCapabilities {
  /** Pays to a card bound at the provider beforehand (a destination), not to the card number itself. */
  cardBinding: boolean;
}

export const providerCapabilities: Readonly<Record<ProviderName, ProviderCapabilities>> = {
  ecommpay: { cardBinding: false },
  rbkmoney: { cardBinding: true },
};
