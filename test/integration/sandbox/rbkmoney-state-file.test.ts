// A sandbox restarted on its state file still answers for RBKmoney withdrawals, and finishes the unfinished.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testCards } from '../../../src/sandbox/rbkmoney/test-cards.js';
import { bindCard, payout, settledStatus, startRbkmoneyHarness } from './rbkmoney-setup.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rbkmoney-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a Pending withdrawal survives a restart, settles once, and its key is still known', async () => {
  const stateFile = path.join(dir, 'ledger.jsonl');
  const first = await startRbkmoneyHarness({ stateFile, timing: { processingMs: 1_000 } });
  const request = payout(testCards.visa.pan);
  const key = `${request.payoutId}-a1`;
  let reference: string | undefined;
  try {
    const destination = await bindCard(first, request);
    reference = (
      await first.provider.submit({ request, idempotencyKey: key, prepared: { destinationId: destination.id } })
    ).reference;
    await expect(first.provider.getStatus({ payoutId: request.payoutId, idempotencyKey: key })).resolves.toMatchObject({
      state: 'pending',
    });
  } finally {
    await first.close();
  }

  const second = await startRbkmoneyHarness({ stateFile });
  try {
    // The same setup finds the same ids after the restart.
    expect(second.walletId).toBe(first.walletId);
    await expect(settledStatus(second.provider, key)).resolves.toEqual({
      state: 'succeeded',
      reference,
      amount: { value: 10000, currency: 'RUB' },
    });
    expect(second.ledger.list('rbkmoney').filter((entry) => entry.key === key)).toEqual([
      expect.objectContaining({ status: 'succeeded', reference }),
    ]);
    expect(await second.conformanceProblems()).toEqual([]);
  } finally {
    await second.close();
  }
});
