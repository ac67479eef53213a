// Answers below are the provider's published examples (mass-payout guide, swagger examples) and bodies in
// the shape its servers build them (wapi, wallets-hooker); see docs/PROVIDERS.md.
import { luhnValid, maskPan } from '../../../../src/domain/card.js';
import type { PanCard } from '../../../../src/domain/payout-request.js';
import { parseWebhookEvent, webhookEventToCallback } from '../../../../src/providers/rbkmoney/callbacks.js';
import {
  bankCardProblems,
  bankCardSchema,
  buildStoreBankCard,
  formatExpDate,
  storeBankCardResponseSchema,
} from '../../../../src/providers/rbkmoney/wire/cards.js';
import {
  buildCreateDestination,
  destinationSchema,
  isDestinationUsable,
} from '../../../../src/providers/rbkmoney/wire/destinations.js';
import { type WebhookEvent } from '../../../../src/providers/rbkmoney/wire/events.js';
import { identitySchema } from '../../../../src/providers/rbkmoney/wire/identities.js';
import { webhookSchema } from '../../../../src/providers/rbkmoney/wire/webhooks.js';
import {
  buildCreateWithdrawal,
  failureCode,
  withdrawalParametersSchema,
  withdrawalSchema,
  withdrawalToProviderStatus,
  type Withdrawal,
} from '../../../../src/providers/rbkmoney/wire/withdrawals.js';

const pan = '4242424242424242';
const card: PanCard = { pan, expMonth: 3, expYear: 2027, holder: 'KEYN FAWKES' };

/** Any Luhn-valid 12-19 digit run: what a card number in a request body would look like. */
function cardNumbersIn(value: unknown): string[] {
  return (JSON.stringify(value).match(/\d{12,19}/g) ?? []).filter(luhnValid);
}

