import os from 'node:os';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBatchActivities } from '../../../src/activities/batch.js';
import type { PayoutProvider } from '../../../src/providers/contract.js';
import { SystemicProviderError } from '../../../src/providers/errors.js';
import type { ProviderRegistry } from '../../../src/providers/registry.js';
import type { ProviderAmounts } from '../../../src/workflows/batch/definitions.js';

/** Providers by name; rbkmoney's wallet holds `walletRub` RUB; ecommpay has no balance to ask; the rest fail. */
function registry(walletRub: number): ProviderRegistry {
  return {
    get(name) {
      if (name === 'rbkmoney') {
        return {
          name,
          availableBalance: async () => ({ amount: walletRub, currency: 'RUB' }),
        } as unknown as PayoutProvider;
      }
      return { name } as unknown as PayoutProvider;
    },
  };
}

const check = (providers: ProviderRegistry, needed: ProviderAmounts) => {
  const activities = createBatchActivities({ providers, reportsDir: os.tmpdir() });
  return new MockActivityEnvironment().run(
    (input: { needed: ProviderAmounts }) => activities.checkProviderBalances(input),
    { needed },
  );
};

test('an account holding less than needed, or another currency, is short; providers without a balance are not asked', async () => {
  const needed = { rbkmoney: { RUB: 5_000, EUR: 1 }, ecommpay: { RUB: 10 ** 9 } };
  await expect(check(registry(1_000), needed)).resolves.toEqual([
    { provider: 'rbkmoney', currency: 'RUB', needed: 5_000, available: { amount: 1_000, currency: 'RUB' } },
    { provider: 'rbkmoney', currency: 'EUR', needed: 1, available: { amount: 1_000, currency: 'RUB' } },
  ]);
  await expect(check(registry(5_000), { rbkmoney: { RUB: 5_000 } })).resolves.toEqual([]);
});

test('a provider error leaves the activity classified', async () => {
  const failing: ProviderRegistry = {
    get: () =>
      ({
        availableBalance: async () => {
          throw new SystemicProviderError('rbkmoney', 'RBKmoney wallet 18 does not exist', 'no_wallet');
        },
      }) as unknown as PayoutProvider,
  };
  await expect(check(failing, { rbkmoney: { RUB: 1 } })).rejects.toMatchObject({
    message: 'RBKmoney wallet 18 does not exist',
    nonRetryable: true,
  });
});
