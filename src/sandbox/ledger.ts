/**
 * The sandbox ledger: every payout a provider module accepted, keyed by (provider, key), where key is the
 * provider-side idempotency key (ecommpay payment_id, RBKmoney withdrawal externalID). A key is accepted
 * once; a repeat only counts as such. A settled entry (succeeded or declined) never changes again, so
 * nothing is paid twice. Provider modules keep what they need to answer status requests in `details`.
 *
 * Kept in memory; with a state file, every change is also appended to it as one JSON line, and the file is
 * read back (last line per key wins) and compacted when the sandbox starts.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { scrubCardNumbers } from '../domain/card.js';
import { providerNameSchema, type ProviderName } from '../domain/payout-request.js';

export const ledgerStatusSchema = z.enum(['pending', 'awaiting_clarification', 'succeeded', 'declined']);
export type LedgerStatus = z.infer<typeof ledgerStatusSchema>;

export const ledgerEntrySchema = z.object({
  provider: providerNameSchema,
  key: z.string().min(1),
  /** The provider's own id for the payout (ecommpay request_id, RBKmoney withdrawal id). */
  reference: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  /** The masked card number (or a label for a token); never a full card number. */
  card: z.string(),
  status: ledgerStatusSchema,
  code: z.string().optional(),
  message: z.string().optional(),
  /** Requests that came again with the same key after it was accepted (each answered as a duplicate). */
  repeats: z.number().int().min(0),
  acceptedAt: z.iso.datetime(),
  settledAt: z.iso.datetime().optional(),
  details: z.record(z.string(), z.unknown()),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export type NewLedgerEntry = Pick<LedgerEntry, 'provider' | 'key' | 'reference' | 'amount' | 'currency' | 'card'> & {
  details?: Record<string, unknown>;
};

export type Settlement = { status: 'succeeded' } | { status: 'declined'; code: string; message: string };

const isSettled = (entry: LedgerEntry) => entry.status === 'succeeded' || entry.status === 'declined';
const slot = (provider: ProviderName, key: string) => `${provider}\u0000${key}`;

export class Ledger {
  readonly #entries = new Map<string, LedgerEntry>();

  constructor(
    private readonly stateFile?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (stateFile) this.#load(stateFile);
  }

  get(provider: ProviderName, key: string): Readonly<LedgerEntry> | undefined {
    return this.#entries.get(slot(provider, key));
  }

  /** Records a new payout, or counts a repeat and returns the entry already there. */
  accept(init: NewLedgerEntry): { entry: Readonly<LedgerEntry>; duplicate: boolean } {
    // The last line of defence for the rule that the sandbox never stores a card number.
    if (scrubCardNumbers(init.card) !== init.card) throw new Error('sandbox ledger: `card` must be masked');
    const existing = this.#entries.get(slot(init.provider, init.key));
    if (existing) {
      existing.repeats++;
      this.#saved(existing);
      return { entry: existing, duplicate: true };
    }
    const entry: LedgerEntry = {
      ...init,
      details: init.details ?? {},
      status: 'pending',
      repeats: 0,
      acceptedAt: this.now().toISOString(),
    };
    this.#entries.set(slot(entry.provider, entry.key), entry);
    this.#saved(entry);
    return { entry, duplicate: false };
  }

  /** Changes an unsettled entry's status or details; a settled entry is returned unchanged. */
  update(
    provider: ProviderName,
    key: string,
    change: { status?: 'pending' | 'awaiting_clarification'; details?: Record<string, unknown> },
  ): Readonly<LedgerEntry> {
    const entry = this.#existing(provider, key);
    if (isSettled(entry)) return entry;
    if (change.status) entry.status = change.status;
    if (change.details) entry.details = { ...entry.details, ...change.details };
    this.#saved(entry);
    return entry;
  }

  /** Settles an entry once; `changed` is false when it had already been settled (then nothing changes). */
  settle(provider: ProviderName, key: string, outcome: Settlement): { entry: Readonly<LedgerEntry>; changed: boolean } {
    const entry = this.#existing(provider, key);
    if (isSettled(entry)) return { entry, changed: false };
    entry.status = outcome.status;
    if (outcome.status === 'declined') {
      entry.code = outcome.code;
      entry.message = outcome.message;
    }
    entry.settledAt = this.now().toISOString();
    this.#saved(entry);
    return { entry, changed: true };
  }

  list(provider?: ProviderName): LedgerEntry[] {
    const all = [...this.#entries.values()];
    return structuredClone(provider ? all.filter((entry) => entry.provider === provider) : all);
  }

  reset(): void {
    this.#entries.clear();
    if (this.stateFile) writeFileSync(this.stateFile, '');
  }

  #existing(provider: ProviderName, key: string): LedgerEntry {
    const entry = this.#entries.get(slot(provider, key));
    if (!entry) throw new Error(`sandbox ledger: no entry for ${provider} ${key}`);
    return entry;
  }

  #saved(entry: LedgerEntry): void {
    if (this.stateFile) appendFileSync(this.stateFile, `${JSON.stringify(entry)}\n`);
  }

  #load(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const entry = parseLine(line);
        if (entry) this.#entries.set(slot(entry.provider, entry.key), entry);
      }
    }
    const compacted = [...this.#entries.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('');
    writeFileSync(file, compacted);
  }
}

/** One saved entry, or undefined for a blank or unreadable line (a write cut short by a crash). */
function parseLine(line: string): LedgerEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const parsed = ledgerEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
