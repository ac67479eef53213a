// The adapter against the provider's own Swagger specs (../shared/reference): every request the provider
// sends, and every documented answer and event it reads, conform; and the checking itself fails, naming the
// operation and the field, when something does not.
import {
  describeWithRbkmoneySpec,
  rbkmoneySpecDirs,
  rbkmoneySpecDirsForTests,
  specAbsentMessage,
} from '../../../conformance/rbkmoney/index.js';
import { createRbkmoneyProvider } from '../../../../src/providers/rbkmoney/index.js';
import { generateWebhookKeyPair } from '../../../../src/providers/rbkmoney/signature.js';
import { buildStoreBankCard, storeBankCardResponseSchema } from '../../../../src/providers/rbkmoney/wire/cards.js';
import { buildCreateDestination, destinationSchema } from '../../../../src/providers/rbkmoney/wire/destinations.js';
import { badRequestSchema, conflictRequestSchema } from '../../../../src/providers/rbkmoney/wire/errors.js';
import { webhookEventSchema } from '../../../../src/providers/rbkmoney/wire/events.js';
import { identitySchema } from '../../../../src/providers/rbkmoney/wire/identities.js';
import { walletSchema } from '../../../../src/providers/rbkmoney/wire/wallets.js';
import { webhookSchema } from '../../../../src/providers/rbkmoney/wire/webhooks.js';
import { buildCreateWithdrawal, withdrawalSchema } from '../../../../src/providers/rbkmoney/wire/withdrawals.js';
import { type ScriptedServer, startScriptedServer } from './scripted-server.js';
import * as samples from './spec-samples.js';

const pan = '4242424242424242';
const headers = {
  authorization: 'Bearer key',
  'x-request-id': '0123456789abcdef0123456789abcdef',
  'content-type': 'application/json; charset=utf-8',
};
const post = (url: string, body: unknown) => ({ method: 'POST', url, headers, body });

