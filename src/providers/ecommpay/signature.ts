/**
 * ecommpay request and callback signatures, bit-exact with the provider's official SDKs:
 * flatten the parameters into `path:value` items (nested keys joined by `:`, array elements by index,
 * booleans as 1/0, null as empty, empty objects and arrays contributing nothing, `frame_mode` ignored at
 * every level, `:` inside a key doubled), sort the items by path, join them with `;`, and take the
 * base64 HMAC-SHA512 of that string with the project's secret key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ignoredKeys = new Set(['frame_mode']);

function flatten(value: unknown, path: string, out: Array<[string, string]>): void {
  if (value === null || value === undefined) {
    out.push([path, '']);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => flatten(item, `${path}:${index}`, out));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (ignoredKeys.has(key)) continue;
      const escaped = key.replaceAll(':', '::');
      flatten(child, path === '' ? escaped : `${path}:${escaped}`, out);
    }
    return;
  }
  if (typeof value === 'boolean') {
    out.push([path, value ? '1' : '0']);
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    out.push([path, String(value)]);
    return;
  }
  // Functions and symbols have no JSON form; the SDKs never see them.
  out.push([path, '']);
}

/** The exact string the HMAC is computed over; exported for tests and support tickets. */
export function stringToSign(params: Record<string, unknown>): string {
  const items: Array<[string, string]> = [];
  flatten(params, '', items);
  // Plain UTF-16 code-unit order on the full path, as the Python, Java and Go SDKs sort.
  items.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return items.map(([path, value]) => `${path}:${value}`).join(';');
}

export function sign(params: Record<string, unknown>, secretKey: string): string {
  return createHmac('sha512', Buffer.from(secretKey, 'utf8'))
    .update(Buffer.from(stringToSign(params), 'utf8'))
    .digest('base64');
}

/** A deep copy without any `signature` key, at any depth (what the provider leaves out of what it signs). */
export function withoutSignature(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSignature);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => key !== 'signature')
        .map(([key, child]) => [key, withoutSignature(child)]),
    );
  }
  return value;
}

/** The signature where the provider puts it: top level (callbacks) or inside `general` (requests). */
export function findSignature(params: Record<string, unknown>): string | undefined {
  if (typeof params.signature === 'string') return params.signature;
  const general = params.general;
  if (general !== null && typeof general === 'object' && !Array.isArray(general)) {
    const nested = (general as Record<string, unknown>).signature;
    if (typeof nested === 'string') return nested;
  }
  return undefined;
}

/** True when the params carry a signature that matches their content under this secret key. Never throws. */
export function verify(params: Record<string, unknown>, secretKey: string): boolean {
  try {
    const claimed = findSignature(params);
    if (!claimed) return false;
    const expected = Buffer.from(sign(withoutSignature(params) as Record<string, unknown>, secretKey), 'utf8');
    const actual = Buffer.from(claimed, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
