/**
 * Webhook events of the RBKmoney sandbox, in the 2021 events spec's shapes (./wire.ts), as
 * the provider's hooker builds them: empty fields left out, `eventID` a per-subject sequence number as a
 * string, and the body signed exactly as sent (`Content-Signature: alg=RS256; digest=...`).
 */
import { contentSignature } from './signing.js';
import type { WebhookEvent } from './wire.js';

/** An event, and whose webhooks receive it. */
export interface Emitted {
  identityId: string;
  /** For withdrawal events: webhooks scoped to another wallet do not receive it. */
  walletId?: string;
  event: WebhookEvent;
}

/** JSON without undefined, null or empty-object fields (the provider's Jackson NON_EMPTY setting). */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => [key, compact(child)] as const)
    .filter(([, child]) => {
      if (child === undefined || child === null) return false;
      return !(typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0);
    });
  return Object.fromEntries(entries) as T;
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

export function signedDelivery(event: WebhookEvent, privateKeyPem: string): SignedDelivery {
  const body = JSON.stringify(compact(event));
  return { body, headers: { 'content-signature': contentSignature(body, privateKeyPem) } };
}
