// The RBKmoney sandbox's state machine on its own: answers as the provider gives them, idempotency by
// externalID, destination authorization, withdrawal outcomes and the wallet balance, webhook routing.
import { generateWebhookKeyPair } from '../../../../src/providers/rbkmoney/signature.js';
import { defaultRbkmoneySandboxSettings } from '../../../../src/sandbox/rbkmoney/settings.js';
import { RbkmoneyState, type RbkmoneyStateSettings } from '../../../../src/sandbox/rbkmoney/state.js';
import { testCards } from '../../../../src/sandbox/rbkmoney/test-cards.js';

const key = generateWebhookKeyPair();
let clock = new Date('2025-06-15T12:00:00Z');
const outputs: unknown[] = [];

function newState(overrides: Partial<RbkmoneyStateSettings> = {}) {
  let n = 0;
  return new RbkmoneyState(
    {
      ...defaultRbkmoneySandboxSettings,
      webhookPrivateKeyPem: key.privateKeyPem,
      walletBalance: 100_000,
      ...overrides,
    },
    () => clock,
    () => `r${++n}`,
  );
}

/** Every answer and event, to check at the end that no card number ever left the state. */
function seen<T>(value: T): T {
  outputs.push(value);
  return value;
}

function setup(state: RbkmoneyState, pan: string = testCards.visa.pan) {
  const identity = seen(state.accounts.createIdentity({ name: 'Megacorp', provider: 'test', externalID: 'i-1' }));
  const identityId = (identity.created as { id: string }).id;
  const wallet = seen(
    state.accounts.createWallet({ name: 'Payouts', identity: identityId, currency: 'RUB', externalID: 'w-1' }),
  );
  const walletId = (wallet.created as { id: string }).id;
  const stored = seen(state.destinations.storeBankCard({ cardNumber: pan, expDate: '12/30' }));
  const token = (stored.body as { token: string }).token;
  const destination = seen(
    state.destinations.createDestination({
      name: 'Card',
      identity: identityId,
      currency: 'RUB',
      resource: { type: 'BankCardDestinationResource', token },
      externalID: `d-${pan.slice(-4)}`,
    }),
  );
  const destinationId = (destination.created as { id: string }).id;
  return { identityId, walletId, token, destinationId, destination };
}

const withdrawal = (walletId: string, destinationId: string, amount = 1000, externalID = 'p-1') => ({
  wallet: walletId,
  destination: destinationId,
  body: { amount, currency: 'RUB' },
  externalID,
});

beforeEach(() => {
  clock = new Date('2025-06-15T12:00:00Z');
});

afterAll(() => {
  const all = JSON.stringify(outputs);
  for (const card of Object.values(testCards)) expect(all).not.toContain(card.pan);
});

describe('identities and wallets', () => {
  test('a repeat with the same externalID and parameters is the same object; other parameters are 409 {id}', () => {
    const state = newState();
    const first = seen(state.accounts.createIdentity({ name: 'A', provider: 'test', externalID: 'i-1' }));
    const again = seen(state.accounts.createIdentity({ provider: 'test', name: 'A', externalID: 'i-1' }));
    const other = seen(state.accounts.createIdentity({ name: 'B', provider: 'test', externalID: 'i-1' }));
    expect(first.answer.status).toBe(201);
    expect(again).toMatchObject({ answer: { status: 201, body: first.answer.body }, repeat: true });
    expect(again.created).toBeUndefined();
    expect(other.answer).toEqual({ status: 409, body: { id: (first.created as { id: string }).id } });
  });

  test('unknown provider, identity or currency are 422 with the provider messages', () => {
    const state = newState();
    expect(state.accounts.createIdentity({ name: 'A', provider: 'nope' }).answer).toEqual({
      status: 422,
      body: { message: 'No such provider' },
    });
    expect(state.accounts.createWallet({ name: 'W', identity: 'x', currency: 'RUB' }).answer.body).toEqual({
      message: 'No such identity',
    });
    const { identityId } = setup(state);
    expect(state.accounts.createWallet({ name: 'W', identity: identityId, currency: 'JPY' }).answer.body).toEqual({
      message: 'Currency not supported',
    });
  });
});

