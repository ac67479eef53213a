/**
 * HTTP client for the RBKmoney Wallets API (`/wallet/v0`) and its card tokenization API (`/payres/v0`).
 * One request per call (no retries here: activities own retrying), every answer checked against wire.ts,
 * every failure classified by errors.ts. Creates are idempotent by externalID: a 409 is resolved by fetching
 * the existing object and comparing it with what we sent. Reads answer `undefined` for 404.
 * Logs carry operation, method, path, status and X-Request-ID only: never bodies, never the API key.
 */
import { randomUUID } from 'node:crypto';
import got, { type Got, type Response } from 'got';
import type { z } from 'zod';
import { IdempotencyConflictError, type ProviderError, TransientProviderError } from '../errors.js';
import { classifyHttpAnswer, classifyRequestFailure, unexpectedAnswer } from './errors.js';
import { type BankCard, type StoreBankCardResponse, storeBankCardResponseSchema } from './wire/cards.js';
import { type Destination, type DestinationParams, destinationSchema } from './wire/destinations.js';
import { conflictRequestSchema } from './wire/errors.js';
import { type Identity, type IdentityParams, identitySchema } from './wire/identities.js';
import {
  type Wallet,
  type WalletAccount,
  walletAccountSchema,
  type WalletParams,
  walletSchema,
} from './wire/wallets.js';
import { type Webhook, type WebhookParams, webhookSchema } from './wire/webhooks.js';
import { type Withdrawal, type WithdrawalParameters, withdrawalSchema } from './wire/withdrawals.js';
import { parseJsonBody } from '../http.js';

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

type Api = 'wallet' | 'payres';

interface Answer {
  status: number;
  body: unknown;
  retryAfter?: string;
}

const silent: ClientLogger = { info: () => undefined, warn: () => undefined };

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, child]) => [key, canonical(child)]),
    );
  }
  return value;
}

/** Metadata we did not send and metadata the server echoes as `{}` are the same thing. */
function sameMetadata(sent: unknown, existing: unknown): boolean {
  const empty = (m: unknown) => m === undefined || (typeof m === 'object' && m !== null && Object.keys(m).length === 0);
  if (empty(sent) && empty(existing)) return true;
  return JSON.stringify(canonical(sent)) === JSON.stringify(canonical(existing));
}

/** Names of the fields whose values differ; values are not reported (they may be personal data). */
function differences(pairs: Array<[field: string, sent: unknown, existing: unknown]>): string[] {
  return pairs
    .filter(([field, sent, existing]) =>
      field === 'metadata' ? !sameMetadata(sent, existing) : JSON.stringify(sent) !== JSON.stringify(existing),
    )
    .map(([field]) => field);
}

function conflictError(operation: string, externalID: string, id: string, differing: string[]) {
  return new IdempotencyConflictError(
    'rbkmoney',
    `RBKmoney ${operation}: externalID "${externalID}" already names ${id}, created with a different ` +
      `${differing.join(', ')}; this request was not executed`,
    'conflict',
  );
}

function withdrawalDifferences(params: WithdrawalParameters, existing: Withdrawal): string[] {
  return differences([
    ['wallet', params.wallet, existing.wallet],
    ['destination', params.destination, existing.destination],
    ['body.amount', params.body.amount, existing.body.amount],
    ['body.currency', params.body.currency, existing.body.currency],
    ['metadata', params.metadata, existing.metadata],
  ]);
}

const seg = encodeURIComponent;

export class RbkmoneyClient {
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

