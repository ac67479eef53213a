// The `payouts` command as scripts use it, against the dev server, a worker and the sandbox: JSON output and
// exit codes, listings over visibility, submit-and-wait in one update-with-start, the resume reason kept, and
// the operator named in history as the batch's approver.
import { hostname } from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { PayoutConflictError } from '../../../src/client/index.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import {
  dataDir,
  ecommpayItem,
  progressUntil,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from '../batch/batch-stack.js';
import { runPayoutsCli, type CliRun } from '../payouts-cli.js';
import { waitFor } from '../../support/wait-for.js';

let env: BatchStack;
beforeAll(async () => {
  env = await startBatchStack('cli-scripting', { limits: { approvalThresholds: { RUB: 100_000 } } });
});
afterAll(async () => env.close());

function payouts(args: string[], options: { stdin?: string; operator?: string } = {}): Promise<CliRun> {
  return runPayoutsCli(args, {
    taskQueue: env.stack.taskQueue,
    env: {
      DATA_DIR: dataDir,
      BATCH_APPROVAL_THRESHOLDS: 'RUB=100000',
      ...(options.operator ? { PAYOUTS_OPERATOR: options.operator } : {}),
    },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
}

test('payout submit --wait -o json: one update-with-start; payout list finds it; an unknown payout exits 3', async () => {
  const request = ecommpayItem(testCards.visa.pan);
  // Only this file's payouts: the shared dev server also holds other files' runs, encrypted under their keys.
  const since = new Date(Date.now() - 1000).toISOString();
  const run = await payouts(['-o', 'json', 'payout', 'submit', '-', '--wait', '--timeout', '60'], {
    stdin: JSON.stringify(request),
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ type: 'outcome', payoutId: request.payoutId, status: 'succeeded' });
  expect(run.stdout).not.toContain(testCards.visa.pan);

  // The wait came with the start: the update is accepted in the workflow's first task, no separate call.
  const history = await env.stack.conns.client.workflow.getHandle(`payout-${request.payoutId}`).fetchHistory();
  const firstUpdate = history.events?.findIndex((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
  const firstTaskCompleted = history.events?.findIndex((event) => event.workflowTaskCompletedEventAttributes);
  expect(firstUpdate).toBeGreaterThan(0);
  expect(firstUpdate).toBe((firstTaskCompleted as number) + 1);

  await waitFor(
    async () => {
      const list = await payouts([
        ...['payout', 'list', '--provider', 'ecommpay', '--status', 'succeeded', '--since', since, '-o', 'json'],
      ]);
      const entries: unknown = JSON.parse(list.stdout);
      if (!Array.isArray(entries)) throw new Error(`payout list: ${list.stdout}${list.stderr}`);
      return (entries as Array<{ workflowId: string }>).some(
        (entry) => entry.workflowId === `payout-${request.payoutId}`,
      );
    },
    30_000,
    'the payout in the listing',
    500,
  );

  const missing = await payouts(['-o', 'json', 'payout', 'status', uniqueId('missing')]);
  expect(missing.code).toBe(3);
  expect(JSON.parse(missing.stdout)).toMatchObject({
    type: 'error',
    error: { type: 'PayoutNotFoundError', exitCode: 3 },
  });
});

test('submitAndWait joins a running payout with the same request and refuses a different one', async () => {
  const request = ecommpayItem(testCards.visa.pan);
  const first = await env.payouts.submitAndWait(request, 60_000);
  expect(first.status).toBe('succeeded');
  await expect(env.payouts.submitAndWait(request, 60_000)).resolves.toEqual(first);
  await expect(env.payouts.submitAndWait({ ...request, amount: request.amount + 1 }, 60_000)).rejects.toBeInstanceOf(
    PayoutConflictError,
  );
});

test('batch validate needs no server; a bad file exits 2 with its problems as JSON', async () => {
  const file = path.join(dataDir, `${uniqueId('validate')}.jsonl`);
  const good = ecommpayItem(testCards.visa.pan);
  await writeFile(file, [JSON.stringify(good), JSON.stringify({ ...good, payoutId: 'x', amount: -1 })].join('\n'));
  const run = await runPayoutsCli(['batch', 'validate', file, '-o', 'json'], {
    taskQueue: 'unused',
    env: { DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', BATCH_APPROVAL_THRESHOLDS: 'RUB=100000' },
  });
  expect(run.code).toBe(2);
  const result = JSON.parse(run.stdout) as {
    totals: unknown;
    approval?: { reason: string };
    problems: Array<{ line: number }>;
  };
  expect(result.totals).toEqual({ ecommpay: { RUB: good.amount } });
  expect(result.approval?.reason).toMatch(/above the 1 000.00 RUB threshold/);
  expect(result.problems.map((problem) => problem.line)).toEqual([2]);
});

test('an approval wait, a pause and a resume with its reason, and the approver named in history as operator@host', async () => {
  const items = [ecommpayItem(testCards.visa.pan), ecommpayItem(testCards.mastercard.pan)];
  const file = path.join(dataDir, `${uniqueId('approve')}.jsonl`);
  await writeFile(file, items.map((item) => JSON.stringify(item)).join('\n'));
  const submitted = await payouts(['batch', 'submit', file, '-o', 'json'], { operator: 'alice' });
  expect(submitted.code).toBe(0);
  const { batchId, submittedBy } = JSON.parse(submitted.stdout) as { batchId: string; submittedBy: string };
  expect(submittedBy).toBe(`alice@${hostname()}`);
  await progressUntil(env.payouts, batchId, (view) => view.state === 'awaiting_approval');

  const paused = await payouts(['batch', 'pause', batchId, '--reason', 'checking amounts', '-o', 'json']);
  expect(JSON.parse(paused.stdout)).toMatchObject({ paused: { reason: 'checking amounts', by: 'operator' } });
  const resumed = await payouts(['batch', 'resume', batchId, '--reason', 'amounts confirmed', '-o', 'json']);
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ resumed: { reason: 'amounts confirmed' } });
  const status = await payouts(['batch', 'status', batchId]);
  expect(status.stdout).toContain('resumed at');
  expect(status.stdout).toContain('amounts confirmed');

  const approved = await payouts(['--operator', 'bob', 'batch', 'approve', batchId, '-o', 'json']);
  expect(approved.code).toBe(0);
  const history = await env.stack.conns.client.workflow.getHandle(`batch-${batchId}`).fetchHistory();
  const approvals = (history.events ?? [])
    .map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
    .filter((request) => request?.input?.name === 'approve');
  expect(approvals.map((request) => request?.meta?.identity)).toEqual([`bob@${hostname()}`]);
  expect(JSON.parse(approved.stdout)).toMatchObject({ approval: { decision: { by: `bob@${hostname()}` } } });

  const finished = await payouts(['batch', 'status', batchId, '--wait', '-o', 'jsonl']);
  expect(finished.code).toBe(0);
  const events = finished.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string });
  expect(events.at(-1)).toMatchObject({ type: 'finished', counts: { succeeded: 2 } });
  expect(events.filter((event) => event.type === 'progress').length).toBeGreaterThan(0);

  const listed = await payouts(['batch', 'list', '--batch', batchId, '-o', 'json']);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ batchId })]);
});