describe('card tokens and destinations', () => {
  test('payres refuses unsupported, invalid and expired cards with its messages', () => {
    const state = newState();
    const refuse = (cardNumber: string, expDate?: string) =>
      seen(state.destinations.storeBankCard({ cardNumber, expDate })).body;
    expect(refuse(testCards.unsupported.pan)).toEqual({ message: 'Unsupported card' });
    expect(refuse('4242424242424241')).toEqual({ message: 'Card data is invalid' });
    expect(refuse(testCards.visa.pan, '05/25')).toEqual({ message: 'Card data is invalid' });
    expect(state.destinations.storeBankCard({ cardNumber: testCards.visa.pan, expDate: '06/25' }).status).toBe(201);
  });

  test('a token carries bin and last digits; authData only when a CVV came', () => {
    const state = newState();
    const plain = seen(state.destinations.storeBankCard({ cardNumber: testCards.visa.pan })).body;
    const withCvv = seen(state.destinations.storeBankCard({ cardNumber: testCards.visa.pan, cvv: '123' })).body;
    expect(plain).toMatchObject({ bin: '424242', lastDigits: '4242', validUntil: '2025-06-15T13:04:00.000Z' });
    expect(plain).not.toHaveProperty('authData');
    expect(withCvv).toHaveProperty('authData');
  });

  test('a destination starts Unauthorized, says DestinationCreated with the masked card, then is authorized once', () => {
    const state = newState();
    const { destinationId, destination } = setup(state);
    expect(destination.answer.body).toMatchObject({
      status: 'Unauthorized',
      resource: { bin: '424242', lastDigits: '4242' },
    });
    expect(destination.events[0]?.event).toMatchObject({
      eventType: 'DestinationCreated',
      destination: { resource: { type: 'BankCard', cardNumberMask: '424242******4242', paymentSystem: 'visa' } },
    });
    expect(seen(state.destinations.authorize(destinationId))[0]?.event).toMatchObject({
      eventType: 'DestinationAuthorized',
      destinationID: destinationId,
      eventID: '2',
    });
    expect(state.destinations.authorize(destinationId)).toEqual([]);
    expect(state.destinations.getDestination(destinationId).body).toMatchObject({ status: 'Authorized' });
  });

  test('the never-authorized card says DestinationUnauthorized and stays so', () => {
    const state = newState();
    const { destinationId } = setup(state, testCards.neverAuthorized.pan);
    expect(state.destinations.authorize(destinationId)[0]?.event.eventType).toBe('DestinationUnauthorized');
    expect(state.destinations.getDestination(destinationId).body).toMatchObject({ status: 'Unauthorized' });
  });

  test('an unknown or expired token is 400 InvalidResourceToken', () => {
    const state = newState();
    const { identityId, token } = setup(state);
    const create = (t: string) =>
      state.destinations.createDestination({
        name: 'Card',
        identity: identityId,
        currency: 'RUB',
        resource: { type: 'BankCardDestinationResource', token: t },
      }).answer;
    const invalid = { status: 400, body: expect.objectContaining({ errorType: 'InvalidResourceToken' }) as unknown };
    expect(create('nope')).toEqual(invalid);
    clock = new Date(clock.getTime() + 65 * 60_000);
    expect(create(token)).toEqual(invalid);
  });

  test('the same card tokenized again under the same externalID is the same destination; another card is 409', () => {
    const state = newState();
    const { identityId, destinationId } = setup(state);
    const bind = (pan: string) => {
      const token = (state.destinations.storeBankCard({ cardNumber: pan }).body as { token: string }).token;
      return state.destinations.createDestination({
        name: 'Card',
        identity: identityId,
        currency: 'RUB',
        resource: { type: 'BankCardDestinationResource', token },
        externalID: 'd-4242',
      });
    };
    expect(bind(testCards.visa.pan)).toMatchObject({
      answer: { status: 201, body: { id: destinationId } },
      repeat: true,
    });
    expect(bind(testCards.mastercard.pan).answer).toMatchObject({
      status: 409,
      body: { externalID: 'd-4242', id: destinationId },
    });
  });
});

