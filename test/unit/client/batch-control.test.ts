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
