/** The bare baseline's one activity: submit the payout to the provider, nothing else. */
import type { PayoutRequest } from '../../src/domain/payout-request.js';
import type { PayoutProvider } from '../../src/providers/contract.js';

export function createBenchActivities(provider: PayoutProvider) {
  return {
    async bareSubmit(request: PayoutRequest): Promise<void> {
      await provider.submit({ request, idempotencyKey: request.payoutId });
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
