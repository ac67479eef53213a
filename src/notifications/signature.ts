/**
 * Signing of merchant notifications, and the verification a receiver runs (docs/NOTIFICATIONS.md).
 * `Payouts-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`: the timestamp is signed
 * with the body, so an old notification replayed later fails the receiver's tolerance check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'Payouts-Signature';
export const eventIdHeader = 'Payouts-Event-Id';
/** How old a signature a receiver accepts by default (and how far in the future, for clock skew). */
export const defaultToleranceSeconds = 300;

const hmacHex = (secret: string, timestamp: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');

/** The header value for `body` sent at `timestamp` (unix seconds). */
export function signNotification(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export type VerificationResult = { ok: true; timestamp: number } | { ok: false; reason: string };

export interface VerifyOptions {
  /** The raw request body, exactly as received (parse it only after verifying). */
  body: string | Buffer;
  /** The Payouts-Signature header. */
  header: string | string[] | undefined;
  /** The shared secret; several while rotating it (any one may match). */
  secret: string | string[];
  toleranceSeconds?: number;
  /** Unix milliseconds; the current time by default. */
  now?: number;
}

/** Checks a received notification: a well-formed header, a fresh timestamp and a matching HMAC. */
export function verifyNotification(options: VerifyOptions): VerificationResult {
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (!header) return { ok: false, reason: `no ${signatureHeader} header` };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed signature header' };
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return { ok: false, reason: 'timestamp outside the tolerance' };
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, timestamp, options.body), 'hex');
    if (signatures.some((signature) => timingSafeEqual(expected, Buffer.from(signature, 'hex')))) {
      return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: 'signature does not match' };
}
