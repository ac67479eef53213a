// The CLI's pieces for scripts: output formats, colours, env files, links, exit codes, list queries, the dry run.
import { PassThrough } from 'node:stream';
import { ServiceError } from '@temporalio/client';
import { BatchNotFoundError, PayoutNotFoundError, PayoutValidationError } from '../../../src/client/errors.js';
import { batchListQuery, payoutListQuery } from '../../../src/client/listing.js';
import { dryRunBatch } from '../../../src/client/batch-dry-run.js';
import { operatorIdentity } from '../../../src/client/operator-identity.js';
import { providerValidator } from '../../../src/client/provider-validation.js';
import { exitCodeOf, exitCodes, UnreachableError, uiLink } from '../../../src/cli/context.js';
import { envFileArgument, loadEnvFile, parseEnvText } from '../../../src/cli/env-file.js';
import { coloursWanted, consoleOutput } from '../../../src/cli/output.js';
import { progressEvent } from '../../../src/cli/progress.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function captured(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 }) as unknown as NodeJS.WriteStream;
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

test('-o json prints the value as one document, -o jsonl as one line; text prints the lines; PANs leave masked', () => {
  const out = captured();
  const output = consoleOutput(out.stream, captured().stream, {});
  const value = { message: `card ${testCards.visa.pan}` };
  output.result(value, () => ['a line']);
  output.format = 'json';
  output.result(value, () => ['never']);
  output.format = 'jsonl';
  output.result(value, () => ['never']);
  output.event({ type: 'progress', finished: 1 });
  const lines = out.text().split('\n');
  expect(lines[0]).toBe('a line');
  expect(JSON.parse(lines.slice(1, 4).join('\n'))).toEqual({ message: 'card 424242******4242' });
  expect(lines[4]).toBe('{"message":"card 424242******4242"}');
  expect(JSON.parse(lines[5] as string)).toEqual({ type: 'progress', finished: 1 });
  expect(out.text()).not.toContain(testCards.visa.pan);
});

test('progress events go out under -o jsonl only; status lines under text only', () => {
  const out = captured();
  const output = consoleOutput(out.stream, captured().stream, {});
  output.event({ type: 'progress' });
  output.format = 'json';
  output.status('a status', true);
  expect(out.text()).toBe('');
});

test('colours only on a terminal, never with NO_COLOR', () => {
  expect(coloursWanted({ isTTY: true }, {})).toBe(true);
  expect(coloursWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  expect(coloursWanted({ isTTY: false }, {})).toBe(false);
  expect(consoleOutput(captured(true).stream, captured().stream, {}).paint('green', 'ok')).toBe('\x1b[32mok\x1b[0m');
  expect(consoleOutput(captured(true).stream, captured().stream, { NO_COLOR: '' }).paint('green', 'ok')).toBe(
    '\x1b[32mok\x1b[0m',
  );
  expect(consoleOutput(captured(true).stream, captured().stream, { NO_COLOR: 'x' }).paint('green', 'ok')).toBe('ok');
  expect(consoleOutput(captured(false).stream, captured().stream, {}).paint('green', 'ok')).toBe('ok');
});

test('env files: comments, export, quotes; set variables win; --env-file names one, else .env when present', () => {
  expect(parseEnvText('# c\nexport A=1\nB = "two words"\nC=\'x#y\'\nD=plain # note\n\nnot a line')).toEqual({
    A: '1',
    B: 'two words',
    C: 'x#y',
    D: 'plain',
  });
  expect(envFileArgument(['batch', '--env-file', 'x.env'])).toBe('x.env');
  expect(envFileArgument(['--env-file=y.env'])).toBe('y.env');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'env-'));
  writeFileSync(path.join(dir, '.env'), 'PAYOUTS_OPERATOR=dotenv\nTEMPORAL_NAMESPACE=ns\n');
  writeFileSync(path.join(dir, 'named.env'), 'PAYOUTS_OPERATOR=named\n');
  const env: Record<string, string | undefined> = { TEMPORAL_NAMESPACE: 'set' };
  expect(loadEnvFile([], env, path.join(dir, '.env'))).toBe(path.join(dir, '.env'));
  expect(env).toEqual({ TEMPORAL_NAMESPACE: 'set', PAYOUTS_OPERATOR: 'dotenv' });
  const named: Record<string, string | undefined> = {};
  loadEnvFile(['--env-file', path.join(dir, 'named.env')], named, path.join(dir, '.env'));
  expect(named).toEqual({ PAYOUTS_OPERATOR: 'named' });
  expect(loadEnvFile([], {}, path.join(dir, 'absent.env'))).toBeUndefined();
  expect(() => loadEnvFile(['--env-file', path.join(dir, 'absent.env')], {})).toThrow();
});

