/**
 * Shared set-up for tests that drive the RBKmoney adapter against the sandbox: a sandbox serving the RBKmoney
 * module with fast timings, a callback receiver standing in for the relay, an account set up through the
 * adapter, and every exchange recorded so that it can be checked against the provider's spec.
 *
 * The sandbox is composed here from the shared pieces (ledger, faults, callbacks, timers, control routes,
 * server) because src/sandbox/sandbox.ts does not list `rbkmoneySandbox` yet; once it does, this can call
 * startSandbox({ rbkmoney: ... }) instead.
 */
import { freePort } from '../../../src/devstack/ports.js';
import {
  payoutRequestSchema,
  type PayoutRequest,
  type PayoutRequestInput,
} from '../../../src/domain/payout-request.js';
import { createLogger } from '../../../src/logging.js';
import {
  createRbkmoneyProvider,
  destinationExternalId,
  type RbkmoneyProvider,
  type RbkmoneyProviderOptions,
} from '../../../src/providers/rbkmoney/index.js';
import { CallbackDispatcher } from '../../../src/sandbox/callbacks.js';
import { sandboxSettingsFromEnv, type SandboxTiming } from '../../../src/sandbox/config.js';
import { controlRoutes } from '../../../src/sandbox/control.js';
import { defaultFaults, type FaultPatch, Faults } from '../../../src/sandbox/faults.js';
import { Ledger } from '../../../src/sandbox/ledger.js';
import type { SandboxContext } from '../../../src/sandbox/provider-module.js';
import {
  defaultRbkmoneySandboxSettings,
  rbkmoneySandbox,
  type RbkmoneySandboxSettings,
} from '../../../src/sandbox/rbkmoney/index.js';
import { createSandboxServer, type Reply, type Route } from '../../../src/sandbox/server.js';
import { Timers } from '../../../src/sandbox/timers.js';
import {
  loadRbkmoneySpec,
  rbkmoneySpecDirsForTests,
  type ConformanceProblem,
} from '../../conformance/rbkmoney/index.js';
import { startCallbackReceiver, type CallbackReceiver } from '../contract/callback-receiver.js';

export const apiKey = 'test-rbkmoney-key';
export const fingerprintKey = 'test-fingerprint-key-0123456789';
/** A header a test adds to a request it breaks on purpose: its answer is still checked, the request is not. */
export const deliberatelyInvalid = 'x-test-deliberately-invalid';

export interface RbkmoneyHarnessOptions {
  settings?: Partial<RbkmoneySandboxSettings>;
  timing?: Partial<SandboxTiming>;
  faults?: FaultPatch;
  stateFile?: string;
  provider?: Partial<RbkmoneyProviderOptions>;
}

export interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  reply: Reply;
}

export interface RbkmoneyHarness {
  url: string;
  ledger: Ledger;
  faults: Faults;
  receiver: CallbackReceiver;
  provider: RbkmoneyProvider;
  identityId: string;
  walletId: string;
  webhookPublicKeys: string[];
  exchanges: Exchange[];
  /** Another adapter against the same sandbox and account. */
  adapter(overrides?: Partial<RbkmoneyProviderOptions>): RbkmoneyProvider;
  /** What in the recorded exchanges and received webhooks does not match the spec; [] without the spec. */
  conformanceProblems(): Promise<ConformanceProblem[]>;
  close(): Promise<void>;
}

function recorded(route: Route, exchanges: Exchange[]): Route {
  return {
    ...route,
    handle: async (request) => {
      const reply = await route.handle(request);
      const query = request.query.toString();
      const text = request.body.toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        body = text;
      }
      exchanges.push({
        method: request.method,
        url: `${request.path}${query ? `?${query}` : ''}`,
        headers: request.headers,
        body,
        reply,
      });
      return reply;
    },
  };
}

