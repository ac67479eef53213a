// The provider contract for RBKmoney: the real adapter against the sandbox over HTTP, each card bound first
// (tokenize, destination by fingerprint, wait for Authorized), as the binding workflow does. The sandbox
// answers a repeated externalID as the provider does: the existing withdrawal, as if created.
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { bindCard, payout, startRbkmoneyHarness } from '../sandbox/rbkmoney-setup.js';
import { describeProviderContract } from './provider-contract.js';

describeProviderContract('rbkmoney', async () => {
  const harness = await startRbkmoneyHarness();
  return {
    provider: harness.provider,
    sandboxUrl: harness.url,
    requests: {
      succeeding: (payoutId) => payout(testCards.visa.pan, { payoutId }),
      declining: (payoutId) => payout(testCards.rejectedByIssuer.pan, { payoutId }),
      // RBKmoney pays from the merchant wallet only (no p2p), in the wallet's currency.
      invalid: (payoutId) => payout(testCards.visa.pan, { payoutId, kind: 'p2p', currency: 'USD' }),
      // Above the provider's terms: validate cannot know them, the provider refuses it (422 Invalid cash amount).
      refused: (payoutId) => payout(testCards.visa.pan, { payoutId, amount: 1_000_000_001 }),
    },
    declineCode: 'authorization_failed:rejected_by_issuer',
    invalidPaths: ['kind', 'currency'],
    prepare: async (request) => ({ destinationId: (await bindCard(harness, request)).id }),
    callbacks: () => harness.receiver.received.map(({ body, headers }) => ({ body, headers })),
    close: () => harness.close(),
  };
});
