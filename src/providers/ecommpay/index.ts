/**
 * ecommpay Gate as a PayoutProvider: card payouts by PAN, by token and P2P; status by payment_id; signed
 * callbacks; and the clarification answer ecommpay may ask for while a payout waits.
 *
 * The skeleton every provider folder has (docs/PROVIDERS.md): index.ts (this factory), client.ts (HTTP),
 * wire/ (schemas by resource), callbacks.ts, rules.ts, signature.ts, errors.ts; here also codes.ts (the code
 * registry) and clarification.ts.
 */
import type { Logger } from 'pino';
import { scrubCardNumbers } from '../../domain/card.js';
import type { PayoutRequest } from '../../domain/payout-request.js';
import type {
  CallbackResult,
  PayoutProvider,
  ProviderStatus,
  StatusLookup,
  SubmitInput,
  SubmitResult,
  ValidationProblem,
} from '../contract.js';
import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  statusWhenRefused,
  TransientProviderError,
} from '../errors.js';
import { EcommpayClient, type EcommpayTimeouts, type EcommpayTransport } from './client.js';
import { classifyAnswer } from './errors.js';
import { type BinLookup, payoutProblems } from './rules.js';
import { parseCallback } from './callbacks.js';
import { clarificationValues } from './clarification.js';
import { buildClarificationRequest } from './wire/clarification.js';
import { acceptedAnswerSchema, endpoints } from './wire/common.js';
import { reportedPayout } from './wire/payments.js';
import { buildPayoutRequest } from './wire/payouts.js';
import { buildStatusRequest, mapStatus, pickPayoutOperation, statusAnswerSchema } from './wire/status.js';

export { buildPayoutRequest } from './wire/payouts.js';
export { mapStatus } from './wire/status.js';
export { classifyAnswer } from './errors.js';
export { payoutProblems as validate, defaultBinLookup, createTableBinLookup, type BinLookup } from './rules.js';

export interface EcommpayProviderOptions {
  baseUrl: string;
  projectId: number;
  /** From the environment, through the caller; never logged. */
  secretKey: string;
  /** Sent as general.merchant_callback_url; without it ecommpay uses the project's configured URL. */
  callbackUrl?: string;
  timeouts?: Partial<EcommpayTimeouts>;
  logger?: Logger;
  /** Scheme and issuing country by BIN; the illustrative table in domain/scheme-rules/ecommpay-bin-table.ts by default. */
  binLookup?: BinLookup;
  /** Replaces HTTP (tests, recorded sessions); got by default. */
  transport?: EcommpayTransport;
  /** Clock for the date-of-birth rule. */
  now?: () => Date;
}

export interface ClarificationAnswer {
  /** ecommpay's request_id for the clarification request, when it gave one. */
  reference?: string;
}

export interface EcommpayProvider extends PayoutProvider {
  readonly name: 'ecommpay';
  /**
   * Answers an `awaiting clarification` payout with values from the payout itself. Throws PayoutDeclinedError
   * naming (never showing) the fields the payout does not carry.
   */
  answerClarification(payout: PayoutRequest, idempotencyKey: string, fields: string[]): Promise<ClarificationAnswer>;
}

const notFound: ProviderStatus = {
  state: 'unknown',
  reason: 'not found: ecommpay has no payment with this payment_id (3061)',
};