export async function startRbkmoneyHarness(options: RbkmoneyHarnessOptions = {}): Promise<RbkmoneyHarness> {
  const logger = createLogger('sandbox-test', { level: 'silent' });
  const timing: SandboxTiming = {
    ...sandboxSettingsFromEnv({}).timing,
    processingMs: 100,
    slowMs: 1_500,
    callbackDelayMs: 0,
    callbackRetryMs: 100,
    callbackMaxAttempts: 3,
    callbackTimeoutMs: 2_000,
    ...options.timing,
  };
  const ledger = new Ledger(options.stateFile);
  const faults = new Faults({ ...defaultFaults, ...options.faults });
  const timers = new Timers();
  const callbacks = new CallbackDispatcher(
    faults,
    timers,
    { retryMs: timing.callbackRetryMs, maxAttempts: timing.callbackMaxAttempts, timeoutMs: timing.callbackTimeoutMs },
    logger,
  );
  const context: SandboxContext = { ledger, faults, callbacks, timers, timing, logger };
  const settings = { ...defaultRbkmoneySandboxSettings, apiKey, destinationAuthorizationMs: 50, ...options.settings };
  const module = rbkmoneySandbox(settings)(context);
  const exchanges: Exchange[] = [];
  const reset = () => {
    timers.cancelAll();
    callbacks.reset();
    ledger.reset();
    faults.reset();
    module.reset?.();
  };
  const routes = [
    ...controlRoutes({ ledger, faults, callbacks, providers: ['rbkmoney'], reset }),
    ...module.routes.map((route) => recorded(route, exchanges)),
  ];
  const server = createSandboxServer({ routes, faults, logger });
  const port = await server.listen(await freePort(), '127.0.0.1');
  module.resume?.();
  const url = `http://127.0.0.1:${port}`;
  const receiver = await startCallbackReceiver();

  const base = { baseUrl: url, apiKey, cardFingerprintKey: fingerprintKey, timeoutMs: 5_000, ...options.provider };
  const setup = await createRbkmoneyProvider(base).setupAccount({
    identity: { name: 'Payouts test', provider: 'test', externalID: 'payouts-test-identity' },
    wallet: { name: 'Payouts test wallet', currency: 'RUB', externalID: 'payouts-test-wallet' },
    webhookUrl: `${receiver.url}/webhooks/rbkmoney`,
  });
  const adapter = (overrides: Partial<RbkmoneyProviderOptions> = {}) =>
    createRbkmoneyProvider({
      ...base,
      identityId: setup.identityId,
      walletId: setup.walletId,
      walletCurrency: 'RUB',
      webhookPublicKey: setup.webhookPublicKeys,
      ...overrides,
    });

  const dirs = rbkmoneySpecDirsForTests();
  const spec = dirs ? loadRbkmoneySpec(dirs) : undefined;
  if (!dirs) console.warn('RBKmoney sandbox tests: the spec is absent, exchanges are not checked against it');

  return {
    url,
    ledger,
    faults,
    receiver,
    provider: adapter(),
    identityId: setup.identityId,
    walletId: setup.walletId,
    webhookPublicKeys: setup.webhookPublicKeys,
    exchanges,
    adapter,
    async conformanceProblems() {
      const loaded = await spec;
      if (!loaded) return [];
      const problems: ConformanceProblem[] = [];
      for (const exchange of exchanges) {
        const request = { method: exchange.method, url: exchange.url, headers: exchange.headers, body: exchange.body };
        if (!exchange.headers[deliberatelyInvalid]) problems.push(...loaded.checkRequest(request));
        const { reply } = exchange;
        const body = reply.text !== undefined ? (reply.text === '' ? undefined : reply.text) : reply.json;
        problems.push(...loaded.checkResponse(request, { status: reply.status, headers: reply.headers, body }));
      }
      for (const callback of receiver.received) {
        problems.push(
          ...loaded.checkWebhook({ headers: callback.headers, body: JSON.parse(callback.body.toString('utf8')) }),
        );
      }
      return problems;
    },
    close: async () => {
      timers.cancelAll();
      callbacks.close();
      await server.close();
      await receiver.close();
    },
  };
}

let sequence = 0;
export const newPayoutId = (prefix = 'rbk') => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

/** A payout in the wallet's currency to this card. */
export function payout(pan: string, input: Partial<PayoutRequestInput> = {}): PayoutRequest {
  return payoutRequestSchema.parse({
    payoutId: newPayoutId(),
    provider: 'rbkmoney',
    amount: 10_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'ANNA BERG' },
    ...input,
  });
}

/** What the card-binding step does: tokenize, bind under the card's fingerprint, wait for the authorization. */
export async function bindCard(harness: RbkmoneyHarness, request: PayoutRequest, timeoutMs = 5_000) {
  const { provider } = harness;
  if (!('pan' in request.card)) throw new Error('bindCard needs a card number');
  const tokenized = await provider.tokenizeCard(request.card);
  const externalID = destinationExternalId({
    fingerprint: provider.cardFingerprint(request.card),
    identityId: harness.identityId,
    currency: request.currency,
  });
  let destination = await provider.ensureDestination({
    currency: request.currency,
    token: tokenized.token,
    externalID,
    name: `Card ${tokenized.maskedPan}`,
  });
  const deadline = Date.now() + timeoutMs;
  while (!destination.usable && Date.now() < deadline) {
    await sleep(25);
    destination = (await provider.getDestination(destination.id)) ?? destination;
  }
  return destination;
}

/** Polls getStatus until it is no longer `pending` (or the deadline passes). */
export async function settledStatus(provider: RbkmoneyProvider, idempotencyKey: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await provider.getStatus({ payoutId: 'unused', idempotencyKey });
    if (status.state !== 'pending' || Date.now() > deadline) return status;
    await sleep(50);
  }
}

/** Waits for a received webhook that parses (verified) to a result matching `matches`. */
export async function callbackWhere(
  harness: RbkmoneyHarness,
  matches: (result: ReturnType<RbkmoneyProvider['parseCallback']>) => boolean,
  timeoutMs = 10_000,
) {
  const callback = await harness.receiver.waitFor(
    (received) => matches(harness.provider.parseCallback(received.body, received.headers)),
    timeoutMs,
  );
  return harness.provider.parseCallback(callback.body, callback.headers);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw call to the sandbox, for what the adapter would never send. */
export async function raw(
  harness: RbkmoneyHarness,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; omit?: string[]; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKey}`,
    'x-request-id': 'raw-test-request',
    'content-type': 'application/json; charset=utf-8',
    ...init.headers,
  };
  for (const name of init.omit ?? []) delete headers[name];
  const response = await fetch(`${harness.url}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}
