/**
 * ecommpay Gate as a PayoutProvider: card payouts by PAN, by token and P2P; status by payment_id; signed
 * callbacks; and the clarification answer ecommpay may ask for while a payout waits.
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
  SystemicProviderError,
  TransientProviderError,
} from '../errors.js';
import type { BinLookup } from '../../domain/scheme-rules/ecommpay-bin-table.js';
import { EcommpayClient, type EcommpayTimeouts, type EcommpayTransport } from './client.js';
import { classifyAnswer } from './errors.js';
import { validate } from '../../domain/scheme-rules/ecommpay.js';
import { findSignature, verify } from './signature.js';
import {
  acceptedAnswerSchema,
  buildClarificationRequest,
  buildPayoutRequest,
  buildStatusRequest,
  callbackSchema,
  endpoints,
  mapStatus,
  pickPayoutOperation,
  reportedPayout,
  statusAnswerSchema,
} from './wire.js';

export { buildPayoutRequest, mapStatus } from './wire.js';
export { classifyAnswer } from './errors.js';
export { validate } from '../../domain/scheme-rules/ecommpay.js';
export {
  defaultBinLookup,
  createTableBinLookup,
  type BinLookup,
} from '../../domain/scheme-rules/ecommpay-bin-table.js';

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

/**
 * Where a requested field is found in the payout body when the name differs: the legacy AVS names ask for
 * the recipient's (our customer's) postal code and street address.
 */
const clarificationAliases: Record<string, string[]> = {
  'avs_data.avs_post_code': ['customer.zip', 'customer.billing.postal'],
  'avs_data.avs_street_address': ['customer.address', 'customer.billing.address'],
};

const aliasesOf = (field: string): string[] =>
  Object.hasOwn(clarificationAliases, field) ? (clarificationAliases[field] ?? []) : [];

const fieldName = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const unsafeKeys = new Set(['__proto__', 'prototype', 'constructor']);

/** A dotted field name we can look up and write without touching object prototypes. */
const usableFieldName = (field: string) =>
  fieldName.test(field) && !field.split('.').some((key) => unsafeKeys.has(key)) && !field.startsWith('general.');

function readPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[last] = value;
}

const notFound: ProviderStatus = {
  state: 'unknown',
  reason: 'not found: ecommpay has no payment with this payment_id (3061)',
};

const isScalar = (value: unknown): value is string | number | boolean =>
  (typeof value === 'string' && value.trim() !== '') || typeof value === 'number' || typeof value === 'boolean';

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
      return validate(request, { binLookup: options.binLookup, now: now() });
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
        case 'error': {
          const { error } = classified;
          if (error instanceof TransientProviderError || error instanceof SystemicProviderError) throw error;
          return { state: 'unknown', reason: `status request refused: ${error.message}` };
        }
      }
    },

    parseCallback(rawBody, _headers): CallbackResult {
      const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { ok: false, rejection: 'malformed', reason: 'body is not JSON' };
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { ok: false, rejection: 'malformed', reason: 'body is not a JSON object' };
      }
      const params = parsed as Record<string, unknown>;
      const signature = findSignature(params);
      if (!signature) return { ok: false, rejection: 'bad_signature', reason: 'no signature in the body' };
      if (!verify(params, secretKey)) {
        return { ok: false, rejection: 'bad_signature', reason: 'signature does not match the body' };
      }
      const result = callbackSchema.safeParse(params);
      if (!result.success) {
        // Paths only: values may be card data.
        const paths = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
        return { ok: false, rejection: 'malformed', reason: `unexpected callback shape at ${paths.join(', ')}` };
      }
      const callback = result.data;
      const { payment, operation } = callback;
      // A payout's operations include `payout reversal`; a callback without any type is taken for a payout.
      const type = payment.type ?? operation?.type;
      if (type !== undefined && type !== 'payout' && !type.startsWith('payout ')) {
        return {
          ok: true,
          event: null,
          other: {
            kind: `ecommpay.${scrubCardNumbers(type)}`,
            subject: scrubCardNumbers(payment.id),
            detail: { status: payment.status, operationType: operation?.type, operationStatus: operation?.status },
          },
        };
      }
      // The event's identity from what it says, never from its raw text (whitespace or key order would make a
      // replay look new): payment, operation, statuses, code and amount.
      const sum = payment.sum ? `${payment.sum.amount} ${payment.sum.currency}` : '';
      const eventId = [
        'ecommpay',
        payment.id,
        operation?.id ?? '-',
        operation?.status ?? '',
        payment.status,
        operation?.code ?? '',
        sum,
      ].join(':');
      const occurredAt = isoDate(operation?.date ?? payment.date);
      return {
        ok: true,
        event: {
          provider: 'ecommpay',
          idempotencyKey: payment.id,
          eventId,
          status: {
            ...mapStatus({
              paymentStatus: payment.status,
              operation,
              errors: callback.errors,
              clarificationFields: callback.clarification_fields,
            }),
            ...reportedPayout(payment, callback.account),
          },
          amount: payment.sum ? { value: payment.sum.amount, currency: payment.sum.currency } : undefined,
          occurredAt,
        },
      };
    },

    async answerClarification(payout, idempotencyKey, fields): Promise<ClarificationAnswer> {
      if (fields.length === 0) {
        throw new PayoutDeclinedError('ecommpay', 'ecommpay asks for clarification without naming any field', '3191');
      }
      const { body } = buildPayoutRequest(payout, projectId, idempotencyKey);
      const additionalData: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const field of fields) {
        const value = usableFieldName(field)
          ? [field, ...aliasesOf(field)].map((path) => readPath(body, path)).find(isScalar)
          : undefined;
        if (value === undefined) missing.push(field);
        else writePath(additionalData, field, value);
      }
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

/** ecommpay dates (`2019-06-24T11:08:49+0000`) as ISO 8601; undefined when unreadable. */
function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const millis = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}
