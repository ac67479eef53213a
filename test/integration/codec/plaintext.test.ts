// Issue 18, finding 3: encryption is required. A starter that does not use the payouts codec (another language's
// client written from docs/CLIENTS.md, the Temporal CLI without --codec-endpoint) writes the card in clear;
// a worker with the codec refuses such a payout before anything is sent, and says why.
import { Client, WorkflowFailedError } from '@temporalio/client';
import { PayoutsClient } from '../../../src/client/payouts-client.js';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutWorkflowId, providerEventSignal } from '../../../src/workflows/definitions.js';
import { testServer } from '../helpers.js';
import {
  awaitOutcomeUpdate,
  ecommpayPayout,
  startPayoutStack,
  testTimings,
  type PayoutStack,
} from '../payout/stack.js';

const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('plain-1'))));
let stack: PayoutStack;
let plainClient: Client;

beforeAll(async () => {
  stack = await startPayoutStack('plaintext', { dataConverter: payoutsDataConverter(codec) });
  plainClient = new Client({ connection: stack.conns.client.connection, namespace: testServer().namespace });
});
afterAll(async () => stack?.close());

test('a payout started without the codec is refused with the reason, and nothing reaches the provider', async () => {
  const request = payoutRequestSchema.parse(ecommpayPayout(testCards.visa.pan, {}, 'plain'));
  const handle = await plainClient.workflow.start('PayoutWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: payoutWorkflowId(request.payoutId),
    args: [{ request, timings: testTimings }],
  });
  // Old code: the payout is paid (and then waits out its late-event window). The failure's message is
  // encrypted like every failure: a client with the codec reads it.
  const ended = await Promise.race([
    stack.conns.client.workflow
      .getHandle(handle.workflowId)
      .result()
      .then(
        () => 'completed',
        (error: unknown) => error,
      ),
    new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000)),
  ]);
  const paid = stack.sandbox.ledger.list().filter((entry) => entry.key === request.payoutId);
  expect(paid).toEqual([]);
  expect(ended).toBeInstanceOf(WorkflowFailedError);
  const failure = (ended as WorkflowFailedError).cause;
  expect(failure?.message).toMatch(/not encrypted by the payouts codec.*CODEC_ALLOW_PLAINTEXT=true/);
});

test('a plaintext signal or update to an encrypted payout is refused; the payout goes on', async () => {
  const request = payoutRequestSchema.parse(ecommpayPayout(testCards.visa.pan, {}, 'plain-sig'));
  const handle = await stack.start(request);
  const forged = plainClient.workflow.getHandle(handle.workflowId);
  await forged.signal(providerEventSignal, {
    provider: 'ecommpay',
    idempotencyKey: request.payoutId,
    eventId: 'forged-1',
    status: { state: 'declined', code: '3104', message: 'forged' },
  });
  // Refused by the validator; the rejection, like every failure, is encrypted, so this caller cannot read it.
  // Old code cancelled the payout (and answered with its encrypted view).
  await expect(forged.executeUpdate('cancel', { args: [{ reason: 'forged' }] })).rejects.toThrow();
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
});

test('PayoutsClient.connect encrypts with the codec of its environment unless told otherwise', async () => {
  const keys = generateCodecKeyEntry('client-1');
  const saved = process.env.CODEC_KEYS;
  process.env.CODEC_KEYS = keys;
  const payouts = await PayoutsClient.connect({ address: testServer().address, namespace: testServer().namespace });
  if (saved === undefined) delete process.env.CODEC_KEYS;
  else process.env.CODEC_KEYS = saved;
  try {
    // No worker polls this queue: the payout stays as the client wrote it.
    const { workflowId } = await payouts.submitPayout(ecommpayPayout(testCards.visa.pan, {}, 'plain-conn'));
    const history = await plainClient.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    const codecOfKeys = new EncryptionCodec(new CodecKeyring(parseCodecKeys(keys)));
    const [decoded] = await codecOfKeys.decode([input!]);
    expect(Buffer.from(decoded!.data!).toString()).toContain('"payoutId"');
    await plainClient.workflow.getHandle(workflowId).terminate('test over');
  } finally {
    await payouts.close();
  }
});
