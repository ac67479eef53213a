/**
 * RBKmoney Wallets webhook signatures. The provider sends `Content-Signature: alg=RS256; digest=<sig>`, where
 * <sig> is RSASSA-PKCS1-v1_5 over SHA-256 of the exact body bytes, in URL-safe base64 with `=` padding (its
 * Java signer uses the padded URL encoder). The verifying key is the webhook's `publicKey`: standard base64
 * of an X.509 SubjectPublicKeyInfo DER, no PEM armour; the spec's example is a PKCS#1 RSAPublicKey, so both
 * are accepted, and PEM too for keys an operator pastes from elsewhere.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

export const signatureHeaderName = 'content-signature';
export const signatureAlgorithm = 'RS256';

export interface ContentSignature {
  alg: string;
  digest: string;
}

/**
 * Splits `alg=RS256; digest=...` into its attributes. Attribute order and spacing do not matter, names are
 * case-insensitive, values may be double-quoted, and attributes we do not know are ignored (the spec says the
 * set may grow). A header without both attributes, or with either given twice, is not a signature.
 */
export function parseContentSignature(header: string): ContentSignature | undefined {
  const attributes = new Map<string, string>();
  for (const part of header.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name === '' || attributes.has(name)) return undefined;
    attributes.set(name, value);
  }
  const alg = attributes.get('alg');
  const digest = attributes.get('digest');
  if (!alg || !digest) return undefined;
  return { alg, digest };
}

/** Decodes URL-safe or standard base64, padded or not; anything else is not a digest. */
export function decodeDigest(digest: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(digest)) return undefined;
  const unpadded = digest.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const padded = (unpadded + '==='.slice((unpadded.length + 3) % 4)).replaceAll('-', '+').replaceAll('_', '/');
  return Buffer.from(padded, 'base64');
}

/**
 * Reads a webhook public key: base64 SubjectPublicKeyInfo DER (what the provider publishes), base64 PKCS#1
 * RSAPublicKey DER (the spec's example), or PEM of either. Throws when it is none of these or not RSA.
 */
export function parsePublicKey(publicKey: string | KeyObject): KeyObject {
  let key: KeyObject;
  if (typeof publicKey !== 'string') {
    key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  } else if (publicKey.includes('-----BEGIN')) {
    key = createPublicKey(publicKey);
  } else {
    const der = decodeDigest(publicKey.replace(/\s+/g, ''));
    if (!der || der.length === 0) throw new Error('webhook public key is not base64');
    try {
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    } catch {
      key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    }
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`webhook public key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not RSA`);
  }
  return key;
}

function bodyBytes(rawBody: string | Buffer): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

/**
 * True only when `contentSignature` is an RS256 signature of exactly these body bytes under `publicKey`.
 * Never throws: a missing, malformed, wrong-algorithm or wrong signature, or an unreadable key, is `false`.
 * Pass the body as received (a Buffer); a string is taken as its UTF-8 encoding.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  contentSignature: string | undefined,
  publicKey: string | KeyObject,
): boolean {
  try {
    if (typeof contentSignature !== 'string') return false;
    const parsed = parseContentSignature(contentSignature);
    if (!parsed || parsed.alg !== signatureAlgorithm) return false;
    const signature = decodeDigest(parsed.digest);
    if (!signature || signature.length === 0) return false;
    const key = parsePublicKey(publicKey);
    return verify('sha256', bodyBytes(rawBody), { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

function readPrivateKey(privateKey: string | KeyObject): KeyObject {
  if (typeof privateKey !== 'string') return privateKey;
  if (privateKey.includes('-----BEGIN')) return createPrivateKey(privateKey);
  // The provider stores its keys as base64 PKCS#8 DER.
  return createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
}

/**
 * The `Content-Signature` value the provider would send for this body: `alg=RS256; digest=` and the
 * signature in URL-safe base64 with padding. For the sandbox and tests.
 */
export function signWebhook(rawBody: string | Buffer, privateKeyPem: string | KeyObject): string {
  const signature = sign('sha256', bodyBytes(rawBody), {
    key: readPrivateKey(privateKeyPem),
    padding: constants.RSA_PKCS1_PADDING,
  });
  const digest = signature.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
  return `alg=${signatureAlgorithm}; digest=${digest}`;
}

/** A public (or private) key in the form the provider publishes in `Webhook.publicKey`: base64 SPKI DER. */
export function exportPublicKey(key: string | KeyObject): string {
  const source = typeof key === 'string' && key.includes('PRIVATE KEY') ? readPrivateKey(key) : key;
  return parsePublicKey(source).export({ type: 'spki', format: 'der' }).toString('base64');
}

export interface WebhookKeyPair {
  /** PKCS#8 PEM, for signWebhook. */
  privateKeyPem: string;
  /** base64 SPKI DER, as `Webhook.publicKey`. */
  publicKey: string;
}

/** A fresh RSA key pair like the provider's (2048-bit), for the sandbox and tests. */
export function generateWebhookKeyPair(modulusLength = 2048): WebhookKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: exportPublicKey(publicKey),
  };
}