test("payouts orphans lists the relay's orphan journal from its internal port; a relay that is down exits 4", async () => {
  const workflowId = `payout-${uniqueId('closed')}`;
  await env.stack.orphans.add({
    receivedAt: new Date().toISOString(),
    workflowId,
    reason: 'payout closed',
    event: {
      provider: 'ecommpay',
      idempotencyKey: workflowId.slice('payout-'.length),
      eventId: 'e-1',
      status: { state: 'succeeded' },
    },
  });
  const internal = new URL(env.stack.relay.internalUrl);
  const relayEnv = (port: string) => ({ RELAY_INTERNAL_HOST: internal.hostname, RELAY_INTERNAL_PORT: port });
  const listed = await runPayoutsCli(['orphans', '-o', 'json'], {
    taskQueue: env.stack.taskQueue,
    env: { DATA_DIR: dataDir, ...relayEnv(internal.port) },
  });
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual(
    expect.arrayContaining([expect.objectContaining({ workflowId, reason: 'payout closed' })]),
  );
  const text = await runPayoutsCli(['orphans'], {
    taskQueue: 'unused',
    env: { DATA_DIR: dataDir, ...relayEnv(internal.port) },
  });
  expect(text.stdout).toMatch(new RegExp(`${workflowId}  payout closed succeeded`));

  const down = await runPayoutsCli(['orphans'], { taskQueue: 'unused', env: { DATA_DIR: dataDir, ...relayEnv('1') } });
  expect(down.code).toBe(4);
  expect(down.stderr).toContain('did not answer');
});
