/** RBKmoney webhook management. */
import { type Webhook, type WebhookParams, webhookSchema } from '../wire/webhooks.js';
import { isSuccess, type RbkmoneyHttp } from './http.js';

/** Not idempotent (no externalID): look with getWebhooks first. */
export async function createWebhook(http: RbkmoneyHttp, params: WebhookParams): Promise<Webhook> {
  return (await http.create('createWebhook', 'wallet', '/wallet/v0/webhooks', params, webhookSchema)).created;
}

export async function getWebhooks(http: RbkmoneyHttp, identityID: string): Promise<Webhook[]> {
  const operation = 'getWebhooks';
  const answer = await http.send(operation, 'wallet', 'GET', '/wallet/v0/webhooks', { searchParams: { identityID } });
  if (isSuccess(answer.status)) return http.parse(operation, answer, webhookSchema.array());
  throw http.failure(operation, answer);
}
