/**
 * The one place that turns an ecommpay answer into one of the shared provider errors (../errors.ts), using
 * the provider's unified code registry (developers.ecommpay.com "payment info codes"). A few codes are not
 * errors at all and come back as their own kinds for the caller to act on:
 * - 3041 "Payment ID already exists": the payout was registered by an earlier attempt -> `duplicate`;
 * - 3061 "Transaction not found": the provider holds no such payment -> `not_found`;
 * - 3191 "Need clarification" and 19999 "Awaiting processing": the payment exists and is being worked on.
 * A code missing from the table is a decline that keeps the raw code: never retried without a person looking.
 */
import { scrubCardNumbers } from '../../domain/card.js';
import {
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  type ProviderError,
  SystemicProviderError,
  TransientProviderError,
} from '../errors.js';
import { extractError } from './wire.js';

const provider = 'ecommpay';

type CodeClass = 'duplicate' | 'not_found' | 'registered' | 'systemic' | 'invalid_request' | 'declined';

/** Code -> class and the registry's own wording, used when an answer carries a code but no message. */
const codeTable: Record<string, [CodeClass, string]> = {
  '3041': ['duplicate', 'Payment ID already exists'],
  '3061': ['not_found', 'Transaction not found'],
  '3191': ['registered', 'Need clarification'],
  '19999': ['registered', 'Awaiting processing'],

  '3261': ['systemic', 'Invalid signature'],
  '3262': ['systemic', 'Empty signature'],
  '2442': ['systemic', 'Project ID not found'],
  '3028': ['systemic', 'Insufficient funds on merchant balance to perform payout'],
  '504': ['systemic', 'Insufficient funds on the balance'],
  '10504': ['systemic', 'Insufficient funds on acquirer balance'],
  '314': ['systemic', 'Provider is not available now to perform the operation'],
  '310': ['systemic', 'This operation is not allowed by project settings'],
  '3023': ['systemic', 'Provided currency disabled for Project ID'],

  '2003': ['invalid_request', 'Invalid JSON string'],
  '2004': ['invalid_request', 'Required field not provided'],
  '3024': ['invalid_request', 'Invalid Payment ID'],
  '3027': ['invalid_request', 'Invalid token provided'],
  '3060': ['invalid_request', 'Current payment or operation status does not allow this action'],
  '3121': ['invalid_request', 'Invalid currency'],
  '3161': ['invalid_request', 'Invalid Holder'],
  '3162': ['invalid_request', 'Cardholder is required'],

  '100': ['declined', 'General decline'],
  '904': ['declined', 'Exceeded allowed amount for payout'],
  '3021': ['declined', 'Card expired'],
  '3103': ['declined', 'Payout was declined due to constraint for card type'],
  '3104': ['declined', 'Payment Constraint Invalid Payout Amount'],
  '3105': ['declined', 'Card country is forbidden'],
  '3106': ['declined', 'Monthly payout amount limit exceeded'],
  '3108': ['declined', 'Weekly payout amount limit exceeded'],
  '3109': ['declined', 'Daily payout amount limit exceeded'],
  '3110': ['declined', 'Monthly payout count limit exceeded'],
  '3111': ['declined', 'Weekly payout count limit exceeded'],
  '3112': ['declined', 'Daily payout count limit exceeded'],
  '3356': ['declined', 'The operation is not allowed for this card'],
  '10000': ['declined', 'General decline'],
  '10100': ['declined', 'Declined by external provider'],
  '10101': ['declined', 'Decline due to amount or frequency limit'],
  '10102': ['declined', 'Incorrect data entered'],
  '10812': ['declined', 'Invalid card. Do not try again'],
};

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

/** Retry-After as delta-seconds or an HTTP date, in milliseconds (capped at an hour); undefined when absent. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxRetryAfterMs);
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
    return { kind: 'error', error: new PayoutDeclinedError(provider, text, code) };
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