describe('withdrawals', () => {
  function ready(pan: string = testCards.visa.pan, overrides: Partial<RbkmoneyStateSettings> = {}) {
    const state = newState(overrides);
    const ids = setup(state, pan);
    state.destinations.authorize(ids.destinationId);
    return { state, ...ids };
  }

  test('to an unauthorized destination: 422 Destination unauthorized', () => {
    const state = newState();
    const { walletId, destinationId } = setup(state);
    expect(state.withdrawals.create(withdrawal(walletId, destinationId)).answer.body).toEqual({
      message: 'Destination unauthorized',
    });
  });

  test('currency and amount are checked as the provider does', () => {
    const { state, walletId, destinationId } = ready();
    const create = (amount: number, currency = 'RUB') =>
      state.withdrawals.create({ ...withdrawal(walletId, destinationId, amount), body: { amount, currency } }).answer
        .body;
    expect(create(100, 'USD')).toEqual({ message: 'Invalid currency' });
    expect(create(0)).toEqual({ message: 'Invalid cash amount' });
    expect(create(defaultRbkmoneySandboxSettings.maxAmount + 1)).toEqual({ message: 'Invalid cash amount' });
    expect(state.withdrawals.create(withdrawal('nope', destinationId)).answer.body).toEqual({
      message: 'No such wallet',
    });
  });

  test('accepted Pending with the amount held, then Succeeded once and paid from the wallet', () => {
    const { state, walletId, destinationId } = ready();
    const created = seen(state.withdrawals.create(withdrawal(walletId, destinationId, 30_000)));
    expect(created.answer).toMatchObject({ status: 202, body: { status: 'Pending', externalID: 'p-1' } });
    expect(created.events[0]?.event).toMatchObject({ eventType: 'WithdrawalStarted', eventID: '1' });
    expect(state.accounts.getWalletAccount(walletId).body).toEqual({
      own: { amount: 100_000, currency: 'RUB' },
      available: { amount: 70_000, currency: 'RUB' },
    });
    const id = created.created?.withdrawal.id ?? '';
    const settled = seen(state.withdrawals.settle(id));
    expect(settled.events[0]?.event).toMatchObject({
      eventType: 'WithdrawalSucceeded',
      withdrawalID: id,
      externalID: 'p-1',
    });
    expect(state.withdrawals.settle(id).events).toEqual([]);
    expect(state.accounts.getWalletAccount(walletId).body).toMatchObject({
      own: { amount: 70_000 },
      available: { amount: 70_000 },
    });
  });

  test('a test card fails its withdrawals with its failure chain, and the hold is released', () => {
    const { state, walletId, destinationId } = ready(testCards.rejectedByIssuer.pan);
    const id = state.withdrawals.create(withdrawal(walletId, destinationId)).created?.withdrawal.id ?? '';
    expect(state.withdrawals.settle(id).events[0]?.event.eventType).toBe('WithdrawalFailed');
    expect(state.withdrawals.get(id).body).toMatchObject({
      status: 'Failed',
      failure: { code: 'authorization_failed', subError: { code: 'rejected_by_issuer' } },
    });
    expect(state.accounts.getWalletAccount(walletId).body).toMatchObject({ available: { amount: 100_000 } });
  });

  test('a test sets what the wallet owns; what pending withdrawals hold stays held', () => {
    const { state, walletId, destinationId } = ready();
    state.withdrawals.create(withdrawal(walletId, destinationId, 30_000));
    expect(state.accounts.setBalance(walletId, 50_000).body).toEqual({
      own: { amount: 50_000, currency: 'RUB' },
      available: { amount: 20_000, currency: 'RUB' },
    });
    expect(state.accounts.setBalance('no-such-wallet', 1).status).toBe(404);
  });

  test('more than the available balance fails with account_limit_exceeded:amount', () => {
    const { state, walletId, destinationId } = ready();
    state.withdrawals.create(withdrawal(walletId, destinationId, 60_000, 'p-1'));
    const id =
      state.withdrawals.create(withdrawal(walletId, destinationId, 60_000, 'p-2')).created?.withdrawal.id ?? '';
    state.withdrawals.settle(id);
    expect(state.withdrawals.get(id).body).toMatchObject({
      status: 'Failed',
      failure: { code: 'account_limit_exceeded', subError: { code: 'amount' } },
    });
  });

  test('for a card outside the table the amount decides; the pending amount never settles', () => {
    const { state, walletId, destinationId } = ready('4111111111111111');
    const noRoute = state.withdrawals.create(withdrawal(walletId, destinationId, 10402, 'p-1')).created?.withdrawal.id;
    const pending = state.withdrawals.create(withdrawal(walletId, destinationId, 10404, 'p-2')).created?.withdrawal.id;
    state.withdrawals.settle(noRoute ?? '');
    expect(state.withdrawals.get(noRoute ?? '').body).toMatchObject({ failure: { code: 'no_route_found' } });
    expect(state.withdrawals.settle(pending ?? '').events).toEqual([]);
    expect(state.withdrawals.get(pending ?? '').body).toMatchObject({ status: 'Pending' });
  });

  test('a repeated externalID: the same parameters answer the existing withdrawal, others 409 with its id', () => {
    const { state, walletId, destinationId } = ready();
    const first = state.withdrawals.create(withdrawal(walletId, destinationId));
    const id = first.created?.withdrawal.id;
    const again = state.withdrawals.create(withdrawal(walletId, destinationId));
    const other = state.withdrawals.create(withdrawal(walletId, destinationId, 2000));
    expect(again).toMatchObject({ answer: { status: 202, body: { id } }, repeat: true, events: [] });
    expect(other).toMatchObject({
      answer: { status: 409, body: { externalID: 'p-1', id, message: expect.any(String) as unknown } },
      repeat: false,
    });
    expect(state.accounts.getWalletAccount(walletId).body).toMatchObject({ available: { amount: 99_000 } });
  });

  test('status events can be polled after a cursor', () => {
    const { state, walletId, destinationId } = ready();
    const id = state.withdrawals.create(withdrawal(walletId, destinationId)).created?.withdrawal.id ?? '';
    state.withdrawals.settle(id);
    expect(state.withdrawals.events(id, 10, undefined).body).toHaveLength(2);
    expect(state.withdrawals.events(id, 10, 1).body).toEqual([
      {
        eventID: 2,
        occuredAt: clock.toISOString(),
        changes: [{ type: 'WithdrawalStatusChanged', status: 'Succeeded' }],
      },
    ]);
  });
});

