/** RBKmoney wallet calls: the wallet payouts are paid from, and its account. */
import {
  type Wallet,
  type WalletAccount,
  walletAccountSchema,
  type WalletParams,
  walletSchema,
} from '../wire/wallets.js';
import { differences, resolveConflict } from './conflicts.js';
import { type Answer, type RbkmoneyHttp, seg } from './http.js';

export async function createWallet(http: RbkmoneyHttp, params: WalletParams): Promise<Wallet> {
  const operation = 'createWallet';
  const externalID = params.externalID;
  const settle =
    externalID === undefined
      ? undefined
      : (answer: Answer) =>
          resolveConflict(
            operation,
            answer,
            externalID,
            { byExternalID: () => getWalletByExternalID(http, externalID), byId: (id) => getWallet(http, id) },
            (e) =>
              differences([
                ['name', params.name, e.name],
                ['identity', params.identity, e.identity],
                ['currency', params.currency, e.currency],
                ['metadata', params.metadata, e.metadata],
              ]),
          );
  const { created } = await http.create(operation, 'wallet', '/wallet/v0/wallets', params, walletSchema, settle);
  return created;
}

export function getWallet(http: RbkmoneyHttp, walletID: string): Promise<Wallet | undefined> {
  return http.read('getWallet', `/wallet/v0/wallets/${seg(walletID)}`, walletSchema);
}

export function getWalletByExternalID(http: RbkmoneyHttp, externalID: string): Promise<Wallet | undefined> {
  return http.read('getWalletByExternalID', '/wallet/v0/external/wallets', walletSchema, { externalID });
}

export function getWalletAccount(http: RbkmoneyHttp, walletID: string): Promise<WalletAccount | undefined> {
  return http.read('getWalletAccount', `/wallet/v0/wallets/${seg(walletID)}/account`, walletAccountSchema);
}
