// Issue 18, finding 2: a CVV must never enter Temporal, not even encrypted. A payout sent with one through the
// client is refused before anything starts; every payload of every history on the worker's queue is then
// decrypted and searched for it.
import { PayoutsClient } from '../../../src/client/payouts-client.js';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { ecommpayPayout, startPayoutStack, type PayoutStack } from '../payout/stack.js';
import { decryptedHistories, tokenCount } from './decrypted-histories.js';

const cvv = '8264';
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('cvv-1'))));
let stack: PayoutStack;

beforeAll(async () => {
  stack = await startPayoutStack('cvv', { dataConverter: payoutsDataConverter(codec) });
});
afterAll(async () => stack?.close());

test('a payout sent with a CVV is refused naming the field, and no decrypted history holds the CVV', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  const withCvv = (request: PayoutRequestInput): PayoutRequestInput => ({
    ...request,
    card: { ...request.card, cvv } as unknown as PayoutRequestInput['card'],
  });
  const requests = [
    withCvv(ecommpayPayout(testCards.visa.pan, {}, 'cvv-e')),
    withCvv({ ...ecommpayPayout(testCards.visa.pan, {}, 'cvv-r'), provider: 'rbkmoney' }),
  ];
  const refusals: string[] = [];
  for (const request of requests) {
    try {
      const { payoutId } = await payouts.submitPayout(request);
      await payouts.waitForOutcome(payoutId, 60_000);
    } catch (error) {
      refusals.push(String(error));
    }
  }
  // Whatever started (old code: both payouts and the card binding) has written its history by now.
  const histories = await decryptedHistories(stack.conns.client, codec, stack.taskQueue);
  const found = Object.entries(histories)
    .map(([workflowId, text]) => ({ workflowId, count: tokenCount(text, cvv) }))
    .filter(({ count }) => count > 0);
  expect(found).toEqual([]);
  expect(refusals).toHaveLength(2);
  for (const refusal of refusals) expect(refusal).toMatch(/card\.cvv: .*CVV/);
});
