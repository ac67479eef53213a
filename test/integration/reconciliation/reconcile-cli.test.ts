// `payouts reconcile` as an operator runs it (bin/payouts.js in a child process), against a worker whose
// payloads are encrypted as in production (the child inherits the key).
import { randomUUID } from 'node:crypto';
import { CodecKeyring, EncryptionCodec, parseCodecKeys, payoutsDataConverter } from '../../../src/codec/index.js';
import { generateCodecKeyEntry } from '../../../src/codec/keys.js';
import { type PayoutStack, startPayoutStack } from '../payout/stack.js';
import { inReviewVisible, startUnknown } from './unknown-payouts.js';
import { type CliRun, runPayoutsCli } from '../payouts-cli.js';

process.env.CODEC_KEYS = generateCodecKeyEntry('reconcile-cli-test');
const dataConverter = payoutsDataConverter(
  new EncryptionCodec(new CodecKeyring(parseCodecKeys(process.env.CODEC_KEYS))),
);

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('reconcile-cli', { dataConverter });
});
afterAll(async () => stack?.close());

test('payouts reconcile prints the payouts it settled', async () => {
  const batchId = `rec-${randomUUID().slice(0, 8)}`;
  const declined = await startUnknown(stack, batchId);
  await inReviewVisible(stack, batchId, 1);
  // The provider declines it later, silently (the sandbox's control endpoint; no callback is sent).
  const settle = await fetch(`${stack.sandbox.url}/sandbox/settle`, {
    method: 'POST',
    body: JSON.stringify({
      provider: 'ecommpay',
      key: declined.id,
      status: 'declined',
      code: '3105',
      message: 'Card country is forbidden',
    }),
  });
  expect(settle.status).toBe(200);

  const run = await cli(['reconcile', '--provider', 'ecommpay', '--batch', batchId, '--since', '2020-01-01']);

  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('reconciled 1 payout(s) in review at ecommpay: settled 1, still unknown 0');
  expect(run.stdout).toContain(
    `${declined.id}: settled -> declined (provider: declined 3105 Card country is forbidden)`,
  );
  expect(await declined.handle.result()).toMatchObject({ status: 'declined', code: '3105', failureClass: 'declined' });
});

function cli(args: string[]): Promise<CliRun> {
  return runPayoutsCli(args, { taskQueue: stack.taskQueue });
}
