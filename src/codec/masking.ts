/**
 * What the codec server shows after decrypting: the data, readable, with card numbers masked (maskPan, the
 * project's one masking function), CVVs dropped, other secrets replaced, and the cardholder's personal data cut
 * to what an operator needs to tell payouts apart (docs/SECURITY.md, "What a UI user sees"). Applied to every
 * decoded payload, encrypted or not (histories written before the codec was on hold clear card numbers too).
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
/** Names: initials only. */
const nameFields = new Set(['firstname', 'middlename', 'lastname', 'holder', 'cardholder', 'holdername', 'fullname']);
/**
 * Hidden whole: birth, documents, street addresses, cities and postcodes, network address, request identities.
 * Country and state/region stay: scheme rules turn on them (a Visa payout to Canada needs a recipient province),
 * and a batch's or payout's `state` is its status.
 */
const hiddenFields = new Set([
  ...['dayofbirth', 'dateofbirth', 'birthdate', 'dob', 'birthplace'],
  ...['docnumber', 'docissuedate', 'docissueby'],
  ...['address', 'city', 'zip', 'postal', 'postcode', 'street', 'ipaddress'],
  ...['requesthash', 'requestidentity', 'batchhash', 'batchidentity', 'fingerprint', 'cardfingerprint'],
]);
/** A digest as our memos hold it (`sha256:<hex>`, `hmac-sha256:<hex>`) or bare hex: shown nowhere. */
const digestValue = /^(?:[a-z0-9-]+:)?[0-9a-f]{64}$/i;

const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => `${word[0]}***`)
    .join(' ');
/** The last two digits: enough to tell two phones apart on a call, not to dial one. */
const maskPhone = (phone: string): string => `***${phone.replace(/\D/g, '').slice(-2)}`;
const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at <= 0 ? maskedSecret : `${email[0]}***${email.slice(at)}`;
};

/** A personal-data field's shown value, or undefined when the field is not personal data. */
function maskPersonal(name: string, field: unknown): unknown {
  if (field === null || field === '' || (typeof field !== 'string' && typeof field !== 'number')) return undefined;
  const text = String(field);
  if (nameFields.has(name)) return initials(text);
  if (hiddenFields.has(name)) return maskedSecret;
  if (name === 'phone' || name === 'phonenumber') return maskPhone(text);
  if (name === 'email') return maskEmail(text);
  return undefined;
}

function maskNumber(value: number): number | string {
  if (!Number.isInteger(value)) return value;
  const digits = Math.abs(value).toFixed(0);
  if (digits.length < 12 || digits.length > 19) return value;
  // Past 2^53 the digits are no longer exact, so Luhn cannot be trusted: mask to be safe.
  return !Number.isSafeInteger(value) || luhnValid(digits) ? maskPan(digits) : value;
}

/** A JSON value with card numbers masked, CVVs dropped and secret-looking fields replaced. */
export function maskJsonValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return digestValue.test(value) ? maskedSecret : scrubCardNumbers(value);
  if (typeof value === 'number') return maskNumber(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return scrubCardNumbers(JSON.stringify(value));
  if (Array.isArray(value)) return value.map((item) => maskJsonValue(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const name = normalize(key);
    if (droppedFields.has(name)) continue;
    const safeKey = scrubCardNumbers(key);
    const personal = maskPersonal(name, field);
    if (personal !== undefined) {
      masked[safeKey] = personal;
    } else if (cardNumberFields.has(name) && (typeof field === 'string' || typeof field === 'number')) {
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
