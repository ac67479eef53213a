// The batch controls pass the operator's words on to the workflow: a resume's reason used to be dropped.
import type { Client } from '@temporalio/client';
import { PayoutsClient } from '../../../src/client/payouts-client.js';

function recordingClient(): { client: Client; updates: { name: string; args: unknown[] }[] } {
  const updates: { name: string; args: unknown[] }[] = [];
  const handle = {
    executeUpdate: async (definition: { name: string }, options: { args: unknown[] }) => {
      updates.push({ name: definition.name, args: options.args });
      return { batchId: 'b-1', state: 'running' };
    },
  };
  const client = { workflow: { getHandle: () => handle }, options: { identity: 'ops@host' } } as unknown as Client;
  return { client, updates };
}

test('batch resume sends its reason to the workflow', async () => {
  const { client, updates } = recordingClient();
  const payouts = new PayoutsClient({ client, cardFingerprintKey: 'k'.repeat(32), validate: false });
  await payouts.resumeBatch('b-1', 'provider balance topped up');
  expect(updates).toEqual([{ name: 'resume', args: [{ reason: 'provider balance topped up' }] }]);
});

// The workflow signatures the library ships (payouts/definitions) are the implementations' own: tsc fails here
// when a workflow's input or result changes and the shipped type does not.
import type * as shipped from '../../../src/client/definitions.js';
import type { BatchPageWorkflow } from '../../../src/workflows/batch/page.js';
import type { BatchWorkflow } from '../../../src/workflows/batch/workflow.js';
import type { PayoutWorkflow } from '../../../src/workflows/payout/workflow.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const signaturesMatch: [
  Same<typeof PayoutWorkflow, shipped.PayoutWorkflow>,
  Same<typeof BatchWorkflow, shipped.BatchWorkflow>,
  Same<typeof BatchPageWorkflow, shipped.BatchPageWorkflow>,
] = [true, true, true];

test('the shipped workflow signatures are the implementations', () => {
  expect(signaturesMatch).toEqual([true, true, true]);
});
