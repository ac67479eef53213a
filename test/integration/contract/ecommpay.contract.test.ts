// The provider contract for ecommpay: the real adapter against the sandbox over HTTP.
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payout, startEcommpayHarness } from '../sandbox/ecommpay-setup.js';
import { describeProviderContract } from './provider-contract.js';

describeProviderContract('ecommpay', async () => {
  const harness = await startEcommpayHarness();
  return {
    provider: harness.provider,
    sandboxUrl: harness.sandbox.url,
    requests: {
      succeeding: (payoutId) => payout(testCards.mastercard.pan, { payoutId }),
      declining: (payoutId) => payout(testCards.decline3104.pan, { payoutId }),
      // Visa without the sender's date of birth, which the doc requires for Visa.
      invalid: (payoutId) => payout(testCards.visa.pan, { payoutId, sender: {} }),
      // The doc's "correct request" has the customer's id and IP address; the adapter does not check them.
      refused: (payoutId) => payout(testCards.visa.pan, { payoutId, customer: { first_name: 'Anna' } }),
    },
    declineCode: '3104',
    invalidPaths: ['sender.day_of_birth'],
    callbacks: () => harness.receiver.received,
    close: () => harness.close(),
  };
});
