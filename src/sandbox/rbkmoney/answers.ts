/**
 * What the parts of the RBKmoney sandbox state share: settings, clock, ids, and answers in the provider's
 * form (status and body; 401 and 404 have empty bodies; 422 is `{message}`; 409 names the existing id).
 */
import { createHash, randomBytes } from 'node:crypto';
import { compact, type Emitted } from './events.js';

export interface RbkmoneyStateSettings {
  /** Identity providers createIdentity accepts (the guide's sandbox uses `test`). */
  identityProviders: readonly string[];
  currencies: readonly string[];
  /** Every new wallet's balance, minor units. */
  walletBalance: number;
  /** The largest withdrawal accepted (a larger one is 422 "Invalid cash amount"). */
  maxAmount: number;
  /** How long a payres token can be bound (the provider's default is 64 minutes). */
  tokenLifetimeMs: number;
  /** One signing key (PKCS#8 PEM) for every identity; without it each identity gets its own, as at the provider. */
  webhookPrivateKeyPem?: string;
}

export interface Answer {
  status: number;
  /** Undefined: an empty body (the provider's 401 and 404). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Outcome<T> {
  answer: Answer;
  events: Emitted[];
  /** Set when this call created the object (not for a repeat). */
  created?: T;
  /** The externalID was known and the parameters were the same. */
  repeat?: boolean;
}

export const empty = (status: number): Answer => ({ status });

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({
  status,
  body: compact(body),
  ...(headers ? { headers } : {}),
});

export const refused = <T>(message: string): Outcome<T> => ({ answer: json(422, { message }), events: [] });

export const conflictMessage = "This 'externalID' has been used by another request";

/** Canonical JSON of request parameters, so that key order and absent fields do not count as a difference. */
export function paramsOf(value: unknown): string {
  return JSON.stringify(compact(value), (_key, child: unknown) =>
    child !== null && typeof child === 'object' && !Array.isArray(child)
      ? Object.fromEntries(Object.entries(child).sort(([a], [b]) => (a < b ? -1 : 1)))
      : child,
  );
}

export function location(collection: string, id: string): Record<string, string> {
  return { location: `/wallet/v0/${collection}/${encodeURIComponent(id)}` };
}

export class StateContext {
  constructor(
    readonly settings: RbkmoneyStateSettings,
    readonly now: () => Date = () => new Date(),
    private readonly randomId: () => string = () => randomBytes(6).toString('hex'),
  ) {}

  /** With an externalID, the id is derived from it: a repeat after a restart finds the same id. */
  idFor(kind: string, externalID: string | undefined): string {
    if (externalID === undefined) return this.randomId();
    return createHash('sha256').update(`${kind}\u0000${externalID}`).digest('hex').slice(0, 12);
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  /**
   * A known externalID: the existing object with the usual 2xx when the parameters agree (fistful's
   * `{error, exists} -> Get`), else 409 (reference/rbkmoney.md, "Idempotency & error bodies - server").
   */
  repeat(same: boolean, existing: { id: string }, conflictBody: unknown, okStatus: number, collection: string) {
    const outcome: Outcome<never> = same
      ? { answer: json(okStatus, existing, location(collection, existing.id)), events: [], repeat: true }
      : { answer: json(409, conflictBody), events: [], repeat: false };
    return outcome;
  }
}