describeWithRbkmoneySpec('RBKmoney spec conformance', (spec) => {
  describe('the checking itself', () => {
    test('a wrong type fails naming the operation, the part and the field', () => {
      const problems = spec().checkRequest(
        post('/wallet/v0/withdrawals', { wallet: '1', destination: '2', body: { amount: '100', currency: 'RUB' } }),
      );
      expect(problems).toEqual([
        {
          operation: 'POST /wallet/v0/withdrawals',
          part: 'request body',
          field: 'body.amount',
          message: 'must be integer',
        },
      ]);
      expect(() =>
        spec().assertRequest(post('/wallet/v0/withdrawals', { wallet: '1', destination: '2', body: {} })),
      ).toThrow(/POST \/wallet\/v0\/withdrawals: request body: body\.amount: must have required property/);
    });

    test('read-only fields must not be sent; headers are checked', () => {
      const problems = spec().checkRequest({
        method: 'POST',
        url: '/wallet/v0/withdrawals',
        headers: { 'x-request-id': 'x'.repeat(33), 'content-type': 'application/json' },
        body: { wallet: '1', destination: '2', body: { amount: 1, currency: 'RUB' }, status: 'Pending' },
      });
      expect(problems.map((p) => `${p.part}: ${p.field}`).sort()).toEqual([
        'header Authorization: (root)',
        'header X-Request-ID: (root)',
        'request body: status',
      ]);
      const noRequestId = spec().checkRequest({ method: 'GET', url: '/wallet/v0/withdrawals/1', headers: {} });
      expect(noRequestId).toContainEqual(
        expect.objectContaining({ part: 'header X-Request-ID', message: 'is required' }),
      );
    });

    test('query and path parameters are checked', () => {
      expect(spec().checkRequest({ method: 'GET', url: '/wallet/v0/webhooks', headers })).toContainEqual(
        expect.objectContaining({ part: 'query identityID', message: 'is required' }),
      );
      expect(spec().checkRequest({ method: 'GET', url: `/wallet/v0/withdrawals/${'w'.repeat(41)}`, headers })).toEqual([
        expect.objectContaining({ part: 'path withdrawalID', field: '(root)' }),
      ]);
    });

    test('answers: enums, statuses not in the spec, and discriminated resources', () => {
      const request = { method: 'GET', url: '/wallet/v0/withdrawals/11' };
      expect(
        spec().checkResponse(request, { status: 200, body: { ...samples.withdrawalSample, status: 'Done' } }),
      ).toEqual([expect.objectContaining({ part: '200 answer body', field: 'status' })]);
      expect(spec().checkResponse(request, { status: 418 })).toEqual([
        expect.objectContaining({ part: '418 answer', message: expect.stringContaining('not in the spec') as unknown }),
      ]);
      // The resource's type picks BankCardDestinationResource, whose `bin` has a pattern.
      const destination = {
        ...samples.destinationSample,
        resource: { ...samples.destinationSample.resource, bin: 'abc' },
      };
      expect(
        spec().checkResponse({ method: 'GET', url: '/wallet/v0/destinations/22' }, { status: 200, body: destination }),
      ).toEqual([expect.objectContaining({ field: 'resource.bin' })]);
    });

    test('POSIX classes in patterns are read as Unicode classes', () => {
      const card = (cardHolder: string) => post('/payres/v0/bank-cards', { cardNumber: pan, cardHolder });
      expect(spec().checkRequest(card('KEYN FAWKES'))).toEqual([]);
      expect(spec().checkRequest(card("D'ARTAGNAN-ЛЕКСА"))).toEqual([]);
      expect(spec().checkRequest(card('KEYN 4'))).toEqual([expect.objectContaining({ field: 'cardHolder' })]);
    });

    test('webhooks: the event body by its type, and the signature header', () => {
      const { withdrawal: _dropped, ...started } = samples.webhookEventSamples.WithdrawalStarted;
      const problems = spec().checkWebhook({
        headers: { 'content-type': 'application/json' },
        body: { ...started, withdrawal: { id: '11' } },
      });
      expect(problems.map((p) => `${p.part}: ${p.field}`).sort()).toEqual([
        'header Content-Signature: (root)',
        'request body: withdrawal.body',
        'request body: withdrawal.destination',
        'request body: withdrawal.wallet',
      ]);
    });

    test('an operation the spec does not have', () => {
      expect(spec().checkRequest({ method: 'DELETE', url: '/wallet/v0/withdrawals/1', headers })).toEqual([
        expect.objectContaining({ message: 'no such operation in the spec' }),
      ]);
    });
  });

  describe('the adapter', () => {
    test('request builders produce what the spec accepts', () => {
      const card = { ...buildStoreBankCard({ pan, expMonth: 12, expYear: 2030, holder: 'KEYN FAWKES' }), cvv: '321' };
      const destination = buildCreateDestination({
        externalID: 'card-abc-3-RUB',
        identityID: '3',
        currency: 'RUB',
        token: samples.storeBankCardSample.token,
        maskedCard: '424242******4242',
      });
      const withdrawal = buildCreateWithdrawal({
        externalID: 'p-1-a1',
        walletID: '18',
        destinationID: '22',
        amount: 10000,
        currency: 'RUB',
        metadata: { payoutId: 'p-1' },
      });
      expect(spec().checkRequest(post('/payres/v0/bank-cards', card))).toEqual([]);
      expect(spec().checkRequest(post('/wallet/v0/destinations', destination))).toEqual([]);
      expect(spec().checkRequest(post('/wallet/v0/withdrawals', withdrawal))).toEqual([]);
    });

    test('documented answers conform to the spec and are read by the wire schemas', () => {
      const cases: Array<[string, string, number, unknown, { safeParse(v: unknown): { success: boolean } }]> = [
        ['POST', '/wallet/v0/identities', 201, samples.identitySample, identitySchema],
        ['POST', '/wallet/v0/wallets', 201, samples.walletSample, walletSchema],
        ['POST', '/payres/v0/bank-cards', 201, samples.storeBankCardSample, storeBankCardResponseSchema],
        ['POST', '/wallet/v0/destinations', 201, samples.destinationSample, destinationSchema],
        ['POST', '/wallet/v0/withdrawals', 202, samples.withdrawalSample, withdrawalSchema],
        ['GET', '/wallet/v0/withdrawals/11', 200, samples.failedWithdrawalSample, withdrawalSchema],
        ['GET', '/wallet/v0/webhooks?identityID=1', 200, [samples.webhookSample], webhookSchema.array()],
        ['POST', '/wallet/v0/destinations', 400, samples.badRequestSample, badRequestSchema],
        ['POST', '/wallet/v0/withdrawals', 409, samples.conflictSample, conflictRequestSchema],
      ];
      for (const [method, url, status, body, schema] of cases) {
        expect({ url, status, problems: spec().checkResponse({ method, url }, { status, body }) }).toEqual({
          url,
          status,
          problems: [],
        });
        expect({ url, status, parsed: schema.safeParse(body).success }).toEqual({ url, status, parsed: true });
      }
    });

    test('documented webhook events conform to the events spec and are read by the wire schema', () => {
      for (const [type, event] of Object.entries(samples.webhookEventSamples)) {
        const problems = spec().checkWebhook({
          headers: { 'content-signature': 'alg=RS256; digest=x', 'content-type': 'application/json' },
          body: event,
        });
        expect({ type, problems }).toEqual({ type, problems: [] });
        expect({ type, parsed: webhookEventSchema.safeParse(event).success }).toEqual({ type, parsed: true });
      }
    });

    describe('on the wire', () => {
      let server: ScriptedServer;
      beforeAll(async () => {
        server = await startScriptedServer();
      });
      afterAll(() => server.close());

      test('every request the provider sends, headers included, conforms', async () => {
        const keys = generateWebhookKeyPair();
        const provider = createRbkmoneyProvider({
          baseUrl: server.baseUrl,
          apiKey: 'eyJhbGciOiJSUzI1NiJ9.key.sig',
          identityId: '1',
          walletId: '18',
          webhookPublicKey: keys.publicKey,
        });
        const created = (request: { body: string }, extra: object) => ({
          status: 201,
          body: { ...(JSON.parse(request.body) as object), ...extra },
        });
        server.replies.push(
          () => ({ status: 201, body: samples.storeBankCardSample }),
          () => ({ status: 404 }),
          (request) => created(request, { id: '22', status: 'Unauthorized' }),
          () => ({ status: 202, body: { ...samples.withdrawalSample, externalID: 'p-1-a1' } }),
          () => ({ status: 200, body: samples.withdrawalSample }),
          (request) => created(request, { id: '1' }),
          (request) => created(request, { id: '18' }),
          () => ({ status: 200, body: [] }),
          (request) => created(request, { id: '7', active: true, publicKey: keys.publicKey }),
          (request) => created(request, { id: '8', active: true, publicKey: keys.publicKey }),
        );
        const tokenized = await provider.tokenizeCard({ pan, expMonth: 12, expYear: 2030 });
        const bound = await provider.ensureDestination({
          currency: 'RUB',
          token: tokenized.token,
          externalID: 'card-abc-1-RUB',
          name: `Card ${tokenized.maskedPan}`,
        });
        const request = {
          payoutId: 'p-1',
          provider: 'rbkmoney' as const,
          amount: 10000,
          currency: 'RUB',
          card: { token: bound.id },
          kind: 'merchant' as const,
        };
        await provider.submit({ request, idempotencyKey: 'p-1-a1', prepared: { destinationId: bound.id } });
        await provider.getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' });
        await provider.setupAccount({
          identity: { name: 'Megacorp inc.', provider: 'test', externalID: 'payouts-identity' },
          wallet: { name: 'Megacorp payouts wallet', currency: 'RUB', externalID: 'payouts-wallet' },
          webhookUrl: 'https://relay.example/rbkmoney',
        });
        expect(server.seen).toHaveLength(10);
        for (const seen of server.seen) {
          const exchange = {
            method: seen.method,
            url: seen.url,
            headers: seen.headers,
            body: seen.body === '' ? undefined : (JSON.parse(seen.body) as unknown),
          };
          expect({ url: seen.url, problems: spec().checkRequest(exchange) }).toEqual({ url: seen.url, problems: [] });
        }
      });
    });
  });
});

test('without ../shared/reference the conformance suites are skipped, and say so', () => {
  expect(rbkmoneySpecDirs('/nonexistent/reference')).toBeUndefined();
  expect(specAbsentMessage).toMatch(/^skipped: .*\.\.\/shared\/reference/);
});

test('with CI=true, absent specs are an error, not a skip', () => {
  expect(() => rbkmoneySpecDirsForTests('/nonexistent/reference', { CI: 'true' })).toThrow(
    'the RBKmoney specifications are required when CI=true and were not found under /nonexistent/reference',
  );
  expect(rbkmoneySpecDirsForTests('/nonexistent/reference', {})).toBeUndefined();
});
