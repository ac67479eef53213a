// Issue 18, finding 2: a CVV must never enter Temporal, not even encrypted. A payout sent with one through the
// client is refused before anything starts; every payload of every history on the worker's queue is then
// decrypted and searched for it.
import { PayoutsClient } from '../../../src/client/payouts-client.js';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import type { PayoutRequest, PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import {
  awaitOutcomeUpdate,
  ecommpayPayout,
  startPayoutStack,
  testTimings,
  type PayoutStack,
} from '../payout/stack.js';
import { decryptedHistories, tokenCount } from './decrypted-histories.js';

const cvv = '8264';
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('cvv-1'))));
let stack: PayoutStack;
const withCvv = (request: PayoutRequestInput): PayoutRequestInput => ({
  ...request,
  card: { ...request.card, cvv } as unknown as PayoutRequestInput['card'],
});

beforeAll(async () => {
  stack = await startPayoutStack('cvv', { dataConverter: payoutsDataConverter(codec) });
});
afterAll(async () => stack?.close());

test('a payout sent with a CVV is refused naming the field, and no decrypted history holds the CVV', async () => {
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
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

test('a CVV sent by a starter that skips the client is rejected by the worker and copied nowhere', async () => {
  const request = withCvv(ecommpayPayout(testCards.visa.pan, {}, 'cvv-raw'));
  const handle = await stack.conns.client.workflow.start(PayoutWorkflowV3, {
    taskQueue: stack.taskQueue,
    workflowId: payoutWorkflowId(request.payoutId),
    args: [{ request: request as PayoutRequest, timings: testTimings }],
  });
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'rejected', problems: [expect.objectContaining({ path: 'card.cvv' })] });
  expect(stack.sandbox.ledger.list().filter((entry) => entry.key === request.payoutId)).toEqual([]);
  // The starter wrote it into the input; nothing the worker did carries it further.
  const histories = await decryptedHistories(stack.conns.client, codec, stack.taskQueue);
  expect(tokenCount(histories[handle.workflowId] ?? '', cvv)).toBe(1);
  const firstEvent = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input;
  const [input] = await codec.decode(firstEvent?.payloads ?? []);
  expect(tokenCount(Buffer.from(input?.data ?? []).toString(), cvv)).toBe(1);
});
