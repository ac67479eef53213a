// PayoutsClient for single payouts on the real dev server: idempotent submission, typed errors, the outcome
// from the awaitOutcome update or, once the workflow has closed, from its result.
import { readFileSync } from 'node:fs';
import {
  OutcomeTimeoutError,
  PayoutConflictError,
  PayoutNotCancellableError,
  PayoutNotFoundError,
  PayoutValidationError,
} from '../../../src/client/index.js';
import { CodecKeyring, EncryptionCodec, parseCodecKeys, startCodecServer } from '../../../src/codec/index.js';
import { runCommandOrThrow } from '../../../src/devstack/commands.js';
import { createLogger } from '../../../src/logging.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { testServer } from '../helpers.js';
import { ecommpayItem, startBatchStack, uniqueId, type BatchStack } from './batch-stack.js';

let env: BatchStack;
beforeAll(async () => {
  env = await startBatchStack('payouts-client');
});
afterAll(async () => env.close());

test('the same request twice is one payout; another request under its payoutId is a conflict', async () => {
  const request = ecommpayItem(testCards.visa.pan);
  expect(await env.payouts.submitPayout(request)).toMatchObject({ payoutId: request.payoutId, created: true });
  expect(await env.payouts.submitPayout({ ...request })).toMatchObject({ created: false });
  await expect(env.payouts.submitPayout({ ...request, amount: request.amount + 1 })).rejects.toBeInstanceOf(
    PayoutConflictError,
  );

  const description = await env.stack.conns.client.workflow.getHandle(payoutWorkflowId(request.payoutId)).describe();
  expect(await description.staticSummary()).toBe('1 500.00 RUB to 424242******4242 via ecommpay');
  expect(JSON.stringify(description.memo)).not.toContain(testCards.visa.pan);
  expect((await env.payouts.waitForOutcome(request.payoutId, 20_000)).status).toBe('succeeded');
  await expect(env.payouts.cancelPayout(request.payoutId)).rejects.toBeInstanceOf(PayoutNotCancellableError);
});

test('an invalid request is refused before anything starts, with every problem named', async () => {
  const request = ecommpayItem(testCards.visa.pan, { customer: { id: 'c-1' }, sender: {} });
  const refusal = await env.payouts.submitPayout(request).catch((error: unknown) => error);
  expect(refusal).toBeInstanceOf(PayoutValidationError);
  expect((refusal as PayoutValidationError).problems.map((problem) => problem.path)).toEqual(
    expect.arrayContaining(['customer.ip_address', 'sender.day_of_birth']),
  );
  await expect(env.payouts.getPayout(request.payoutId)).rejects.toBeInstanceOf(PayoutNotFoundError);
});

test('waitForOutcome reads the result of a closed payout and times out on one without an outcome', async () => {
  const closed = ecommpayItem(testCards.visa.pan);
  const handle = await env.stack.start(closed, { lateEventWindowMs: 200 });
  await handle.result();
  expect(await env.payouts.waitForOutcome(closed.payoutId, 5_000)).toMatchObject({ status: 'succeeded' });

  const pending = ecommpayItem(testCards.pending.pan);
  await env.payouts.submitPayout(pending);
  await expect(env.payouts.waitForOutcome(pending.payoutId, 1_000)).rejects.toBeInstanceOf(OutcomeTimeoutError);
});

test('a payout waiting for its notBefore can be cancelled', async () => {
  const request = ecommpayItem(testCards.visa.pan, { notBefore: new Date(Date.now() + 3_600_000).toISOString() });
  await env.payouts.submitPayout(request);
  const view = await env.payouts.cancelPayout(request.payoutId, 'customer asked');
  expect(view.outcome).toMatchObject({ status: 'cancelled', message: 'customer asked' });
});

test('the `temporal workflow start` example of docs/CLIENTS.md starts a payout that pays, through the codec', async () => {
  const docs = readFileSync('docs/CLIENTS.md', 'utf8');
  const example = /```sh\n(temporal workflow start[\s\S]*?)\n\n/.exec(docs)?.[1];
  expect(example).toBeDefined();
  const token = `docs-token-${uniqueId('t')}`;
  const codecServer = await startCodecServer({
    codec: new EncryptionCodec(new CodecKeyring(parseCodecKeys(process.env.CODEC_KEYS ?? ''))),
    port: 0,
    corsOrigins: [],
    token,
    logger: createLogger('codec-server', { level: 'silent' }),
  });
  const payoutId = uniqueId('docs');
  const command = (example as string)
    .replaceAll('docs-1001', payoutId)
    .replaceAll('http://localhost:3002', codecServer.url)
    .replace('--task-queue payouts', `--task-queue ${env.stack.taskQueue}`);
  const { address, namespace, cliPath } = testServer();
  const shell = `${command.replace(/^temporal /, `"${cliPath}" `)} --address ${address} --namespace ${namespace}`;
  try {
    await runCommandOrThrow('the README example', '/bin/sh', ['-c', shell], {
      env: { ...process.env, CODEC_SERVER_TOKEN: token },
    });
  } finally {
    await codecServer.close();
  }
  expect(await env.payouts.waitForOutcome(payoutId, 20_000)).toMatchObject({
    status: 'succeeded',
    maskedCard: '424242******4242',
  });
});
