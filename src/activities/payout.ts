/**
 * The activities a PayoutWorkflow drives: thin calls into the provider contract. Every error leaves through
 * classified(), so the workflow sees typed ApplicationFailures (failures.ts) and nothing provider-specific.
 */
import { formatMoney } from '../domain/currency.js';
import { payoutRequestSchemaFor, type PayoutRequest, type ProviderName } from '../domain/payout-request.js';
import type { ProviderStatus, StatusLookup, SubmitResult, ValidationProblem } from '../providers/contract.js';
import { SystemicProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { measuredProviderCall } from '../metrics/provider-calls.js';
import { classified } from './failures.js';

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
  return {
    /** Kept for payouts started before preparePayout existed (their histories call it). */
    validatePayout,

    async preparePayout(input: unknown): Promise<PayoutPreparation> {
      return { problems: await validatePayout(input), merchantNotifications: options.merchantNotifications };
    },

    async submitPayout({ request, idempotencyKey, destinationId }: SubmitPayoutInput): Promise<SubmitResult> {
      return classified(() =>
        measuredProviderCall(request.provider, 'submit', () =>
          providers.get(request.provider).submit({
            request,
            idempotencyKey,
            ...(destinationId ? { prepared: { destinationId } } : {}),
          }),
        ),
      );
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
