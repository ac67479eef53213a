/**
 * The one place where provider errors become Temporal failures. Workflows and retry policies refer to
 * the failure types below, never to provider specifics.
 */
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../workflows/definitions.js';
import { scrubCardNumbers } from '../domain/card.js';
import {
  IdempotencyConflictError,
  PayoutDeclinedError,
  InvalidPayoutRequestError,
  ProviderError,
  SystemicProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../providers/errors.js';

export { failureTypes, nonRetryableFailureTypes } from '../workflows/definitions.js';

/** Details carried by every provider failure, readable by the workflow. */
export interface ProviderFailureDetails {
  provider: string;
  code?: string;
  errorClass: string;
}

export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (!(error instanceof ProviderError)) {
    // Bugs and unexpected answers are retried: the activity is idempotent by its key, and a person can look.
    const message = scrubCardNumbers(error instanceof Error ? error.message : String(error));
    return ApplicationFailure.create({ message, type: 'UnexpectedActivityError', nonRetryable: false });
  }
  const details: ProviderFailureDetails = { provider: error.provider, code: error.code, errorClass: error.errorClass };
  const message = scrubCardNumbers(error.message);
  if (error instanceof TransientProviderError) {
    return ApplicationFailure.create({
      message,
      type: failureTypes.transient,
      nonRetryable: false,
      details: [details],
      nextRetryDelay: error.retryAfterMs,
    });
  }
  const type =
    error instanceof PayoutDeclinedError
      ? failureTypes.declined
      : error instanceof IdempotencyConflictError
        ? failureTypes.idempotencyConflict
        : error instanceof UnclassifiedProviderError
          ? failureTypes.unclassified
          : error instanceof InvalidPayoutRequestError
            ? failureTypes.invalidRequest
            : error instanceof SystemicProviderError
              ? failureTypes.systemic
              : failureTypes.systemic;
  return ApplicationFailure.create({ message, type, nonRetryable: true, details: [details] });
}

/** Wraps an activity so every error it throws leaves it classified. */
export async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApplicationFailure(error);
  }
}
