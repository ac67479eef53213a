/**
 * RBKmoney Wallets in the sandbox: the wallet API (`/wallet/v0`) and card tokenization (`/payres/v0`) at the
 * provider's paths, as a SandboxProviderFactory (registration: ../server.ts). Test cards and amounts:
 * ./test-cards.ts and docs/SANDBOX.md, "RBKmoney". Not served: list operations, webhook deletion (the
 * sandbox router has no DELETE), quotes, grants, deposits, reports.
 */
import { z } from 'zod';
import type { SandboxProviderFactory } from '../provider-module.js';
import { jsonReply, parseJsonBody, type Route, type SandboxRequest } from '../server.js';
import type { Answer } from './answers.js';
import { api, bodyOf, idParam, intParam, toReply } from './http.js';
import { RbkmoneyProcessing } from './processing.js';
import {
  bankCardRequestSchema,
  destinationRequestSchema,
  identityRequestSchema,
  walletRequestSchema,
  webhookRequestSchema,
  withdrawalRequestSchema,
} from './requests.js';
import type { RbkmoneySandboxSettings } from './settings.js';

export { defaultRbkmoneySandboxSettings, rbkmoneySandboxSettingsFromEnv } from './settings.js';
export type { RbkmoneySandboxSettings } from './settings.js';
export { testAmounts, testCards } from './test-cards.js';

const provider = 'rbkmoney';

const balanceSchema = z.object({ own: z.number().int().min(0) }).strict();

export function rbkmoneySandbox(settings: RbkmoneySandboxSettings): SandboxProviderFactory {
  return (context) => {
    const processing = new RbkmoneyProcessing(context, settings);
    const { accounts, destinations, withdrawals } = processing.state;
    const wallet = (handle: (request: SandboxRequest) => Answer) =>
      api({ apiKey: settings.apiKey, deadline: true }, handle);
    const payres = (handle: (request: SandboxRequest) => Answer) =>
      api({ apiKey: settings.apiKey, deadline: false }, handle);
    const query = (method: 'GET' | 'POST', path: string, handle: Route['handle']): Route => ({
      method,
      path,
      kind: 'query',
      provider,
      handle,
    });

    const routes: Route[] = [
      query(
        'POST',
        '/payres/v0/bank-cards',
        payres((r) => destinations.storeBankCard(bodyOf(r, bankCardRequestSchema, 'bankCard'))),
      ),
      query(
        'GET',
        '/payres/v0/bank-cards/:token',
        payres((r) => destinations.getBankCard(idParam(r.params.token, 'token', 1000))),
      ),
      query(
        'POST',
        '/wallet/v0/identities',
        wallet((r) => accounts.createIdentity(bodyOf(r, identityRequestSchema, 'identity')).answer),
      ),
      query(
        'GET',
        '/wallet/v0/identities/:id',
        wallet((r) => accounts.getIdentity(idParam(r.params.id, 'identityID'))),
      ),
      query(
        'POST',
        '/wallet/v0/wallets',
        wallet((r) => accounts.createWallet(bodyOf(r, walletRequestSchema, 'wallet')).answer),
      ),
      query(
        'GET',
        '/wallet/v0/wallets/:id',
        wallet((r) => accounts.getWallet(idParam(r.params.id, 'walletID'))),
      ),
      query(
        'GET',
        '/wallet/v0/wallets/:id/account',
        wallet((r) => accounts.getWalletAccount(idParam(r.params.id, 'walletID'))),
      ),
      query(
        'GET',
        '/wallet/v0/external/wallets',
        wallet((r) => accounts.getWalletByExternalID(idParam(r.query.get('externalID'), 'externalID'))),
      ),
      query(
        'POST',
        '/wallet/v0/destinations',
        wallet((r) =>
          processing.destinationCreated(
            destinations.createDestination(bodyOf(r, destinationRequestSchema, 'destination')),
          ),
        ),
      ),
      query(
        'GET',
        '/wallet/v0/destinations/:id',
        wallet((r) => destinations.getDestination(idParam(r.params.id, 'destinationID'))),
      ),
      query(
        'GET',
        '/wallet/v0/external-ids/destinations/:externalID',
        wallet((r) => destinations.getDestinationByExternalID(r.params.externalID ?? '')),
      ),
      {
        method: 'POST',
        path: '/wallet/v0/withdrawals',
        // A create: the time-out-after-accept fault applies, and the withdrawal is in the ledger by then.
        kind: 'create',
        provider,
        handle: wallet((r) => processing.createWithdrawal(bodyOf(r, withdrawalRequestSchema, 'withdrawal'))),
      },
      query(
        'GET',
        '/wallet/v0/withdrawals/:id',
        wallet((r) => withdrawals.get(idParam(r.params.id, 'withdrawalID'))),
      ),
      query(
        'GET',
        '/wallet/v0/withdrawals/:id/events',
        wallet((r) => {
          const limit = intParam(r.query.get('limit'), 'limit', { min: 1, max: 1000 });
          const cursor = r.query.get('eventCursor');
          const after =
            cursor === null ? undefined : intParam(cursor, 'eventCursor', { min: -(2 ** 31), max: 2 ** 31 - 1 });
          return withdrawals.events(idParam(r.params.id, 'withdrawalID'), limit, after);
        }),
      ),
      query(
        'GET',
        '/wallet/v0/external-ids/withdrawals/:externalID',
        wallet((r) => withdrawals.getByExternalID(r.params.externalID ?? '')),
      ),
      query(
        'POST',
        '/wallet/v0/webhooks',
        wallet((r) => accounts.createWebhook(bodyOf(r, webhookRequestSchema, 'webhookParams'))),
      ),
      query(
        'GET',
        '/wallet/v0/webhooks',
        wallet((r) => accounts.getWebhooks(idParam(r.query.get('identityID'), 'identityID'))),
      ),
      query(
        'GET',
        '/wallet/v0/webhooks/:id',
        wallet((r) =>
          accounts.getWebhook(idParam(r.params.id, 'webhookID'), idParam(r.query.get('identityID'), 'identityID')),
        ),
      ),
      {
        // Test control, not the provider's: a wallet's balance, to drive a batch's balance check.
        method: 'POST',
        path: '/sandbox/rbkmoney/wallets/:id/balance',
        kind: 'control',
        handle: (r) => {
          const json = parseJsonBody(r.body);
          const parsed = json.ok ? balanceSchema.safeParse(json.value) : undefined;
          if (!parsed?.success) return jsonReply(400, { error: 'expected {"own": <minor units, integer >= 0>}' });
          return toReply(accounts.setBalance(r.params.id ?? '', parsed.data.own));
        },
      },
    ];

    return {
      name: provider,
      routes,
      reset: () => processing.reset(),
      resume: () => processing.resume(),
    };
  };
}