  private async send(
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

  private parse<T>(operation: string, answer: Answer, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(answer.body);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw unexpectedAnswer(operation, answer.status, problems.join('; '));
  }

  private failure(operation: string, answer: Answer): ProviderError {
    return classifyHttpAnswer({ operation, ...answer });
  }

  private async read<T>(
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
   * After a 409: find what the externalID already names (by externalID, else by the id in the 409 body) and
   * accept it when every field we sent matches; otherwise the key is taken by another request.
   */
  private async resolveConflict<T extends { id: string }>(
    operation: string,
    answer: Answer,
    externalID: string,
    lookup: { byExternalID?: () => Promise<T | undefined>; byId: (id: string) => Promise<T | undefined> },
    compare: (existing: T) => string[],
  ): Promise<T> {
    const conflict = conflictRequestSchema.safeParse(answer.body);
    const conflictId = conflict.success ? conflict.data.id : undefined;
    let existing = lookup.byExternalID ? await lookup.byExternalID() : undefined;
    if (!existing && conflictId) existing = await lookup.byId(conflictId);
    if (!existing) {
      throw new TransientProviderError(
        'rbkmoney',
        `RBKmoney ${operation}: 409 for externalID "${externalID}" but the existing object cannot be read yet`,
        'conflict_unresolved',
      );
    }
    const differing = compare(existing);
    if (differing.length === 0) return existing;
    throw conflictError(operation, externalID, existing.id, differing);
  }

  // --- Identity ---

  async createIdentity(params: IdentityParams): Promise<Identity> {
    const operation = 'createIdentity';
    const answer = await this.send(operation, 'wallet', 'POST', '/wallet/v0/identities', { json: params });
    if (isSuccess(answer.status)) return this.parse(operation, answer, identitySchema);
    if (answer.status === 409 && params.externalID !== undefined) {
      // No by-externalID read for identities: the 409 body's id is the only way to the existing one.
      return this.resolveConflict(operation, answer, params.externalID, { byId: (id) => this.getIdentity(id) }, (e) =>
        differences([
          ['name', params.name, e.name],
          ['provider', params.provider, e.provider],
          ['metadata', params.metadata, e.metadata],
        ]),
      );
    }
    throw this.failure(operation, answer);
  }

  getIdentity(identityID: string): Promise<Identity | undefined> {
    return this.read('getIdentity', `/wallet/v0/identities/${seg(identityID)}`, identitySchema);
  }

  // --- Wallet ---

  async createWallet(params: WalletParams): Promise<Wallet> {
    const operation = 'createWallet';
    const answer = await this.send(operation, 'wallet', 'POST', '/wallet/v0/wallets', { json: params });
    if (isSuccess(answer.status)) return this.parse(operation, answer, walletSchema);
    const externalID = params.externalID;
    if (answer.status === 409 && externalID !== undefined) {
      return this.resolveConflict(
        operation,
        answer,
        externalID,
        { byExternalID: () => this.getWalletByExternalID(externalID), byId: (id) => this.getWallet(id) },
        (e) =>
          differences([
            ['name', params.name, e.name],
            ['identity', params.identity, e.identity],
            ['currency', params.currency, e.currency],
            ['metadata', params.metadata, e.metadata],
          ]),
      );
    }
    throw this.failure(operation, answer);
  }

  getWallet(walletID: string): Promise<Wallet | undefined> {
    return this.read('getWallet', `/wallet/v0/wallets/${seg(walletID)}`, walletSchema);
  }

  getWalletByExternalID(externalID: string): Promise<Wallet | undefined> {
    return this.read('getWalletByExternalID', '/wallet/v0/external/wallets', walletSchema, { externalID });
  }

  getWalletAccount(walletID: string): Promise<WalletAccount | undefined> {
    return this.read('getWalletAccount', `/wallet/v0/wallets/${seg(walletID)}/account`, walletAccountSchema);
  }

  // --- Card tokenization ---

  /** Sends the card number to payres; the answer holds a token (valid about an hour) and no card number. */
  async storeBankCard(card: BankCard): Promise<StoreBankCardResponse> {
    const operation = 'storeBankCard';
    const answer = await this.send(operation, 'payres', 'POST', '/payres/v0/bank-cards', { json: card });
    if (isSuccess(answer.status)) return this.parse(operation, answer, storeBankCardResponseSchema);
    throw this.failure(operation, answer);
  }

  // --- Destination ---

  /**
   * The answer's resource carries the provider's own card token, not the payres token we sent, so a 409 is
   * settled on the name (which holds the masked card), identity, currency, resource type and metadata.
   */
  async createDestination(params: DestinationParams): Promise<Destination> {
    const operation = 'createDestination';
    const answer = await this.send(operation, 'wallet', 'POST', '/wallet/v0/destinations', { json: params });
    if (isSuccess(answer.status)) return this.parse(operation, answer, destinationSchema);
    if (answer.status === 409) {
      return this.resolveConflict(
        operation,
        answer,
        params.externalID,
        {
          byExternalID: () => this.getDestinationByExternalID(params.externalID),
          byId: (id) => this.getDestination(id),
        },
        (e) =>
          differences([
            ['name', params.name, e.name],
            ['identity', params.identity, e.identity],
            ['currency', params.currency, e.currency],
            ['resource.type', params.resource.type, e.resource.type],
            ['metadata', params.metadata, e.metadata],
          ]),
      );
    }
    throw this.failure(operation, answer);
  }

  getDestination(destinationID: string): Promise<Destination | undefined> {
    return this.read('getDestination', `/wallet/v0/destinations/${seg(destinationID)}`, destinationSchema);
  }

  getDestinationByExternalID(externalID: string): Promise<Destination | undefined> {
    const path = `/wallet/v0/external-ids/destinations/${seg(externalID)}`;
    return this.read('getDestinationByExternalID', path, destinationSchema);
  }

  // --- Withdrawal ---

  /** 202: accepted and Pending (or, for a repeated externalID with the same parameters, the existing one). */
  async createWithdrawal(params: WithdrawalParameters): Promise<Withdrawal> {
    return (await this.createWithdrawalOutcome(params)).withdrawal;
  }

  /** createWithdrawal, also saying whether the answer was a 409 settled into the withdrawal made earlier. */
  async createWithdrawalOutcome(
    params: WithdrawalParameters,
  ): Promise<{ withdrawal: Withdrawal; settled409: boolean }> {
    const operation = 'createWithdrawal';
    const answer = await this.send(operation, 'wallet', 'POST', '/wallet/v0/withdrawals', { json: params });
    if (isSuccess(answer.status)) {
      return { withdrawal: this.parse(operation, answer, withdrawalSchema), settled409: false };
    }
    if (answer.status === 409) {
      const withdrawal = await this.resolveConflict(
        operation,
        answer,
        params.externalID,
        {
          byExternalID: () => this.getWithdrawalByExternalID(params.externalID),
          byId: (id) => this.getWithdrawal(id),
        },
        (existing) => withdrawalDifferences(params, existing),
      );
      return { withdrawal, settled409: true };
    }
    throw this.failure(operation, answer);
  }

  getWithdrawal(withdrawalID: string): Promise<Withdrawal | undefined> {
    return this.read('getWithdrawal', `/wallet/v0/withdrawals/${seg(withdrawalID)}`, withdrawalSchema);
  }

  getWithdrawalByExternalID(externalID: string): Promise<Withdrawal | undefined> {
    const path = `/wallet/v0/external-ids/withdrawals/${seg(externalID)}`;
    return this.read('getWithdrawalByExternalID', path, withdrawalSchema);
  }

  // --- Webhooks ---

  /** Not idempotent (no externalID): look with getWebhooks first. */
  async createWebhook(params: WebhookParams): Promise<Webhook> {
    const operation = 'createWebhook';
    const answer = await this.send(operation, 'wallet', 'POST', '/wallet/v0/webhooks', { json: params });
    if (isSuccess(answer.status)) return this.parse(operation, answer, webhookSchema);
    throw this.failure(operation, answer);
  }

  async getWebhooks(identityID: string): Promise<Webhook[]> {
    const operation = 'getWebhooks';
    const answer = await this.send(operation, 'wallet', 'GET', '/wallet/v0/webhooks', {
      searchParams: { identityID },
    });
    if (isSuccess(answer.status)) return this.parse(operation, answer, webhookSchema.array());
    throw this.failure(operation, answer);
  }
}
