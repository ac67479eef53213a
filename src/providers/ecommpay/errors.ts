/**
 * The one place that turns an ecommpay answer into one of the shared provider errors (../errors.ts), using
 * the provider's unified code registry (developers.ecommpay.com "payment info codes"). A few codes are not
 * errors at all and come back as their own kinds for the caller to act on:
 * - 3041 "Payment ID already exists": the payout was registered by an earlier attempt -> `duplicate`;
 * - 3061 "Transaction not found": the provider holds no such payment -> `not_found`;
 * - 3191 "Need clarification" and 19999 "Awaiting processing": the payment exists and is being worked on.
 * A code missing from the table is UnclassifiedProviderError with the raw code: never a final decline by itself.
 */
import { scrubCardNumbers } from '../../domain/card.js';
import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  type ProviderError,
  SystemicProviderError,
  TransientProviderError,
  UnclassifiedProviderError,
} from '../errors.js';
import { parseRetryAfter } from '../http.js';
import { codeTable } from './codes.js';
import { extractError } from './wire/errors.js';

const provider = 'ecommpay';

export interface ProviderAnswer {
  statusCode: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
}

export type AnswerClassification =
  | { kind: 'duplicate'; code: string }
  | { kind: 'not_found'; code: string }
  | { kind: 'registered'; code: string }
  | { kind: 'error'; error: ProviderError };

const maxRetryAfterMs = 60 * 60 * 1000;

/** Retry-After in milliseconds, capped at an hour; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const ms = parseRetryAfter(header, now);
  return ms === undefined ? undefined : Math.min(ms, maxRetryAfterMs);
}

function describe(code: string | undefined, message: string | undefined, field: string | undefined, fallback: string) {
  const text = scrubCardNumbers(message ?? fallback).slice(0, 300);
  const where = field ? ` (field ${scrubCardNumbers(field).slice(0, 100)})` : '';
  return `ecommpay${code === undefined ? '' : ` ${code}`}: ${text}${where}`;
}

/** Classifies any answer that is not a plain success (any HTTP status, any body). */
export function classifyAnswer(answer: ProviderAnswer): AnswerClassification {
  const { statusCode } = answer;
  const { code, message, field } = extractError(answer.body);
  const known = code === undefined ? undefined : codeTable[code];

  if (code !== undefined && known) {
    const [kind] = known;
    if (kind === 'duplicate' || kind === 'not_found' || kind === 'registered') return { kind, code };
  }
  if (statusCode === 429) {
    const text = describe(code, message, undefined, 'rate limited (HTTP 429)');
    const delay = retryAfterMs(answer.headers?.['retry-after']);
    return { kind: 'error', error: new TransientProviderError(provider, text, code, delay) };
  }
  if (code !== undefined && known) {
    const [kind, registryMessage] = known;
    const text = describe(code, message, field, registryMessage);
    switch (kind) {
      case 'resend':
        return { kind: 'error', error: new TransientProviderError(provider, text, code) };
      case 'systemic':
        return { kind: 'error', error: new SystemicProviderError(provider, text, code) };
      case 'invalid_request':
        return { kind: 'error', error: new InvalidPayoutRequestError(provider, text, code) };
      case 'declined':
        return { kind: 'error', error: new PayoutDeclinedError(provider, text, code) };
    }
  }
  if (statusCode >= 500 || statusCode === 408) {
    const text = describe(code, message, field, `HTTP ${statusCode}`);
    return { kind: 'error', error: new TransientProviderError(provider, text, code) };
  }
  if (code !== undefined && field !== undefined) {
    // An unlisted code that names a request field is that field's error: invalid, never a card decline.
    const text = describe(code, message, field, 'invalid field');
    return { kind: 'error', error: new InvalidPayoutRequestError(provider, text, code) };
  }
  if (code !== undefined) {
    const text = describe(code, message, field, 'code not in the registry');
    return { kind: 'error', error: new UnclassifiedProviderError(provider, text, code) };
  }
  return { kind: 'error', error: uncodedError(answer, message, field) };
}

function uncodedError(answer: ProviderAnswer, message: string | undefined, field: string | undefined): ProviderError {
  const { statusCode } = answer;
  const text = describe(undefined, message, field, `HTTP ${statusCode} without an error code`);
  if (statusCode === 401 || statusCode === 403 || statusCode === 404 || statusCode === 405) {
    return new SystemicProviderError(provider, text);
  }
  if (statusCode >= 400) return new InvalidPayoutRequestError(provider, text);
  if (statusCode >= 300) return new SystemicProviderError(provider, text);
  const body = answer.body;
  const saysError = body !== null && typeof body === 'object' && (body as Record<string, unknown>).status === 'error';
  // A 2xx error without a code was still refused; a 2xx we cannot read may have been registered: ask again
  // with the same payment_id (a registered one then answers 3041).
  return saysError ? new PayoutDeclinedError(provider, text) : new TransientProviderError(provider, text);
}

/** Network failures and timeouts (no answer at all): the same request may be sent again. */
export function transientFromNetworkError(error: unknown): TransientProviderError {
  const code = error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new TransientProviderError(provider, `ecommpay unreachable: ${scrubCardNumbers(message).slice(0, 300)}`, code);
}