function event(json: Record<string, unknown>): WebhookEvent {
  const parsed = parseWebhookEvent(JSON.stringify(json));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('request builders', () => {
  test('storeBankCard carries the card, expiry as MM/YY', () => {
    const request = buildStoreBankCard(card);
    expect(request).toEqual({
      type: 'BankCard',
      cardNumber: pan,
      expDate: '03/27',
      cardHolder: 'KEYN FAWKES',
    });
    expect(bankCardSchema.parse(request)).toEqual(request);
  });

  test('storeBankCard leaves out what the card does not have', () => {
    expect(buildStoreBankCard({ pan })).toEqual({ type: 'BankCard', cardNumber: pan });
    expect(formatExpDate(12, 2100)).toBe('12/00');
  });

  test('card problems the provider would refuse', () => {
    expect(bankCardProblems(card)).toEqual([]);
    expect(bankCardProblems({ pan, expMonth: 1, holder: 'J0HN' }).map((p) => p.path)).toEqual([
      'card.expMonth',
      'card.holder',
    ]);
  });

  test('createDestination names the card by its mask and sends only the token', () => {
    const request = buildCreateDestination({
      externalID: 'payout-1-destination',
      identityID: '3',
      currency: 'RUB',
      token: 'eyJiaW4iOiI0MjQyNDIifQ',
      maskedCard: maskPan(pan),
      metadata: { payoutId: 'payout-1' },
    });
    expect(request).toEqual({
      name: 'Card 424242******4242',
      identity: '3',
      currency: 'RUB',
      resource: { type: 'BankCardDestinationResource', token: 'eyJiaW4iOiI0MjQyNDIifQ' },
      externalID: 'payout-1-destination',
      metadata: { payoutId: 'payout-1' },
    });
  });

  test('createDestination masks a card number passed by mistake in the mask or the metadata', () => {
    const request = buildCreateDestination({
      externalID: 'e',
      identityID: '3',
      currency: 'RUB',
      token: 't',
      maskedCard: pan,
      metadata: { note: `card ${pan}`, nested: { list: [pan] } },
    });
    expect(cardNumbersIn(request)).toEqual([]);
    expect(request.name).toBe('Card 424242******4242');
  });

  test('createWithdrawal: wallet, destination, body in minor units, externalID', () => {
    const request = buildCreateWithdrawal({
      externalID: 'payout-1-a1',
      walletID: '18',
      destinationID: '22',
      amount: 10000,
      currency: 'RUB',
    });
    expect(request).toEqual({
      wallet: '18',
      destination: '22',
      body: { amount: 10000, currency: 'RUB' },
      externalID: 'payout-1-a1',
    });
    expect(withdrawalParametersSchema.parse(request)).toEqual(request);
  });

  test('the card number appears in the storeBankCard body and in no other request', () => {
    const stored = buildStoreBankCard(card);
    const destination = buildCreateDestination({
      externalID: 'payout-1-destination',
      identityID: '3',
      currency: 'RUB',
      token: 'tok',
      maskedCard: maskPan(card.pan),
      metadata: { payoutId: 'payout-1', holder: card.holder },
    });
    const withdrawal = buildCreateWithdrawal({
      externalID: 'payout-1-a1',
      walletID: '18',
      destinationID: '22',
      amount: 10000,
      currency: 'RUB',
      metadata: { payoutId: 'payout-1' },
    });
    expect(cardNumbersIn(stored)).toEqual([pan]);
    expect(cardNumbersIn(destination)).toEqual([]);
    expect(cardNumbersIn(withdrawal)).toEqual([]);
  });
});

describe('answers parse as published', () => {
  test("the guide's identity (pre-2021, with class and level) and the current one", () => {
    const legacy = {
      class: 'person',
      createdAt: '2018-08-06T13:46:42.234281Z',
      id: '1',
      isBlocked: false,
      level: 'anonymous',
      name: 'Megacorp inc.',
      provider: 'test',
    };
    expect(identitySchema.parse(legacy)).toEqual({
      createdAt: '2018-08-06T13:46:42.234281Z',
      id: '1',
      isBlocked: false,
      name: 'Megacorp inc.',
      provider: 'test',
    });
  });

  test('storeBankCard: the 2018 shape with paymentSystem, and the current one with validUntil only', () => {
    expect(
      storeBankCardResponseSchema.parse({
        authData: '5ZAuwcI6zqZUJDtqOq1P4Y',
        bin: '424242',
        lastDigits: '4242',
        paymentSystem: 'visa',
        token: 'eyJiaW4iOiI0MjQyNDIi',
      }).paymentSystem,
    ).toBe('visa');
    expect(
      storeBankCardResponseSchema.parse({
        token: 'zu3TcwGI71Bpaaw2XkLWZXlhMdn4zpVzMQg9xMkh',
        bin: '424242',
        lastDigits: '4242',
        validUntil: '2021-06-29T12:04:00Z',
      }).validUntil,
    ).toBe('2021-06-29T12:04:00Z');
    expect(storeBankCardResponseSchema.safeParse({ bin: '424242' }).success).toBe(false);
  });

  test("the guide's destination, Unauthorized then Authorized", () => {
    const answer = {
      createdAt: '2018-08-06T13:55:28.824975Z',
      currency: 'RUB',
      id: '22',
      identity: '3',
      isBlocked: false,
      metadata: { display_name: 'Card #4242' },
      name: 'Customer #1234567890',
      resource: {
        bin: '415039',
        lastDigits: '0900',
        paymentSystem: 'visa',
        token: '5MyTF5akEQZeD1VKKbi5Yn',
        type: 'BankCardDestinationResource',
      },
      status: 'Unauthorized',
    };
    expect(isDestinationUsable(destinationSchema.parse(answer))).toBe(false);
    expect(isDestinationUsable(destinationSchema.parse({ ...answer, status: 'Authorized' }))).toBe(true);
    expect(isDestinationUsable(destinationSchema.parse({ ...answer, status: 'Authorized', isBlocked: true }))).toBe(
      false,
    );
    expect(destinationSchema.safeParse({ ...answer, status: 'Maybe' }).success).toBe(false);
  });

  test('a webhook as the management API returns it', () => {
    const webhook = webhookSchema.parse({
      id: 42,
      identityID: '1',
      active: true,
      scope: { topic: 'WithdrawalsTopic', walletID: '18', eventTypes: ['WithdrawalSucceeded', 'WithdrawalFailed'] },
      url: 'https://payouts.example/webhooks/rbkmoney',
      publicKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A',
    });
    expect(webhook.id).toBe('42');
    expect(webhook.scope.topic).toBe('WithdrawalsTopic');
  });
});

describe('withdrawal status', () => {
  const base = {
    id: 'tZ0jUmlsV0',
    wallet: '18',
    destination: '22',
    body: { amount: 10000, currency: 'RUB' },
    createdAt: '2018-08-06T14:03:16.137075Z',
  };
  const withdrawal = (extra: Record<string, unknown>): Withdrawal => withdrawalSchema.parse({ ...base, ...extra });

  test.each([
    [{ status: 'Pending' }, { state: 'pending', reference: 'tZ0jUmlsV0' }],
    [
      { status: 'Succeeded' },
      { state: 'succeeded', reference: 'tZ0jUmlsV0', amount: { value: 10000, currency: 'RUB' } },
    ],
    [
      { status: 'Failed', failure: { code: 'account_limit_exceeded', subError: { code: 'amount' } } },
      {
        state: 'declined',
        reference: 'tZ0jUmlsV0',
        code: 'account_limit_exceeded:amount',
        message: 'RBKmoney withdrawal failed: account_limit_exceeded:amount',
      },
    ],
    [
      { status: 'Failed', failure: { code: 'failed' } },
      { state: 'declined', reference: 'tZ0jUmlsV0', code: 'failed', message: 'RBKmoney withdrawal failed: failed' },
    ],
    [
      { status: 'Failed' },
      { state: 'declined', reference: 'tZ0jUmlsV0', code: 'failed', message: 'RBKmoney withdrawal failed: failed' },
    ],
    [
      { status: 'Adjusting' },
      { state: 'unknown', reference: 'tZ0jUmlsV0', reason: 'RBKmoney withdrawal status "Adjusting" is not known' },
    ],
  ])('%j -> %j', (extra, expected) => {
    // Every status also says what the withdrawal holds, for the payout to check against what it sent.
    expect(withdrawalToProviderStatus(withdrawal(extra))).toEqual({
      ...expected,
      amount: { value: 10000, currency: 'RUB' },
    });
  });

  test('failure chains of any depth join with ":"', () => {
    const failure = { code: 'authorization_failed', subError: { code: 'rejected_by_issuer', subError: { code: 'x' } } };
    expect(failureCode(withdrawalSchema.parse({ ...base, status: 'Failed', failure }).failure)).toBe(
      'authorization_failed:rejected_by_issuer:x',
    );
  });
});

describe('webhook events', () => {
  const occuredAt = '2020-06-01T12:00:00Z';

  test('WithdrawalStarted: pending, keyed by externalID, with the amount', () => {
    const mapped = webhookEventToCallback(
      event({
        eventID: '1',
        occuredAt,
        topic: 'WithdrawalTopic',
        eventType: 'WithdrawalStarted',
        withdrawal: {
          id: 'tZ0jUmlsV0',
          wallet: '18',
          destination: '22',
          body: { amount: 10000, currency: 'RUB' },
          externalID: 'payout-1-a1',
        },
      }),
    );
    expect(mapped).toEqual({
      ok: true,
      event: {
        provider: 'rbkmoney',
        idempotencyKey: 'payout-1-a1',
        eventId: 'tZ0jUmlsV0:WithdrawalStarted:1',
        status: { state: 'pending', reference: 'tZ0jUmlsV0' },
        amount: { value: 10000, currency: 'RUB' },
        occurredAt: occuredAt,
      },
    });
  });

  test('WithdrawalSucceeded: succeeded', () => {
    const mapped = webhookEventToCallback(
      event({
        eventID: '5',
        occuredAt,
        topic: 'WithdrawalTopic',
        eventType: 'WithdrawalSucceeded',
        withdrawalID: 'tZ0jUmlsV0',
        externalID: 'payout-1-a1',
      }),
    );
    expect(mapped.event?.status).toEqual({ state: 'succeeded', reference: 'tZ0jUmlsV0' });
    expect(mapped.event?.eventId).toBe('tZ0jUmlsV0:WithdrawalSucceeded:5');
  });

  test('WithdrawalFailed: declined with code "failed", since the payload has no failure details', () => {
    const mapped = webhookEventToCallback(
      event({
        eventID: '5',
        occuredAt,
        topic: 'WithdrawalTopic',
        eventType: 'WithdrawalFailed',
        withdrawalID: 'tZ0jUmlsV0',
        externalID: 'payout-1-a1',
      }),
    );
    expect(mapped.event?.idempotencyKey).toBe('payout-1-a1');
    expect(mapped.event?.status).toMatchObject({ state: 'declined', reference: 'tZ0jUmlsV0', code: 'failed' });
  });

  test('a withdrawal without externalID is not one of ours', () => {
    const mapped = webhookEventToCallback(
      event({ occuredAt, topic: 'WithdrawalTopic', eventType: 'WithdrawalSucceeded', withdrawalID: 'w9' }),
    );
    expect(mapped).toMatchObject({ ok: true, event: null, other: { kind: 'WithdrawalSucceeded', subject: 'w9' } });
  });

  test('destination events are reported as other', () => {
    const created = webhookEventToCallback(
      event({
        eventID: '1',
        occuredAt,
        topic: 'DestinationTopic',
        eventType: 'DestinationCreated',
        destination: {
          id: '22',
          name: 'Card 424242******4242',
          identity: '3',
          currency: 'RUB',
          resource: { type: 'BankCard', cardNumberMask: '424242******4242', paymentSystem: 'visa' },
          externalID: 'payout-1-destination',
        },
      }),
    );
    expect(created).toMatchObject({
      event: null,
      other: { kind: 'DestinationCreated', subject: '22', detail: { externalID: 'payout-1-destination' } },
    });
    const authorized = webhookEventToCallback(
      event({ occuredAt, topic: 'DestinationTopic', eventType: 'DestinationAuthorized', destinationID: '22' }),
    );
    expect(authorized).toMatchObject({ event: null, other: { kind: 'DestinationAuthorized', subject: '22' } });
  });

  test('bodies that are not events are refused with a reason that does not echo them', () => {
    expect(parseWebhookEvent('{not json')).toEqual({ ok: false, reason: 'body is not JSON' });
    const unknown = parseWebhookEvent(JSON.stringify({ occuredAt, topic: 'WalletTopic', eventType: 'WalletCreated' }));
    expect(unknown.ok).toBe(false);
    const missing = parseWebhookEvent(
      JSON.stringify({ occuredAt, topic: 'WithdrawalTopic', eventType: 'WithdrawalFailed', externalID: pan }),
    );
    expect(missing).toMatchObject({ ok: false, reason: expect.stringContaining('withdrawalID') as unknown });
    expect(JSON.stringify(missing)).not.toContain(pan);
  });
});
