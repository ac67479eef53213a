/**
 * The small shared set of errors providers throw. Each provider classifies its own answers into these
 * once (its errors.ts); src/activities/failures.ts turns them into Temporal failures.
 * Messages must never carry a card number: build them from provider codes and our own ids.
 */
import type { ProviderName } from '../domain/payout-request.js';
import type { ProviderStatus } from '../domain/provider-messages.js';

export type ProviderErrorClass = 'transient' | 'declined' | 'invalid_request' | 'systemic' | 'unclassified';

export abstract class ProviderError extends Error {
  abstract readonly errorClass: ProviderErrorClass;
  constructor(
    readonly provider: ProviderName,
    message: string,
    /** The provider's own code, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Network failure, timeout, 5xx, 429: the same request may be sent again. */
export class TransientProviderError extends ProviderError {
  readonly errorClass = 'transient';
  constructor(
    provider: ProviderName,
    message: string,
    code?: string,
    /** Server-suggested wait (429 Retry-After), in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(provider, message, code);
  }
}

/** The provider or the card's issuer refused the payout: final for this attempt. */
export class PayoutDeclinedError extends ProviderError {
  readonly errorClass = 'declined';
}

/** The request itself is wrong (a missing or malformed field): final, with the provider's message. */
export class InvalidPayoutRequestError extends ProviderError {
  readonly errorClass = 'invalid_request';
}

/**
 * Not this payout's fault: credentials, project configuration, provider unavailable, insufficient merchant
 * funds. Final for this payout, and a batch should stop sending.
 */
export class SystemicProviderError extends ProviderError {
  readonly errorClass = 'systemic';
}

/** An idempotent create found an existing object that differs from what we asked for. */
export class IdempotencyConflictError extends ProviderError {
  readonly errorClass = 'invalid_request';
}

/**
 * The provider answered with a code its own table does not hold: whether anything was registered is not
 * known, so it is never a final decline; the payout goes to review with the code.
 */
export class UnclassifiedProviderError extends ProviderError {
  readonly errorClass = 'unclassified';
}

/**
 * A refused status request (bad request, not found, an unknown code) says nothing about the payout: its status
 * is `unknown`. Transient errors (retry) and systemic ones (stop and alert), and anything that is not a
 * ProviderError, are thrown.
 */
export function statusWhenRefused(error: unknown): ProviderStatus {
  const refused =
    error instanceof ProviderError &&
    !(error instanceof TransientProviderError) &&
    !(error instanceof SystemicProviderError);
  if (refused) return { state: 'unknown', reason: `status request refused: ${error.message}` };
  throw error;
}
