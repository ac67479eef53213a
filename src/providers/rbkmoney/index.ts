/**
 * RBKmoney Wallets as a PayoutProvider: one withdrawal per payout, from the configured wallet to a destination
 * bound earlier (tokenizeCard + ensureDestination, run by the card's binding workflow), keyed by externalID;
 * status by withdrawal id or externalID; signed webhooks. Sources: docs/PROVIDERS.md, "RBKmoney".
 *
 * The skeleton every provider folder has (docs/PROVIDERS.md): index.ts (this factory), client.ts (HTTP, over
 * client/ by resource), wire/ (schemas by resource), callbacks.ts, rules.ts, signature.ts, errors.ts; here also
 * destinations.ts (card binding), account.ts (one-time setup) and fingerprint.ts.
 */
import type { PanCard, PayoutRequest } from '../../domain/payout-request.js';
import type {
  AccountBalance,
  CallbackResult,
  CardBinding,
  PayoutProvider,
  ProviderStatus,
  StatusLookup,
  SubmitInput,
  SubmitResult,
  ValidationProblem,
} from '../contract.js';
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  statusWhenRefused,
  SystemicProviderError,
} from '../errors.js';
import { withdrawalFailureError } from './errors.js';
import { type AccountSetup, type AccountSetupInput, setupAccount } from './account.js';
import { type ClientLogger, RbkmoneyClient } from './client.js';
import { paymentDifferences } from './client/withdrawals.js';
import {
  type DestinationInfo,
  type EnsureDestinationInput,
  ensureDestination,
  getDestination,
  type TokenizedCard,
  tokenizeCard,
} from './destinations.js';
import { cardFingerprint } from '../../domain/card-fingerprint.js';
import { destinationExternalId } from './fingerprint.js';
import { payoutProblems } from './rules.js';
import { parseCallback, parsePublicKeys } from './callbacks.js';
import { buildCreateWithdrawal, withdrawalToProviderStatus } from './wire/withdrawals.js';

export { cardFingerprint } from '../../domain/card-fingerprint.js';
export { destinationExternalId } from './fingerprint.js';
export type { AccountSetup, AccountSetupInput } from './account.js';
export type { DestinationInfo, EnsureDestinationInput, TokenizedCard } from './destinations.js';

export interface RbkmoneyProviderOptions {
  /** Scheme and host before `/wallet/v0`. */
  baseUrl: string;
  /** From the environment, through the caller; never logged. */
  apiKey: string;
  /** The identity destinations are bound to (RBKMONEY_IDENTITY_ID, printed by setupAccount). */
  identityId?: string;
  /** The wallet payouts are paid from (RBKMONEY_WALLET_ID). */
  walletId?: string;
  /** The wallet's currency, when known: payouts in another one are refused by validate. */
  walletCurrency?: string;
  /** The webhooks' public key(s) as setupAccount returns them; without one every callback is refused. */
  webhookPublicKey?: string | readonly string[];
  /** CARD_FINGERPRINT_KEY: the HMAC key of cardFingerprint. */
  cardFingerprintKey?: string;
  logger?: ClientLogger;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  deadlineMs?: number;
  /** Clock for the card expiry rule. */
  now?: () => Date;
}

export interface RbkmoneyProvider extends PayoutProvider {
  readonly name: 'rbkmoney';
  /** Sends the card to payres and returns its token; the card number and CVV go nowhere else. */
  tokenizeCard(card: PanCard): Promise<TokenizedCard>;
  /** The destination named by externalID, created from the token when there is none yet. */
  ensureDestination(
    input: Omit<EnsureDestinationInput, 'identityId'> & { identityId?: string },
  ): Promise<DestinationInfo>;
  getDestination(id: string): Promise<DestinationInfo | undefined>;
  /** Identity, wallet and webhooks, created once; safe to repeat. */
  setupAccount(input: AccountSetupInput): Promise<AccountSetup>;
  /** HMAC-SHA256 of the card number under the configured key, hex: names a card without revealing it. */
  cardFingerprint(card: PanCard): string;
  /** The destination externalID of this card for the configured identity and a currency. */
  destinationExternalId(card: PanCard, currency: string): string;
  availableBalance(currency: string): Promise<AccountBalance>;
  /** The capability a payout's card binding uses: the calls above. */
  readonly cardBinding: CardBinding;
}

function required<T>(value: T | undefined, variable: string, purpose: string): T {
  if (value === undefined) throw new SystemicProviderError('rbkmoney', `${variable} is not configured (${purpose})`);
  return value;
}

/**
 * How much earlier than our request a new withdrawal's `createdAt` may read, for clocks that disagree: a
 * withdrawal older than that existed before we asked. Either mistake is harmless (an extra read, or a repeat
 * whose answer was already compared above), so the margin only keeps the labels honest.
 */
const clockSkewMs = 5_000;

function createdBefore(createdAt: string | undefined, askedAt: Date): boolean {
  const created = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return Number.isFinite(created) && created < askedAt.getTime() - clockSkewMs;
}

