/**
 * How the RBKmoney sandbox signs its webhooks, as the provider's hooker does (reference/rbkmoney.md, "Webhook
 * signing - implementation"): a 2048-bit RSA key pair per identity; the body's exact UTF-8 bytes signed with
 * SHA256withRSA (RSASSA-PKCS1-v1_5); the signature in URL-safe base64 with `=` padding in
 * `Content-Signature: alg=RS256; digest=<signature>`; the public key published as standard base64 of its
 * X.509 SubjectPublicKeyInfo DER, without PEM armour. The sandbox's own code, not the adapter's verifier.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** base64 SPKI DER, what `Webhook.publicKey` carries. */
  publicKey: string;
}

const publishedForm = (key: KeyObject): string => key.export({ type: 'spki', format: 'der' }).toString('base64');

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publishedForm(publicKey),
  };
}

/** A signing key from a PKCS#8 PEM (SANDBOX_RBKMONEY_WEBHOOK_KEY_FILE); throws when it is not an RSA key. */
export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('the webhook signing key must be RSA');
  return { privateKeyPem, publicKey: publishedForm(createPublicKey(privateKey)) };
}

/** The `Content-Signature` header value for exactly this body. */
export function contentSignature(body: string, privateKeyPem: string): string {
  const signature = sign('sha256', Buffer.from(body, 'utf8'), {
    key: privateKeyPem,
    padding: constants.RSA_PKCS1_PADDING,
  });
  // Java's Base64.getUrlEncoder(): the URL-safe alphabet, padding kept.
  const digest = signature.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return `alg=RS256; digest=${digest}`;
}
