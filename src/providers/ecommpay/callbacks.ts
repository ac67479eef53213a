/**
 * ecommpay callbacks into our contract: the signature inside the body checked with the project's secret key,
 * then the body parsed (wire/callbacks.ts) and mapped to a ProviderEvent; callbacks about other payment types
 * are reported as `other`.
 */
import { scrubCardNumbers } from '../../domain/card.js';
import type { CallbackResult } from '../contract.js';
import { findSignature, verify } from './signature.js';
import { callbackSchema } from './wire/callbacks.js';
import { reportedPayout } from './wire/payments.js';
import { mapStatus } from './wire/status.js';

/** A callback as the relay receives it (its signature is in the body, not in a header). */
export function parseCallback(rawBody: Buffer | string, secretKey: string): CallbackResult {
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
}

/** ecommpay dates (`2019-06-24T11:08:49+0000`) as ISO 8601; undefined when unreadable. */
function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const millis = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}
