/**
 * Identities (each with the key that signs its webhooks), wallets with a balance, and webhooks, in the
 * RBKmoney sandbox. The key is per identity, as in the provider's implementation (its spec says per webhook).
 */
import { empty, json, location, type Outcome, paramsOf, refused, type StateContext } from './answers.js';
import type { Emitted } from './events.js';
import type { IdentityRequest, WalletRequest, WebhookRequest } from './requests.js';
import { newSigningKey, signingKeyFromPem } from './signing.js';
import type { Identity, Wallet, Webhook } from './wire.js';

interface IdentityRecord {
  identity: Identity;
  params: string;
  privateKeyPem: string;
  publicKey: string;
}

export interface WalletRecord {
  wallet: Wallet;
  params: string;
  own: number;
  /** Held for withdrawals still Pending. */
  held: number;
}

export class Accounts {
  readonly #identities = new Map<string, IdentityRecord>();
  readonly #wallets = new Map<string, WalletRecord>();
  readonly #webhooks = new Map<string, Webhook>();
  #webhookSeq = 0;

  constructor(private readonly context: StateContext) {}

  reset(): void {
    this.#identities.clear();
    this.#wallets.clear();
    this.#webhooks.clear();
    this.#webhookSeq = 0;
  }

  createIdentity(request: IdentityRequest): Outcome<Identity> {
    const { settings } = this.context;
    if (!settings.identityProviders.includes(request.provider)) return refused('No such provider');
    const id = this.context.idFor('identity', request.externalID);
    const params = paramsOf(request);
    const existing = this.#identities.get(id);
    if (existing) return this.context.repeat(existing.params === params, existing.identity, { id }, 201, 'identities');
    const keys = settings.webhookPrivateKeyPem ? signingKeyFromPem(settings.webhookPrivateKeyPem) : newSigningKey();
    const identity: Identity = {
      id,
      name: request.name,
      provider: request.provider,
      createdAt: this.context.timestamp(),
      isBlocked: false,
      metadata: request.metadata,
      externalID: request.externalID,
    };
    this.#identities.set(id, { identity, params, ...keys });
    return { answer: json(201, identity, location('identities', id)), events: [], created: identity };
  }

  hasIdentity(id: string): boolean {
    return this.#identities.has(id);
  }

  getIdentity(id: string) {
    const record = this.#identities.get(id);
    return record ? json(200, record.identity) : empty(404);
  }

  /** The key that signs this identity's webhooks (PKCS#8 PEM). */
  signingKey(identityId: string): string | undefined {
    return this.#identities.get(identityId)?.privateKeyPem;
  }

  createWallet(request: WalletRequest): Outcome<Wallet> {
    if (!this.#identities.has(request.identity)) return refused('No such identity');
    if (!this.context.settings.currencies.includes(request.currency)) return refused('Currency not supported');
    const id = this.context.idFor('wallet', request.externalID);
    const params = paramsOf(request);
    const existing = this.#wallets.get(id);
    if (existing) return this.context.repeat(existing.params === params, existing.wallet, { id }, 201, 'wallets');
    const wallet: Wallet = {
      id,
      name: request.name,
      identity: request.identity,
      currency: request.currency,
      createdAt: this.context.timestamp(),
      isBlocked: false,
      metadata: request.metadata,
      externalID: request.externalID,
    };
    this.#wallets.set(id, { wallet, params, own: this.context.settings.walletBalance, held: 0 });
    return { answer: json(201, wallet, location('wallets', id)), events: [], created: wallet };
  }

  wallet(id: string): WalletRecord | undefined {
    return this.#wallets.get(id);
  }

  getWallet(id: string) {
    const record = this.#wallets.get(id);
    return record ? json(200, record.wallet) : empty(404);
  }

  getWalletByExternalID(externalID: string) {
    return this.getWallet(this.context.idFor('wallet', externalID));
  }

  getWalletAccount(id: string) {
    const record = this.#wallets.get(id);
    if (!record) return empty(404);
    const { currency } = record.wallet;
    return json(200, {
      own: { amount: record.own, currency },
      available: { amount: record.own - record.held, currency },
    });
  }

  /** Test control: sets what the wallet owns (minor units); what pending withdrawals hold stays held. */
  setBalance(id: string, own: number) {
    const record = this.#wallets.get(id);
    if (!record) return empty(404);
    record.own = own;
    return this.getWalletAccount(id);
  }

  createWebhook(request: WebhookRequest) {
    const identity = this.#identities.get(request.identityID);
    if (!identity) return json(422, { message: 'No such identity' });
    // The provider's ids are database sequence numbers, as decimal strings.
    const webhook: Webhook = {
      id: String(++this.#webhookSeq),
      ...request,
      active: true,
      publicKey: identity.publicKey,
    };
    this.#webhooks.set(webhook.id, webhook);
    return json(201, webhook);
  }

  getWebhooks(identityID: string) {
    if (!this.#identities.has(identityID)) return json(422, { message: 'No such identity' });
    return json(
      200,
      [...this.#webhooks.values()].filter((webhook) => webhook.identityID === identityID),
    );
  }

  getWebhook(id: string, identityID: string) {
    if (!this.#identities.has(identityID)) return json(422, { message: 'No such identity' });
    const webhook = this.#webhooks.get(id);
    return webhook && webhook.identityID === identityID ? json(200, webhook) : empty(404);
  }

  /** The active webhooks that take this event. */
  webhooksFor({ identityId, walletId, event }: Emitted): Webhook[] {
    const topic = event.topic === 'WithdrawalTopic' ? 'WithdrawalsTopic' : 'DestinationsTopic';
    return [...this.#webhooks.values()].filter((webhook) => {
      const { scope } = webhook;
      if (webhook.identityID !== identityId || webhook.active === false || scope.topic !== topic) return false;
      if (scope.topic === 'WithdrawalsTopic' && scope.walletID !== undefined && scope.walletID !== walletId) {
        return false;
      }
      return (scope.eventTypes as readonly string[]).includes(event.eventType);
    });
  }
}