export function createEcommpayProvider(options: EcommpayProviderOptions): EcommpayProvider {
  const { projectId, secretKey, callbackUrl } = options;
  const client = new EcommpayClient({
    baseUrl: options.baseUrl,
    projectId,
    secretKey,
    timeouts: options.timeouts,
    logger: options.logger,
    transport: options.transport,
  });
  const now = options.now ?? (() => new Date());

  return {
    name: 'ecommpay',

    validate(request: PayoutRequest): ValidationProblem[] {
      return payoutProblems(request, { binLookup: options.binLookup, now: now() });
    },

    async submit({ request, idempotencyKey }: SubmitInput): Promise<SubmitResult> {
      const { endpoint, body } = buildPayoutRequest(request, projectId, idempotencyKey, { callbackUrl });
      const answer = await client.post(endpoint, body, acceptedAnswerSchema);
      if (answer.data) return { outcome: 'accepted', reference: answer.data.request_id };
      const classified = classifyAnswer(answer);
      switch (classified.kind) {
        case 'duplicate':
          return { outcome: 'duplicate' };
        case 'registered':
          return { outcome: 'accepted' };
        case 'not_found':
          throw new TransientProviderError(
            'ecommpay',
            `ecommpay ${classified.code} on a payout request`,
            classified.code,
          );
        case 'error':
          throw classified.error;
      }
    },

    /**
     * Never throws a decline or an invalid-request error: a refused status request says nothing about the
     * payout, so it becomes `unknown`. Transient and systemic errors are thrown (retry; stop and alert).
     */
    async getStatus({ idempotencyKey }: StatusLookup): Promise<ProviderStatus> {
      const request = buildStatusRequest(projectId, idempotencyKey);
      const answer = await client.post(endpoints.status, request, statusAnswerSchema);
      const data = answer.data;
      // Without a payment id the answer is about the request, not the payout (e.g. errors[] 3061).
      if (data?.payment.id !== undefined) {
        if (data.payment.id !== idempotencyKey) {
          return { state: 'unknown', reason: 'ecommpay answered about another payment_id' };
        }
        if (data.errors?.some((item) => item.code === '3061')) return notFound;
        return {
          ...mapStatus({
            paymentStatus: data.payment.status,
            operation: pickPayoutOperation(data.operations),
            errors: data.errors,
            clarificationFields: data.clarification_fields,
          }),
          ...reportedPayout(data.payment, data.account),
        };
      }
      const classified = classifyAnswer(answer);
      switch (classified.kind) {
        case 'not_found':
          return notFound;
        case 'duplicate':
        case 'registered':
          return { state: 'pending', detail: `ecommpay ${classified.code} to a status request` };
        case 'error':
          return statusWhenRefused(classified.error);
      }
    },

    parseCallback: (rawBody, _headers): CallbackResult => parseCallback(rawBody, secretKey),

    async answerClarification(payout, idempotencyKey, fields): Promise<ClarificationAnswer> {
      if (fields.length === 0) {
        throw new PayoutDeclinedError('ecommpay', 'ecommpay asks for clarification without naming any field', '3191');
      }
      const { body } = buildPayoutRequest(payout, projectId, idempotencyKey);
      const { additionalData, missing } = clarificationValues(body, fields);
      if (missing.length > 0) {
        const names = missing.map((name) => scrubCardNumbers(name).slice(0, 100)).join(', ');
        throw new PayoutDeclinedError(
          'ecommpay',
          `ecommpay asks for ${names}, which the payout does not carry; it cannot be completed as requested`,
          '3191',
        );
      }
      const answer = await client.post(
        endpoints.clarification,
        buildClarificationRequest(projectId, idempotencyKey, additionalData),
        acceptedAnswerSchema,
      );
      if (answer.data) return { reference: answer.data.request_id };
      const classified = classifyAnswer(answer);
      // 3060 to a retried answer: the first one arrived (its reply was lost) and the payment moved on.
      if (classified.kind === 'error' && classified.error.code === '3060') {
        const status = await this.getStatus({ payoutId: payout.payoutId, idempotencyKey });
        if (status.state !== 'needs_clarification') return {};
      }
      switch (classified.kind) {
        case 'registered':
          return {};
        case 'duplicate':
        case 'not_found':
          throw new InvalidPayoutRequestError(
            'ecommpay',
            `ecommpay ${classified.code} to a clarification request`,
            classified.code,
          );
        case 'error':
          throw classified.error;
      }
    },
  };
}
