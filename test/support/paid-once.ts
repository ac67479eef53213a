/**
 * "Paid once", judged per payoutId across every attempt. The sandbox ledger keeps one entry per
 * (provider, key), and a retry after a definite decline pays under a new key (`<payoutId>.a<n>`): a double
 * payment would sit under a second key, so checks that look only at the key equal to the payoutId cannot
 * see it. Every test that claims "paid once" or "nothing sent" goes through these.
 */
import { payoutIdOfKey } from '../../src/domain/idempotency-key.js';
import type { LedgerEntry } from '../../src/sandbox/ledger.js';

/** Every ledger entry of this payoutId, whatever the attempt, in the ledger's order. */
export function ledgerEntriesOf(ledger: readonly LedgerEntry[], payoutId: string): LedgerEntry[] {
  return ledger.filter((entry) => payoutIdOfKey(entry.key) === payoutId);
}

/** How many times this payoutId was paid (entries that succeeded), across all its attempts. */
export function timesPaid(ledger: readonly LedgerEntry[], payoutId: string): number {
  return ledgerEntriesOf(ledger, payoutId).filter((entry) => entry.status === 'succeeded').length;
}

/**
 * Throws unless the payoutId has exactly one entry that paid or still may (any status but declined), and it
 * succeeded. Declined earlier attempts are allowed: they moved no money. Returns the paying entry.
 */
export function expectPaidOnce(ledger: readonly LedgerEntry[], payoutId: string): LedgerEntry {
  const entries = ledgerEntriesOf(ledger, payoutId);
  const live = entries.filter((entry) => entry.status !== 'declined');
  const describe = () => entries.map((entry) => `${entry.provider} ${entry.key} ${entry.status}`).join('; ');
  if (live.length !== 1 || live[0]?.status !== 'succeeded') {
    throw new Error(`${payoutId}: expected one succeeded payment across attempts, ledger has [${describe()}]`);
  }
  return live[0];
}

/** Throws if the provider saw this payoutId at all, under any attempt's key. */
export function expectNothingSent(ledger: readonly LedgerEntry[], payoutId: string): void {
  const entries = ledgerEntriesOf(ledger, payoutId);
  if (entries.length > 0) {
    throw new Error(`${payoutId}: expected nothing sent, ledger has ${entries.map((entry) => entry.key).join(', ')}`);
  }
}
