/**
 * HTTP client for the RBKmoney Wallets API (`/wallet/v0`) and its card tokenization API (`/payres/v0`), one
 * method per call. The transport is client/http.ts; each resource's calls, with how a 409 on its create is
 * settled, are in client/<resource>.ts. Creates are idempotent by externalID: a 409 is resolved by fetching
 * the existing object and comparing it with what we sent. Reads answer `undefined` for 404.
 */
import type { BankCard, StoreBankCardResponse } from './wire/cards.js';
import type { Destination, DestinationParams } from './wire/destinations.js';
import type { Identity, IdentityParams } from './wire/identities.js';
import type { Wallet, WalletAccount, WalletParams } from './wire/wallets.js';
import type { Webhook, WebhookParams } from './wire/webhooks.js';
import type { Withdrawal, WithdrawalParameters } from './wire/withdrawals.js';
import { storeBankCard } from './client/cards.js';
import { createDestination, getDestination, getDestinationByExternalID } from './client/destinations.js';
import { RbkmoneyHttp } from './client/http.js';
import { createIdentity, getIdentity } from './client/identities.js';
import { createWallet, getWallet, getWalletAccount, getWalletByExternalID } from './client/wallets.js';
import { createWebhook, getWebhooks } from './client/webhooks.js';
import { createWithdrawal, getWithdrawal, getWithdrawalByExternalID } from './client/withdrawals.js';

export type { ClientLogger, RbkmoneyClientOptions } from './client/http.js';

export class RbkmoneyClient extends RbkmoneyHttp {
  createIdentity(params: IdentityParams): Promise<Identity> {
    return createIdentity(this, params);
  }

  getIdentity(identityID: string): Promise<Identity | undefined> {
    return getIdentity(this, identityID);
  }

  createWallet(params: WalletParams): Promise<Wallet> {
    return createWallet(this, params);
  }

  getWallet(walletID: string): Promise<Wallet | undefined> {
    return getWallet(this, walletID);
  }

  getWalletByExternalID(externalID: string): Promise<Wallet | undefined> {
    return getWalletByExternalID(this, externalID);
  }

  getWalletAccount(walletID: string): Promise<WalletAccount | undefined> {
    return getWalletAccount(this, walletID);
  }

  /** Sends the card number to payres; the answer holds a token (valid about an hour) and no card number. */
  storeBankCard(card: BankCard): Promise<StoreBankCardResponse> {
    return storeBankCard(this, card);
  }

  createDestination(params: DestinationParams): Promise<Destination> {
    return createDestination(this, params);
  }

  getDestination(destinationID: string): Promise<Destination | undefined> {
    return getDestination(this, destinationID);
  }

  getDestinationByExternalID(externalID: string): Promise<Destination | undefined> {
    return getDestinationByExternalID(this, externalID);
  }

  /** 202: accepted and Pending (or, for a repeated externalID with the same parameters, the existing one). */
  async createWithdrawal(params: WithdrawalParameters): Promise<Withdrawal> {
    return (await createWithdrawal(this, params)).created;
  }

  /** createWithdrawal, also saying whether the answer was a 409 settled into the withdrawal made earlier. */
  async createWithdrawalOutcome(
    params: WithdrawalParameters,
  ): Promise<{ withdrawal: Withdrawal; settled409: boolean }> {
    const { created, settled409 } = await createWithdrawal(this, params);
    return { withdrawal: created, settled409 };
  }

  getWithdrawal(withdrawalID: string): Promise<Withdrawal | undefined> {
    return getWithdrawal(this, withdrawalID);
  }

  getWithdrawalByExternalID(externalID: string): Promise<Withdrawal | undefined> {
    return getWithdrawalByExternalID(this, externalID);
  }

  /** Not idempotent (no externalID): look with getWebhooks first. */
  createWebhook(params: WebhookParams): Promise<Webhook> {
    return createWebhook(this, params);
  }

  getWebhooks(identityID: string): Promise<Webhook[]> {
    return getWebhooks(this, identityID);
  }
}
