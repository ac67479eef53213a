// The RBKmoney provider against a scripted local server: what it sends for each verb, how it reads the
// answers, how it refuses callbacks, and that the card number goes to payres only.
import { type PayoutRequestInput, payoutRequestSchema } from '../../../../src/domain/payout-request.js';
import {
  IdempotencyConflictError,
  InvalidPayoutRequestError,
  SystemicProviderError,
  TransientProviderError,
} from '../../../../src/providers/errors.js';
import {
  cardFingerprint,
  createRbkmoneyProvider,
  destinationExternalId,
  type RbkmoneyProvider,
  type RbkmoneyProviderOptions,
} from '../../../../src/providers/rbkmoney/index.js';
import { generateWebhookKeyPair, signWebhook } from '../../../../src/providers/rbkmoney/signature.js';
import { type ScriptedServer, startScriptedServer } from './scripted-server.js';

const pan = '4242424242424242';
const apiKey = 'eyJhbGciOiJSUzI1NiJ9.test-key.signature';
const fingerprintKey = 'a-test-fingerprint-key';
const keys = generateWebhookKeyPair();
const now = () => new Date('2025-06-15T12:00:00Z');

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function provider(overrides: Partial<RbkmoneyProviderOptions> = {}): RbkmoneyProvider {
  return createRbkmoneyProvider({
    baseUrl: server.baseUrl,
    apiKey,
    identityId: '3',
    walletId: '18',
    walletCurrency: 'RUB',
    webhookPublicKey: keys.publicKey,
    cardFingerprintKey: fingerprintKey,
    timeoutMs: 5_000,
    now,
    ...overrides,
  });
}

function payout(overrides: Partial<PayoutRequestInput> = {}) {
  return payoutRequestSchema.parse({
    payoutId: 'p-1',
    provider: 'rbkmoney',
    amount: 10000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'KEYN FAWKES' },
    ...overrides,
  });
}

const withdrawal = {
  id: 'tZ0jUmlsV0',
  wallet: '18',
  destination: '22',
  body: { amount: 10000, currency: 'RUB' },
  externalID: 'p-1-a1',
  metadata: { payoutId: 'p-1' },
  // Created as the request arrives (the test clock's now): a new withdrawal.
  createdAt: '2025-06-15T12:00:00.137075Z',
  status: 'Pending',
};

describe('validate', () => {
  test('a card payout within the rules has no problems', () => {
    expect(provider().validate(payout())).toEqual([]);
    expect(provider().validate(payout({ card: { token: '22' } }))).toEqual([]);
  });

  test('every problem at once, each with its path', () => {
    const problems = provider().validate(
      payout({
        kind: 'p2p',
        currency: 'USD',
        card: { pan, expMonth: 5, expYear: 2025, holder: 'KEYN 4 FAWKES' },
      }),
    );
    expect(problems.map((problem) => problem.path).sort()).toEqual(['card.expYear', 'card.holder', 'currency', 'kind']);
    expect(JSON.stringify(problems)).not.toContain(pan);
  });

  test('a token card must be a destination id, not a payres token', () => {
    const problems = provider().validate(payout({ card: { token: 'x'.repeat(41) } }));
    expect(problems).toEqual([{ path: 'card.token', reason: expect.stringContaining('destination') as unknown }]);
  });

  test('expiry month without a year is refused; the current month is still valid', () => {
    expect(provider().validate(payout({ card: { pan, expMonth: 6, expYear: 2025 } }))).toEqual([]);
    expect(
      provider()
        .validate(payout({ card: { pan, expMonth: 6 } }))
        .map((p) => p.path),
    ).toEqual(['card.expMonth']);
  });
});

