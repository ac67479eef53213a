// The ledger in a state file: a restarted sandbox remembers its payouts and finishes the unfinished ones.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payout, settledStatus, startEcommpayHarness } from './ecommpay-setup.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'payouts-sandbox-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

test('a restarted sandbox knows every payment_id, settles what was pending, and never stores a card number', async () => {
  const stateFile = path.join(directory, 'ledger.jsonl');
  const paid = payout(testCards.mastercard.pan);
  const slow = payout(testCards.slow.pan);

  const before = await startEcommpayHarness({ stateFile });
  await before.provider.submit({ request: paid, idempotencyKey: 'paid-a1' });
  await expect(settledStatus(before.provider, 'paid-a1')).resolves.toMatchObject({ state: 'succeeded' });
  await before.provider.submit({ request: slow, idempotencyKey: 'slow-a1' });
  await before.close();

  const after = await startEcommpayHarness({ stateFile });
  try {
    expect(after.sandbox.ledger.get('ecommpay', 'slow-a1')?.status).toBe('pending');
    await expect(after.provider.submit({ request: paid, idempotencyKey: 'paid-a1' })).resolves.toEqual({
      outcome: 'duplicate',
    });
    await expect(settledStatus(after.provider, 'slow-a1')).resolves.toMatchObject({ state: 'succeeded' });
    expect(after.sandbox.ledger.list().map((entry) => [entry.key, entry.status])).toEqual([
      ['paid-a1', 'succeeded'],
      ['slow-a1', 'succeeded'],
    ]);
  } finally {
    await after.close();
  }

  const saved = await readFile(stateFile, 'utf8');
  expect(saved).toContain('slow-a1');
  expect(saved).not.toContain(testCards.mastercard.pan);
  expect(saved).not.toContain(testCards.slow.pan);
});
