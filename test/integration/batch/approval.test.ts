// Four-eyes approval of a batch whose total is above its currency's threshold, on the dev server with the
// sandbox: nothing is paid while it waits; the submitter may not approve; a second person's approval pays;
// a rejection or the approval deadline ends it unpaid, every item reported. The CLI commands end to end.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BatchStateError, PayoutsClient, type PayoutRequestInput } from '../../../src/client/index.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { type CliRun, runPayoutsCli } from '../payouts-cli.js';
import {
  batchChildTimings,
  dataDir,
  ecommpayItem,
  parseReport,
  progressUntil,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from './batch-stack.js';

let env: BatchStack;
let payouts: PayoutsClient;
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
});
afterAll(async () => env.close());

const sentToProvider = (items: PayoutRequestInput[]) =>
  env.stack.sandbox.ledger.list().filter((entry) => items.some((item) => entry.key === item.payoutId)).length;

async function submitGated(options: { approvalTimeoutMs?: number } = {}) {
  const batchId = uniqueId('gated');
  const items = [ecommpayItem(testCards.visa.pan), ecommpayItem(testCards.mastercard.pan)];
  const submission = await payouts.submitBatch({
    batchId,
    items,
    submittedBy: 'alice',
    childTimings: batchChildTimings,
    options,
  });
  expect(submission.approval?.reason).toBe('RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold');
  // The deadline is set once the worker's own check has run and the batch waits.
  const waiting = await progressUntil(
    payouts,
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

  const bySubmitter = payouts.approveBatch(batchId, 'Alice');
  await expect(bySubmitter).rejects.toBeInstanceOf(BatchStateError);
  await expect(bySubmitter).rejects.toThrow('Alice submitted batch');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await payouts.getBatch(batchId)).state).toBe('awaiting_approval');
  expect(sentToProvider(items)).toBe(0);

  const approved = await payouts.approveBatch(batchId, 'bob');
  expect(approved.approval?.decision).toMatchObject({ decision: 'approved', by: 'bob' });
  await expect(payouts.approveBatch(batchId, 'carol')).rejects.toThrow(/already approved by bob|finished/);

  const result = await payouts.waitForBatch(batchId);
  expect(result.counts.succeeded).toBe(2);
  expect(result.approval).toMatchObject({ decision: 'approved', by: 'bob' });
  expect(sentToProvider(items)).toBe(2);
});

test('a rejection pays nothing and reports every item with the reason', async () => {
  const { batchId, items } = await submitGated();
  const rejected = await payouts.rejectBatch(batchId, 'carol', 'amounts look wrong');
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
  const { batchId, items } = await submitGated({ approvalTimeoutMs: 2_000 });
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
  const items = [ecommpayItem(testCards.visa.pan), ecommpayItem(testCards.mastercard.pan)];
  // env.payouts has no thresholds: it starts the batch claiming no approval is needed.
  const submission = await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings });
  expect(submission.approval).toBeUndefined();
  const waiting = await progressUntil(env.payouts, batchId, (view) => view.state === 'awaiting_approval', 15_000);
  expect(waiting.approval?.reason).toBe('RUB total 3 000.00 RUB is above the 1 000.00 RUB threshold');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
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

function cli(args: string[]): Promise<CliRun> {
  return runPayoutsCli(args, {
    taskQueue: env.stack.taskQueue,
    env: { DATA_DIR: dataDir, BATCH_APPROVAL_THRESHOLDS: 'RUB=100000', PAYOUTS_OPERATOR: 'alice' },
  });
}

test('the CLI: submit says approval is needed; approve --by the submitter fails, --by another pays', async () => {
  const batchId = uniqueId('cli-gated');
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
  expect(submitted.stdout).toContain(`alice runs: payouts batch approve ${batchId} --by NAME`);

  const refused = await cli(['batch', 'approve', batchId, '--by', 'alice']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('someone else must approve it');

  const approved = await cli(['batch', 'approve', batchId, '--by', 'bob']);
  expect(approved.code).toBe(0);
  expect(approved.stdout).toMatch(/approved by bob at/);
  expect((await payouts.waitForBatch(batchId)).counts.succeeded).toBe(2);
});