export function createRbkmoneyProvider(options: RbkmoneyProviderOptions): RbkmoneyProvider {
  const client = new RbkmoneyClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    deadlineMs: options.deadlineMs,
  });
  const now = options.now ?? (() => new Date());
  const publicKeys = parsePublicKeys(options.webhookPublicKey);

  return {
    name: 'rbkmoney',

    validate(request: PayoutRequest): ValidationProblem[] {
      return payoutProblems(request, { walletCurrency: options.walletCurrency, now: now() });
    },

    async submit({ request, idempotencyKey, prepared }: SubmitInput): Promise<SubmitResult> {
      const walletID = required(options.walletId, 'RBKMONEY_WALLET_ID', 'the wallet payouts are paid from');
      const destinationID = prepared?.destinationId ?? ('token' in request.card ? request.card.token : undefined);
      if (!destinationID) {
        throw new InvalidPayoutRequestError(
          'rbkmoney',
          `RBKmoney payout ${request.payoutId} has no destination: bind the card before submitting`,
          'no_destination',
        );
      }
      const params = buildCreateWithdrawal({
        externalID: idempotencyKey,
        walletID,
        destinationID,
        amount: request.amount,
        currency: request.currency,
        metadata: { payoutId: request.payoutId },
      });
      const askedAt = now();
      const { withdrawal, settled409 } = await client.createWithdrawalOutcome(params);
      // fistful answers a repeat with identical parameters 202 and the existing withdrawal: a claim, checked.
      const differing = paymentDifferences(params, withdrawal);
      if (differing.length > 0) {
        throw new IdempotencyConflictError(
          'rbkmoney',
          `RBKmoney answered externalID "${idempotencyKey}" with withdrawal ${withdrawal.id}, which differs in ${differing.join(', ')}`,
          'idempotency_conflict',
        );
      }
      // A new withdrawal is Pending and created as we asked. One already final, or created before we asked, is
      // the existing withdrawal under our key (fistful answers a repeat 202 with it): a duplicate, which the
      // payout reads back and compares before waiting on it (docs/PROVIDERS.md, "Idempotency").
      const duplicate = settled409 || withdrawal.status !== 'Pending' || createdBefore(withdrawal.createdAt, askedAt);
      return { outcome: duplicate ? 'duplicate' : 'accepted', reference: withdrawal.id };
    },

    async getStatus({ idempotencyKey, reference }: StatusLookup): Promise<ProviderStatus> {
      try {
        const withdrawal =
          (reference ? await client.getWithdrawal(reference) : undefined) ??
          (await client.getWithdrawalByExternalID(idempotencyKey));
        if (!withdrawal) {
          return { state: 'unknown', reason: 'not found: RBKmoney has no withdrawal with this externalID' };
        }
        if (withdrawal.externalID !== undefined && withdrawal.externalID !== idempotencyKey) {
          return { state: 'unknown', reference: withdrawal.id, reason: 'RBKmoney answered about another externalID' };
        }
        const status = withdrawalToProviderStatus(withdrawal);
        // account_limit_exceeded is our wallet running dry, not the card: systemic, counted by a batch's breaker.
        return status.state === 'declined'
          ? { ...status, failureClass: withdrawalFailureError(withdrawal).errorClass }
          : status;
      } catch (error) {
        return statusWhenRefused(error);
      }
    },

    parseCallback: (rawBody, headers): CallbackResult => parseCallback(rawBody, headers, publicKeys),

    tokenizeCard: (card) => tokenizeCard(client, card),

    ensureDestination: (input) =>
      ensureDestination(client, {
        ...input,
        identityId: input.identityId ?? required(options.identityId, 'RBKMONEY_IDENTITY_ID', 'destinations'),
      }),

    getDestination: (id) => getDestination(client, id),

    get cardBinding(): CardBinding {
      return this;
    },

    /** The wallet's `available` (own minus what pending withdrawals hold); the wallet has one currency. */
    async availableBalance(_currency: string): Promise<AccountBalance> {
      const walletID = required(options.walletId, 'RBKMONEY_WALLET_ID', 'the wallet payouts are paid from');
      const account = await client.getWalletAccount(walletID);
      if (!account)
        throw new SystemicProviderError('rbkmoney', `RBKmoney wallet ${walletID} does not exist`, 'no_wallet');
      return { amount: account.available.amount, currency: account.available.currency };
    },

    setupAccount: (input) => setupAccount(client, input),

    cardFingerprint(card: PanCard): string {
      return cardFingerprint(
        card.pan,
        required(options.cardFingerprintKey, 'CARD_FINGERPRINT_KEY', 'card fingerprints'),
      );
    },

    destinationExternalId(card: PanCard, currency: string): string {
      return destinationExternalId({
        fingerprint: this.cardFingerprint(card),
        identityId: required(options.identityId, 'RBKMONEY_IDENTITY_ID', 'destinations'),
        currency,
      });
    },
  };
}
