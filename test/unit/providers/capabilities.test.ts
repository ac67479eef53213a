// Workflows learn what a provider can do from domain/provider-capabilities.ts; each provider declares the same
// in its PayoutProvider. The two must agree, or a payout would skip a binding its provider needs (or ask for one
// its provider cannot do).
import type { ProviderName } from '../../../src/domain/payout-request.js';
import { providerCapabilities } from '../../../src/domain/provider-capabilities.js';
import type { PayoutProvider } from '../../../src/providers/contract.js';
import { createEcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import { createRbkmoneyProvider } from '../../../src/providers/rbkmoney/index.js';

const built: Record<ProviderName, PayoutProvider> = {
  ecommpay: createEcommpayProvider({
    baseUrl: 'http://127.0.0.1:1',
    projectId: 1,
    secretKey: 'secret',
    callbackUrl: 'https://merchant.example/callbacks/ecommpay',
  }),
  rbkmoney: createRbkmoneyProvider({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key' }),
};

test.each(Object.keys(providerCapabilities) as ProviderName[])(
  '%s declares the capabilities the workflows read',
  (name) => {
    const provider = built[name];
    expect(provider.name).toBe(name);
    expect({ cardBinding: provider.cardBinding !== undefined }).toEqual(providerCapabilities[name]);
  },
);

test('a provider that binds cards offers every binding call', () => {
  const binding = built.rbkmoney.cardBinding;
  expect(binding).toBeDefined();
  for (const call of ['tokenizeCard', 'ensureDestination', 'getDestination', 'destinationExternalId'] as const) {
    expect(typeof binding?.[call]).toBe('function');
  }
});
