// Four-eyes approval of a batch whose total is above its currency's threshold, on the dev server with the
// sandbox: nothing is paid while it waits; the submitter may not approve; a second person's approval pays;
// a rejection or the approval deadline ends it unpaid, every item reported. The CLI commands end to end.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os, { hostname } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { BatchStateError, PayoutsClient, type PayoutRequestInput } from '../../../src/client/index.js';
import { CodecKeyring, EncryptionCodec, parseCodecKeys } from '../../../src/codec/index.js';
import { runCommandOrThrow, runNodeScript } from '../../../src/devstack/commands.js';
import { batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { testServer } from '../helpers.js';
import { historiesDir } from '../replay-helpers.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { ledgerEntriesOf } from '../../support/paid-once.js';
import { type CliRun, runPayoutsCli } from '../payouts-cli.js';
import {
  batchChildTimings,
  dataConverter,
  dataDir,
  ecommpayItem,
  parseReport,
  progressUntil,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from './batch-stack.js';

/** Where RECORD_HISTORIES=1 keeps this file's batch histories (this branch's directory). */
const recordedDir = path.join(historiesDir, '2026-12-04-four-eyes');

let env: BatchStack;
let payouts: PayoutsClient;
/** The submitter's client: identity `alice`. */
let alice: PayoutsClient;
beforeAll(async () => {
  // The worker's own limits (BATCH_APPROVAL_THRESHOLDS, PAYOUT_MAX_AMOUNTS): they hold whoever starts a batch.
  env = await startBatchStack('batch-approval', {
    limits: { approvalThresholds: { RUB: 100_000 }, maxAmounts: { RUB: 1_000_000 } },
  });
  // 1 000.00 RUB: two items of 1 500.00 RUB need approval.
  payouts = new PayoutsClient({
    client: env.stack.conns.client,
    taskQueue: env.stack.taskQueue,
    approvalThresholds: { RUB: 100_000 },
  });
  alice = new PayoutsClient({
    client: new Client({
      connection: env.stack.conns.client.connection,
      namespace: env.stack.conns.client.options.namespace,
      dataConverter,
      identity: 'alice',
    }),
    taskQueue: env.stack.taskQueue,
    approvalThresholds: { RUB: 100_000 },
  });
});
afterAll(async () => env.close());

/** A client of another operator: the worker knows who decides by the client identity history records. */
const operator = (identity: string) =>
  new PayoutsClient({
    client: new Client({
      connection: env.stack.conns.client.connection,
      namespace: env.stack.conns.client.options.namespace,
      dataConverter,
      identity,
    }),
    taskQueue: env.stack.taskQueue,
  });

/** Ledger entries of these payouts, under any attempt's key. */
const sentToProvider = (items: PayoutRequestInput[]) =>
  items.reduce((sum, item) => sum + ledgerEntriesOf(env.stack.sandbox.ledger.list(), item.payoutId).length, 0);

/** Every batch this file starts, replayed (and with RECORD_HISTORIES=1 kept) by the last test. */
const batchIds: string[] = [];

/** Submits a gated batch; `observeWaiting` false for a window too short to be sure to see it open. */
async function submitGated(options: { approvalTimeoutMs?: number } = {}, observeWaiting = true) {
  const batchId = uniqueId('gated');
  batchIds.push(batchId);
  const items = [ecommpayItem(testCards.visa.pan), ecommpayItem(testCards.mastercard.pan)];
  // `submittedBy` is the client's claim; the worker records the client identity that started the batch.
  const submission = await alice.submitBatch({
    batchId,
    items,
    submittedBy: 'mallory',
    childTimings: batchChildTimings,
    options,
  });
  expect(submission.approval?.reason).toBe('RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold');
  if (!observeWaiting) return { batchId, items };
  // The deadline is set once the worker's own check has run and the batch waits.
  const waiting = await progressUntil(
    alice,
    batchId,
    (view) => view.state === 'awaiting_approval' && view.approval?.deadline !== undefined,
  );
  expect(waiting).toMatchObject({
    submittedBy: 'alice',
    started: 0,
    approval: { reason: submission.approval?.reason },
  });
  expect(Date.parse(waiting.approval?.deadline ?? '')).toBeGreaterThan(Date.now());
  return { batchId, items };
}

test('approval by the submitter is refused, by a second person pays; a second approval is refused', async () => {
  const { batchId, items } = await submitGated();

  // The submitter's own client, whatever name it types: refused by its identity.
  const bySubmitter = alice.approveBatch(batchId, 'bob');
  await expect(bySubmitter).rejects.toBeInstanceOf(BatchStateError);
  await expect(bySubmitter).rejects.toThrow('alice submitted batch');
  // The workflow refused it (its validator ran) and answers a query after it: still waiting, nothing sent.
  expect((await payouts.getBatch(batchId)).state).toBe('awaiting_approval');
  expect(sentToProvider(items)).toBe(0);

  // Another identity approves, whatever name it types: history names it.
  const approved = await operator('bob').approveBatch(batchId, 'alice');
  expect(approved.approval?.decision).toMatchObject({ decision: 'approved', by: 'bob' });
  await expect(operator('carol').approveBatch(batchId)).rejects.toThrow(/already approved by bob|finished/);

  const result = await payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(2);
  expect(result.approval).toMatchObject({ decision: 'approved', by: 'bob' });
  expect(sentToProvider(items)).toBe(2);
});

test('a rejection pays nothing and reports every item with the reason', async () => {
  const { batchId, items } = await submitGated();
  const rejected = await operator('carol').rejectBatch(batchId, undefined, 'amounts look wrong');
  expect(rejected.state).toMatch(/rejected|finishing|completed/);

  const result = await payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 0, cancelled: 2 });
  expect(result.approval).toMatchObject({ decision: 'rejected', by: 'carol', reason: 'amounts look wrong' });
  expect(result.cancelled?.reason).toBe('rejected by carol: amounts look wrong');
  const rows = parseReport((await payouts.batchReport(batchId)).csv);
  expect(rows.map((row) => row.status)).toEqual(['cancelled', 'cancelled']);
  expect(rows[0]?.message).toContain('rejected by carol: amounts look wrong');
  expect(sentToProvider(items)).toBe(0);
  await expect(payouts.approveBatch(batchId, 'bob')).rejects.toBeInstanceOf(BatchStateError);
});

