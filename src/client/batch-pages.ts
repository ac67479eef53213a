/**
 * Cutting a validated batch into pages for its page workflows: a page stays far below Temporal's 2 MB
 * payload limit (and the 512 KB warning), and every page holds the same number of items, so the batch finds
 * item n on page floor(n / pageSize) without a table.
 */
import type { PayoutRequest } from '../domain/payout-request.js';
import type { BatchItem } from '../workflows/batch/definitions.js';
import { requestIdentity } from '../domain/request-identity.js';

export const defaultPageSize = 200;
/** Serialized bytes a page may reach: half the server's payload warning threshold. */
export const maxPageBytes = 256 * 1024;

export interface PagePlan {
  pageSize: number;
  pages: BatchItem[][];
}

/** Items with their identities (keyed by `cardKey`) and in-batch repeats marked, cut into equal pages. */
export function planPages(
  requests: readonly PayoutRequest[],
  cardKey: string,
  requestedPageSize = defaultPageSize,
): PagePlan {
  const firstSeq = new Map<string, number>();
  const items: BatchItem[] = requests.map((request, seq) => {
    const earlier = firstSeq.get(request.payoutId);
    if (earlier === undefined) firstSeq.set(request.payoutId, seq);
    return {
      seq,
      request,
      requestIdentity: requestIdentity(request, cardKey),
      ...(earlier !== undefined ? { duplicateOf: earlier } : {}),
    };
  });
  const largest = items.reduce((max, item) => Math.max(max, Buffer.byteLength(JSON.stringify(item))), 1);
  const pageSize = Math.max(1, Math.min(requestedPageSize, Math.floor(maxPageBytes / largest)));
  const pages: BatchItem[][] = [];
  for (let first = 0; first < items.length; first += pageSize) pages.push(items.slice(first, first + pageSize));
  return { pageSize, pages };
}
