// Ops find a payout by what they are told (issue 22): the provider's reference and the decline code are
// search attributes, found through visibility and through `payouts payout list --reference / --code`.
import { generateCodecKeyEntry } from '../../../src/codec/keys.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import {
  payoutDeclineCodeSearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutStatusSearchAttribute,
} from '../../../src/workflows/definitions.js';
import { runPayoutsCli } from '../payouts-cli.js';
import { replayStarted } from '../replay-helpers.js';
import { awaitOutcomeUpdate, ecommpayPayout, startPayoutStack, type PayoutStack } from './stack.js';
import { waitFor } from '../../support/wait-for.js';

let stack: PayoutStack;
beforeAll(async () => {
  stack = await startPayoutStack('payout-search');
});
afterAll(async () => stack.close());

/** Only this file's payouts: the shared dev server holds other files' runs too. */
const since = new Date(Date.now() - 1000).toISOString();

/** The workflow ids visibility answers for this query, once `expected` is among them (it is eventually consistent). */
async function visibleFor(query: string, expected: string): Promise<string[]> {
  let found: string[] = [];
  await waitFor(
    async () => {
      found = [];
      for await (const execution of stack.conns.client.workflow.list({ query: `${query} AND StartTime >= '${since}'` }))
        found.push(execution.workflowId);
      return found.includes(expected);
    },
    20_000,
    `${expected} in visibility for ${query}`,
    250,
  );
  return found;
}

async function listedByCli(filter: string[]): Promise<Array<{ workflowId: string; status?: string }>> {
  const run = await runPayoutsCli(['-o', 'json', 'payout', 'list', ...filter, '--since', since], {
    taskQueue: stack.taskQueue,
    env: { CODEC_KEYS: generateCodecKeyEntry('payout-search') },
  });
  if (run.code !== 0) throw new Error(`payout list exited ${run.code}: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as Array<{ workflowId: string; status?: string }>;
}

test('a paid payout is found by the reference its provider gave', async () => {
  const request = ecommpayPayout(testCards.visa.pan);
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');
  const reference = outcome.reference!;
  expect(reference).toBeTruthy();

  const attributes = (await handle.describe()).typedSearchAttributes;
  expect(attributes.get(payoutProviderReferenceSearchAttribute)).toBe(reference);
  expect(attributes.get(payoutDeclineCodeSearchAttribute)).toBeUndefined();
  const found = await visibleFor(`${payoutProviderReferenceSearchAttribute.name} = '${reference}'`, handle.workflowId);
  expect(found).toEqual([handle.workflowId]);

  const listed = await listedByCli(['--reference', reference]);
  expect(listed).toEqual([expect.objectContaining({ workflowId: handle.workflowId, status: 'succeeded' })]);

  // The reference came with the final status, in one upsert: no history event of its own.
  const { events } = await handle.fetchHistory();
  const upserts = (events ?? []).flatMap((event) => {
    const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    return fields ? [Object.keys(fields).sort()] : [];
  });
  expect(upserts.filter((keys) => keys.includes(payoutProviderReferenceSearchAttribute.name))).toEqual([
    [payoutStatusSearchAttribute.name, payoutProviderReferenceSearchAttribute.name].sort(),
  ]);
});

test('a declined payout is found by its decline code, and the card is in no search attribute', async () => {
  const request = ecommpayPayout(testCards.decline3104.pan);
  const handle = await stack.start(request);
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome).toMatchObject({ status: 'declined', code: '3104' });

  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(payoutDeclineCodeSearchAttribute)).toBe('3104');
  const searchable = JSON.stringify(description.typedSearchAttributes);
  expect(searchable).toContain('3104');
  expect(searchable).not.toContain(testCards.decline3104.pan);
  expect(searchable).not.toContain(testCards.decline3104.pan.slice(0, 6));
  await visibleFor(`${payoutDeclineCodeSearchAttribute.name} = '3104'`, handle.workflowId);

  const listed = await listedByCli(['--code', '3104']);
  expect(listed.map((entry) => entry.workflowId)).toContain(handle.workflowId);
  expect(listed.every((entry) => entry.status === 'declined')).toBe(true);
});

test('every history this file produced replays on the current workflow code', async () => {
  expect(stack.started).toHaveLength(2);
  expect(await replayStarted('searchable-reference', stack.started)).toEqual([]);
});
