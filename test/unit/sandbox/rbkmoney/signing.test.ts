// The RBKmoney sandbox's webhook signature, checked with node:crypto alone (not the adapter's verifier)
// against the hooker's form in reference/rbkmoney.md: RS256 over the exact body, URL-safe base64 with padding.
import { constants, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { contentSignature, newSigningKey, signingKeyFromPem } from '../../../../src/sandbox/rbkmoney/signing.js';

const key = newSigningKey();
const body =
  '{"eventID":"2","occuredAt":"2026-01-01T00:00:00Z","topic":"WithdrawalTopic","eventType":"WithdrawalSucceeded","withdrawalID":"w1"}';

function digestOf(header: string): Buffer {
  const match = /^alg=RS256; digest=([A-Za-z0-9_-]+={0,2})$/.exec(header);
  if (!match?.[1]) throw new Error(`not the hooker's form: ${header}`);
  return Buffer.from(match[1], 'base64url');
}

const publishedKey = (publicKey: string) =>
  createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });

test('the header is `alg=RS256; digest=<URL-safe base64, padded>` and verifies under the published SPKI key', () => {
  const header = contentSignature(body, key.privateKeyPem);
  const digest = digestOf(header);
  expect(digest).toHaveLength(256);
  // 256 bytes take two padding characters, which the hooker keeps.
  expect(header.endsWith('==')).toBe(true);
  const options = { key: publishedKey(key.publicKey), padding: constants.RSA_PKCS1_PADDING };
  expect(verify('sha256', Buffer.from(body), options, digest)).toBe(true);
  expect(verify('sha256', Buffer.from(`${body} `), options, digest)).toBe(false);
});

test('a configured PKCS#8 key signs for every identity and publishes its own public key', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const configured = signingKeyFromPem(pem);
  const digest = digestOf(contentSignature(body, configured.privateKeyPem));
  const options = { key: publishedKey(configured.publicKey), padding: constants.RSA_PKCS1_PADDING };
  expect(verify('sha256', Buffer.from(body), options, digest)).toBe(true);
});

test('a key that is not RSA is refused', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  expect(() => signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow('RSA');
});
