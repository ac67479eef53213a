/**
 * RBKmoney answers, classified once into the shared provider errors. 409 (idempotent creates) and 404 on
 * reads are the client's to handle: a 409 ends here only where the API has no externalID (a conflict we
 * cannot resolve), a 404 only where the endpoint itself is missing. Sources: docs/PROVIDERS.md, "RBKmoney".
 */
import { scrubCardNumbers } from '../../domain/card.js';
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  PayoutDeclinedError,
  type ProviderError,
  SystemicProviderError,
  TransientProviderError,
} from '../errors.js';
import { parseRetryAfter } from '../http.js';
import { badRequestSchema, conflictRequestSchema, invalidOperationParametersSchema } from './wire/errors.js';
import { failureCode, type Withdrawal, type WithdrawalFailure } from './wire/withdrawals.js';

const provider = 'rbkmoney';

/** 422 messages that mean our own setup is wrong (identity, wallet, currency): stop sending, fix config. */
const systemicMessages = new Set([
  'No such wallet',
  'Wallet inaccessible',
  'Invalid currency',
  'Forbidden currency',
  'No such identity',
  'Identity inaccessible',
  'Currency not supported',
  'Party inaccessible',
  'Party does not exist',
  'No such provider',
  'Resource type not allowed',
]);

/** 422 messages that refuse this payout (its card or destination); other payouts may go on. */
const declinedMessages = new Set([
  'Destination unauthorized',
  'No such destination',
  'Unknown card issuer',
  'Destination uses resource no longer allowed',
  'This wallet and destination cannot be used together',
  'Unsupported card',
]);

/** 422 messages that say the request's own values are wrong. */
const invalidRequestMessages = new Set(['Invalid cash amount', 'Card data is invalid', 'Card is expired.']);

export interface HttpAnswer {
  /** Our name for the call, e.g. `createWithdrawal`; it leads every message. */
  operation: string;
  status: number;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
  /** The `Retry-After` header, when given. */
  retryAfter?: string;
}

function messageOf(body: unknown): string | undefined {
  const parsed = invalidOperationParametersSchema.safeParse(body);
  return parsed.success && parsed.data.message ? scrubCardNumbers(parsed.data.message) : undefined;
}

function classify422(operation: string, body: unknown): ProviderError {
  const message = messageOf(body);
  const text = `RBKmoney ${operation}: 422 ${message ?? '(no message)'}`;
  const code = message ?? 'invalid_operation';
  if (message !== undefined) {
    if (systemicMessages.has(message)) return new SystemicProviderError(provider, text, code);
    if (declinedMessages.has(message)) return new PayoutDeclinedError(provider, text, code);
    if (invalidRequestMessages.has(message)) return new InvalidPayoutRequestError(provider, text, code);
  }
  // A message we have not seen still refuses this one operation; keep it for the person who looks.
  return new PayoutDeclinedError(provider, text, code);
}

function classify400(operation: string, body: unknown): ProviderError {
  const parsed = badRequestSchema.safeParse(body);
  if (!parsed.success) {
    return new InvalidPayoutRequestError(provider, `RBKmoney ${operation}: 400 bad request`, 'bad_request');
  }
  const { errorType, name, description } = parsed.data;
  const parts = [errorType, name, description].filter((part): part is string => Boolean(part));
  return new InvalidPayoutRequestError(
    provider,
    scrubCardNumbers(`RBKmoney ${operation}: 400 ${parts.join(': ')}`),
    errorType,
  );
}

/** Classifies a non-2xx answer. Every status maps to exactly one error class; see the table in the tests. */
export function classifyHttpAnswer(answer: HttpAnswer): ProviderError {
  const { operation, status, body } = answer;
  const prefix = `RBKmoney ${operation}:`;
  switch (status) {
    case 400:
      return classify400(operation, body);
    case 401:
      return new SystemicProviderError(provider, `${prefix} 401 unauthorized: check the API key`, 'unauthorized');
    case 403:
      return new SystemicProviderError(provider, `${prefix} 403 forbidden: check the API key's rights`, 'forbidden');
    case 404:
      return new SystemicProviderError(provider, `${prefix} 404: endpoint or object not found`, 'not_found');
    case 409: {
      const conflict = conflictRequestSchema.safeParse(body);
      const existing = conflict.success && conflict.data.id ? ` (existing id ${conflict.data.id})` : '';
      return new IdempotencyConflictError(
        provider,
        `${prefix} 409 externalID already used with other parameters${existing}`,
        'conflict',
      );
    }
    case 422:
      return classify422(operation, body);
    case 429:
      return new TransientProviderError(
        provider,
        `${prefix} 429 rate limited`,
        'rate_limited',
        parseRetryAfter(answer.retryAfter),
      );
    case 503:
      return new TransientProviderError(provider, `${prefix} 503 unavailable (not executed)`, 'unavailable');
    case 504:
      // The outcome is unknown, but every create carries an externalID: sending it again cannot do it twice.
      return new TransientProviderError(provider, `${prefix} 504 outcome unknown`, 'gateway_timeout');
    default:
      if (status >= 500 || status === 408) {
        return new TransientProviderError(provider, `${prefix} ${status} server error`, `http_${status}`);
      }
      return new SystemicProviderError(provider, `${prefix} unexpected HTTP ${status}`, `http_${status}`);
  }
}

/** A request that got no answer (connection refused or reset, DNS, timeout): safe to send again. */
export function classifyRequestFailure(operation: string, error: unknown): TransientProviderError {
  const code =
    error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
      ? error.code
      : 'network_error';
  return new TransientProviderError(provider, `RBKmoney ${operation}: no answer (${code})`, code);
}

/** A 2xx whose body is not what the spec promises. Retried: the call is idempotent, and a person can look. */
export function unexpectedAnswer(operation: string, status: number, problems: string): TransientProviderError {
  return new TransientProviderError(
    provider,
    `RBKmoney ${operation}: unexpected ${status} answer (${problems})`,
    'unexpected_answer',
  );
}

/**
 * Failure codes that are about our side rather than the card: `account_limit_exceeded` (the wallet's limit
 * or balance, confirmed in the provider's code) and a blocked wallet (no code confirmed; these names are
 * guesses, and a blocked wallet is normally refused at create time with 422 "Wallet inaccessible").
 */
const systemicFailureCodes = new Set(['account_limit_exceeded', 'wallet_blocked', 'wallet_inaccessible']);

export function withdrawalFailureClass(failure: WithdrawalFailure | undefined): 'systemic' | 'declined' {
  return failure && systemicFailureCodes.has(failure.code) ? 'systemic' : 'declined';
}

/** The error for a withdrawal that ended Failed, for callers that surface failures as errors. */
export function withdrawalFailureError(withdrawal: Withdrawal): SystemicProviderError | PayoutDeclinedError {
  const code = failureCode(withdrawal.failure);
  const message = `RBKmoney withdrawal ${withdrawal.id} failed: ${code}`;
  return withdrawalFailureClass(withdrawal.failure) === 'systemic'
    ? new SystemicProviderError(provider, message, code)
    : new PayoutDeclinedError(provider, message, code);
}
