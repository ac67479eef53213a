// Webhook signatures as RBKmoney's wallets-hooker makes them: SHA256withRSA over the exact body, digest in
// URL-safe base64 with padding, key published as base64 SPKI DER. Keys are generated fresh for each run.
import { constants, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import {
  exportPublicKey,
  generateWebhookKeyPair,
  parseContentSignature,
  signWebhook,
  verifyWebhook,
  type WebhookKeyPair,
} from '../../../../src/providers/rbkmoney/signature.js';

const body =
  '{"eventID":"5","occuredAt":"2020-06-01T12:00:00Z","topic":"WithdrawalTopic","eventType":"WithdrawalSucceeded",' +
  '"withdrawalID":"tZ0jUmlsV0","externalID":"ext-1"}';

let provider: WebhookKeyPair;
let stranger: WebhookKeyPair;

beforeAll(() => {
  provider = generateWebhookKeyPair();
  // 1024-bit like the spec's example key, and much faster to generate on a slow machine.
  stranger = generateWebhookKeyPair(1024);
});

/** The digest computed independently of signWebhook, the way the provider's Java code encodes it. */
function javaStyleDigest(raw: string, privateKeyPem: string): string {
  const signature = sign('sha256', Buffer.from(raw, 'utf8'), {
    key: privateKeyPem,
    padding: constants.RSA_PKCS1_PADDING,
  });
  return signature.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

function digestOf(header: string): string {
  const digest = parseContentSignature(header)?.digest;
  if (!digest) throw new Error('no digest');
  return digest;
}

describe('the provider-side format', () => {
  test('the header is "alg=RS256; digest=" and a padded URL-safe base64 of a 2048-bit signature', () => {
    const header = signWebhook(body, provider.privateKeyPem);
    expect(header).toMatch(/^alg=RS256; digest=[A-Za-z0-9_-]{342}==$/);
    expect(header).toBe(`alg=RS256; digest=${javaStyleDigest(body, provider.privateKeyPem)}`);
  });

  test('the public key is standard base64 of SubjectPublicKeyInfo DER, without PEM armour', () => {
    expect(provider.publicKey).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A[A-Za-z0-9+/]+=*$/);
    expect(exportPublicKey(provider.privateKeyPem)).toBe(provider.publicKey);
  });
});

describe('verifyWebhook accepts', () => {
  test('a signature made independently of signWebhook, body as Buffer or string', () => {
    const header = `alg=RS256; digest=${javaStyleDigest(body, provider.privateKeyPem)}`;
    expect(verifyWebhook(Buffer.from(body, 'utf8'), header, provider.publicKey)).toBe(true);
    expect(verifyWebhook(body, header, provider.publicKey)).toBe(true);
  });

  test('the digest with its = padding stripped', () => {
    const digest = digestOf(signWebhook(body, provider.privateKeyPem)).replace(/=+$/, '');
    expect(verifyWebhook(body, `alg=RS256; digest=${digest}`, provider.publicKey)).toBe(true);
  });

  test('the digest in the standard base64 alphabet', () => {
    const digest = digestOf(signWebhook(body, provider.privateKeyPem)).replaceAll('-', '+').replaceAll('_', '/');
    expect(verifyWebhook(body, `alg=RS256; digest=${digest}`, provider.publicKey)).toBe(true);
  });

  test('attributes in another order, with other spacing, quoted, or with attributes we do not know', () => {
    const digest = digestOf(signWebhook(body, provider.privateKeyPem));
    for (const header of [
      `digest=${digest}; alg=RS256`,
      `alg=RS256;digest=${digest}`,
      `  alg = RS256 ;   digest = ${digest}  ;`,
      `alg="RS256"; digest="${digest}"`,
      `ALG=RS256; Digest=${digest}`,
      `alg=RS256; kid=identity-1; digest=${digest}`,
    ]) {
      expect([header, verifyWebhook(body, header, provider.publicKey)]).toEqual([header, true]);
    }
  });

  test('the key as PEM (SPKI or PKCS#1), as base64 PKCS#1 DER (the spec example form), or wrapped in lines', () => {
    const header = signWebhook(body, provider.privateKeyPem);
    const key = createPublicKey(provider.privateKeyPem);
    const spkiPem = key.export({ type: 'spki', format: 'pem' }).toString();
    const pkcs1Pem = key.export({ type: 'pkcs1', format: 'pem' }).toString();
    const pkcs1Der = key.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const wrapped = provider.publicKey.replace(/(.{64})/g, '$1\n');
    expect(pkcs1Pem).toContain('BEGIN RSA PUBLIC KEY');
    for (const form of [spkiPem, pkcs1Pem, pkcs1Der, wrapped, key]) {
      expect(verifyWebhook(body, header, form)).toBe(true);
    }
  });
});

describe('verifyWebhook refuses, without throwing', () => {
  test('a body changed by one character, or re-serialised', () => {
    const header = signWebhook(body, provider.privateKeyPem);
    expect(verifyWebhook(body.replace('ext-1', 'ext-2'), header, provider.publicKey)).toBe(false);
    expect(verifyWebhook(JSON.stringify(JSON.parse(body), null, 1), header, provider.publicKey)).toBe(false);
    expect(verifyWebhook(`${body}\n`, header, provider.publicKey)).toBe(false);
  });

  test("another key's signature", () => {
    const header = signWebhook(body, stranger.privateKeyPem);
    expect(verifyWebhook(body, header, provider.publicKey)).toBe(false);
    expect(verifyWebhook(body, signWebhook(body, provider.privateKeyPem), stranger.publicKey)).toBe(false);
  });

  test('any algorithm but RS256, even over a valid digest', () => {
    const digest = digestOf(signWebhook(body, provider.privateKeyPem));
    for (const alg of ['RS512', 'HS256', 'none', 'RS256x', '']) {
      expect(verifyWebhook(body, `alg=${alg}; digest=${digest}`, provider.publicKey)).toBe(false);
    }
  });

  test('missing, empty and malformed headers', () => {
    const digest = digestOf(signWebhook(body, provider.privateKeyPem));
    for (const header of [
      undefined,
      '',
      ' ',
      'garbage',
      digest,
      'alg=RS256',
      `digest=${digest}`,
      'alg=RS256; digest=',
      'alg=RS256; digest=!!!notbase64!!!',
      `alg=RS256; digest=${digest}; digest=${digest}`,
      `alg=RS256; alg=RS256; digest=${digest}`,
      `alg=RS256; ${digest}`,
      `alg=RS256; digest=${digest.slice(0, -10)}`,
      `alg=RS256; digest=${digest}AAAA`,
      `alg=RS256; digest=A`,
    ]) {
      expect([header, verifyWebhook(body, header, provider.publicKey)]).toEqual([header, false]);
    }
  });

  test('unreadable or non-RSA public keys', () => {
    const header = signWebhook(body, provider.privateKeyPem);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    for (const key of ['', 'not a key', 'MIIBIjAN', ec.export({ type: 'spki', format: 'der' }).toString('base64')]) {
      expect(verifyWebhook(body, header, key)).toBe(false);
    }
    expect(verifyWebhook(body, header, ec)).toBe(false);
  });
});
