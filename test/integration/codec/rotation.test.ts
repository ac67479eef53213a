// Key rotation while a payout runs: the workers know two keys (CODEC_KEYS) and write with the one
// CODEC_ACTIVE_KEY_ID names. A payout starts under key 1; the worker is restarted with key 2 active before the
// payout's outcome comes; the payout finishes, its history holds payloads under both keys, and it replays
// with the new configuration.
import { Worker } from '@temporalio/worker';
import { codecFromConfig, keyIdMetadataKey, payoutsDataConverter } from '../../../src/codec/index.js';
import { generateCodecKeyEntry } from '../../../src/codec/keys.js';
import { parseConfig } from '../../../src/config.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { defaultWorkflowsPath, webpackConfigHook } from '../../../src/worker/bundling.js';
import { payoutStatusQuery } from '../../../src/workflows/definitions.js';
import { expectPaidOnce } from '../../support/paid-once.js';
import { awaitOutcomeUpdate, ecommpayPayout, startPayoutStack, waitFor, type PayoutStack } from '../payout/stack.js';

const keys = `${generateCodecKeyEntry('rot-1')},${generateCodecKeyEntry('rot-2')}`;
const codecWith = (activeKeyId: string) =>
  codecFromConfig(parseConfig({ CODEC_KEYS: keys, CODEC_ACTIVE_KEY_ID: activeKeyId }));

let stack: PayoutStack;
afterAll(async () => stack?.close());

/** The key id of every encrypted payload in a history, in event order. */
function keyIdsIn(history: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      const metadata = (value as { metadata?: Record<string, Uint8Array | null> }).metadata;
      const keyId = metadata?.[keyIdMetadataKey];
      if (keyId) found.push(Buffer.from(keyId).toString('utf8'));
      Object.values(value).forEach(walk);
    }
  };
  walk(history);
  return found;
}

test('a payout running when a new active key is configured finishes, and its history replays', async () => {
  const before = await codecWith('rot-1');
  const after = await codecWith('rot-2');
  expect([before.activeKeyId, after.activeKeyId]).toEqual(['rot-1', 'rot-2']);
  stack = await startPayoutStack('codec-rotation', { dataConverter: payoutsDataConverter(before) });

  // The slow card: processing for 4 s, long enough to change the worker's key meanwhile.
  const request = ecommpayPayout(testCards.slow.pan, {}, 'rot');
  const handle = await stack.start(request);
  await waitFor(async () => (await handle.query(payoutStatusQuery)).status === 'submitted');
  await stack.stopWorker();
  await stack.restartWorker({ dataConverter: payoutsDataConverter(after) });

  expect((await handle.executeUpdate(awaitOutcomeUpdate)).status).toBe('succeeded');
  await handle.result();
  expectPaidOnce(stack.sandbox.ledger.list(), request.payoutId);

  const history = await handle.fetchHistory();
  const ids = keyIdsIn(history);
  // Written under the old key before the change, under the new one after (the result at least).
  expect(ids[0]).toBe('rot-1');
  expect(ids.at(-1)).toBe('rot-2');
  const failures: string[] = [];
  const results = Worker.runReplayHistories(
    {
      workflowsPath: defaultWorkflowsPath(),
      bundlerOptions: { webpackConfigHook },
      dataConverter: payoutsDataConverter(after),
      replayName: 'codec-rotation',
    },
    [{ workflowId: handle.workflowId, history }],
  );
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect({ replayed, failures }).toEqual({ replayed: 1, failures: [] });
});
