// Issue 7's proof for a batch: a small batch (ecommpay's test card, and a new random card paid through ecommpay
// and RBKmoney) runs with the codec on; then the raw histories and descriptions of the batch workflow, its page
// workflows and every child are read with the CLI (no codec), with the task queue's visibility records, and
// searched for the card numbers, the CVV and the cardholder in every form: none may appear. Counts are printed.
// A batch item may not carry a CVV (no request may): the client refuses one and submits nothing; the CVV is
// searched for anyway.
import { randomInt } from 'node:crypto';
import { luhnValid, maskPan } from '../../../src/domain/card.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { batchPageWorkflowId, batchWorkflowId } from '../../../src/workflows/batch/definitions.js';
import { payoutWorkflowId } from '../../../src/workflows/definitions.js';
import {
  batchChildTimings,
  ecommpayItem,
  rbkmoneyItem,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from '../batch/batch-stack.js';
import { rawViewsOf, temporalCli } from './cli.js';
import { countForms, total, type FormCounts } from './secret-counts.js';

/** A Luhn-valid Visa number no sandbox table knows (so it succeeds), new for every run. */
function randomPan(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join('')}`;
  const check = [...'0123456789'].find((digit) => luhnValid(body + digit));
  return body + check!;
}

const randomLetters = (length: number): string =>
  Array.from({ length }, () => String.fromCharCode(65 + randomInt(26))).join('');

const testPan = ecommpayCards.visa.pan;
const pan = randomPan();
/** Four digits, not starting with 0 or 1 (small numbers such as event ids are all over a history). */
const cvv = String(randomInt(2_000, 10_000));
const holder = `${randomLetters(7)} ${randomLetters(9)}`;
const encryptedEncodingBase64 = Buffer.from('binary/encrypted').toString('base64');

const secrets = [
  { label: `test card ${maskPan(testPan)}`, value: testPan },
  { label: `random PAN ${maskPan(pan)}`, value: pan },
  { label: 'CVV', value: cvv },
  { label: 'cardholder', value: holder },
];

const card = (number: string) => ({ pan: number, expMonth: 12, expYear: 2030, holder });

let env: BatchStack;
const batchId = uniqueId('codec-batch');
let items: PayoutRequestInput[];
let workflowIds: string[];
/** source ("history", "describe", "visibility list", ...) -> raw CLI output over every workflow. */
const views: Record<string, string> = {};

/** Every workflow of the task queue (running or not: the pages outlive the batch), once `ids` are all listed. */
async function visibilityIncluding(taskQueue: string, ids: string[]): Promise<{ ids: string[]; raw: string }> {
  const query = `TaskQueue = '${taskQueue}'`;
  for (let tries = 0; ; tries++) {
    const raw = await temporalCli(['workflow', 'list', '--query', query, '--no-json-shorthand-payloads']);
    const listed = (JSON.parse(raw) as Array<{ execution: { workflowId: string } }>).map(
      (entry) => entry.execution.workflowId,
    );
    if (ids.every((id) => listed.includes(id)) || tries > 100) return { ids: listed, raw };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  env = await startBatchStack('codec-batch');
  // The client refuses a batch item with a CVV (it must never be stored) and submits nothing; the
  // CVV is still searched for below, so a refused submission that left anything behind would show.
  const withCvv = [testPan, pan].map((number) =>
    ecommpayItem(number, { card: { ...card(number), cvv } as unknown as PayoutRequestInput['card'] }),
  );
  await expect(env.payouts.submitBatch({ batchId, items: withCvv })).rejects.toThrow(
    /card\.cvv: a CVV\/CVC is never accepted/,
  );
  items = [
    ecommpayItem(testPan, { card: card(testPan) }),
    ecommpayItem(pan, { card: card(pan) }),
    rbkmoneyItem(pan, { card: card(pan) }),
  ];
  const submission = await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, pageSize: 2 });
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 3 });

  const { pageCount } = submission;
  expect(pageCount).toBeGreaterThanOrEqual(1);
  const expected = [
    batchWorkflowId(batchId),
    ...Array.from({ length: pageCount }, (_, page) => batchPageWorkflowId(batchId, page)),
    ...items.map((item) => payoutWorkflowId(item.payoutId)),
  ];
  const visibility = await visibilityIncluding(env.stack.taskQueue, expected);
  expect(visibility.ids).toEqual(expect.arrayContaining(expected));
  workflowIds = [...new Set([...expected, ...visibility.ids])];
  views['visibility list'] = visibility.raw;
  for (const id of workflowIds) {
    for (const [source, text] of Object.entries(await rawViewsOf(id)))
      views[source] = `${views[source] ?? ''}\n${text}`;
  }
}, 240_000);

afterAll(async () => env?.close());

test('with the codec, a batch leaves no card number, CVV or cardholder in any raw history or record', () => {
  const counts: Record<string, Record<string, FormCounts>> = Object.fromEntries(
    secrets.map((secret) => [
      secret.label,
      Object.fromEntries(Object.entries(views).map(([source, text]) => [source, countForms(text, secret.value)])),
    ]),
  );
  const lines = [
    `batch raw history grep counts, codec ON (${workflowIds.length} workflows: ${workflowIds.join(', ')})`,
    '  secret                         text  json-string  base64  in-decoded-base64  total',
  ];
  for (const [label, bySource] of Object.entries(counts)) {
    const sum = (form: keyof FormCounts) => Object.values(bySource).reduce((acc, c) => acc + c[form], 0);
    const grand = Object.values(bySource).reduce((acc, c) => acc + total(c), 0);
    const forms = [sum('text'), sum('jsonString'), sum('base64'), sum('insideBase64')];
    lines.push(
      `  ${label.padEnd(30)} ${String(forms[0]).padStart(4)} ${String(forms[1]).padStart(12)} ${String(forms[2]).padStart(7)} ${String(forms[3]).padStart(18)} ${String(grand).padStart(6)}`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  const found = Object.entries(counts).flatMap(([label, bySource]) =>
    Object.entries(bySource)
      .filter(([, c]) => total(c) + c.jsonString > 0)
      .map(([source, c]) => ({ label, source, counts: c })),
  );
  expect(found).toEqual([]);
  // The payloads are there, encrypted: the search looked at real data.
  expect(views.history).toContain(encryptedEncodingBase64);
  expect(workflowIds.length).toBeGreaterThanOrEqual(1 + 1 + items.length);
});
