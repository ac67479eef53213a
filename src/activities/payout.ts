/**
 * The activities a PayoutWorkflow drives: thin calls into the provider contract. Every error leaves through
 * classified(), so the workflow sees typed ApplicationFailures (failures.ts) and nothing provider-specific.
 */
import { payoutRequestSchema, type PayoutRequest, type ProviderName } from '../domain/payout-request.js';
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

export function createPayoutActivities(providers: ProviderRegistry) {
  return {
    /**
     * Every problem that would make the provider refuse the payout: the schema (types, Luhn, ISO 4217) first,
     * then the provider's own rules. Empty means it may be sent.
     */
    async validatePayout(input: unknown): Promise<ValidationProblem[]> {
      const parsed = payoutRequestSchema.safeParse(input);
      if (!parsed.success) {
        return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), reason: issue.message }));
      }
      return classified(async () => providers.get(parsed.data.provider).validate(parsed.data));
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
