/**
 * RBKmoney webhooks into our contract: the Content-Signature checked over the raw bytes with the configured
 * key(s), then the event parsed (wire/events.ts) and mapped to a ProviderEvent (withdrawals) or a binding
 * event (destinations). Sources: docs/PROVIDERS.md, "RBKmoney", "Webhooks".
 */
import type { KeyObject } from 'node:crypto';
import type { BindingEvent, CallbackResult, ProviderEvent, ProviderStatus } from '../contract.js';
import { parsePublicKey, signatureHeaderName, verifyWebhook } from './signature.js';
import {
  type DestinationWebhookEvent,
  type ParsedWebhookEvent,
  type WebhookEvent,
  webhookEventSchema,
  type WithdrawalWebhookEvent,
} from './wire/events.js';

/** The configured public key(s), parsed once, so a key that cannot be read stops the process at start. */
export function parsePublicKeys(configured: string | readonly string[] | undefined): KeyObject[] {
  const keys = configured === undefined ? [] : typeof configured === 'string' ? [configured] : [...configured];
  return keys.map((key) => parsePublicKey(key));
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const matching = Object.entries(headers).filter(([key]) => key.toLowerCase() === name);
  const values = matching.flatMap(([, value]) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
  // Two signatures for one body are not a signature we can trust.
  return values.length === 1 ? values[0] : undefined;
}

/** A webhook as the relay receives it: signature first, then the event. */
export function parseCallback(
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
  publicKeys: readonly KeyObject[],
): CallbackResult {
  if (publicKeys.length === 0) {
    return { ok: false, rejection: 'bad_signature', reason: 'no RBKmoney webhook public key is configured' };
  }
  const signature = headerValue(headers, signatureHeaderName);
  if (signature === undefined) {
    return { ok: false, rejection: 'bad_signature', reason: 'no single Content-Signature header' };
  }
  if (!publicKeys.some((key) => verifyWebhook(rawBody, signature, key))) {
    return { ok: false, rejection: 'bad_signature', reason: 'Content-Signature does not match the body' };
  }
  const parsed = parseWebhookEvent(rawBody);
  if (!parsed.ok) return { ok: false, rejection: 'malformed', reason: parsed.reason };
  return webhookEventToCallback(parsed.event);
}

/** Parses a (verified) webhook body. The reason names fields and problems, never the body's values. */
export function parseWebhookEvent(rawBody: string | Buffer): ParsedWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = webhookEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return { ok: false, reason: `not an RBKmoney wallet event: ${problems.join('; ')}` };
}

/** Code used for a WithdrawalFailed webhook, whose payload has no failure details. */
export const failedWithoutDetailsCode = 'failed';

function eventStatus(event: WithdrawalWebhookEvent, reference: string | undefined): ProviderStatus {
  switch (event.eventType) {
    case 'WithdrawalStarted':
      return { state: 'pending', reference };
    case 'WithdrawalSucceeded':
      return { state: 'succeeded', reference };
    case 'WithdrawalFailed':
      // Failed is final at the provider, so the payout is declined now; the precise code (and whether it is
      // our wallet's limit rather than the card) comes from getWithdrawal, which a caller may look up.
      return {
        state: 'declined',
        reference,
        code: failedWithoutDetailsCode,
        message: 'RBKmoney reported the withdrawal failed; the failure code is only available from getWithdrawal',
      };
  }
}

type CallbackOutcome = Extract<CallbackResult, { ok: true }>;
type OtherOutcome = Extract<CallbackOutcome, { event: null }>;

const destinationEventStates = {
  DestinationCreated: 'created',
  DestinationAuthorized: 'authorized',
  DestinationUnauthorized: 'unauthorized',
} as const satisfies Record<DestinationWebhookEvent['eventType'], BindingEvent['state']>;

/**
 * Maps a verified event to what parseCallback returns. A withdrawal event with our externalID becomes a
 * ProviderEvent keyed by it; destination events, and withdrawals we did not create, are reported as `other`.
 */
export function webhookEventToCallback(event: WebhookEvent): CallbackOutcome {
  if (event.topic === 'DestinationTopic') {
    const subject = event.eventType === 'DestinationCreated' ? (event.destination.id ?? '') : event.destinationID;
    const externalID = event.eventType === 'DestinationCreated' ? event.destination.externalID : event.externalID;
    const outcome: OtherOutcome = {
      ok: true,
      event: null,
      other: {
        kind: event.eventType,
        subject,
        detail: { externalID, eventID: event.eventID, occuredAt: event.occuredAt },
      },
    };
    // Without our externalID (or an id) the event cannot be routed to a binding; it stays `other` only.
    if (externalID && subject) {
      outcome.binding = {
        provider: 'rbkmoney',
        idempotencyKey: externalID,
        reference: subject,
        eventId: `${subject}:${event.eventType}:${event.eventID ?? event.occuredAt}`,
        state: destinationEventStates[event.eventType],
        occurredAt: event.occuredAt,
      };
    }
    return outcome;
  }
  const withdrawalID = event.eventType === 'WithdrawalStarted' ? event.withdrawal.id : event.withdrawalID;
  const externalID = event.eventType === 'WithdrawalStarted' ? event.withdrawal.externalID : event.externalID;
  if (!externalID) {
    return {
      ok: true,
      event: null,
      other: { kind: event.eventType, subject: withdrawalID ?? '', detail: { reason: 'withdrawal has no externalID' } },
    };
  }
  const body = event.eventType === 'WithdrawalStarted' ? event.withdrawal.body : event.body;
  const providerEvent: ProviderEvent = {
    provider: 'rbkmoney',
    idempotencyKey: externalID,
    eventId: `${withdrawalID ?? externalID}:${event.eventType}:${event.eventID ?? event.occuredAt}`,
    status: eventStatus(event, withdrawalID),
    occurredAt: event.occuredAt,
  };
  if (body) providerEvent.amount = { value: body.amount, currency: body.currency };
  return { ok: true, event: providerEvent };
}