test('unapproved at the deadline, the batch ends unpaid', async () => {
  // A 2 s window may close before a busy machine shows it open: only the end is asserted.
  const { batchId, items } = await submitGated({ approvalTimeoutMs: 2_000 }, false);
  const result = await payouts.waitForBatch(batchId);
  expect(result.approval).toMatchObject({ decision: 'expired', by: 'system' });
  expect(result.counts).toMatchObject({ succeeded: 0, cancelled: 2 });
  expect(sentToProvider(items)).toBe(0);
});

test('a batch under every threshold needs no approval', async () => {
  const batchId = uniqueId('small');
  const submission = await payouts.submitBatch({
    batchId,
    items: [ecommpayItem(testCards.visa.pan, { amount: 50_000 })],
    childTimings: batchChildTimings,
  });
  expect(submission.approval).toBeUndefined();
  expect((await payouts.waitForBatch(batchId)).counts.succeeded).toBe(1);
  await expect(payouts.approveBatch(batchId, 'bob')).rejects.toBeInstanceOf(BatchStateError);
});

test("a client that computes no approval still waits for the worker's: its thresholds apply to every batch", async () => {
  const batchId = uniqueId('unclaimed');
  batchIds.push(batchId);
  const items = [ecommpayItem(testCards.visa.pan), ecommpayItem(testCards.mastercard.pan)];
  // env.payouts has no thresholds: it starts the batch claiming no approval is needed.
  const submission = await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings });
  expect(submission.approval).toBeUndefined();
  const waiting = await progressUntil(env.payouts, batchId, (view) => view.state === 'awaiting_approval', 15_000);
  expect(waiting.approval?.reason).toBe('RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold');
  expect(sentToProvider(items)).toBe(0);
  await env.payouts.rejectBatch(batchId, 'carol', 'not ours');
  expect((await env.payouts.waitForBatch(batchId)).counts).toMatchObject({ succeeded: 0, cancelled: 2 });
  expect(sentToProvider(items)).toBe(0);
});

test("a single payout above the worker's cap is rejected, naming the cap, and never sent", async () => {
  const request = ecommpayItem(testCards.visa.pan, { amount: 1_500_000 });
  const handle = await env.stack.start(request);
  const outcome = await handle.result();
  expect(outcome.status).toBe('rejected');
  expect(JSON.stringify(outcome)).toContain('15 000.00 RUB is above the 10 000.00 RUB cap for a single payout');
  expect(sentToProvider([request])).toBe(0);
});

function cli(args: string[], operatorName = 'alice'): Promise<CliRun> {
  return runPayoutsCli(args, {
    taskQueue: env.stack.taskQueue,
    env: { DATA_DIR: dataDir, BATCH_APPROVAL_THRESHOLDS: 'RUB=100000', PAYOUTS_OPERATOR: operatorName },
  });
}

