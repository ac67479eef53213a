/**
 * HTTP to ecommpay Gate: signed JSON POSTs, nothing else. Every answer comes back to the caller whatever its
 * HTTP status (errors.ts classifies them); only a missing answer (timeout, refused connection) throws, as a
 * TransientProviderError. No retries here: Temporal retries the activity, and payment_id keeps that safe.
 */
import got from 'got';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { maskPan, scrubCardNumbers } from '../../domain/card.js';
import { ProviderError } from '../errors.js';
import { type ProviderAnswer, transientFromNetworkError } from './errors.js';
import { sign } from './signature.js';
import { extractError } from './wire/errors.js';
import { parseJsonBody } from '../http.js';

export interface EcommpayTimeouts {
  /** TCP (and TLS) connection set-up. */
  connectMs: number;
  /** From the request being sent to the answer's headers. */
  responseMs: number;
}

export const defaultTimeouts: EcommpayTimeouts = { connectMs: 5_000, responseMs: 30_000 };

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one JSON body; throws only when no answer came. Replaceable for tests and recorded sessions. */
export type EcommpayTransport = (url: string, jsonBody: string) => Promise<HttpAnswer>;

export function gotTransport(timeouts: EcommpayTimeouts = defaultTimeouts): EcommpayTransport {
  return async (url, jsonBody) => {
    try {
      const response = await got.post(url, {
        body: jsonBody,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        timeout: {
          connect: timeouts.connectMs,
          response: timeouts.responseMs,
          // A body that stalls after the headers must end too.
          request: timeouts.connectMs + timeouts.responseMs + 5_000,
        },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
      });
      return { statusCode: response.statusCode, headers: response.headers, text: response.body };
    } catch (error) {
      throw transientFromNetworkError(error);
    }
  };
}

export interface EcommpayClientOptions {
  baseUrl: string;
  projectId: number;
  /** From the environment, through the caller; never logged. */
  secretKey: string;
  timeouts?: Partial<EcommpayTimeouts>;
  logger?: Logger;
  transport?: EcommpayTransport;
}

/** A request body before signing: every Gate request carries `general` with the project and payment ids. */
export interface SignableBody {
  general: { project_id: number; payment_id: string } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface ClientAnswer<T> extends ProviderAnswer {
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed by the expected schema, when the HTTP status is 2xx and it matched. */
  data?: T;
}

/**
 * What the log may show of a request: ids, amount and the masked card number. Bodies also carry names, dates
 * of birth and phone numbers, which stay out of logs.
 */
export function requestSummary(body: SignableBody): Record<string, unknown> {
  const card = body.card as { pan?: unknown } | undefined;
  const payment = body.payment as { amount?: unknown; currency?: unknown } | undefined;
  return {
    paymentId: body.general.payment_id,
    pan: typeof card?.pan === 'string' ? maskPan(card.pan) : undefined,
    token: typeof body.token === 'string' ? true : undefined,
    amount: payment?.amount,
    currency: payment?.currency,
  };
}

/** What the log may show of an answer: its status and code, scrubbed. */
export function answerSummary(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const payment = record.payment as { status?: unknown } | undefined;
  const status = typeof record.status === 'string' ? record.status : payment?.status;
  const { code, message } = extractError(body);
  return {
    status: typeof status === 'string' ? scrubCardNumbers(status).slice(0, 100) : undefined,
    code,
    message: message === undefined ? undefined : scrubCardNumbers(message).slice(0, 300),
  };
}

export class EcommpayClient {
  readonly projectId: number;
  readonly #baseUrl: string;
  readonly #secretKey: string;
  readonly #transport: EcommpayTransport;
  readonly #logger: Logger | undefined;

  constructor(options: EcommpayClientOptions) {
    this.projectId = options.projectId;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#secretKey = options.secretKey;
    this.#transport = options.transport ?? gotTransport({ ...defaultTimeouts, ...options.timeouts });
    this.#logger = options.logger?.child({ provider: 'ecommpay' });
  }

  /** Signs the body into general.signature, posts it, and returns the answer whatever its status. */
  async post<T>(path: string, body: SignableBody, schema?: z.ZodType<T>): Promise<ClientAnswer<T>> {
    // Sign exactly what will be serialised (JSON drops undefined values; the signature must not count them).
    const plain = JSON.parse(JSON.stringify(body)) as SignableBody;
    const signed = { ...plain, general: { ...plain.general, signature: sign(plain, this.#secretKey) } };
    const paymentId = plain.general.payment_id;
    const started = Date.now();
    this.#logger?.debug({ path, ...requestSummary(plain) }, 'ecommpay request');

    let http: HttpAnswer;
    try {
      http = await this.#transport(`${this.#baseUrl}${path}`, JSON.stringify(signed));
    } catch (error) {
      const classified = error instanceof ProviderError ? error : transientFromNetworkError(error);
      const ms = Date.now() - started;
      this.#logger?.warn({ path, paymentId, ms, error: classified.message }, 'ecommpay unreachable');
      throw classified;
    }

    const parsedBody = parseJsonBody(http.text);
    const ok = http.statusCode >= 200 && http.statusCode < 300;
    const matched = ok && schema && parsedBody !== undefined ? schema.safeParse(parsedBody) : undefined;
    this.#logger?.info(
      {
        path,
        paymentId,
        statusCode: http.statusCode,
        ms: Date.now() - started,
        matched: matched?.success,
        ...answerSummary(parsedBody),
      },
      'ecommpay answer',
    );
    return {
      statusCode: http.statusCode,
      headers: http.headers,
      body: parsedBody,
      data: matched?.success ? matched.data : undefined,
    };
  }
}
