/**
 * Creates are idempotent by externalID: a 409 is settled by fetching the existing object and comparing it with
 * what we sent. Only the names of differing fields are reported, never their values (they may be personal data).
 */
import { IdempotencyConflictError, TransientProviderError } from '../../errors.js';
import { conflictRequestSchema } from '../wire/errors.js';
import type { Answer } from './http.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, child]) => [key, canonical(child)]),
    );
  }
  return value;
}

/** Metadata we did not send and metadata the server echoes as `{}` are the same thing. */
function sameMetadata(sent: unknown, existing: unknown): boolean {
  const empty = (m: unknown) => m === undefined || (typeof m === 'object' && m !== null && Object.keys(m).length === 0);
  if (empty(sent) && empty(existing)) return true;
  return JSON.stringify(canonical(sent)) === JSON.stringify(canonical(existing));
}

/** Names of the fields whose values differ; values are not reported (they may be personal data). */
export function differences(pairs: Array<[field: string, sent: unknown, existing: unknown]>): string[] {
  return pairs
    .filter(([field, sent, existing]) =>
      field === 'metadata' ? !sameMetadata(sent, existing) : JSON.stringify(sent) !== JSON.stringify(existing),
    )
    .map(([field]) => field);
}

function conflictError(operation: string, externalID: string, id: string, differing: string[]) {
  return new IdempotencyConflictError(
    'rbkmoney',
    `RBKmoney ${operation}: externalID "${externalID}" already names ${id}, created with a different ` +
      `${differing.join(', ')}; this request was not executed`,
    'conflict',
  );
}

/**
 * After a 409: find what the externalID already names (by externalID, else by the id in the 409 body) and
 * accept it when every field we sent matches; otherwise the key is taken by another request.
 */
export async function resolveConflict<T extends { id: string }>(
  operation: string,
  answer: Answer,
  externalID: string,
  lookup: { byExternalID?: () => Promise<T | undefined>; byId: (id: string) => Promise<T | undefined> },
  compare: (existing: T) => string[],
): Promise<T> {
  const conflict = conflictRequestSchema.safeParse(answer.body);
  const conflictId = conflict.success ? conflict.data.id : undefined;
  let existing = lookup.byExternalID ? await lookup.byExternalID() : undefined;
  if (!existing && conflictId) existing = await lookup.byId(conflictId);
  if (!existing) {
    throw new TransientProviderError(
      'rbkmoney',
      `RBKmoney ${operation}: 409 for externalID "${externalID}" but the existing object cannot be read yet`,
      'conflict_unresolved',
    );
  }
  const differing = compare(existing);
  if (differing.length === 0) return existing;
  throw conflictError(operation, externalID, existing.id, differing);
}