test('the CLI: submit says approval is needed; approve as the submitter fails, as another operator pays', async () => {
  const batchId = uniqueId('cli-gated');
  batchIds.push(batchId);
  const file = path.join(dataDir, `${batchId}.csv`);
  const header =
    'payout_id,provider,amount,currency,pan,exp_month,exp_year,card_holder,customer.id,customer.ip_address,' +
    'customer.first_name,customer.last_name,sender.first_name,sender.last_name,sender.day_of_birth';
  const row = (id: string) =>
    `${id},ecommpay,150000,RUB,${testCards.visa.pan},12,2030,IVAN PETROV,c-1,127.0.0.1,Ivan,Petrov,Acme,Ltd,01-01-1980`;
  await writeFile(file, [header, row(uniqueId('c')), row(uniqueId('c'))].join('\n'));

  const submitted = await cli(['batch', 'submit', file, '--batch-id', batchId]);
  expect(submitted.code).toBe(0);
  expect(submitted.stdout).toContain('needs approval: RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold');
  // The CLI's identity is <operator>@<host>: history names the person and the machine.
  const host = hostname();
  expect(submitted.stdout).toContain(
    `alice@${host} runs, as their own PAYOUTS_OPERATOR: payouts batch approve ${batchId}`,
  );

  const refused = await cli(['batch', 'approve', batchId]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`alice@${host} submitted batch`);
  expect(refused.stderr).toContain('someone else must approve it');

  const approved = await cli(['batch', 'approve', batchId], 'bob');
  expect(approved.code).toBe(0);
  expect(approved.stdout).toContain(`approved by bob@${host} at`);
  const history = await payouts.temporal.workflow.getHandle(`batch-${batchId}`).fetchHistory();
  const approvers = (history.events ?? [])
    .map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
    .filter((request) => request?.input?.name === 'approve')
    .map((request) => request?.meta?.identity);
  // The submitter's own attempt (refused by the handler) and the approval, each under its operator.
  expect(approvers).toEqual([`alice@${host}`, `bob@${host}`]);
  expect((await payouts.waitForBatch(batchId)).counts.succeeded).toBe(2);
});

test('every batch of this file replays on the current code (RECORD_HISTORIES=1 keeps them, decrypted)', async () => {
  const { address, namespace, cliPath } = testServer();
  const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(process.env.CODEC_KEYS ?? '')));
  const dir = process.env.RECORD_HISTORIES === '1' ? recordedDir : await mkdtemp(path.join(os.tmpdir(), 'replay-'));
  await mkdir(dir, { recursive: true });
  for (const [index, batchId] of batchIds.entries()) {
    const args = ['workflow', 'show', '-w', batchWorkflowId(batchId), '--address', address, '--namespace', namespace];
    const { stdout } = await runCommandOrThrow('temporal workflow show', cliPath, [...args, '--output', 'json']);
    const name = `approval-${String(index).padStart(2, '0')}-${batchId.replace(/-[0-9a-f-]+$/, '')}.json`;
    await writeFile(path.join(dir, name), JSON.stringify(await decrypted(JSON.parse(stdout), codec), null, 2));
  }
  // The script's own process: jest's process.env (where the stack set CODEC_KEYS) is passed on explicitly.
  const { stdout } = await runNodeScript('scripts/replay-histories.ts', [dir], { env: { ...process.env } });
  expect(stdout).toContain(`replayed ${batchIds.length} histories, 0 failed`);
});

/** The history JSON with every encrypted payload decrypted, so it replays without the test's throwaway key. */
async function decrypted(value: unknown, codec: EncryptionCodec): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => decrypted(item, codec)));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, string> | undefined;
  if (metadata?.encoding && Buffer.from(metadata.encoding, 'base64').toString() === 'binary/encrypted') {
    const [payload] = await codec.decode([
      {
        metadata: Object.fromEntries(Object.entries(metadata).map(([key, text]) => [key, Buffer.from(text, 'base64')])),
        data: Buffer.from(typeof record.data === 'string' ? record.data : '', 'base64'),
      },
    ]);
    return {
      metadata: Object.fromEntries(
        Object.entries(payload?.metadata ?? {}).map(([key, bytes]) => [key, Buffer.from(bytes).toString('base64')]),
      ),
      data: Buffer.from(payload?.data ?? new Uint8Array()).toString('base64'),
    };
  }
  const entries = await Promise.all(
    Object.entries(record).map(async ([key, item]) => [key, await decrypted(item, codec)]),
  );
  return Object.fromEntries(entries);
}
