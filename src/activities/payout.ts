/**
 * The activities a PayoutWorkflow drives: thin calls into the provider contract. Every error leaves through
 * classified(), so the workflow sees typed ApplicationFailures (failures.ts) and nothing provider-specific.
 */
import { Context } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import { formatMoney } from '../domain/currency.js';
import { payoutRequestSchemaFor, type PayoutRequest, type ProviderName } from '../domain/payout-request.js';
import type { ProviderStatus, StatusLookup, SubmitResult, ValidationProblem } from '../providers/contract.js';
import { SystemicProviderError, UnclassifiedProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { measuredProviderCall } from '../metrics/provider-calls.js';
import { classified, failureTypes, type ProviderFailureDetails, toApplicationFailure } from './failures.js';

export interface SubmitPayoutInput {
  request: PayoutRequest;
  idempotencyKey: string;
  destinationId?: string;
}

export interface PayoutStatusInput extends StatusLookup {
  provider: ProviderName;
}

export interface ClarificationInput {
  request: PayoutRequest;
  idempotencyKey: string;
  fields: string[];
}

/** What a payout learns from the worker before anything is sent; a local activity records it in history. */
export interface PayoutPreparation {
  /** Every reason the provider would refuse the payout; empty means it may be sent. */
  problems: ValidationProblem[];
  /** Whether this worker delivers merchant notifications; when off, the payout schedules no delivery at all. */
  merchantNotifications: boolean;
}

/** A definite refusal as data: the failure the workflow would have read, with its class in its details. */
export interface SubmissionRefusal {
  message: string;
  type: string;
  /** Absent only for a failure that is not a provider's (the payout reads it as unclassified). */
  details?: ProviderFailureDetails;
}

/**
 * What prepareAndSubmitPayout did. Nothing was sent when it found `problems`, or when validation itself failed
 * on the first attempt (`notSent`); otherwise the provider answered (`submitted`) or refused (`refused`).
 */
export interface PreparedSubmission extends PayoutPreparation {
  submitted?: SubmitResult;
  refused?: SubmissionRefusal;
  notSent?: SubmissionRefusal;
}

export interface PayoutActivityOptions {
  merchantNotifications: boolean;
  /** The worker's cap on one payout per currency (PAYOUT_MAX_AMOUNTS); currencies not listed have none. */
  maxAmounts?: Readonly<Record<string, number>>;
}

/** The problem of a payout above the worker's cap for its currency, if it is. */
export function capProblem(
  request: Pick<PayoutRequest, 'amount' | 'currency'>,
  maxAmounts: Readonly<Record<string, number>> = {},
): ValidationProblem | undefined {
  const cap = maxAmounts[request.currency];
  if (cap === undefined || request.amount <= cap) return undefined;
  const amount = formatMoney(request.amount, request.currency);
  return {
    path: 'amount',
    reason: `${amount} is above the ${formatMoney(cap, request.currency)} cap for a single payout (PAYOUT_MAX_AMOUNTS)`,
  };
}

function refusalOf(failure: ApplicationFailure): SubmissionRefusal {
  const details = failure.details?.[0] as ProviderFailureDetails | undefined;
  return { message: failure.message, type: failure.type ?? failureTypes.systemic, ...(details ? { details } : {}) };
}

export function createPayoutActivities(providers: ProviderRegistry, options: PayoutActivityOptions) {
  /** The schema (types, Luhn, ISO 4217) first, then the provider's own rules. */
  const validatePayout = async (input: unknown): Promise<ValidationProblem[]> => {
    const parsed = payoutRequestSchemaFor(input).safeParse(input);
    if (!parsed.success) {
      return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), reason: issue.message }));
    }
    const cap = capProblem(parsed.data, options.maxAmounts);
    const problems = await classified(async () => providers.get(parsed.data.provider).validate(parsed.data));
    return cap ? [cap, ...problems] : problems;
  };
  const submitPayout = async ({ request, idempotencyKey, destinationId }: SubmitPayoutInput): Promise<SubmitResult> =>
    classified(() =>
      measuredProviderCall(request.provider, 'submit', () =>
        providers.get(request.provider).submit({
          request,
          idempotencyKey,
          ...(destinationId ? { prepared: { destinationId } } : {}),
        }),
      ),
    );
  return {
    /** Kept for payouts started before preparePayout existed (their histories call it). */
    validatePayout,

    async preparePayout(input: unknown): Promise<PayoutPreparation> {
      return { problems: await validatePayout(input), merchantNotifications: options.merchantNotifications };
    },

    submitPayout,

    /**
     * Validation and submission in one call, where nothing comes between them (PayoutWorkflowV3). A definite
     * refusal comes back as data, not as a failure, so the payout learns merchantNotifications either way;
     * transient failures are thrown and retried. Problems (or a failed validation) on the first attempt mean
     * nothing was sent. A later attempt follows one that may have sent the payout, so a refusal before sending
     * then (the worker's rules changed in between) says nothing of its fate: unclassified, it goes to review.
     */
    async prepareAndSubmitPayout({ request, idempotencyKey }: SubmitPayoutInput): Promise<PreparedSubmission> {
      const { merchantNotifications } = options;
      const { attempt } = Context.current().info;
      /** What a later attempt finds before sending: an earlier one may have sent the payout. */
      const fateUnknown = (reason: string): PreparedSubmission => {
        const message = `refused on attempt ${attempt}, after an attempt that may have sent it: ${reason}`;
        const failure = toApplicationFailure(new UnclassifiedProviderError(request.provider, message));
        return { problems: [], merchantNotifications, refused: refusalOf(failure) };
      };
      let problems: ValidationProblem[];
      try {
        problems = await validatePayout(request);
      } catch (error) {
        const failure = toApplicationFailure(error);
        if (!failure.nonRetryable) throw failure;
        if (attempt > 1) return fateUnknown(failure.message);
        return { problems: [], merchantNotifications, notSent: refusalOf(failure) };
      }
      if (problems.length > 0) {
        if (attempt > 1) return fateUnknown(problems.map((problem) => `${problem.path}: ${problem.reason}`).join('; '));
        return { problems, merchantNotifications };
      }
      try {
        return { problems, merchantNotifications, submitted: await submitPayout({ request, idempotencyKey }) };
      } catch (error) {
        const failure = toApplicationFailure(error);
        if (!failure.nonRetryable) throw failure;
        return { problems, merchantNotifications, refused: refusalOf(failure) };
      }
    },

    async getPayoutStatus({ provider, ...lookup }: PayoutStatusInput): Promise<ProviderStatus> {
      return classified(() =>
        measuredProviderCall(provider, 'status', () => providers.get(provider).getStatus(lookup)),
      );
    },

    async answerClarification({ request, idempotencyKey, fields }: ClarificationInput): Promise<void> {
      await classified(async () => {
        const provider = providers.get(request.provider);
        if (!provider.answerClarification) {
          throw new SystemicProviderError(request.provider, `${request.provider} does not ask for clarification`);
        }
        const answer = provider.answerClarification.bind(provider);
        await measuredProviderCall(request.provider, 'clarification', () => answer(request, idempotencyKey, fields));
      });
    },
  };
}

export type PayoutActivities = ReturnType<typeof createPayoutActivities>;
