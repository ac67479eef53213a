/**
 * The RBKmoney sandbox signs its webhooks with its own code (issue 19, finding 9), so an adapter whose check is
 * wrong refuses the sandbox's genuine webhooks and a test sees it. Here the adapter's signature module is
 * swapped for a plausible mistake (RSA over SHA-1 instead of SHA-256, signing and checking alike); a sandbox
 * that signed with the adapter's module would make the same mistake and the adapter would accept it.
 */
import { constants, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { jest } from '@jest/globals';

const padding = constants.RSA_PKCS1_PADDING;
const spkiBase64 = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');
const readPublicKey = (publicKey: string | KeyObject) =>
  typeof publicKey === 'string'
    ? createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' })
    : publicKey;

jest.unstable_mockModule('../../../src/providers/rbkmoney/signature.js', () => ({
  signatureHeaderName: 'content-signature',
  parsePublicKey: readPublicKey,
  exportPublicKey: (pem: string) => spkiBase64(createPublicKey(pem)),
  generateWebhookKeyPair: () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: spkiBase64(publicKey),
    };
  },
  signWebhook: (body: string, privateKeyPem: string) =>
    `alg=RS256; digest=${sign('sha1', Buffer.from(body), { key: privateKeyPem, padding }).toString('base64url')}`,
  verifyWebhook: (body: Buffer, header: string | undefined, publicKey: string | KeyObject) => {
    const digest = /digest=(\S+)/.exec(header ?? '')?.[1];
    if (!digest) return false;
    return verify('sha1', body, { key: readPublicKey(publicKey), padding }, Buffer.from(digest, 'base64url'));
  },
}));

const { createRbkmoneyProvider } = await import('../../../src/providers/rbkmoney/index.js');
const { signedDelivery } = await import('../../../src/sandbox/rbkmoney/events.js');

test("the adapter's wrong webhook check refuses the sandbox's genuine webhook", () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = createRbkmoneyProvider({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'unused',
    webhookPublicKey: spkiBase64(publicKey),
  });
  const delivery = signedDelivery(
    {
      eventID: '2',
      occuredAt: '2026-01-01T00:00:00Z',
      topic: 'WithdrawalTopic',
      eventType: 'WithdrawalSucceeded',
      withdrawalID: 'w-1',
      externalID: 'p-1-a1',
    },
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  expect(provider.parseCallback(Buffer.from(delivery.body), delivery.headers)).toMatchObject({
    ok: false,
    rejection: 'bad_signature',
  });
});
