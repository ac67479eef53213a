// Answers and events as the provider documents them: the mass-payout guide's examples (2018, so some carry
// fields removed since: identity `class`/`level`, card `paymentSystem`) and, for shapes the guide does not
// show, bodies built from the spec and the server behaviour recorded in docs/PROVIDERS.md.
export const identitySample = {
  class: 'person',
  createdAt: '2018-08-06T13:46:42.234281Z',
  id: '1',
  isBlocked: false,
  level: 'anonymous',
  name: 'Megacorp inc.',
  provider: 'test',
};

export const walletSample = {
  createdAt: '2018-08-06T13:48:09.076234Z',
  currency: 'RUB',
  id: '1',
  identity: '1',
  isBlocked: false,
  name: 'Megacorp payouts wallet',
};

export const storeBankCardSample = {
  authData: '5ZAuwcI6zqZUJDtqOq1P4Y',
  bin: '424242',
  lastDigits: '4242',
  paymentSystem: 'visa',
  token:
    'eyJiaW4iOiI0MjQyNDIiLCJsYXN0RGlnaXRzIjoiNDI0MiIsInBheW1lbnRTeXN0ZW0iOiJ2aXNhIiwidG9rZW4iOiI2UVN5SzBPYndhdjUxNVF4U0N4WDV4In0',
};

export const destinationSample = {
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

export const withdrawalSample = {
  body: { amount: 10000, currency: 'RUB' },
  createdAt: '2018-08-06T14:03:16.137075Z',
  destination: '22',
  id: '11',
  status: 'Pending',
  wallet: '18',
};

export const failedWithdrawalSample = {
  ...withdrawalSample,
  externalID: 'p-1-a1',
  status: 'Failed',
  failure: { code: 'account_limit_exceeded', subError: { code: 'amount' } },
};

export const webhookSample = {
  id: '7',
  identityID: '1',
  active: true,
  url: 'https://relay.example/rbkmoney',
  scope: {
    topic: 'WithdrawalsTopic',
    walletID: '1',
    eventTypes: ['WithdrawalStarted', 'WithdrawalSucceeded', 'WithdrawalFailed'],
  },
  publicKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
};

export const badRequestSample = {
  errorType: 'InvalidResourceToken',
  name: 'BankCardDestinationResource',
  description: 'Specified resource token is invalid',
};

export const conflictSample = {
  externalID: 'p-1-a1',
  id: '11',
  message: "This 'externalID' has been used by another request",
};

const occuredAt = '2020-06-01T12:00:00Z';

export const webhookEventSamples = {
  WithdrawalStarted: {
    eventID: '1',
    occuredAt,
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalStarted',
    withdrawal: {
      id: '11',
      wallet: '18',
      destination: '22',
      body: { amount: 10000, currency: 'RUB' },
      externalID: 'p-1-a1',
    },
  },
  WithdrawalSucceeded: {
    eventID: '5',
    occuredAt,
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalSucceeded',
    withdrawalID: '11',
    externalID: 'p-1-a1',
  },
  WithdrawalFailed: {
    eventID: '5',
    occuredAt,
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalFailed',
    withdrawalID: '11',
    externalID: 'p-1-a1',
  },
  DestinationCreated: {
    eventID: '1',
    occuredAt,
    topic: 'DestinationTopic',
    eventType: 'DestinationCreated',
    destination: {
      id: '22',
      name: 'Card 424242******4242',
      identity: '3',
      currency: 'RUB',
      resource: {
        type: 'BankCard',
        cardNumberMask: '424242******4242',
        paymentSystem: 'visa',
        bin: '424242',
        lastDigits: '4242',
      },
      externalID: 'card-abc-3-RUB',
    },
  },
  DestinationAuthorized: {
    eventID: '2',
    occuredAt,
    topic: 'DestinationTopic',
    eventType: 'DestinationAuthorized',
    destinationID: '22',
    externalID: 'card-abc-3-RUB',
  },
  DestinationUnauthorized: {
    eventID: '3',
    occuredAt,
    topic: 'DestinationTopic',
    eventType: 'DestinationUnauthorized',
    destinationID: '22',
    externalID: 'card-abc-3-RUB',
  },
};
