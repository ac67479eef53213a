/**
 * The transport under every RBKmoney call, Wallets API (`/wallet/v0`) and card tokenization (`/payres/v0`)
 * alike: one request per call (no retries here: activities own retrying), every answer checked against a wire/
 * schema, every failure classified by ../errors.ts. Reads answer `undefined` for 404. Logs carry operation,
 * method, path, status and X-Request-ID only: never bodies, never the API key. The calls themselves are in the
 * resource modules beside this one.
 */
import { randomUUID } from 'node:crypto';
import got, { type Got, type Response } from 'got';
import type { z } from 'zod';
import type { ProviderError } from '../../errors.js';
import { parseJsonBody } from '../../http.js';
import { classifyHttpAnswer, classifyRequestFailure, unexpectedAnswer } from '../errors.js';

export interface ClientLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RbkmoneyClientOptions {
  /** Scheme and host (and any prefix) before `/wallet/v0`, e.g. `https://api.rbk.money`. */
  baseUrl: string;
  /** The API key (a JWT); sent as `Authorization: Bearer`, never logged. */
  apiKey: string;
  logger?: ClientLogger;
  /** Whole-request timeout; default 30 s. */
  timeoutMs?: number;
  /** TCP and TLS connect timeouts; default 5 s. */
  connectTimeoutMs?: number;
  /** `X-Request-Deadline` for wallet API calls, kept under timeoutMs so the server gives up first; default 25 s. */
  deadlineMs?: number;
  /** X-Request-ID source (at most 32 characters); default 32 hex digits of a random UUID. */
  requestId?: () => string;
}

export type Api = 'wallet' | 'payres';

export interface Answer {
  status: number;
  body: unknown;
  retryAfter?: string;
}

const silent: ClientLogger = { info: () => undefined, warn: () => undefined };

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** How a create ended: the object, and whether it came from settling a 409 into the one made earlier. */
export interface Created<T> {
  created: T;
  settled409: boolean;
}

export class RbkmoneyHttp {
  private readonly http: Got;
  private readonly baseUrl: string;
  private readonly logger: ClientLogger;
  private readonly deadline: string;
  private readonly nextRequestId: () => string;

  constructor(private readonly options: RbkmoneyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.logger = options.logger ?? silent;
    this.deadline = `${options.deadlineMs ?? 25_000}ms`;
    this.nextRequestId = options.requestId ?? (() => randomUUID().replaceAll('-', ''));
    const connect = options.connectTimeoutMs ?? 5_000;
    this.http = got.extend({
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      timeout: { connect, secureConnect: connect, request: options.timeoutMs ?? 30_000 },
    });
  }

  async send(
    operation: string,
    api: Api,
    method: 'GET' | 'POST',
    path: string,
    extra: { json?: unknown; searchParams?: Record<string, string> } = {},
  ): Promise<Answer> {
    const requestId = this.nextRequestId().slice(0, 32);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      'x-request-id': requestId,
      accept: 'application/json',
    };
    // payres defines no X-Request-Deadline parameter.
    if (api === 'wallet') headers['x-request-deadline'] = this.deadline;
    const fields = { provider: 'rbkmoney', operation, method, path, requestId };
    const started = Date.now();
    let response: Response<string>;
    try {
      response = await this.http(`${this.baseUrl}${path}`, {
        method,
        headers: extra.json === undefined ? headers : { ...headers, 'content-type': 'application/json; charset=utf-8' },
        ...(extra.json === undefined ? {} : { body: JSON.stringify(extra.json) }),
        ...(extra.searchParams ? { searchParams: extra.searchParams } : {}),
        responseType: 'text',
      });
    } catch (error) {
      const failure = classifyRequestFailure(operation, error);
      this.logger.warn({ ...fields, error: failure.code, durationMs: Date.now() - started }, 'RBKmoney call failed');
      throw failure;
    }
    const status = response.statusCode;
    this.logger.info({ ...fields, status, durationMs: Date.now() - started }, 'RBKmoney call');
    const retryAfter = response.headers['retry-after'];
    return { status, body: parseJsonBody(response.body), ...(retryAfter ? { retryAfter } : {}) };
  }

  parse<T>(operation: string, answer: Answer, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(answer.body);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw unexpectedAnswer(operation, answer.status, problems.join('; '));
  }

  failure(operation: string, answer: Answer): ProviderError {
    return classifyHttpAnswer({ operation, ...answer });
  }

  async read<T>(
    operation: string,
    path: string,
    schema: z.ZodType<T>,
    searchParams?: Record<string, string>,
  ): Promise<T | undefined> {
    const answer = await this.send(operation, 'wallet', 'GET', path, searchParams ? { searchParams } : {});
    if (answer.status === 404) return undefined;
    if (!isSuccess(answer.status)) throw this.failure(operation, answer);
    return this.parse(operation, answer, schema);
  }

  /**
   * POSTs a create: a 2xx answer is parsed; a 409 goes to `settle` when the create has an externalID to settle
   * it by; any other answer is classified and thrown.
   */
  async create<T>(
    operation: string,
    api: Api,
    path: string,
    json: unknown,
    schema: z.ZodType<T>,
    settle?: (answer: Answer) => Promise<T>,
  ): Promise<Created<T>> {
    const answer = await this.send(operation, api, 'POST', path, { json });
    if (isSuccess(answer.status)) return { created: this.parse(operation, answer, schema), settled409: false };
    if (answer.status === 409 && settle) return { created: await settle(answer), settled409: true };
    throw this.failure(operation, answer);
  }
}

export const seg = encodeURIComponent;
