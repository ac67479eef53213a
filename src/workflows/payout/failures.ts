/**
 * What a payout reads from a failed activity: the failure's class, which activities/failures.ts puts in the
 * failure's details, and the provider's code.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { FailureClass } from '../../domain/payout-outcome.js';
import { failureTypes, type ProviderFailureClass, type ProviderFailureDetails } from '../definitions.js';

export function applicationFailure(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause;
  return error instanceof ApplicationFailure ? error : undefined;
}

function detailsOf(failure: ApplicationFailure): Partial<ProviderFailureDetails> | undefined {
  const details: unknown = failure.details?.[0];
  return typeof details === 'object' && details !== null ? details : undefined;
}

/**
 * Legacy: failures recorded before the class travelled in the details carry only their type name. Read-only,
 * for replaying those histories and for activities of an older worker still running.
 */
const classOfLegacyType = new Map<string, ProviderFailureClass>(
  Object.entries(failureTypes).map(([failureClass, type]) => [type, failureClass as ProviderFailureClass]),
);

/** The class of a provider failure; undefined for anything that is not one (a bug, a timeout). */
export function failureClassOf(failure: ApplicationFailure | undefined): ProviderFailureClass | undefined {
  if (!failure) return undefined;
  const fromDetails = detailsOf(failure)?.failureClass;
  if (fromDetails !== undefined && fromDetails in failureTypes) return fromDetails;
  return failure.type ? classOfLegacyType.get(failure.type) : undefined;
}

export function providerCode(failure: ApplicationFailure): string | undefined {
  const code = detailsOf(failure)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A class that ends a payout (declined, or an idempotency conflict's review); transient and unclassified never do. */
export function isDefiniteFailure(failureClass: ProviderFailureClass | undefined): failureClass is FailureClass {
  return failureClass !== undefined && failureClass !== 'transient' && failureClass !== 'unclassified';
}
