// A namespace upgraded without registering PayoutBatchBlock (docs/DEPLOYMENT.md) on the real dev server: the
// server refuses the attribute, the batch starts its payouts without it, lists their outcomes by BatchId and
// still ends with every payout's outcome.
import { cliTypeNames } from '../../../src/devstack/dev-server.js';
import { runCommandOrThrow } from '../../../src/devstack/commands.js';
import { waitFor } from '../../../src/devstack/ports.js';
import { testCards as ecommpayCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { testCards as rbkmoneyCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import {
  batchIdSearchAttribute,
  customSearchAttributes,
  payoutBatchBlockSearchAttribute,
  payoutWorkflowId,
} from '../../../src/workflows/definitions.js';
import { timesPaid } from '../../support/paid-once.js';
import { testServer } from '../helpers.js';
import {
  batchChildTimings,
  ecommpayItem,
  progressUntil,
  rbkmoneyItem,
  startBatchStack,
  uniqueId,
  type BatchStack,
} from './batch-stack.js';

const { address, cliPath } = testServer();
const namespace = uniqueId('no-block');
const operator = (what: string, args: string[]) =>
  runCommandOrThrow(what, cliPath, ['operator', ...args, '--address', address, '--namespace', namespace], {
    env: process.env,
    timeoutMs: 30_000,
  });

let env: BatchStack;
beforeAll(async () => {
  await operator('create the namespace', ['namespace', 'create', '--retention', '24h']);
  const others = customSearchAttributes.filter((key) => key.name !== payoutBatchBlockSearchAttribute.name);
  const attributeArgs = others.flatMap((key) => ['--name', key.name, '--type', cliTypeNames[key.type]]);
  // The frontend serves a new namespace once its namespace cache has refreshed.
  await waitFor(
    `namespace ${namespace}`,
    async () => {
      try {
        await operator('register the search attributes but PayoutBatchBlock', [
          'search-attribute',
          'create',
          ...attributeArgs,
        ]);
        return true;
      } catch {
        return false;
      }
    },
    30_000,
  );
  env = await startBatchStack('no-block', { server: { address, namespace } });
}, 60_000);
afterAll(async () => env?.close());

test('a batch in a namespace without PayoutBatchBlock starts its payouts without it and ends with every outcome', async () => {
  const items = [
    ecommpayItem(ecommpayCards.visa.pan),
    ecommpayItem(ecommpayCards.mastercard.pan),
    ecommpayItem(ecommpayCards.decline3104.pan),
    rbkmoneyItem(rbkmoneyCards.visa.pan),
  ];
  const batchId = uniqueId('no-block');
  await env.payouts.submitBatch({ batchId, items, childTimings: batchChildTimings, options: { concurrency: 4 } });

  // A batch stuck on refused starts fails here, with its progress, instead of at the test's timeout.
  await progressUntil(env.payouts, batchId, (view) => view.state === 'completed', 30_000);
  const result = await env.payouts.waitForBatch(batchId);
  expect(result.counts).toMatchObject({ succeeded: 3, declined: 1, needs_review: 0 });

  const child = await env.stack.conns.client.workflow.getHandle(payoutWorkflowId(items[0]?.payoutId ?? '')).describe();
  expect(child.typedSearchAttributes.get(batchIdSearchAttribute)).toBe(batchId);
  expect(child.typedSearchAttributes.get(payoutBatchBlockSearchAttribute)).toBeUndefined();
  const ledger = env.stack.sandbox.ledger.list();
  for (const item of items) expect(timesPaid(ledger, item.payoutId)).toBeLessThanOrEqual(1);
});