describe('submit', () => {
  test('creates a withdrawal from the wallet to the prepared destination, keyed by the idempotency key', async () => {
    server.replies.push(() => ({ status: 202, body: withdrawal }));
    const result = await provider().submit({
      request: payout(),
      idempotencyKey: 'p-1-a1',
      prepared: { destinationId: '22' },
    });
    expect(result).toEqual({ outcome: 'accepted', reference: 'tZ0jUmlsV0' });
    expect(server.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /wallet/v0/withdrawals']);
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual({
      wallet: '18',
      destination: '22',
      body: { amount: 10000, currency: 'RUB' },
      externalID: 'p-1-a1',
      metadata: { payoutId: 'p-1' },
    });
    expect(server.seen[0]?.body).not.toContain(pan);
  });

  test('a token card is the destination id', async () => {
    server.replies.push(() => ({ status: 202, body: { ...withdrawal, destination: '77' } }));
    await provider().submit({ request: payout({ card: { token: '77' } }), idempotencyKey: 'p-1-a1' });
    expect(JSON.parse(server.seen[0]?.body ?? '')).toMatchObject({ destination: '77' });
  });

  test('a 409 settled into the same withdrawal is a duplicate', async () => {
    server.replies.push(
      () => ({ status: 409, body: { externalID: 'p-1-a1', id: 'tZ0jUmlsV0', message: 'used' } }),
      () => ({ status: 200, body: withdrawal }),
    );
    const result = await provider().submit({
      request: payout(),
      idempotencyKey: 'p-1-a1',
      prepared: { destinationId: '22' },
    });
    expect(result).toEqual({ outcome: 'duplicate', reference: 'tZ0jUmlsV0' });
  });

  test('a create answered with a withdrawal already final is a duplicate', async () => {
    server.replies.push(() => ({ status: 202, body: { ...withdrawal, status: 'Succeeded' } }));
    const result = await provider().submit({
      request: payout(),
      idempotencyKey: 'p-1-a1',
      prepared: { destinationId: '22' },
    });
    expect(result.outcome).toBe('duplicate');
  });

  test('the same key with another amount is an idempotency conflict', async () => {
    server.replies.push(
      () => ({ status: 409, body: { externalID: 'p-1-a1', id: 'tZ0jUmlsV0' } }),
      () => ({ status: 200, body: { ...withdrawal, body: { amount: 99, currency: 'RUB' } } }),
    );
    await expect(
      provider().submit({ request: payout(), idempotencyKey: 'p-1-a1', prepared: { destinationId: '22' } }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  test('no wallet or no destination: refused before anything is sent', async () => {
    await expect(
      provider({ walletId: undefined }).submit({
        request: payout(),
        idempotencyKey: 'k',
        prepared: { destinationId: '22' },
      }),
    ).rejects.toBeInstanceOf(SystemicProviderError);
    await expect(provider().submit({ request: payout(), idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      InvalidPayoutRequestError,
    );
    expect(server.seen).toHaveLength(0);
  });

  test('an unauthorized destination is a decline', async () => {
    server.replies.push(() => ({ status: 422, body: { message: 'Destination unauthorized' } }));
    await expect(
      provider().submit({ request: payout(), idempotencyKey: 'k', prepared: { destinationId: '22' } }),
    ).rejects.toMatchObject({ errorClass: 'declined', code: 'Destination unauthorized' });
  });
});

describe('getStatus', () => {
  test('by withdrawal id when the reference is known; Failed carries the failure chain', async () => {
    server.replies.push(() => ({
      status: 200,
      body: {
        ...withdrawal,
        status: 'Failed',
        failure: { code: 'account_limit_exceeded', subError: { code: 'amount' } },
      },
    }));
    const status = await provider().getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1', reference: 'tZ0jUmlsV0' });
    expect(server.seen[0]?.url).toBe('/wallet/v0/withdrawals/tZ0jUmlsV0');
    expect(status).toMatchObject({ state: 'declined', code: 'account_limit_exceeded:amount', reference: 'tZ0jUmlsV0' });
  });

  test('by externalID without a reference; Pending and Succeeded map through', async () => {
    server.replies.push(
      () => ({ status: 200, body: withdrawal }),
      () => ({ status: 200, body: { ...withdrawal, status: 'Succeeded' } }),
    );
    await expect(provider().getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'pending',
      reference: 'tZ0jUmlsV0',
    });
    await expect(provider().getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1' })).resolves.toMatchObject({
      state: 'succeeded',
      reference: 'tZ0jUmlsV0',
      amount: { value: 10000, currency: 'RUB' },
    });
    expect(server.seen[0]?.url).toBe('/wallet/v0/external-ids/withdrawals/p-1-a1');
  });

  test('not found by id nor by externalID is unknown, never a decline', async () => {
    server.replies.push(
      () => ({ status: 404 }),
      () => ({ status: 404 }),
    );
    const status = await provider().getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1', reference: 'gone' });
    expect(status).toMatchObject({ state: 'unknown', reason: expect.stringContaining('not found') as unknown });
    expect(server.seen.map((request) => request.url)).toEqual([
      '/wallet/v0/withdrawals/gone',
      '/wallet/v0/external-ids/withdrawals/p-1-a1',
    ]);
  });

  test('an answer about another externalID is unknown', async () => {
    server.replies.push(() => ({ status: 200, body: { ...withdrawal, externalID: 'other' } }));
    await expect(
      provider().getStatus({ payoutId: 'p-1', idempotencyKey: 'p-1-a1', reference: 'tZ0jUmlsV0' }),
    ).resolves.toMatchObject({ state: 'unknown' });
  });

  test('a bad request is unknown; bad credentials and outages are thrown', async () => {
    server.replies.push(
      () => ({ status: 400, body: { errorType: 'WrongLength', name: 'withdrawalID' } }),
      () => ({ status: 401 }),
      () => ({ status: 503 }),
    );
    const lookup = { payoutId: 'p-1', idempotencyKey: 'p-1-a1', reference: 'w' };
    await expect(provider().getStatus(lookup)).resolves.toMatchObject({ state: 'unknown' });
    await expect(provider().getStatus(lookup)).rejects.toBeInstanceOf(SystemicProviderError);
    await expect(provider().getStatus(lookup)).rejects.toBeInstanceOf(TransientProviderError);
  });
});

describe('parseCallback', () => {
  const succeeded = JSON.stringify({
    eventID: '5',
    occuredAt: '2020-06-01T12:00:00Z',
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalSucceeded',
    withdrawalID: 'tZ0jUmlsV0',
    externalID: 'p-1-a1',
  });

  test('a signed withdrawal event is a ProviderEvent keyed by its externalID', () => {
    const result = provider().parseCallback(Buffer.from(succeeded), {
      'Content-Signature': signWebhook(succeeded, keys.privateKeyPem),
    });
    expect(result).toEqual({
      ok: true,
      event: {
        provider: 'rbkmoney',
        idempotencyKey: 'p-1-a1',
        eventId: 'tZ0jUmlsV0:WithdrawalSucceeded:5',
        status: { state: 'succeeded', reference: 'tZ0jUmlsV0' },
        occurredAt: '2020-06-01T12:00:00Z',
      },
    });
  });

  test('the signature covers the exact bytes: a re-serialised body is refused', () => {
    const header = signWebhook(succeeded, keys.privateKeyPem);
    const reformatted = JSON.stringify(JSON.parse(succeeded), null, 1);
    expect(provider().parseCallback(reformatted, { 'content-signature': header })).toMatchObject({
      ok: false,
      rejection: 'bad_signature',
    });
  });

  test('missing header, another key, no configured key, or two signatures: bad_signature', () => {
    const other = generateWebhookKeyPair();
    const header = signWebhook(succeeded, keys.privateKeyPem);
    const cases = [
      provider().parseCallback(succeeded, {}),
      provider().parseCallback(succeeded, { 'content-signature': signWebhook(succeeded, other.privateKeyPem) }),
      provider({ webhookPublicKey: undefined }).parseCallback(succeeded, { 'content-signature': header }),
      provider().parseCallback(succeeded, { 'content-signature': [header, header] }),
    ];
    for (const result of cases) expect(result).toMatchObject({ ok: false, rejection: 'bad_signature' });
  });

  test('any of several configured keys verifies', () => {
    const other = generateWebhookKeyPair();
    const result = provider({ webhookPublicKey: [other.publicKey, keys.publicKey] }).parseCallback(succeeded, {
      'content-signature': signWebhook(succeeded, keys.privateKeyPem),
    });
    expect(result.ok).toBe(true);
  });

  test('a signed body that is not an event is malformed', () => {
    const body = JSON.stringify({ hello: 'world' });
    expect(
      provider().parseCallback(body, { 'content-signature': signWebhook(body, keys.privateKeyPem) }),
    ).toMatchObject({ ok: false, rejection: 'malformed' });
  });

  test('a destination event is a binding event keyed by the destination externalID', () => {
    const body = JSON.stringify({
      eventID: '2',
      occuredAt: '2020-06-01T12:00:00Z',
      topic: 'DestinationTopic',
      eventType: 'DestinationAuthorized',
      destinationID: '22',
      externalID: 'card-abc-3-RUB',
    });
    const result = provider().parseCallback(body, { 'content-signature': signWebhook(body, keys.privateKeyPem) });
    expect(result).toMatchObject({
      ok: true,
      event: null,
      other: { kind: 'DestinationAuthorized', subject: '22' },
      binding: {
        provider: 'rbkmoney',
        idempotencyKey: 'card-abc-3-RUB',
        reference: '22',
        eventId: '22:DestinationAuthorized:2',
        state: 'authorized',
      },
    });
  });

  test('an unreadable configured key stops the provider at creation', () => {
    expect(() => provider({ webhookPublicKey: 'not a key' })).toThrow();
  });
});

describe('card binding', () => {
  test('tokenizeCard sends the card to payres and returns the token and the masked card only', async () => {
    server.replies.push(() => ({
      status: 201,
      body: { token: 'tok-1', bin: '424242', lastDigits: '4242', authData: 'auth', validUntil: '2025-06-15T13:04:00Z' },
    }));
    const tokenized = await provider().tokenizeCard({ pan, expMonth: 12, expYear: 2030 });
    expect(server.seen[0]?.url).toBe('/payres/v0/bank-cards');
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual({
      type: 'BankCard',
      cardNumber: pan,
      expDate: '12/30',
    });
    expect(tokenized).toEqual({
      token: 'tok-1',
      maskedPan: '424242******4242',
      bin: '424242',
      lastDigits: '4242',
      validUntil: '2025-06-15T13:04:00Z',
    });
  });

  test('a card payres would refuse is not sent, and the error names the field, not the value', async () => {
    const error: unknown = await provider()
      .tokenizeCard({ pan, holder: 'KEYN 4242424242424242' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPayoutRequestError);
    expect((error as Error).message).toContain('holder');
    expect((error as Error).message).not.toContain(pan);
    expect(server.seen).toHaveLength(0);
  });

  test('ensureDestination returns the destination its externalID already names, without creating one', async () => {
    server.replies.push(() => ({ status: 200, body: destination('Authorized') }));
    const info = await provider().ensureDestination(ensureInput);
    expect(server.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET /wallet/v0/external-ids/destinations/${ensureInput.externalID}`,
    ]);
    expect(info).toEqual({
      id: '22',
      externalID: ensureInput.externalID,
      status: 'Authorized',
      usable: true,
      bin: '424242',
      lastDigits: '4242',
    });
  });

  test('ensureDestination creates the destination from the token when there is none', async () => {
    server.replies.push(
      () => ({ status: 404 }),
      () => ({ status: 201, body: destination('Unauthorized') }),
    );
    const info = await provider().ensureDestination(ensureInput);
    expect(server.seen[1]?.url).toBe('/wallet/v0/destinations');
    expect(JSON.parse(server.seen[1]?.body ?? '')).toEqual({
      name: 'Card 424242******4242',
      identity: '3',
      currency: 'RUB',
      resource: { type: 'BankCardDestinationResource', token: 'tok-1' },
      externalID: ensureInput.externalID,
    });
    expect(info).toMatchObject({ status: 'Unauthorized', usable: false });
  });

  test('an externalID naming a destination in another currency is a conflict', async () => {
    server.replies.push(() => ({ status: 200, body: { ...destination('Authorized'), currency: 'USD' } }));
    await expect(provider().ensureDestination(ensureInput)).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  test('getDestination answers undefined for an unknown id', async () => {
    server.replies.push(() => ({ status: 404 }));
    await expect(provider().getDestination('nope')).resolves.toBeUndefined();
  });

  const ensureInput = {
    currency: 'RUB',
    token: 'tok-1',
    externalID: destinationExternalId({
      fingerprint: cardFingerprint(pan, fingerprintKey),
      identityId: '3',
      currency: 'RUB',
    }),
    name: 'Card 424242******4242',
  };

  function destination(status: 'Authorized' | 'Unauthorized') {
    return {
      id: '22',
      name: 'Card 424242******4242',
      identity: '3',
      currency: 'RUB',
      resource: { type: 'BankCardDestinationResource', token: 'internal', bin: '424242', lastDigits: '4242' },
      status,
      externalID: ensureInput.externalID,
      isBlocked: false,
    };
  }
});

describe('card fingerprint', () => {
  test('keyed, stable, hex, and free of the card number', () => {
    const fingerprint = provider().cardFingerprint({ pan });
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint).toBe(cardFingerprint('4242 4242 4242 4242', fingerprintKey));
    expect(fingerprint).not.toBe(cardFingerprint(pan, 'another-key-of-16+chars'));
    expect(fingerprint).not.toBe(cardFingerprint('5555555555554444', fingerprintKey));
    expect(fingerprint).not.toContain('424242');
    const externalID = destinationExternalId({ fingerprint, identityId: '3', currency: 'RUB' });
    expect(externalID).toBe(`card-${fingerprint}-3-RUB`);
  });

  test('no key or a short key is refused', () => {
    expect(() => provider({ cardFingerprintKey: undefined }).cardFingerprint({ pan })).toThrow(SystemicProviderError);
    expect(() => cardFingerprint(pan, 'short')).toThrow(RangeError);
  });
});

describe('setupAccount', () => {
  const input = {
    identity: { name: 'Megacorp inc.', provider: 'test', externalID: 'payouts-identity' },
    wallet: { name: 'Megacorp payouts wallet', currency: 'RUB', externalID: 'payouts-wallet' },
    webhookUrl: 'https://relay.example/rbkmoney',
  };
  const withdrawalsHook = {
    id: '7',
    identityID: '3',
    active: true,
    url: input.webhookUrl,
    scope: {
      topic: 'WithdrawalsTopic',
      walletID: '18',
      eventTypes: ['WithdrawalStarted', 'WithdrawalSucceeded', 'WithdrawalFailed'],
    },
    publicKey: keys.publicKey,
  };

  test('creates only the webhooks that are missing and returns ids and the distinct public keys', async () => {
    const inactiveDestinations = {
      ...withdrawalsHook,
      id: '6',
      active: false,
      scope: {
        topic: 'DestinationsTopic',
        eventTypes: ['DestinationCreated', 'DestinationUnauthorized', 'DestinationAuthorized'],
      },
    };
    server.replies.push(
      () => ({ status: 201, body: { id: '3', name: 'Megacorp inc.', provider: 'test' } }),
      () => ({ status: 201, body: { id: '18', name: 'Megacorp payouts wallet', identity: '3', currency: 'RUB' } }),
      () => ({ status: 200, body: [withdrawalsHook, inactiveDestinations] }),
      (request) => ({
        status: 201,
        body: { ...(JSON.parse(request.body) as object), id: '8', active: true, publicKey: keys.publicKey },
      }),
    );
    const setup = await provider().setupAccount(input);
    expect(server.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /wallet/v0/identities',
      'POST /wallet/v0/wallets',
      'GET /wallet/v0/webhooks?identityID=3',
      'POST /wallet/v0/webhooks',
    ]);
    expect(JSON.parse(server.seen[1]?.body ?? '')).toMatchObject({ identity: '3', externalID: 'payouts-wallet' });
    // The identity's class, as the provider's guide sends it (issue 19, finding 7).
    expect(JSON.parse(server.seen[0]?.body ?? '')).toMatchObject({ provider: 'test', class: 'person' });
    expect(JSON.parse(server.seen[3]?.body ?? '')).toEqual({
      identityID: '3',
      url: input.webhookUrl,
      scope: inactiveDestinations.scope,
    });
    expect(setup).toEqual({
      identityId: '3',
      walletId: '18',
      webhooks: [
        { id: '7', topic: 'WithdrawalsTopic', created: false },
        { id: '8', topic: 'DestinationsTopic', created: true },
      ],
      webhookPublicKeys: [keys.publicKey],
    });
  });

  test('a webhook for another wallet does not count', async () => {
    server.replies.push(
      () => ({ status: 201, body: { id: '3', name: 'Megacorp inc.', provider: 'test' } }),
      () => ({ status: 201, body: { id: '18', name: 'Megacorp payouts wallet', identity: '3', currency: 'RUB' } }),
      () => ({ status: 200, body: [{ ...withdrawalsHook, scope: { ...withdrawalsHook.scope, walletID: '99' } }] }),
      (request) => ({ status: 201, body: { ...(JSON.parse(request.body) as object), id: '9' } }),
      (request) => ({ status: 201, body: { ...(JSON.parse(request.body) as object), id: '10' } }),
    );
    const setup = await provider().setupAccount(input);
    expect(setup.webhooks.map((webhook) => webhook.created)).toEqual([true, true]);
    expect(setup.webhookPublicKeys).toEqual([]);
  });
});

describe('availableBalance', () => {
  test("reads the wallet's account and answers its available amount, in the wallet's currency", async () => {
    server.replies.push(() => ({
      status: 200,
      body: { own: { amount: 1_500_000, currency: 'RUB' }, available: { amount: 1_200_000, currency: 'RUB' } },
    }));
    await expect(provider().availableBalance('RUB')).resolves.toEqual({ amount: 1_200_000, currency: 'RUB' });
    expect(server.seen[0]?.url).toBe('/wallet/v0/wallets/18/account');
  });

  test('an unknown wallet or a missing wallet id is systemic', async () => {
    server.replies.push(() => ({ status: 404 }));
    await expect(provider().availableBalance('RUB')).rejects.toBeInstanceOf(SystemicProviderError);
    await expect(provider({ walletId: undefined }).availableBalance('RUB')).rejects.toThrow('RBKMONEY_WALLET_ID');
  });
});

describe('a repeat answered 202 with the existing withdrawal (issue 19, finding 1)', () => {
  const submitOurs = () =>
    provider().submit({ request: payout(), idempotencyKey: 'p-1-a1', prepared: { destinationId: '22' } });

  test('is recognised by its creation before our request, even while Pending: a duplicate, read and compared', async () => {
    const createdEarlier = { ...withdrawal, createdAt: '2025-06-15T11:59:00Z', status: 'Pending' };
    server.replies.push(() => ({ status: 202, body: createdEarlier }));
    const result = await submitOurs();
    expect(result).toEqual({ outcome: 'duplicate', reference: 'tZ0jUmlsV0' });
  });

  test('one created as we asked (our clock a little ahead of the provider’s) is a new withdrawal', async () => {
    server.replies.push(() => ({ status: 202, body: { ...withdrawal, createdAt: '2025-06-15T11:59:58Z' } }));
    const result = await submitOurs();
    expect(result).toEqual({ outcome: 'accepted', reference: 'tZ0jUmlsV0' });
  });

  test('is checked: another amount under our externalID is an idempotency conflict, never ours', async () => {
    server.replies.push(() => ({ status: 202, body: { ...withdrawal, body: { amount: 100, currency: 'RUB' } } }));
    await expect(submitOurs()).rejects.toBeInstanceOf(IdempotencyConflictError);
  });
});
