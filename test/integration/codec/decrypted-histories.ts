// Every payload of every history a test's workflows wrote, decrypted with the codec's keys: what someone holding
// the keys (or the codec server) could read. Memo, search attributes, inputs, results, signals and markers.
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';

function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object') return found;
  if (value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata !== null && typeof record.metadata === 'object') {
    found.push(record);
    return found;
  }
  for (const member of Object.values(record)) payloadsIn(member, found);
  return found;
}

/** The decrypted text of every payload in the history of every workflow on `taskQueue` (one string per workflow). */
export async function decryptedHistories(
  client: Client,
  codec: PayloadCodec,
  taskQueue: string,
): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const decoded = await codec.decode(payloadsIn(history));
    texts[execution.workflowId] = decoded.map((payload) => Buffer.from(payload.data ?? []).toString('utf8')).join('\n');
  }
  return texts;
}

/** Occurrences of `value` as a whole token (a CVV inside a longer run of digits is not a CVV). */
export function tokenCount(text: string, value: string): number {
  return [...text.matchAll(new RegExp(`(?<![A-Za-z0-9])${value}(?![A-Za-z0-9])`, 'g'))].length;
}
