/**
 * What the codec server shows after decrypting: the data, readable, with card numbers masked (maskPan, the
 * project's one masking function), CVVs dropped and other secrets replaced. Applied to every decoded payload,
 * encrypted or not (histories written before the codec was on hold clear card numbers too).
 */
import type { Payload } from '@temporalio/common';
import { luhnValid, maskPan, scrubCardNumbers } from '../domain/card.js';

export const maskedSecret = '[masked]';
const maxDepth = 64;

/** Field names are compared lowercased without separators: `card_number`, `cardNumber`, `CARD-NUMBER` alike. */
const normalize = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const cardNumberFields = new Set(['pan', 'cardnumber', 'cardpan', 'primaryaccountnumber']);
const droppedFields = new Set(['cvv', 'cvv2', 'cvc', 'cvc2', 'cvn', 'csc', 'securitycode', 'cardsecuritycode']);
const secretField = /(secret|secretkey|password|passwd|passphrase|apikey|privatekey|token|authorization|credentials?)$/;

function maskNumber(value: number): number | string {
  if (!Number.isInteger(value)) return value;
  const digits = Math.abs(value).toFixed(0);
  if (digits.length < 12 || digits.length > 19) return value;
  // Past 2^53 the digits are no longer exact, so Luhn cannot be trusted: mask to be safe.
  return !Number.isSafeInteger(value) || luhnValid(digits) ? maskPan(digits) : value;
}

/** A JSON value with card numbers masked, CVVs dropped and secret-looking fields replaced. */
export function maskJsonValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubCardNumbers(value);
  if (typeof value === 'number') return maskNumber(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return scrubCardNumbers(JSON.stringify(value));
  if (Array.isArray(value)) return value.map((item) => maskJsonValue(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const name = normalize(key);
    if (droppedFields.has(name)) continue;
    const safeKey = scrubCardNumbers(key);
    if (cardNumberFields.has(name) && (typeof field === 'string' || typeof field === 'number')) {
      masked[safeKey] = maskPan(String(field));
    } else if (secretField.test(name) && field !== null && field !== '') {
      masked[safeKey] = maskedSecret;
    } else {
      masked[safeKey] = maskJsonValue(field, depth + 1);
    }
  }
  return masked;
}

const utf8 = (bytes: Uint8Array | null | undefined): string => (bytes ? Buffer.from(bytes).toString('utf8') : '');

const jsonPayload = (value: unknown, metadata: Payload['metadata'] = {}): Payload => ({
  metadata: { ...metadata, encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value), 'utf8'),
});

/**
 * A decoded payload made safe to show. JSON payloads are masked and re-encoded as json/plain (json/protobuf keeps
 * its encoding and message type: the UI reads both as JSON). Binary payloads cannot be inspected, so they are
 * replaced by a short note rather than shown.
 */
export function maskPayload(payload: Payload): Payload {
  const encoding = utf8(payload.metadata?.encoding);
  if (encoding === 'binary/null') return payload;
  const size = payload.data?.length ?? 0;
  if (!encoding.startsWith('json/')) {
    return jsonPayload(`[${size} bytes of ${encoding || 'unknown'} data, not shown by the codec server]`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8(payload.data));
  } catch {
    return jsonPayload(scrubCardNumbers(utf8(payload.data)));
  }
  const masked = maskJsonValue(parsed);
  if (encoding === 'json/plain') return jsonPayload(masked, payload.metadata);
  return { metadata: payload.metadata ?? {}, data: Buffer.from(JSON.stringify(masked), 'utf8') };
}
