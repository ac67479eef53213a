/**
 * ecommpay's signature as the sandbox computes it, written from the official SDKs' algorithm in
 * reference/ecommpay.md §1 and checked against their published vectors (§2; test/unit/sandbox/ecommpay/
 * signature.test.ts). It is deliberately not the adapter's code: if the two disagree, a test fails.
 *
 * Every scalar becomes a `path:value` item (path segments joined by `:`, a `:` inside a key written `::`,
 * array elements by index, true/false as 1/0, null as nothing after the colon); empty objects and arrays add
 * no item; `frame_mode` is skipped wherever it appears. The items, ordered by path (code units, as the
 * Python, Java and Go SDKs do), are joined by `;` and signed with HMAC-SHA512 under the secret key, base64.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const skippedKey = 'frame_mode';

function* items(node: unknown, path: readonly string[]): Generator<{ path: string; value: string }> {
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index++) yield* items(node[index], [...path, String(index)]);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (key !== skippedKey) yield* items(child, [...path, key.split(':').join('::')]);
    }
  } else {
    yield { path: path.join(':'), value: scalar(node) };
  }
}

function scalar(value: unknown): string {
  if (value === true) return '1';
  if (value === false) return '0';
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return `${value}`;
  return '';
}

/** The text the HMAC covers. */
export function signedText(params: Record<string, unknown>): string {
  const all = [...items(params, [])];
  all.sort((left, right) => (left.path === right.path ? 0 : left.path < right.path ? -1 : 1));
  return all.map((item) => `${item.path}:${item.value}`).join(';');
}

export function gateSignature(params: Record<string, unknown>, secretKey: string): string {
  return createHmac('sha512', secretKey).update(signedText(params), 'utf8').digest('base64');
}

/** Drops every `signature` key, however deep (the PHP and JS SDKs' rule), leaving the input untouched. */
function unsigned(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unsigned);
  if (node === null || typeof node !== 'object') return node;
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) if (key !== 'signature') kept[key] = unsigned(child);
  return kept;
}

/** The signature at the top level, else in `general` (where requests carry it): the SDKs look in that order. */
export function carriedSignature(body: Record<string, unknown>): string | undefined {
  if (typeof body.signature === 'string') return body.signature;
  const general = body.general;
  const nested =
    general !== null && typeof general === 'object' ? (general as Record<string, unknown>).signature : undefined;
  return typeof nested === 'string' ? nested : undefined;
}

/** True when the body's signature is the one this secret key gives its other fields. */
export function signatureMatches(body: Record<string, unknown>, secretKey: string): boolean {
  const claimed = carriedSignature(body);
  if (claimed === undefined) return false;
  const expected = Buffer.from(gateSignature(unsigned(body) as Record<string, unknown>, secretKey));
  const given = Buffer.from(claimed);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
