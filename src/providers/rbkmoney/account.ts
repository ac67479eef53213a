/**
 * One-time account setup for RBKmoney payouts, as the provider's mass-payout guide lays it out: one identity,
 * one wallet, and webhooks for withdrawal and destination events. Safe to run again: the identity and wallet
 * are created by externalID (a repeat returns the same objects), and webhooks, which have no externalID, are
 * looked up first and created only when none of ours matches.
 */
import type { RbkmoneyClient } from './client.js';
import {
  destinationEventTypes,
  type Webhook,
  type WebhookScope,
  withdrawalEventTypes,
  type WebhookParams,
} from './wire/webhooks.js';

export interface AccountSetupInput {
  identity: {
    name: string;
    provider: string;
    externalID: string;
    /** The identity class (RBKMONEY_IDENTITY_CLASS); `person` when unset, as the provider's guide sends. */
    class?: string;
    metadata?: Record<string, unknown>;
  };
  wallet: { name: string; currency: string; externalID: string; metadata?: Record<string, unknown> };
  /** Where the provider delivers events (our webhook relay); the spec caps it at 1000 characters. */
  webhookUrl: string;
}

export interface AccountSetup {
  identityId: string;
  walletId: string;
  webhooks: Array<{ id: string; topic: WebhookScope['topic']; created: boolean }>;
  /**
   * The distinct public keys of those webhooks, to configure as RBKMONEY_WEBHOOK_PUBLIC_KEY. The provider's
   * server keeps one key per identity, its spec text says one per webhook: configure every key listed.
   */
  webhookPublicKeys: string[];
}

const maxWebhookUrlLength = 1000;

function wantedScopes(walletID: string): WebhookScope[] {
  return [
    { topic: 'WithdrawalsTopic', walletID, eventTypes: [...withdrawalEventTypes] },
    { topic: 'DestinationsTopic', eventTypes: [...destinationEventTypes] },
  ];
}

/** An active webhook of ours to the same URL, for the same topic (and wallet), covering every event type. */
function covers(existing: Webhook, url: string, scope: WebhookScope): boolean {
  if (existing.active === false || existing.url !== url || existing.scope.topic !== scope.topic) return false;
  if (scope.topic === 'WithdrawalsTopic' && existing.scope.topic === 'WithdrawalsTopic') {
    if (existing.scope.walletID !== scope.walletID) return false;
  }
  const types: readonly string[] = existing.scope.eventTypes;
  return scope.eventTypes.every((type) => types.includes(type));
}

export async function setupAccount(client: RbkmoneyClient, input: AccountSetupInput): Promise<AccountSetup> {
  const url = input.webhookUrl;
  if (!URL.canParse(url)) throw new RangeError('the webhook URL is not an absolute URL');
  if (url.length > maxWebhookUrlLength) throw new RangeError('the webhook URL is longer than 1000 characters');

  const identity = await client.createIdentity({ ...input.identity, class: input.identity.class ?? 'person' });
  const wallet = await client.createWallet({ ...input.wallet, identity: identity.id });

  const existing = await client.getWebhooks(identity.id);
  const webhooks: Webhook[] = [];
  const report: AccountSetup['webhooks'] = [];
  for (const scope of wantedScopes(wallet.id)) {
    const found = existing.find((webhook) => covers(webhook, url, scope));
    const params: WebhookParams = { identityID: identity.id, url, scope };
    const webhook = found ?? (await client.createWebhook(params));
    webhooks.push(webhook);
    report.push({ id: webhook.id, topic: scope.topic, created: !found });
  }
  const keys = webhooks.map((webhook) => webhook.publicKey).filter((key): key is string => Boolean(key));
  return { identityId: identity.id, walletId: wallet.id, webhooks: report, webhookPublicKeys: [...new Set(keys)] };
}