test('UI links under TEMPORAL_UI_URL when set, else the host of TEMPORAL_ADDRESS', () => {
  const cfg = { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_UI_PORT: 8233, TEMPORAL_NAMESPACE: 'default' };
  expect(uiLink(cfg, 'payout-p 1')).toBe('http://temporal:8233/namespaces/default/workflows/payout-p%201');
  expect(uiLink({ ...cfg, TEMPORAL_UI_URL: 'https://cloud.example/' }, 'batch-b')).toBe(
    'https://cloud.example/namespaces/default/workflows/batch-b',
  );
});

test('exit codes: 2 invalid input, 3 not found, 4 unreachable, 1 otherwise', () => {
  expect(exitCodeOf(new PayoutValidationError('p', [{ path: 'amount', reason: 'bad' }]))).toBe(exitCodes.invalidInput);
  expect(exitCodeOf(new PayoutNotFoundError('p'))).toBe(3);
  expect(exitCodeOf(new BatchNotFoundError('b'))).toBe(3);
  expect(exitCodeOf(new UnreachableError('relay down'))).toBe(4);
  expect(exitCodeOf(new Error('Failed to connect before the deadline'))).toBe(4);
  expect(
    exitCodeOf(
      new ServiceError('x', {
        cause: Object.assign(new Error('unavailable'), { code: 14, details: '', metadata: {} }),
      }),
    ),
  ).toBe(4);
  expect(exitCodeOf(new Error('something else'))).toBe(1);
});

test('list queries over the search attributes; values that could break a query are refused', () => {
  expect(
    payoutListQuery({ status: 'declined', batchId: 'b-1', provider: 'ecommpay', since: '2026-12-01T00:00:00.000Z' }),
  ).toBe(
    "WorkflowType IN ('PayoutWorkflowV3', 'PayoutWorkflowV2', 'PayoutWorkflow') AND PayoutStatus = 'declined' AND BatchId = 'b-1' AND PayoutProvider = 'ecommpay' AND StartTime >= '2026-12-01T00:00:00.000Z'",
  );
  expect(payoutListQuery({ reference: '37e46e234442c8a188b3', code: '3104' })).toBe(
    "WorkflowType IN ('PayoutWorkflowV3', 'PayoutWorkflowV2', 'PayoutWorkflow') AND PayoutProviderReference = '37e46e234442c8a188b3' AND PayoutDeclineCode = '3104'",
  );
  expect(batchListQuery({ status: 'running' })).toBe("WorkflowType = 'BatchWorkflow' AND ExecutionStatus = 'Running'");
  expect(() => payoutListQuery({ batchId: "x' OR 'a'='a" })).toThrow(RangeError);
});

test('batch validate: totals per provider and currency, approval by the worker thresholds, every problem with its line', () => {
  const header =
    'payout_id,provider,amount,currency,pan,exp_month,exp_year,card_holder,customer.id,customer.ip_address,customer.first_name,customer.last_name,sender.first_name,sender.last_name,sender.day_of_birth';
  const row = (id: string, amount: number, pan: string = testCards.visa.pan) =>
    `${id},ecommpay,${amount},RUB,${pan},12,2030,IVAN PETROV,c-1,127.0.0.1,Ivan,Petrov,Acme,Ltd,01-01-1980`;
  const text = [
    header,
    row('a', 600_000),
    row('b', 500_000),
    row('a', 600_000),
    row('c', 100, '4242424242424241'),
  ].join('\n');
  const result = dryRunBatch(text, 'csv', { validate: providerValidator(), approvalThresholds: { RUB: 1_000_000 } });
  expect(result.totals).toEqual({ ecommpay: { RUB: 1_100_000 } });
  expect(result.payouts).toBe(2);
  expect(result.approval?.reason).toMatch(/RUB total 11 000.00 RUB is above/);
  expect(result.repeats).toEqual([{ line: 4, payoutId: 'a', firstLine: 2 }]);
  expect(result.problems).toEqual([expect.objectContaining({ line: 5, path: 'card.pan' })]);
  expect(
    dryRunBatch([header, row('a', 100)].join('\n'), 'csv', { approvalThresholds: { RUB: 1_000_000 } }).approval,
  ).toBeUndefined();
});

test('the client identity names the operator and the host', () => {
  expect(operatorIdentity('alice', 'ops-1')).toBe('alice@ops-1');
  expect(operatorIdentity('bob@laptop', 'ops-1')).toBe('bob@laptop');
  expect(operatorIdentity(undefined, 'ops-1')).toMatch(/^.+@ops-1$/);
});

test('a progress event carries the approval wait', () => {
  const event = progressEvent({
    batchId: 'b',
    state: 'awaiting_approval',
    total: 1,
    started: 0,
    finished: 0,
    inFlight: 0,
    remaining: 1,
    counts: { succeeded: 0, declined: 0, rejected: 0, cancelled: 0, needs_review: 0, duplicate: 0 },
    succeededAmounts: {},
    approval: { reason: 'above' },
    consecutiveSystemicFailures: 0,
    run: 1,
    pageCount: 1,
    startedAt: 'x',
  });
  expect(event).toMatchObject({ state: 'awaiting_approval', approval: { reason: 'above' } });
});
