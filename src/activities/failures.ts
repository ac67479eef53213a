/**
 * The one place where provider errors become Temporal failures. The failure's class travels as data, in its
 * details (ProviderFailureDetails.failureClass); its type name is what retry policies match on.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  failureTypes,
  isRetryableFailureClass,
  type ProviderFailureClass,
  type ProviderFailureDetails,
} from '../workflows/definitions.js';
import { scrubCardNumbers } from '../domain/card.js';
import {
  IdempotencyConflictError,
  PayoutDeclinedError,
  InvalidPayoutRequestError,
  ProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../providers/errors.js';

export { failureTypes, nonRetryableFailureTypes } from '../workflows/definitions.js';
export type { ProviderFailureClass, ProviderFailureDetails } from '../workflows/definitions.js';

/** The class of a provider error; anything the provider could not name is systemic (ours to fix, not the card's). */
function failureClassOfError(error: ProviderError): ProviderFailureClass {
  if (error instanceof TransientProviderError) return 'transient';
  if (error instanceof PayoutDeclinedError) return 'declined';
  if (error instanceof IdempotencyConflictError) return 'idempotency_conflict';
  if (error instanceof UnclassifiedProviderError) return 'unclassified';
  if (error instanceof InvalidPayoutRequestError) return 'invalid_request';
  return 'systemic';
}

export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (!(error instanceof ProviderError)) {
    // Bugs and unexpected answers are retried: the activity is idempotent by its key, and a person can look.
    const message = scrubCardNumbers(error instanceof Error ? error.message : String(error));
    return ApplicationFailure.create({ message, type: 'UnexpectedActivityError', nonRetryable: false });
  }
  const failureClass = failureClassOfError(error);
  const details: ProviderFailureDetails = {
    provider: error.provider,
    code: error.code,
    errorClass: error.errorClass,
    failureClass,
  };
  return ApplicationFailure.create({
    message: scrubCardNumbers(error.message),
    type: failureTypes[failureClass],
    nonRetryable: !isRetryableFailureClass(failureClass),
    details: [details],
    ...(error instanceof TransientProviderError ? { nextRetryDelay: error.retryAfterMs } : {}),
  });
}

/** Wraps an activity so every error it throws leaves it classified. */
export async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApplicationFailure(error);
  }
}