describe('webhooks', () => {
  test('an event goes to the identity webhooks of its topic and event type, and of its wallet', () => {
    const state = newState();
    const { identityId, walletId, destinationId } = setup(state);
    const url = 'https://relay.example/rbkmoney';
    const hook = (scope: object) =>
      (state.accounts.createWebhook({ identityID: identityId, url, scope } as never).body as { id: string }).id;
    const allWithdrawals = hook({
      topic: 'WithdrawalsTopic',
      eventTypes: ['WithdrawalStarted', 'WithdrawalSucceeded'],
    });
    const thisWallet = hook({ topic: 'WithdrawalsTopic', walletID: walletId, eventTypes: ['WithdrawalSucceeded'] });
    hook({ topic: 'WithdrawalsTopic', walletID: 'other', eventTypes: ['WithdrawalSucceeded'] });
    const destinationsHook = hook({ topic: 'DestinationsTopic', eventTypes: ['DestinationAuthorized'] });

    const [authorized] = state.destinations.authorize(destinationId);
    expect(state.accounts.webhooksFor(authorized!).map((w) => w.id)).toEqual([destinationsHook]);
    const created = state.withdrawals.create(withdrawal(walletId, destinationId));
    expect(state.accounts.webhooksFor(created.events[0]!).map((w) => w.id)).toEqual([allWithdrawals]);
    const [succeeded] = state.withdrawals.settle(created.created?.withdrawal.id ?? '').events;
    expect(state.accounts.webhooksFor(succeeded!).map((w) => w.id)).toEqual([allWithdrawals, thisWallet]);
    expect(state.accounts.getWebhooks(identityId).body).toHaveLength(4);
    expect(state.accounts.getWebhooks('nope').status).toBe(422);
  });

  test('each identity signs with its own key unless one is configured', () => {
    const state = newState({ webhookPrivateKeyPem: undefined });
    const a = state.accounts.createIdentity({ name: 'A', provider: 'test', externalID: 'a' }).created?.id ?? '';
    const b = state.accounts.createIdentity({ name: 'B', provider: 'test', externalID: 'b' }).created?.id ?? '';
    expect(state.accounts.signingKey(a)).toMatch(/BEGIN PRIVATE KEY/);
    expect(state.accounts.signingKey(a)).not.toBe(state.accounts.signingKey(b));
  });
});
