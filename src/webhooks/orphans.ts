/**
 * Authentic callbacks no running payout took (unknown payoutId, or a payout whose workflow has closed). They
 * are answered 200, so a provider never blocks its queue on them (RBKmoney stops a wallet's webhooks after a
 * day of failures), and kept here, one JSON line each, for ops to list. Only mapped events are kept, never
 * raw bodies: nothing here can hold a card number.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BindingEvent, ProviderEvent } from '../providers/contract.js';

export interface OrphanEvent {
  receivedAt: string;
  workflowId: string;
  /** `no such payout` or `payout closed`. */
  reason: string;
  event: ProviderEvent | BindingEvent;
}

export class OrphanJournal {
  constructor(readonly file: string) {}

  async add(orphan: OrphanEvent): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(orphan)}\n`, 'utf8');
  }

  async list(): Promise<OrphanEvent[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OrphanEvent);
  }
}
